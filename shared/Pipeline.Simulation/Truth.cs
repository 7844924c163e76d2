using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Simulation;

/// <summary>
/// The ground truth of a generated estate, as written to <c>truth.json</c>: the appliances, every message's journey and
/// every fault with the alerts it should cause. Names are snake_case in the file; times are UTC.
/// </summary>
public sealed class EstateTruth
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
    };

    /// <summary>The seed of the run.</summary>
    public ulong Seed { get; set; }
    /// <summary>Start of the simulated span.</summary>
    public DateTime Start { get; set; }
    /// <summary>End of the simulated span as requested.</summary>
    public DateTime End { get; set; }
    /// <summary>Where the simulated time really stopped (earlier than <see cref="End"/> when a follow run was cancelled).</summary>
    public DateTime EndActual { get; set; }
    /// <summary>The CPQ port (7025), both directions.</summary>
    public int CpqPort { get; set; }
    /// <summary>The appliances.</summary>
    public List<TruthAppliance> Appliances { get; set; } = [];
    /// <summary>Every message journey (flow), in the order they finished; still-open ones last.</summary>
    public List<TruthMessage> Messages { get; set; } = [];
    /// <summary>The injected faults.</summary>
    public List<TruthFault> Faults { get; set; } = [];
    /// <summary>Counters of the run.</summary>
    public TruthSummary? Summary { get; set; }

    /// <summary>Reads a truth.json file.</summary>
    public static EstateTruth Load(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    /// <summary>Reads truth.json from a stream.</summary>
    public static EstateTruth Load(Stream stream) =>
        JsonSerializer.Deserialize<EstateTruth>(stream, JsonOptions) ?? throw new InvalidDataException("truth.json is empty");

    /// <summary>The appliance called <paramref name="name"/>.</summary>
    public TruthAppliance Appliance(string name) => Appliances.First(a => a.Name == name);
}

/// <summary>One appliance of the estate.</summary>
public sealed class TruthAppliance
{
    /// <summary>Name (esa01, sma01); also the folder of its logs.</summary>
    public string Name { get; set; } = "";
    /// <summary><c>esa</c> or <c>sma</c>.</summary>
    public string Role { get; set; } = "";
    /// <summary>Its only IP address (listeners, deliveries and the CPQ).</summary>
    public string Ip { get; set; } = "";
    /// <summary>Host name (the syslog host).</summary>
    public string Hostname { get; set; } = "";
    /// <summary>Offset of its local time from UTC, as its <c>Time offset from UTC</c> header says.</summary>
    public int UtcOffsetS { get; set; }
    /// <summary><c>file</c> or <c>syslog</c>.</summary>
    public string Format { get; set; } = "";
    /// <summary>For syslog: <c>pri-host</c> (<c>&lt;22&gt;Mar 10 09:00:00 host mail_logs:</c>), <c>year-host</c> (<c>Mar 10 09:00:00 2026 host syslog_mail:</c>) or <c>pri-nohost</c>.</summary>
    public string? SyslogVariant { get; set; }
    /// <summary>Serial number (the <c>SN:</c> of the Version header).</summary>
    public string Serial { get; set; } = "";
    /// <summary>AsyncOS version.</summary>
    public string Version { get; set; } = "";
    /// <summary>For an ESA: the SMA holding its centralized quarantines.</summary>
    public string? Sma { get; set; }
}

