using Pipeline.Correlation.Model;

namespace Pipeline.Report;

/// <summary>Everything the HTML report shows, gathered by <c>pipeline analyze</c>.</summary>
public sealed class ReportData
{
    /// <summary>Page title.</summary>
    public string Title { get; set; } = "pipeline report";
    /// <summary>Earliest line time of the input.</summary>
    public DateTime? DataStart { get; set; }
    /// <summary>Latest line time of the input.</summary>
    public DateTime? DataEnd { get; set; }
    /// <summary>Files read.</summary>
    public int Files { get; set; }
    /// <summary>Lines read.</summary>
    public long Lines { get; set; }
    /// <summary>Lines that could not be classified.</summary>
    public long Unparsed { get; set; }
    /// <summary>The appliances.</summary>
    public List<ApplianceSummary> Appliances { get; set; } = [];
    /// <summary>Flows (message journeys).</summary>
    public long Messages { get; set; }
    /// <summary>Flows per final state (every state of <see cref="FlowStates.All"/> present, possibly 0).</summary>
    public Dictionary<string, long> FlowsByState { get; set; } = [];
    /// <summary>Flows with a hand-off to a centralized (or off-box spam) quarantine.</summary>
    public long CpqTransfers { get; set; }
    /// <summary>Of those, released.</summary>
    public long CpqReleases { get; set; }
    /// <summary>Of those, deleted.</summary>
    public long CpqDeleted { get; set; }
    /// <summary>Seconds between hand-off and release or deletion, per released or deleted message (at most 100,000).</summary>
    public List<long> QuarantineDwellSeconds { get; set; } = [];
    /// <summary>Backlog over time per CPQ queue (one series per appliance and peer and direction).</summary>
    public List<QueueSeries> Queues { get; set; } = [];
    /// <summary>All alerts, open and resolved.</summary>
    public List<AlertDocument> Alerts { get; set; } = [];
    /// <summary>The messages stuck longest at the end of the input: in transfer, then released but not back, then other unfinished ones; oldest first within each.</summary>
    public List<FlowDocument> OldestStuck { get; set; } = [];
    /// <summary>The flows the search box can find (CPQ and problem flows first when there are too many to embed).</summary>
    public List<FlowDocument> Flows { get; set; } = [];
    /// <summary>Number of flows in the run; more than <see cref="Flows"/> when the report left some out.</summary>
    public long FlowsTotal { get; set; }
}

/// <summary>One appliance.</summary>
public sealed class ApplianceSummary
{
    /// <summary>Name.</summary>
    public string Name { get; set; } = "";
    /// <summary>esa or sma.</summary>
    public string Role { get; set; } = "esa";
    /// <summary>Lines read.</summary>
    public long Lines { get; set; }
    /// <summary>First line time.</summary>
    public DateTime? FirstLine { get; set; }
    /// <summary>Last line time.</summary>
    public DateTime? LastLine { get; set; }
    /// <summary>Addresses learned from its own lines or configured.</summary>
    public List<string> Ips { get; set; } = [];
}

/// <summary>The backlog of one CPQ queue over time.</summary>
public sealed class QueueSeries
{
    /// <summary><c>the.cpq.host</c> (ESA → SMA) or <c>the.cpq.release.host</c> (SMA → ESA).</summary>
    public string Queue { get; set; } = "the.cpq.host";
    /// <summary>The sending appliance.</summary>
    public string Appliance { get; set; } = "";
    /// <summary>The receiving peer (name, or address when unknown).</summary>
    public string? Peer { get; set; }
    /// <summary>Samples in time order: a point whenever the backlog changed, at most one per minute.</summary>
    public List<QueuePoint> Points { get; set; } = [];
}

/// <summary>One sample of a queue.</summary>
/// <param name="Time">Event time.</param>
/// <param name="Waiting">Messages waiting.</param>
/// <param name="OldestAgeSeconds">Age of the oldest waiting message.</param>
public sealed record QueuePoint(DateTime Time, int Waiting, long OldestAgeSeconds);
