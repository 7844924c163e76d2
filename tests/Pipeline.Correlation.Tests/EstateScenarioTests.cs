using System.Buffers;
using System.Text;
using System.Text.Json;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Pipeline.Correlation.Stages;
using Pipeline.MailLogs;
using Pipeline.Simulation;

namespace Pipeline.Correlation.Tests;

/// <summary>
/// The engine judged against the estate simulator's ground truth (truth.json): for the healthy round trip and for
/// every fault kind, every message journey (hops, CPQ link ESA MID ↔ SMA MID ↔ released ESA MID, final state) is
/// found, every expected alert opens and resolves inside its window, and no other alert fires; the same with the
/// appliances fed in reverse order and with one appliance hours late.
/// </summary>
public class EstateScenarioTests
{
    /// <summary>A generated estate: appliance name → its lines in file order (parsed), and the truth.</summary>
    internal sealed class Estate
    {
        public required EstateTruth Truth { get; init; }
        public required Dictionary<string, List<byte[]>> Lines { get; init; }
        public required Dictionary<string, List<string>> Files { get; init; }
    }

    private static readonly Dictionary<string, Estate> Cache = [];
    private static readonly Lock CacheLock = new();

    internal static Estate Generate(string faults, LogFormat format = LogFormat.File, double wrapRate = 0, int esa = 3, int sma = 1)
    {
        string key = $"{faults}|{format}|{wrapRate}|{esa}|{sma}";
        lock (CacheLock)
        {
            if (Cache.TryGetValue(key, out var cached)) return cached;
            var o = new EstateOptions
            {
                Esa = esa, Sma = sma, Duration = TimeSpan.FromHours(6), Rate = 0.6, Seed = 7, Format = format, WrapRate = wrapRate,
            };
            foreach (var f in faults.Split(' ', StringSplitOptions.RemoveEmptyEntries)) o.Faults.Add(FaultSpec.Parse(f, o.Start, o.End));
            var dir = Path.Combine(Path.GetTempPath(), "pipeline-tests", "estates", Guid.NewGuid().ToString("n"));
            var result = EstateSimulator.Generate(o, dir);
            var truth = EstateTruth.Load(result.TruthPath!);
            var files = new Dictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var a in truth.Appliances)
                files[a.Name] = Directory.GetFiles(Path.Combine(dir, a.Name)).OrderBy(f => f, StringComparer.Ordinal).ToList();
            var estate = new Estate { Truth = truth, Files = files, Lines = [] };
            foreach (var (name, paths) in files)
            {
                var lines = new List<byte[]>();
                foreach (var path in paths)
                {
                    using var stream = new MailLogStream(File.OpenRead(path), new ParseContext(referenceTimeUtc: File.GetLastWriteTimeUtc(path)));
                    var e = LogEvent.Empty;
                    while (stream.TryRead(out var line, ref e)) lines.Add(line.Text.ToArray());
                }
                estate.Lines[name] = lines;
            }
            Directory.Delete(dir, recursive: true);
            Cache[key] = estate;
            return estate;
        }
    }

    internal sealed class Result
    {
        public List<FlowDocument> Flows { get; } = [];
        public List<string> FlowJson { get; } = [];
        public IReadOnlyList<AlertDocument> Alerts { get; set; } = [];
        public List<string> AlertJson { get; } = [];
        public EstatePipeline Engine { get; set; } = null!;
    }

    /// <summary>
    /// Runs the engine over the estate. <paramref name="order"/> gives the appliances in feeding order; each
    /// appliance's lines in their own order, optionally in slices so that appliances interleave.
    /// Syslog appliances are named by their host, as <c>pipeline analyze</c> names them.
    /// </summary>
    internal static Result Run(Estate estate, IEnumerable<(string Appliance, int From, int To)> order, int joinPartitions = 1)
    {
        var r = new Result();
        var engine = new EstatePipeline(joinPartitions: joinPartitions);
        r.Engine = engine;
        engine.FlowCompleted += f =>
        {
            r.Flows.Add(f);
            r.FlowJson.Add(Json(w => DocumentJson.WriteFlow(w, f)));
        };
        var contexts = new Dictionary<string, ParseContext>();
        var e = LogEvent.Empty;
        foreach (var (appliance, from, to) in order)
        {
            var ctx = contexts.TryGetValue(appliance, out var c) ? c : contexts[appliance] = new ParseContext(referenceTimeUtc: estate.Truth.End);
            var lines = estate.Lines[appliance];
            for (int i = from; i < Math.Min(to, lines.Count); i++)
            {
                MailLogParser.Parse(lines[i], ctx, ref e);
                Assert.True(e.Type != LineType.Unparsed, "unparsed: " + Encoding.UTF8.GetString(lines[i]));
                string name = e.Host.HasValue ? e.Host.ToString(lines[i])! : appliance;
                engine.Observe(name, e, lines[i]);
            }
        }
        r.Alerts = engine.Complete();
        foreach (var a in r.Alerts) r.AlertJson.Add(Json(w => DocumentJson.WriteAlert(w, a)));
        return r;
    }

    internal static IEnumerable<(string, int, int)> Whole(Estate estate, bool reversed = false)
    {
        var names = estate.Lines.Keys.Order(StringComparer.Ordinal).ToList();
        if (reversed) names.Reverse();
        return names.Select(n => (n, 0, int.MaxValue));
    }

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var b = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(b)) write(w);
        return Encoding.UTF8.GetString(b.WrittenSpan);
    }

    /// <summary>Every truth message is one flow with the same hops, final state and CPQ link.</summary>
    internal static void AssertFlowsMatchTruth(Estate estate, Result run)
    {
        var nameOf = estate.Truth.Appliances.ToDictionary(a => a.Name, a => a.Format == "syslog" && a.SyslogVariant != "nohost" ? a.Hostname : a.Name);
        var byHop = new Dictionary<(string, long), FlowDocument>();
        foreach (var f in run.Flows)
            foreach (var h in f.Hops)
                Assert.True(byHop.TryAdd((h.Appliance, h.Mid), f), $"hop {h.Appliance}:{h.Mid} in two flows");

        var problems = new List<string>();
        foreach (var m in estate.Truth.Messages)
        {
            var first = m.Hops[0];
            if (!byHop.TryGetValue((nameOf[first.Appliance], first.Mid), out var flow))
            {
                problems.Add($"{m.Id}: no flow with hop {first.Appliance}:{first.Mid}");
                continue;
            }
            var expectedHops = m.Hops.Select(h => (nameOf[h.Appliance], h.Mid)).Order().ToList();
            var actualHops = flow.Hops.Select(h => (h.Appliance, h.Mid)).Order().ToList();
            if (!expectedHops.SequenceEqual(actualHops))
                problems.Add($"{m.Id}: hops {string.Join(",", actualHops)} instead of {string.Join(",", expectedHops)}");
            if (flow.State != m.FinalState)
                problems.Add($"{m.Id}: state {flow.State} instead of {m.FinalState}");
            if (m.Cpq is { } t)
            {
                var c = flow.Cpq;
                if (c is null) { problems.Add($"{m.Id}: no cpq leg"); continue; }
                var expected = (nameOf[t.Esa], t.EsaMid, nameOf[t.Sma], t.SmaMid, t.ReleaseEsaMid);
                var actual = (c.Esa, c.EsaMid ?? -1, c.Sma, c.SmaMid, c.ReleaseEsaMid);
                if (t.TransferredAt is null) expected.Item4 = null; // never accepted: no SMA MID to know
                if (actual != expected) problems.Add($"{m.Id}: cpq {actual} instead of {expected}");
                if (c.ReleasedAt != t.ReleasedAt || c.DeletedAt != t.DeletedAt)
                    problems.Add($"{m.Id}: released/deleted {c.ReleasedAt}/{c.DeletedAt} instead of {t.ReleasedAt}/{t.DeletedAt}");
            }
        }
        Assert.True(problems.Count == 0, $"{problems.Count} of {estate.Truth.Messages.Count} messages differ:\n" + string.Join("\n", problems.Take(25)));
        Assert.Equal(estate.Truth.Messages.Count, run.Flows.Count);
    }

    /// <summary>Every expected alert opens and resolves inside its window, and nothing else fires.</summary>
    internal static void AssertAlertsMatchTruth(Estate estate, Result run)
    {
        var nameOf = estate.Truth.Appliances.ToDictionary(a => a.Name, a => a.Format == "syslog" && a.SyslogVariant != "nohost" ? a.Hostname : a.Name);
        var matched = new HashSet<AlertDocument>();
        var problems = new List<string>();
        var slack = TimeSpan.FromMinutes(5);
        foreach (var fault in estate.Truth.Faults)
        {
            foreach (var x in fault.ExpectedAlerts)
            {
                string appliance = nameOf[x.Appliance];
                string? peer = x.Peer is null ? null : nameOf[x.Peer];
                var found = run.Alerts.Where(a => a.Kind == x.Kind && a.Appliance == appliance && a.Peer == peer
                                                  && a.OpenedAt >= x.FirstSignalAt && a.OpenedAt <= fault.To).ToList();
                if (found.Count != 1)
                {
                    problems.Add($"{fault.Spec}: expected one {x.Kind} {appliance}→{peer} opening in [{x.FirstSignalAt:O}, {fault.To:O}], found {found.Count}");
                    continue;
                }
                var a = found[0];
                matched.Add(a);
                if (x.ResolvedAt is { } resolved)
                {
                    if (a.ResolvedAt is not { } r || r < x.LastSignalAt || r > resolved + slack)
                        problems.Add($"{fault.Spec}: {x.Kind} resolved at {a.ResolvedAt:O}, expected in [{x.LastSignalAt:O}, {resolved + slack:O}]");
                }
                else if (a.ResolvedAt is not null) problems.Add($"{fault.Spec}: {x.Kind} resolved, expected still open");
            }
        }
        foreach (var a in run.Alerts.Where(a => !matched.Contains(a)))
            problems.Add($"unexpected alert {a.Kind} {a.Appliance}→{a.Peer} {a.OpenedAt:O}..{a.ResolvedAt:O}: {a.Summary}");
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    public static TheoryData<string> Faults => new()
    {
        "",
        "tls-anon:esa01@2h-3h30m",
        "port-blocked:esa02@2h-3h",
        "listener-suspended:sma01@2h-3h",
        "listener-suspended:esa03@2h-3h30m",
        "sma-app-fault:sma01@2h-3h",
        "quarantine-full:sma01@2h-3h",
        "silent:esa01@2h-3h",
        "silent:sma01@3h-4h",
    };

    [Theory]
    [MemberData(nameof(Faults))]
    public void Flows_and_alerts_match_the_truth(string faults)
    {
        var estate = Generate(faults);
        var run = Run(estate, Whole(estate));
        AssertFlowsMatchTruth(estate, run);
        AssertAlertsMatchTruth(estate, run);
        if (faults.Length > 0) Assert.NotEmpty(estate.Truth.Faults.SelectMany(f => f.ExpectedAlerts));
        // The healthy estate really does round trips: transfers, releases that come back, deletions.
        if (faults.Length == 0)
        {
            Assert.Contains(run.Flows, f => f.Cpq is { ReleaseEsaMid: not null, ReturnedAt: not null } && f.Hops.Count == 3 && f.State == FlowStates.Delivered);
            Assert.Contains(run.Flows, f => f.State == FlowStates.Deleted);
            Assert.Empty(run.Alerts);
        }
    }

    [Theory]
    [InlineData("tls-anon:esa01@2h-3h30m listener-suspended:esa03@2h-3h30m")]
    [InlineData("quarantine-full:sma01@2h-3h silent:esa02@4h-5h")]
    public void The_result_does_not_depend_on_appliance_order_or_one_appliance_being_hours_late(string faults)
    {
        var estate = Generate(faults);
        var forward = Run(estate, Whole(estate));
        var reversed = Run(estate, Whole(estate, reversed: true));
        Assert.Equal(forward.FlowJson.Order(StringComparer.Ordinal), reversed.FlowJson.Order(StringComparer.Ordinal));
        Assert.Equal(forward.AlertJson, reversed.AlertJson);

        // The SMA's lines arrive after the ESAs have logged half the day (hours late), then the ESAs finish.
        var esas = estate.Lines.Keys.Where(n => n.StartsWith("esa", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        var late = esas.Select(n => (n, 0, estate.Lines[n].Count / 2))
            .Concat(estate.Lines.Keys.Where(n => n.StartsWith("sma", StringComparison.Ordinal)).Select(n => (n, 0, int.MaxValue)))
            .Concat(esas.Select(n => (n, estate.Lines[n].Count / 2, int.MaxValue)));
        var lateRun = Run(estate, late);
        Assert.Equal(forward.FlowJson.Order(StringComparer.Ordinal), lateRun.FlowJson.Order(StringComparer.Ordinal));
        Assert.Equal(forward.AlertJson, lateRun.AlertJson);
        AssertFlowsMatchTruth(estate, forward);
        AssertAlertsMatchTruth(estate, forward);
    }

    [Fact]
    public void Syslog_and_wrapped_lines_give_the_same_journeys()
    {
        var estate = Generate("tls-anon:esa02@2h-3h", LogFormat.Mixed, wrapRate: 0.02);
        var run = Run(estate, Whole(estate));
        AssertFlowsMatchTruth(estate, run);
        AssertAlertsMatchTruth(estate, run);
    }
}
