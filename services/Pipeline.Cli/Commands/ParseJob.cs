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

    /// <summary>Unparsed events.</summary>
    public long Unparsed => PerType[(int)LineType.Unparsed];

    /// <summary>Writes the human summary.</summary>
    public void WriteTo(TextWriter w)
    {
        w.WriteLine($"parsed {Files} file(s), {Bytes:N0} bytes: {PhysicalLines:N0} physical lines -> {LogicalLines:N0} logical lines " +
                    $"({WrappedLines:N0} wrapped tails joined, {BlankLines:N0} blank lines skipped)");
        w.WriteLine($"unparsed: {Unparsed:N0}");
        foreach (var (reason, n) in UnparsedReasons.OrderByDescending(kv => kv.Value))
            w.WriteLine($"  {n,10:N0}  {reason}");
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
                summary.PerType[(int)e.Type]++;
                if (e.UnparsedReason is { } reason)
                    summary.UnparsedReasons[reason] = summary.UnparsedReasons.GetValueOrDefault(reason) + 1;
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
