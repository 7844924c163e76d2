using System.Text.Json;
using System.Text.Json.Serialization;
using Pipeline.Correlation.Detection;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Stitching;

namespace Pipeline.Correlation.State;

/// <summary>
/// The whole engine's state as plain data: per-appliance stitchers (partitioned by appliance), the joiner's open
/// components (keyed by their hops), the estate directory and the alerts. Written next to input offsets as a
/// checkpoint; restoring it and feeding the rest of the input gives the same output as an uninterrupted run.
/// </summary>
public sealed class EngineSnapshot
{
    /// <summary>Format version.</summary>
    public int Version { get; set; } = 1;
    /// <summary>Every alert so far (open and resolved); watches refer to them by index.</summary>
    public List<AlertState> Alerts { get; set; } = [];
    /// <summary>The estate directory.</summary>
    public DirectorySnapshot Directory { get; set; } = new();
    /// <summary>One per appliance.</summary>
    public List<StitcherSnapshot> Stitchers { get; set; } = [];
    /// <summary>The joiner.</summary>
    public JoinerSnapshot Joiner { get; set; } = new();
    /// <summary>Counters.</summary>
    public CorrelationStats Stats { get; set; } = new();

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>Serializes to JSON (UTF-8).</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a snapshot written by <see cref="ToJson"/>.</summary>
    public static EngineSnapshot FromJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize<EngineSnapshot>(json, Json) ?? throw new JsonException("empty snapshot");
}

/// <summary>The estate directory.</summary>
public sealed class DirectorySnapshot
{
    /// <summary>Appliance names.</summary>
    public List<string> Names { get; set; } = [];
    /// <summary>Address → appliances that showed it as their own.</summary>
    public Dictionary<string, List<string>> Claims { get; set; } = [];
    /// <summary>Configured address → appliance.</summary>
    public Dictionary<string, string> ConfiguredIps { get; set; } = [];
    /// <summary>Configured roles.</summary>
    public Dictionary<string, ApplianceRole> ConfiguredRoles { get; set; } = [];
    /// <summary>Role evidence counts per appliance (unknown, esa, sma).</summary>
    public Dictionary<string, int[]> RoleEvidence { get; set; } = [];
}

/// <summary>One appliance's stitcher.</summary>
public sealed class StitcherSnapshot
{
    /// <summary>Appliance name.</summary>
    public string Appliance { get; set; } = "";
    /// <summary>Newest event time.</summary>
    public long MaxTime { get; set; }
    /// <summary>Oldest event time.</summary>
    public long MinTime { get; set; }
    /// <summary>Lines stitched.</summary>
    public long Lines { get; set; }
    /// <summary>Gaps as [from, to].</summary>
    public List<long[]> Gaps { get; set; } = [];
    /// <summary>Last detector tick.</summary>
    public long LastTick { get; set; }
    /// <summary>Last sweep.</summary>
    public long LastSweep { get; set; }
    /// <summary>The CPQ this ESA talks to.</summary>
    public string? CpqPeer { get; set; }
    /// <summary>Messages in progress.</summary>
    public List<Hop> Hops { get; set; } = [];
    /// <summary>Open inbound connections.</summary>
    public Dictionary<long, IcidInfo> Icids { get; set; } = [];
    /// <summary>Open delivery connections.</summary>
    public Dictionary<long, DcidInfo> Dcids { get; set; } = [];
    /// <summary>Ended messages waiting for the lateness to pass, as [settle at, mid, ended at].</summary>
    public List<long[]> Ending { get; set; } = [];
    /// <summary>Addresses the appliance showed as its own.</summary>
    public List<string> OwnIps { get; set; } = [];
    /// <summary>the.cpq.host and the.cpq.release.host queues.</summary>
    public List<QueueSnapshot> Queues { get; set; } = [];
    /// <summary>Failure watches.</summary>
    public List<FailureSnapshot> Failures { get; set; } = [];
    /// <summary>Quarantine health.</summary>
    public QuarantineSnapshot Quarantine { get; set; } = new();
}

