using Pipeline.Correlation.Model;
using Pipeline.Correlation.Stages;
using Pipeline.Protocol;

namespace Pipeline.Report;

/// <summary>
/// Gathers what the HTML report shows while <c>pipeline analyze</c> runs: a bounded set of flows for the search box
/// (quarantine and problem flows first), the quarantine dwell times, and at the end the appliances, queue backlogs
/// and alerts from the estate stage.
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

    /// <summary>Builds the report data once the estate stage has completed.</summary>
    public ReportData Build(EstateStage estate, CorrelationStats stats, IReadOnlyList<AlertDocument> alerts, int files, long lines, long unparsed)
    {
        var data = new ReportData
        {
            Title = "pipeline report",
            Files = files,
            Lines = lines,
            Unparsed = unparsed,
            Messages = stats.Flows,
            FlowsByState = new Dictionary<string, long>(stats.FlowsByState),
            CpqTransfers = stats.CpqTransfers,
            CpqReleases = stats.CpqReleases,
            CpqDeleted = _deleted,
            QuarantineDwellSeconds = _dwell,
            Alerts = [.. alerts],
            FlowsTotal = stats.Flows,
        };
        foreach (var a in estate.Appliances)
            data.Appliances.Add(new ApplianceSummary
            {
                Name = a.Name, Role = a.Role.Name(), Lines = a.Lines,
                FirstLine = a.MinTime > 0 ? new DateTime(a.MinTime, DateTimeKind.Utc) : null,
                LastLine = a.MaxTime > 0 ? new DateTime(a.MaxTime, DateTimeKind.Utc) : null,
                Ips = [.. a.Ips],
            });
        foreach (var q in estate.Queues)
            data.Queues.Add(new QueueSeries
            {
                Queue = q.Kind == AlertKinds.CpqReleaseStuck ? ReportView.ReleaseQueue : ReportView.TransferQueue,
                Appliance = q.Appliance,
                Peer = q.Peer,
                Points = q.Points.Select(p => new QueuePoint(new DateTime(p.Time, DateTimeKind.Utc), p.Waiting, p.OldestAge / TimeSpan.TicksPerSecond)).ToList(),
            });
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