/// <summary>One message journey (a flow): all its hops on all appliances, CPQ round trip included.</summary>
public sealed class TruthMessage
{
    /// <summary>Deterministic id: first appliance, first MID and first time (<c>esa01:1001:20260310T090001Z</c>).</summary>
    public string Id { get; set; } = "";
    /// <summary>The Message-ID header without angle brackets, or null.</summary>
    public string? MessageId { get; set; }
    /// <summary><c>inbound</c>, <c>outbound</c> or <c>generated</c> (bcc copies and bounces).</summary>
    public string? Direction { get; set; }
    /// <summary>Envelope sender (empty for bounces).</summary>
    public string From { get; set; } = "";
    /// <summary>Envelope recipients of this flow.</summary>
    public List<string> To { get; set; } = [];
    /// <summary>delivered | bounced | aborted | quarantined | in_transfer | released | deleted | open.</summary>
    public string FinalState { get; set; } = "";
    /// <summary>The parent flow's id (split child, bcc copy, bounce), or null.</summary>
    public string? Parent { get; set; }
    /// <summary>null | split | generated | bounce_of.</summary>
    public string? ParentKind { get; set; }
    /// <summary>Hops ordered by start.</summary>
    public List<TruthHop> Hops { get; set; } = [];
    /// <summary>MID → MID continuation edges on one appliance (<c>rewritten</c>).</summary>
    public List<TruthEdge> Edges { get; set; } = [];
    /// <summary>The centralized-quarantine round trip, or null.</summary>
    public TruthCpq? Cpq { get; set; }
    /// <summary>Delivery to the SMA's off-box spam quarantine (ISQ, port 6025), or null; such a flow ends <c>quarantined</c> (its <see cref="Cpq"/> is null).</summary>
    public TruthSpamQuarantine? SpamQuarantine { get; set; }
}

/// <summary>One MID's part of a journey.</summary>
public sealed class TruthHop
{
    /// <summary>Appliance name.</summary>
    public string Appliance { get; set; } = "";
    /// <summary><c>esa</c> or <c>sma</c>.</summary>
    public string Role { get; set; } = "";
    /// <summary>The MID on that appliance.</summary>
    public long Mid { get; set; }
    /// <summary>Time of its first line.</summary>
    public DateTime Start { get; set; }
    /// <summary>Time of its <c>Message finished</c> line, or null while open.</summary>
    public DateTime? End { get; set; }
    /// <summary>delivered | bounced | aborted | rewritten | transferred | quarantined | released | deleted | open.</summary>
    public string Outcome { get; set; } = "";
}

/// <summary>A MID → MID edge on one appliance.</summary>
public sealed class TruthEdge
{
    /// <summary>Appliance name.</summary>
    public string Appliance { get; set; } = "";
    /// <summary><c>rewritten</c> (or <c>reinjected</c>).</summary>
    public string Kind { get; set; } = "";
    /// <summary>The older MID.</summary>
    public long ParentMid { get; set; }
    /// <summary>The newer MID.</summary>
    public long ChildMid { get; set; }
}

/// <summary>A CPQ round trip: ESA MID ↔ SMA MID ↔ released ESA MID.</summary>
public sealed class TruthCpq
{
    /// <summary>The ESA that quarantined the message.</summary>
    public string Esa { get; set; } = "";
    /// <summary>Its MID there (the one in <c>enqueued for transfer</c>).</summary>
    public long EsaMid { get; set; }
    /// <summary>The SMA.</summary>
    public string Sma { get; set; } = "";
    /// <summary>The SMA's MID (from <c>Response 'ok:  Message N accepted'</c>), or null while not transferred.</summary>
    public long? SmaMid { get; set; }
    /// <summary>Policy, Virus or Outbreak.</summary>
    public string Quarantine { get; set; } = "";
    /// <summary>When the ESA enqueued it for the.cpq.host.</summary>
    public DateTime EnqueuedAt { get; set; }
    /// <summary>When the SMA accepted it, or null.</summary>
    public DateTime? TransferredAt { get; set; }
    /// <summary>When the SMA released it, or null.</summary>
    public DateTime? ReleasedAt { get; set; }
    /// <summary>manual | expired | rescanned, or null.</summary>
    public string? ReleaseReason { get; set; }
    /// <summary>When the SMA deleted it, or null.</summary>
    public DateTime? DeletedAt { get; set; }
    /// <summary>manual | expired, or null.</summary>
    public string? DeleteReason { get; set; }
    /// <summary>The ESA's MID of the released copy (<c>received from the SMA</c>), or null.</summary>
    public long? ReleaseEsaMid { get; set; }
    /// <summary>When the released copy arrived on the ESA, or null.</summary>
    public DateTime? ReturnedAt { get; set; }
    /// <summary>SMA MIDs of transfer attempts the SMA could not quarantine (quarantine full), in order.</summary>
    public List<long>? FailedSmaMids { get; set; }
    /// <summary>Failed transfer (or release) attempts that concerned this message.</summary>
    public int DelayedAttempts { get; set; }
}