/// <summary>A CPQ queue watch.</summary>
public sealed class QueueSnapshot
{
    /// <summary>Alert kind (tells the.cpq.host from the.cpq.release.host).</summary>
    public string Kind { get; set; } = "";
    /// <summary>Peer address, if known.</summary>
    public string? Peer { get; set; }
    /// <summary>Last successful hand-off.</summary>
    public long LastSuccess { get; set; }
    /// <summary>Last error.</summary>
    public string? LastError { get; set; }
    /// <summary>When the open alert's condition cleared.</summary>
    public long ClearedAt { get; set; }
    /// <summary>Index of the open alert in <see cref="EngineSnapshot.Alerts"/>, -1 if none.</summary>
    public int OpenAlert { get; set; } = -1;
    /// <summary>Waiting messages as [since, mid].</summary>
    public List<long[]> Waiting { get; set; } = [];
    /// <summary>Backlog samples as [minute, waiting, oldest age ticks].</summary>
    public List<long[]> Series { get; set; } = [];
}

/// <summary>A failure watch.</summary>
public sealed class FailureSnapshot
{
    /// <summary>Alert kind.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Peer address.</summary>
    public string Peer { get; set; } = "";
    /// <summary>Recent failure times.</summary>
    public List<long> Recent { get; set; } = [];
    /// <summary>When a working connection cleared the open alert.</summary>
    public long ClearedAt { get; set; }
    /// <summary>Index of the open alert, -1 if none.</summary>
    public int OpenAlert { get; set; } = -1;
}

/// <summary>Quarantine health.</summary>
public sealed class QuarantineSnapshot
{
    /// <summary>Last problem line.</summary>
    public long LastProblem { get; set; }
    /// <summary>First successful quarantine after it.</summary>
    public long FirstOkAfterProblem { get; set; }
    /// <summary>Index of the open alert, -1 if none.</summary>
    public int OpenAlert { get; set; } = -1;
}

/// <summary>The joiner: open components and the flow ids of recently handed-on hops.</summary>
public sealed class JoinerSnapshot
{
    /// <summary>Components not handed on yet.</summary>
    public List<ComponentSnapshot> Components { get; set; } = [];
    /// <summary>Appliance → MID → [flow id, time] of hops already handed on.</summary>
    public Dictionary<string, Dictionary<long, EmittedHop>> Emitted { get; set; } = [];
}

/// <summary>A hop already handed on in a flow.</summary>
/// <param name="FlowId">Its flow.</param>
/// <param name="At">Its last line time.</param>
public sealed record EmittedHop(string FlowId, long At);

/// <summary>A link between two hops.</summary>
/// <param name="From">Parent hop.</param>
/// <param name="To">Child hop.</param>
/// <param name="Kind">Link kind.</param>
public sealed record LinkSnapshot(HopKey From, HopKey To, LinkKind Kind);

/// <summary>A link waiting for its target appliance's address.</summary>
/// <param name="From">The hop the link starts at.</param>
/// <param name="Ip">The target's address.</param>
/// <param name="Mid">The target's MID.</param>
/// <param name="Kind">Link kind.</param>
public sealed record PendingSnapshot(HopKey From, string Ip, long Mid, LinkKind Kind);

/// <summary>One component of the joiner.</summary>
public sealed class ComponentSnapshot
{
    /// <summary>Members: every hop key, with the hop when it has arrived.</summary>
    public List<MemberSnapshot> Members { get; set; } = [];
    /// <summary>Links inside.</summary>
    public List<LinkSnapshot> Links { get; set; } = [];
    /// <summary>Links waiting for an address.</summary>
    public List<PendingSnapshot> Pending { get; set; } = [];
    /// <summary>The parent of a split, copy or bounce.</summary>
    public LinkSnapshot? ParentLink { get; set; }
    /// <summary>The parent's flow id, once known.</summary>
    public string? ParentId { get; set; }
    /// <summary>Children waiting for this component.</summary>
    public List<HopKey> Dependents { get; set; } = [];
}

/// <summary>A member of a component.</summary>
/// <param name="Key">The hop key.</param>
/// <param name="Hop">The hop, null until it arrives.</param>
public sealed record MemberSnapshot(HopKey Key, Hop? Hop);
