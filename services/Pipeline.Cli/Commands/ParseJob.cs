using Pipeline.Cli.Input;
using Pipeline.Cli.Output;
using Pipeline.MailLogs;

namespace Pipeline.Cli.Commands;

/// <summary>Settings of <c>pipeline parse</c>.</summary>
/// <param name="Inputs">Files, folders or <c>-</c>.</param>
/// <param name="Appliance">Appliance name for every line; else the syslog host, else the parent folder name.</param>
/// <param name="UtcOffsetSeconds">Offset used until a <c>Time offset from UTC</c> header says otherwise.</param>
/// <param name="ReferenceTimeUtc">Year reference for year-less syslog times; else each file's modification time.</param>
public sealed record ParseSettings(IReadOnlyList<string> Inputs, string? Appliance, int? UtcOffsetSeconds, DateTime? ReferenceTimeUtc);

/// <summary>What <c>pipeline parse</c> read.</summary>
public sealed class ParseSummary
{
    /// <summary>Files read.</summary>
    public int Files { get; set; }
    /// <summary>Physical lines (newline-separated) read.</summary>
    public long PhysicalLines { get; set; }
    /// <summary>Logical lines (events written).</summary>
    public long LogicalLines { get; set; }
    /// <summary>Wrapped tails joined to the line before them.</summary>
    public long WrappedLines { get; set; }
    /// <summary>Blank physical lines skipped.</summary>
    public long BlankLines { get; set; }
    /// <summary>Bytes read.</summary>
    public long Bytes { get; set; }
    /// <summary>Events per line type.</summary>
    public long[] PerType { get; } = new long[LineTypes.Count];
    /// <summary>Unparsed events per reason.</summary>
    public Dictionary<string, long> UnparsedReasons { get; } = new(StringComparer.Ordinal);

    /// <summary>Generic notes (known id, unknown family) per type and wording: the words of the text, numbers as <c>#</c>.</summary>
    public Dictionary<(LineType Type, string Wording), long> NoteWordings { get; } = new();

    /// <summary>How many wordings of notes the summary lists.</summary>
    public const int NoteWordingsShown = 20;

    /// <summary>Unparsed events.</summary>
    public long Unparsed => PerType[(int)LineType.Unparsed];

    /// <summary>Generic notes: lines that name an id in a wording of unknown family (kept with their message).</summary>
    public long Notes => Enum.GetValues<LineType>().Where(t => t.IsNote()).Sum(t => PerType[(int)t]);

    /// <summary>Counts one event; a note's wording is recorded (notes are rare: the string is built only for them).</summary>
    public void Count(ReadOnlySpan<byte> line, in LogEvent e)
    {
        PerType[(int)e.Type]++;
        if (e.Type.IsNote())
        {
            var key = (e.Type, Wording(e.Detail.Of(line)));
            NoteWordings[key] = NoteWordings.GetValueOrDefault(key) + 1;
        }
        else if (e.UnparsedReason is { } reason)
            UnparsedReasons[reason] = UnparsedReasons.GetValueOrDefault(reason) + 1;
    }

    /// <summary>The first words of a text with every number as <c>#</c>: lines of one wording share it.</summary>
    internal static string Wording(ReadOnlySpan<byte> text)
    {
        var words = System.Text.Encoding.UTF8.GetString(text.Length > 200 ? text[..200] : text)
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(7)
            .Select(w => w.Any(char.IsDigit) && w.All(ch => char.IsDigit(ch) || ch is '.' or ',' or ':' or '[' or ']' or '(' or ')') ? "#" : w);
        return string.Join(' ', words);
    }

    /// <summary>Writes the human summary.</summary>
    public void WriteTo(TextWriter w)
    {
        w.WriteLine($"parsed {Files} file(s), {Bytes:N0} bytes: {PhysicalLines:N0} physical lines -> {LogicalLines:N0} logical lines " +
                    $"({WrappedLines:N0} wrapped tails joined, {BlankLines:N0} blank lines skipped)");
        w.WriteLine($"unparsed: {Unparsed:N0}");
        foreach (var (reason, n) in UnparsedReasons.OrderByDescending(kv => kv.Value))
            w.WriteLine($"  {n,10:N0}  {reason}");
        w.WriteLine($"notes (known id, unknown family; kept with their message): {Notes:N0}");
        foreach (var ((type, wording), n) in NoteWordings.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key.Wording, StringComparer.Ordinal).Take(NoteWordingsShown))
            w.WriteLine($"  {n,10:N0}  {type.ActionName()}: {wording} ...");
        if (NoteWordings.Count > NoteWordingsShown) w.WriteLine($"  ({NoteWordings.Count - NoteWordingsShown:N0} more wordings)");
        w.WriteLine("events per event.action:");
        foreach (var (type, n) in PerType.Select((n, i) => ((LineType)i, n)).Where(t => t.n > 0).OrderByDescending(t => t.n).ThenBy(t => t.Item1))
            w.WriteLine($"  {n,10:N0}  {type.ActionName()}");
    }
}

/// <summary>Runs <c>pipeline parse</c>: every logical line of every input becomes one JSON event.</summary>
public static class ParseJob
{
    /// <summary>Parses the inputs and writes NDJSON events to <paramref name="output"/>.</summary>
    /// <exception cref="InputException">An input is missing or unreadable.</exception>
    public static ParseSummary Run(ParseSettings settings, Stream output)
    {
        var files = InputFiles.Expand(settings.Inputs);
        var summary = new ParseSummary();
        using var writer = new NdjsonWriter(output, leaveOpen: true);
        var e = LogEvent.Empty;
        foreach (var file in files)
        {
            var context = new ParseContext(settings.UtcOffsetSeconds, settings.ReferenceTimeUtc ?? file.LastWriteUtc);
            var namer = new ApplianceNamer(file, [], settings.Appliance);
            using var stream = new MailLogStream(file.Open(), context);
            while (stream.TryRead(out var line, ref e))
            {
                EventJsonWriter.Write(writer.Buffer, line.Text, e, namer.OriginOf(e, line.Text), line.LineNumber, line.Offset, default);
                writer.EndDocument();
                summary.Count(line.Text, e);
            }
            summary.Files++;
            summary.PhysicalLines += stream.Reader.PhysicalLines;
            summary.LogicalLines += stream.Reader.LogicalLines;
            summary.WrappedLines += stream.Reader.WrappedLines;
            summary.BlankLines += stream.Reader.BlankLines;
            summary.Bytes += stream.Reader.BytesRead;
        }
        writer.Flush();
        return summary;
    }
}
