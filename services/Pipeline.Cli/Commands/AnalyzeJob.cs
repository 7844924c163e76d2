using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using Pipeline.Cli.Input;
using Pipeline.Arrow;
using Pipeline.Cli.Output;
using Pipeline.Correlation;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Pipeline.Correlation.Stages;
using Pipeline.Protocol;
using Pipeline.MailLogs;
using Pipeline.Report;

namespace Pipeline.Cli.Commands;

/// <summary>Settings of <c>pipeline analyze</c>.</summary>
public sealed record AnalyzeSettings
{
    /// <summary>Files, folders or <c>-</c>.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }
    /// <summary>Output folder.</summary>
    public required string OutDir { get; init; }
    /// <summary><c>NAME=GLOB</c> rules.</summary>
    public IReadOnlyList<ApplianceRule> Appliances { get; init; } = [];
    /// <summary>Configured roles.</summary>
    public IReadOnlyDictionary<string, ApplianceRole> Roles { get; init; } = new Dictionary<string, ApplianceRole>();
    /// <summary>Offset for files without a <c>Time offset from UTC</c> header.</summary>
    public int? UtcOffsetSeconds { get; init; }
    /// <summary>Engine options (CPQ port, thresholds).</summary>
    public CorrelationOptions Options { get; init; } = new();
    /// <summary>Called now and then while reading (bytes read, total bytes or -1, lines).</summary>
    public Action<AnalyzeProgress>? Progress { get; init; }
}

/// <summary>How far <c>pipeline analyze</c> is.</summary>
/// <param name="Bytes">Input bytes read.</param>
/// <param name="TotalBytes">Input size when known, else -1.</param>
/// <param name="Lines">Lines read.</param>
/// <param name="File">The file being read.</param>
/// <param name="Phase">reading, or finishing (flows, alerts, report).</param>
public sealed record AnalyzeProgress(long Bytes, long TotalBytes, long Lines, string File, string Phase);

/// <summary>What <c>pipeline analyze</c> found.</summary>
public sealed class AnalyzeSummary
{
    /// <summary>Files read.</summary>
    public int Files { get; set; }
    /// <summary>Bytes read.</summary>
    public long Bytes { get; set; }
    /// <summary>Logical lines (events).</summary>
    public long Lines { get; set; }
    /// <summary>Unparsed lines.</summary>
    public long Unparsed { get; set; }
    /// <summary>Appliances and their roles.</summary>
    public SortedDictionary<string, string> Appliances { get; } = new(StringComparer.Ordinal);
    /// <summary>Correlation counters.</summary>
    public CorrelationStats Stats { get; set; } = new();
    /// <summary>Alerts.</summary>
    public IReadOnlyList<AlertDocument> Alerts { get; set; } = [];
    /// <summary>Wall time.</summary>
    public TimeSpan Elapsed { get; set; }
    /// <summary>Output files.</summary>
    public List<string> Outputs { get; } = [];
    /// <summary>The messages stuck longest at the end (in transfer, released but not back, open), oldest first.</summary>
    public IReadOnlyList<FlowDocument> OldestStuck { get; set; } = [];

    /// <summary>Lines read per second of wall time.</summary>
    public double LinesPerSecond => Lines / Math.Max(Elapsed.TotalSeconds, 1e-6);

    /// <summary>Alerts as the summaries list them: open ones first, each group by opening time.</summary>
    public IEnumerable<AlertDocument> AlertsInListOrder => Alerts.OrderBy(a => a.ResolvedAt is null ? 0 : 1).ThenBy(a => a.OpenedAt);

    /// <summary>An alert's window as the summaries print it: <c>since T</c> while open, else <c>T1 .. T2</c>.</summary>
    public static string Window(AlertDocument a) =>
        a.ResolvedAt is { } r ? $"{DocumentJson.Time(a.OpenedAt)} .. {DocumentJson.Time(r)}" : $"since {DocumentJson.Time(a.OpenedAt)}";

    /// <summary>Writes the human summary.</summary>
    public void WriteTo(TextWriter w)
    {
        w.WriteLine($"analyzed {Files} file(s), {Lines:N0} lines ({Unparsed:N0} unparsed) from {Appliances.Count} appliance(s) in {Elapsed.TotalSeconds:F1} s ({LinesPerSecond:N0} lines/s)");
        w.WriteLine("appliances: " + string.Join(", ", Appliances.Select(a => $"{a.Key} ({a.Value})")));
        w.WriteLine($"messages (flows): {Stats.Flows:N0}   " + string.Join("  ", FlowStates.All.Select(s => $"{s} {Stats.FlowsByState[s]:N0}")));
        w.WriteLine($"CPQ transfers: {Stats.CpqTransfers:N0} (released {Stats.CpqReleases:N0}); flows across appliances: {Stats.CrossApplianceFlows:N0}");
        int open = Alerts.Count(a => a.ResolvedAt is null);
        w.WriteLine($"alerts: {open} open, {Alerts.Count - open} resolved");
        foreach (var a in AlertsInListOrder)
        {
            w.WriteLine($"  {(a.ResolvedAt is null ? "OPEN    " : "resolved")} {a.Kind,-22} {Window(a)}  {a.Summary}");
            if (a.ResolvedAt is null) w.WriteLine($"           hint: {a.Hint}");
        }
        w.WriteLine("outputs: " + string.Join(", ", Outputs));
    }
}