/// <summary>A delivery to the off-box spam quarantine on the SMA (its own MID counter; not logged in the SMA's mail_logs).</summary>
public sealed class TruthSpamQuarantine
{
    /// <summary>The SMA.</summary>
    public string Sma { get; set; } = "";
    /// <summary>The N of <c>Response 'ok:  Message N accepted'</c>.</summary>
    public long AcceptedMid { get; set; }
}

/// <summary>An injected fault and what it should cause.</summary>
public sealed class TruthFault
{
    /// <summary>The spec as given.</summary>
    public string Spec { get; set; } = "";
    /// <summary>tls-anon | port-blocked | listener-suspended | sma-app-fault | quarantine-full | silent.</summary>
    public string Kind { get; set; } = "";
    /// <summary>The faulty appliance.</summary>
    public string Appliance { get; set; } = "";
    /// <summary>Start of the window.</summary>
    public DateTime From { get; set; }
    /// <summary>End of the window.</summary>
    public DateTime To { get; set; }
    /// <summary>The alerts a correct detector raises, only those whose signal really appears in the logs.</summary>
    public List<TruthAlert> ExpectedAlerts { get; set; } = [];
}

/// <summary>An alert that a fault should cause, with the evidence that the logs contain.</summary>
public sealed class TruthAlert
{
    /// <summary>cpq_queue_stuck | cpq_release_stuck | cpq_tls_failure | cpq_connect_failure | quarantine_unavailable | appliance_silent.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Where the queue is (the sender), or the faulty appliance.</summary>
    public string Appliance { get; set; } = "";
    /// <summary>The other end, or null.</summary>
    public string? Peer { get; set; }
    /// <summary>First line showing the problem (for appliance_silent: the start of the silence).</summary>
    public DateTime FirstSignalAt { get; set; }
    /// <summary>Last line showing the problem (for appliance_silent: the end of the silence).</summary>
    public DateTime LastSignalAt { get; set; }
    /// <summary>
    /// When it was over, or null if not by the end: queue alerts when the backlog had drained after the fault; connection
    /// and TLS alerts at the first successful connection after the fault; quarantine_unavailable at the first message
    /// quarantined after the fault window; appliance_silent at the end of the window.
    /// </summary>
    public DateTime? ResolvedAt { get; set; }
    /// <summary>Distinct messages that appear in the failure lines (Delayed / pending till / unable to quarantine).</summary>
    public int Messages { get; set; }
    /// <summary>Failed connection or delivery attempts.</summary>
    public int Attempts { get; set; }
    /// <summary>The largest age (seconds) of the oldest waiting message seen at a failed attempt.</summary>
    public long OldestAgeS { get; set; }
    /// <summary>Queue alerts: distinct messages that waited in the queue while attempts failed (lines show the oldest ones of each attempt).</summary>
    public int StuckMessages { get; set; }
    /// <summary>Queue alerts: the longest queue seen at a failed attempt.</summary>
    public int MaxBacklog { get; set; }
}

/// <summary>Counters of a run.</summary>
public sealed class TruthSummary
{
    /// <summary>Logical lines written.</summary>
    public long Lines { get; set; }
    /// <summary>Physical lines written (wrapped lines count twice).</summary>
    public long PhysicalLines { get; set; }
    /// <summary>Bytes written.</summary>
    public long Bytes { get; set; }
    /// <summary>Flows.</summary>
    public long Messages { get; set; }
    /// <summary>Flows per final state.</summary>
    public Dictionary<string, long> FinalStates { get; set; } = [];
}
