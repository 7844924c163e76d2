using System.Text;

namespace Pipeline.MailLogs.Tests;

/// <summary>
/// Lines published by others (realworld/lines.tsv, sources in realworld/README.md): each gives its event.action and
/// the fields the row names. Covers the envelope variants relays write and the families of AsyncOS 4-16.
/// </summary>
public class RealWorldLineTests
{
    /// <summary>One row of lines.tsv.</summary>
    public sealed record Row(int Number, string Source, string Action, string Line, string[] Fields)
    {
        public override string ToString() => $"{Number}: {Action}: {Line}";
    }

    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "realworld");

    public static IReadOnlyList<Row> Rows { get; } = File.ReadLines(Path.Combine(Folder, "lines.tsv"))
        .Select((text, i) => (text, i))
        .Where(t => t.text.Length > 0 && t.text[0] != '#')
        .Select(t =>
        {
            var cols = t.text.Split('\t');
            return new Row(t.i + 1, cols[0], cols[1], cols[2], cols[3..]);
        })
        .ToList();

    public static TheoryData<Row> Data
    {
        get
        {
            var d = new TheoryData<Row>();
            foreach (var r in Rows) d.Add(r);
            return d;
        }
    }

    private static readonly string[] Levels = ["Info:", "Warning:", "Critical:", "Debug:", "Trace:"];

    /// <summary>The line as parsed: one published without a time gets a file-format stamp.</summary>
    internal static string Complete(string line) =>
        Levels.Any(l => line.StartsWith(l, StringComparison.Ordinal)) ? "Wed Nov 19 09:16:38 2014 " + line : line;

    [Theory]
    [MemberData(nameof(Data))]
    public void Real_line_gives_its_type_and_fields(Row row)
    {
        var p = new Parsed(Complete(row.Line), new ParseContext(referenceTimeUtc: new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.True(row.Action == p.Field("action"), $"expected {row.Action}, got {p.Field("action")} ({p.Field("unparsed_reason")}) for: {row.Line}");
        if (row.Action != "unparsed") Assert.True(p.Event.UtcTicks > 0, "no time: " + row.Line);
        p.AssertFields(row.Fields);
    }

    [Fact]
    public void Every_row_names_a_listed_source()
    {
        var readme = File.ReadAllText(Path.Combine(Folder, "README.md"));
        var unlisted = Rows.Where(r => !readme.Contains($"| `{r.Source}` |", StringComparison.Ordinal)).ToList();
        Assert.True(unlisted.Count == 0, "rows without a listed source: " + string.Join(", ", unlisted));
        Assert.True(Rows.Count > 150);
    }

    [Fact]
    public void Real_lines_read_as_a_file_keep_one_record_per_line()
    {
        // All rows as one file: the folding rule must not glue any of them to the line before.
        var text = string.Join("\n", Rows.Select(r => Complete(r.Line))) + "\n";
        using var reader = new LogicalLineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)));
        int n = 0;
        while (reader.TryRead(out _)) n++;
        Assert.Equal(Rows.Count, n);
        Assert.Equal(0, reader.WrappedLines);
    }
}