/// <summary>
/// Runs <c>pipeline analyze</c>: parses every input, writes one event per line, feeds the correlation engine, and
/// writes the flows as they complete and the alerts at the end.
/// </summary>
public static class AnalyzeJob
{
    /// <summary>Runs the analysis.</summary>
    /// <exception cref="InputException">An input is missing or unreadable, or the settings do not fit the inputs.</exception>
    public static AnalyzeSummary Run(AnalyzeSettings settings)
    {
        var clock = Stopwatch.StartNew();
        var files = InputFiles.Expand(settings.Inputs);
        // A rule that names no file would silently leave its appliance to the fallback names.
        foreach (var rule in settings.Appliances)
            if (!files.Any(f => !f.IsStdin && rule.Matches(f.Path)))
                throw new InputException($"--appliance {rule.Name}={rule.Glob} matches none of the {files.Count} input file(s)");
        long totalBytes = files.Any(f => f.Length < 0) ? -1 : files.Sum(f => f.Length);
        long bytesBefore = 0;
        Directory.CreateDirectory(settings.OutDir);
        var summary = new AnalyzeSummary();
        var engine = new EstatePipeline(settings.Options with { Roles = settings.Roles });

        string Out(string name) => Path.Combine(settings.OutDir, name);
        var report = new ReportCollector();
        using (var flows = new NdjsonWriter(DirectFile.Create(Out("flows.ndjson"))))
        using (var flowsArrow = new FlowArrowWriter(DirectFile.Create(Out(ArrowOutput.FlowsFileName))))
        using (var events = new EventOutputs(Out("events.ndjson"), Out(ArrowOutput.EventsFileName), f =>
               {
                   DocumentJson.WriteFlow(flows.Json, f);
                   flows.EndDocument();
                   flowsArrow.Append(f);
                   report.Add(f);
               }))
        {
            engine.FlowCompleted += events.AddFlow;
            var e = LogEvent.Empty;
            var occurrences = new Dictionary<(string, ulong), int>();
            long occurrenceSecond = 0;
            foreach (var file in files)
            {
                var context = new ParseContext(settings.UtcOffsetSeconds, file.LastWriteUtc);
                var namer = new ApplianceNamer(file, settings.Appliances);
                using var stream = new MailLogStream(file.Open(), context);
                while (stream.TryRead(out var line, ref e))
                {
                    var origin = namer.OriginOf(e, line.Text);
                    var name = origin.Appliance;
                    // Identical lines in the same second get -1, -2... so every event keeps its own id.
                    ulong hash = EventId.Hash(name, line.Text);
                    long second = e.UtcTicks / TimeSpan.TicksPerSecond;
                    if (second != occurrenceSecond) { occurrences.Clear(); occurrenceSecond = second; }
                    ref int seen = ref CollectionsMarshal.GetValueRefOrAddDefault(occurrences, (name, hash), out bool repeated);
                    int n = seen = repeated ? seen + 1 : 0;
                    events.Add(line.Text, e, origin, hash, n, line.LineNumber, line.Offset);
                    summary.Lines++;
                    if (e.Type == LineType.Unparsed) summary.Unparsed++;
                    engine.Observe(name, e, line.Text);
                    if ((summary.Lines & 0xFFFF) == 0)
                        settings.Progress?.Invoke(new AnalyzeProgress(bytesBefore + stream.Reader.BytesRead, totalBytes, summary.Lines, file.Path, "reading"));
                }
                summary.Files++;
                summary.Bytes += stream.Reader.BytesRead;
                bytesBefore += file.Length >= 0 ? file.Length : stream.Reader.BytesRead;
            }
            settings.Progress?.Invoke(new AnalyzeProgress(bytesBefore, totalBytes, summary.Lines, "", "finishing"));
            summary.Alerts = engine.Complete();
            events.Complete();
        }
        using (var alerts = new NdjsonWriter(File.Create(Out("alerts.ndjson"))))
        using (var alertsArrow = new AlertArrowWriter(File.Create(Out(ArrowOutput.AlertsFileName))))
        {
            foreach (var a in summary.Alerts)
            {
                DocumentJson.WriteAlert(alerts.Json, a);
                alerts.EndDocument();
                alertsArrow.Append(a);
            }
        }
        var reportData = report.Build(engine.Estate, engine.Stats, summary.Alerts, summary.Files, summary.Lines, summary.Unparsed);
        ReportRenderer.WriteFile(reportData, Out("report.html"));
        summary.OldestStuck = reportData.OldestStuck;

        var found = engine.Appliances.ToList();
        var unknownRoles = settings.Roles.Keys.Where(n => !found.Contains(n)).ToList();
        if (unknownRoles.Count > 0)
            throw new InputException($"--role names appliances with no lines in the input: {string.Join(", ", unknownRoles)} " +
                                     $"(appliances found: {string.Join(", ", found)})");
        foreach (var a in engine.Estate.Appliances) summary.Appliances[a.Name] = a.Role.Name();
        summary.Stats = engine.Stats;
        string[] outputs = ["events.ndjson", "flows.ndjson", "alerts.ndjson", ArrowOutput.EventsFileName, ArrowOutput.FlowsFileName,
            ArrowOutput.AlertsFileName, "report.html"];
        summary.Outputs.AddRange(outputs.Select(Out));
        summary.Elapsed = clock.Elapsed;
        // Diagnostics for performance work (docs/benchmarks.md): garbage collections and their pauses during the run.
        if (Environment.GetEnvironmentVariable("PIPELINE_GC_STATS") == "1")
            Console.Error.WriteLine($"gc: gen0 {GC.CollectionCount(0)} gen1 {GC.CollectionCount(1)} gen2 {GC.CollectionCount(2)} pause {GC.GetTotalPauseDuration().TotalSeconds:F1} s allocated {GC.GetTotalAllocatedBytes() / (1 << 20):N0} MB");
        return summary;
    }
}
