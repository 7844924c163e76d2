using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;
using Perfolizer.Metrology;
using Pipeline.Correlation;
using Pipeline.Correlation.Stages;
using Pipeline.Protocol;
using Pipeline.MailLogs;
using Pipeline.Simulation;

namespace Pipeline.Benchmarks;

/// <summary>The correlation classes' job: times and allocations per operation as BenchmarkDotNet reports them.</summary>
public class CorrelationConfig : ManualConfig
{
    public CorrelationConfig()
    {
        AddJob(Job.Default.WithId("OneCore").WithLaunchCount(1).WithWarmupCount(6).WithIterationCount(8));
        AddColumn(StatisticColumn.Median);
        SummaryStyle = SummaryStyle.Default.WithTimeUnit(TimeUnit.Nanosecond).WithSizeUnit(SizeUnit.B)
            .WithCultureInfo(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// Memory per open message: one operation opens one message in a fresh engine (the lines every message has before
/// it is delivered: Start, From, To, Message-ID, Subject, ready, queued) and keeps it open. With
/// OperationsPerInvoke = messages, BenchmarkDotNet's Allocated column is the bytes allocated per open message,
/// nearly all of which the open message keeps (its hop, its strings, its share of the maps). The lines are parsed in
/// the setup, so only stitching is measured.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CorrelationConfig))]
public class OpenMessageMemory
{
    private const int Messages = 10_000;
    private readonly List<(byte[] Line, LogEvent Event)> _lines = [];

    [GlobalSetup]
    public void Setup()
    {
        var ctx = new ParseContext();
        void Add(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            var e = LogEvent.Empty;
            MailLogParser.Parse(bytes, ctx, ref e);
            if (e.Type == LineType.Unparsed) throw new InvalidOperationException("unparsed: " + text);
            _lines.Add((bytes, e));
        }
        const string t = "Tue Mar 10 09:00:00 2026 Info: ";
        Add($"{t}New SMTP ICID 1 interface Data 1 (10.1.0.10) address 192.0.2.1 reverse dns host mx.example.org verified yes");
        for (int i = 0; i < Messages; i++)
        {
            long mid = 1000 + i;
            Add($"{t}Start MID {mid} ICID 1");
            Add($"{t}MID {mid} ICID 1 From: <sender{i}@example.org>");
            Add($"{t}MID {mid} ICID 1 RID 0 To: <user{i}@corp.example.com>");
            Add($"{t}MID {mid} Message-ID '<{i}.{mid}.JavaMail.root@mta{i % 50}.example.org>'");
            Add($"{t}MID {mid} Subject 'Quarterly report {i}'");
            Add($"{t}MID {mid} ready {5000 + i} bytes from <sender{i}@example.org>");
            Add($"{t}MID {mid} queued for delivery");
        }
    }

    /// <summary>Opens <see cref="Messages"/> messages; per operation: one open message.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public int OpenOneMessage()
    {
        var engine = new EstatePipeline();
        foreach (var (line, e) in _lines) engine.Observe("esa01", e, line);
        return engine.OpenMessages;
    }

    /// <summary>
    /// Baseline: what a script that keeps each open message's raw lines until it finishes holds (the lines as
    /// strings, grouped by MID in a dictionary).
    /// </summary>
    [Benchmark(Baseline = true, OperationsPerInvoke = Messages)]
    public int KeepRawLines()
    {
        var open = new Dictionary<long, List<string>>();
        foreach (var (line, e) in _lines)
        {
            if (e.Mid < 0) continue;
            if (!open.TryGetValue(e.Mid, out var lines)) open[e.Mid] = lines = [];
            lines.Add(Encoding.UTF8.GetString(line));
        }
        return open.Count;
    }
}

/// <summary>
/// Stitching and joining throughput on a simulated estate (3 ESAs, 1 SMA, 3 hours, with a CPQ outage), lines parsed
/// in the setup: per operation one line through <see cref="EstatePipeline.Observe"/>, including the flows it
/// completes and, at the end, the remaining flows and the alerts. One thread.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(CorrelationConfig))]
public class StitchAndJoin
{
    private readonly List<(string Appliance, byte[] Line, LogEvent Event)> _lines = [];

    [GlobalSetup]
    public void Setup()
    {
        var options = new EstateOptions { Esa = 3, Sma = 1, Duration = TimeSpan.FromHours(3), Rate = 2, Seed = 5 };
        options.Faults.Add(FaultSpec.Parse("tls-anon:esa01@1h-2h", options.Start, options.End));
        string dir = Path.Combine(Path.GetTempPath(), "pipeline-bench-stitch-" + Environment.ProcessId);
        EstateSimulator.Generate(options, dir);
        foreach (var folder in Directory.GetDirectories(dir).Order(StringComparer.Ordinal))
        {
            string appliance = Path.GetFileName(folder);
            foreach (var file in Directory.GetFiles(folder).Order(StringComparer.Ordinal))
            {
                using var stream = new MailLogStream(File.OpenRead(file), new ParseContext(referenceTimeUtc: File.GetLastWriteTimeUtc(file)));
                var e = LogEvent.Empty;
                while (stream.TryRead(out var line, ref e)) _lines.Add((appliance, line.Text.ToArray(), e));
            }
        }
        Directory.Delete(dir, recursive: true);
        Lines = _lines.Count;
        Console.WriteLine($"// StitchAndJoin: {Lines} lines per operation");
    }

    /// <summary>Lines in the estate (operations per invocation).</summary>
    public static int Lines;

    /// <summary>
    /// Baseline: grep-style stitching, as a script would do it: group the lines by appliance and MID (no ICID/DCID
    /// context, no joining across appliances, no detectors), and count a message when its <c>Message finished</c>
    /// line comes.
    /// </summary>
    [Benchmark(Baseline = true)]
    public long GroupByMid()
    {
        var open = new Dictionary<(string, long), List<byte[]>>();
        long finished = 0;
        foreach (var (appliance, line, e) in _lines)
        {
            if (e.Mid < 0) continue;
            if (!open.TryGetValue((appliance, e.Mid), out var lines)) open[(appliance, e.Mid)] = lines = [];
            lines.Add(line);
            if (e.Type == LineType.MessageFinished && open.Remove((appliance, e.Mid))) finished++;
        }
        return finished + open.Count;
    }

    [Benchmark]
    public long StitchJoinDetect()
    {
        var engine = new EstatePipeline();
        long flows = 0;
        engine.FlowCompleted += _ => flows++;
        foreach (var (appliance, line, e) in _lines) engine.Observe(appliance, e, line);
        engine.Complete();
        return flows;
    }
}
