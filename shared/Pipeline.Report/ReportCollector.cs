using Pipeline.Correlation;
using Pipeline.Correlation.Model;

namespace Pipeline.Report;

/// <summary>
/// Gathers what the HTML report shows while <c>pipeline analyze</c> runs: a bounded set of flows for the search box
/// (quarantine and problem flows first), the quarantine dwell times, and at the end the appliances, queue backlogs
/// and alerts from the engine.
/// </summary>
public sealed class ReportCollector(int maxFlows = 50_000)
{
    private const int MaxDwell = 100_000;
    private const int MaxStuck = 50;
    private readonly List<FlowDocument> _important = [];
    private readonly List<FlowDocument> _others = [];
    private readonly List<FlowDocument> _stuck = [];
    private readonly List<long> _dwell = [];
    private long _deleted;

    /// <summary>Notes a completed flow.</summary>
    public void Add(FlowDocument f)
    {
        bool important = f.Cpq is not null || f.State is not (FlowStates.Delivered or FlowStates.Aborted);
        if (important) { if (_important.Count < maxFlows) _important.Add(f); }
        else if (_important.Count + _others.Count < maxFlows) _others.Add(f);
        if (f.State is FlowStates.InTransfer or FlowStates.Released or FlowStates.Open)
        {
            _stuck.Add(f);
            // Only the oldest are shown: trim now and then so that memory stays bounded.
            if (_stuck.Count >= 4 * MaxStuck)
            {
                var oldest = OldestStuckFirst(_stuck).Take(MaxStuck).ToList();
                _stuck.Clear();
                _stuck.AddRange(oldest);
            }
        }
        if (f.Cpq is { } c)
        {
            if (c.DeletedAt is not null) _deleted++;
            if (c.DwellSeconds is { } dwell && _dwell.Count < MaxDwell) _dwell.Add(dwell);
        }
    }

    /// <summary>Builds the report data once the engine has completed.</summary>
    public ReportData Build(CorrelationEngine engine, IReadOnlyList<AlertDocument> alerts, int files, long lines, long unparsed)
    {
        var dir = engine.Directory;
        var data = new ReportData
        {
            Title = "pipeline report",
            Files = files,
            Lines = lines,
            Unparsed = unparsed,
            Messages = engine.Stats.Flows,
            FlowsByState = new Dictionary<string, long>(engine.Stats.FlowsByState),
            CpqTransfers = engine.Stats.CpqTransfers,
            CpqReleases = engine.Stats.CpqReleases,
            CpqDeleted = _deleted,
            QuarantineDwellSeconds = _dwell,
            Alerts = [.. alerts],
            FlowsTotal = engine.Stats.Flows,
        };
        foreach (var name in engine.Appliances)
        {
            var s = engine.For(name);
            data.Appliances.Add(new ApplianceSummary
            {
                Name = name, Role = dir.RoleName(name), Lines = s.Lines,
                FirstLine = s.MinTime > 0 ? new DateTime(s.MinTime, DateTimeKind.Utc) : null,
                LastLine = s.MaxTime > 0 ? new DateTime(s.MaxTime, DateTimeKind.Utc) : null,
                Ips = dir.IpsOf(name).ToList(),
            });
            foreach (var q in s.Queues.Where(q => q.Series.Count > 0))
                data.Queues.Add(new QueueSeries
                {
                    Queue = q.Kind == AlertKinds.CpqReleaseStuck ? ReportView.ReleaseQueue : ReportView.TransferQueue,
                    Appliance = name,
                    Peer = dir.PeerName(q.Peer),
                    Points = q.Series.Select(p => new QueuePoint(new DateTime(p.Time, DateTimeKind.Utc), p.Waiting, p.OldestAge / TimeSpan.TicksPerSecond)).ToList(),
                });
        }
        var times = data.Appliances.Where(a => a.FirstLine is not null).ToList();
        if (times.Count > 0)
        {
            data.DataStart = times.Min(a => a.FirstLine);
            data.DataEnd = times.Max(a => a.LastLine);
        }
        data.OldestStuck = OldestStuckFirst(_stuck).Take(MaxStuck).ToList();
        data.Flows = [.. _important, .. _others];
        return data;
    }

    /// <summary>Messages stuck in a CPQ queue first (the.cpq.host, then the.cpq.release.host), then other unfinished ones; the longest waiting first.</summary>
    private static IEnumerable<FlowDocument> OldestStuckFirst(IEnumerable<FlowDocument> flows) =>
        flows.OrderBy(f => f.State switch { FlowStates.InTransfer => 0, FlowStates.Released => 1, _ => 2 })
            .ThenBy(ReportView.StuckSince).ThenBy(f => f.Id, StringComparer.Ordinal);
}
