namespace Pipeline.Correlation.Model;

/// <summary>Final states of a flow (DESIGN.md, output contract).</summary>
public static class FlowStates
{
    /// <summary>Delivered (after any quarantine round trip).</summary>
    public const string Delivered = "delivered";
    /// <summary>Every recipient bounced.</summary>
    public const string Bounced = "bounced";
    /// <summary>Aborted or dropped.</summary>
    public const string Aborted = "aborted";
    /// <summary>Held in a quarantine (centralized or local) at the end of the logs.</summary>
    public const string Quarantined = "quarantined";
    /// <summary>Waiting for the hand-off to the centralized quarantine (the.cpq.host).</summary>
    public const string InTransfer = "in_transfer";
    /// <summary>Released on the SMA, not (yet) seen back on the ESA (the.cpq.release.host).</summary>
    public const string Released = "released";
    /// <summary>Deleted from the quarantine.</summary>
    public const string Deleted = "deleted";
    /// <summary>Not finished at the end of the logs (or evicted past the horizon).</summary>
    public const string Open = "open";

    /// <summary>All states, in report order.</summary>
    public static readonly string[] All = [Delivered, Bounced, Aborted, Quarantined, InTransfer, Released, Deleted, Open];
}

/// <summary>One hop of a flow in the output document.</summary>
/// <param name="Appliance">Appliance name.</param>
/// <param name="Role">esa or sma.</param>
/// <param name="Mid">The MID on that appliance.</param>
/// <param name="Start">First line time.</param>
/// <param name="End">End time (finished, rewritten), null while open.</param>
/// <param name="Outcome">What the message did there.</param>
public sealed record FlowHop(string Appliance, string Role, long Mid, DateTime Start, DateTime? End, string Outcome);

/// <summary>The CPQ round trip of a flow (DESIGN.md: cpq).</summary>
public sealed class CpqLeg
{
    /// <summary><c>policy</c> for the centralized Policy/Virus/Outbreak quarantine, <c>spam</c> for the off-box spam quarantine.</summary>
    public string Kind { get; set; } = "policy";
    /// <summary>The ESA that handed the message over.</summary>
    public string? Esa { get; set; }
    /// <summary>Its MID there.</summary>
    public long? EsaMid { get; set; }
    /// <summary>The SMA (name, or its address when the SMA's logs are not in the input).</summary>
    public string? Sma { get; set; }
    /// <summary>The SMA's MID.</summary>
    public long? SmaMid { get; set; }
    /// <summary>Quarantine name.</summary>
    public string? Quarantine { get; set; }
    /// <summary>Queued for the hand-off.</summary>
    public DateTime? EnqueuedAt { get; set; }
    /// <summary>Accepted by the SMA.</summary>
    public DateTime? TransferredAt { get; set; }
    /// <summary>Released from the quarantine.</summary>
    public DateTime? ReleasedAt { get; set; }
    /// <summary>Release reason.</summary>
    public string? ReleaseReason { get; set; }
    /// <summary>Deleted from the quarantine.</summary>
    public DateTime? DeletedAt { get; set; }
    /// <summary>The released copy's MID on the ESA.</summary>
    public long? ReleaseEsaMid { get; set; }
    /// <summary>When the released copy arrived back on the ESA.</summary>
    public DateTime? ReturnedAt { get; set; }

    /// <summary>Seconds the message waited in the.cpq.host, from enqueued to accepted by the SMA (null until both are known).</summary>
    public long? TransferWaitSeconds => TransferredAt is { } t && EnqueuedAt is { } e ? (long)(t - e).TotalSeconds : null;

    /// <summary>Seconds the message stayed in the quarantine, from accepted to released or deleted (null until both are known).</summary>
    public long? DwellSeconds => TransferredAt is { } t && (ReleasedAt ?? DeletedAt) is { } done ? (long)(done - t).TotalSeconds : null;
}

/// <summary>One message journey across appliances (DESIGN.md output contract: flow).</summary>
public sealed class FlowDocument
{
    /// <summary>Deterministic id: the first hop's <c>appliance:mid:start</c>.</summary>
    public string Id { get; set; } = "";
    /// <summary>Final state, one of <see cref="FlowStates"/>.</summary>
    public string State { get; set; } = FlowStates.Open;
    /// <summary>Message-ID without quotes or brackets.</summary>
    public string? MessageId { get; set; }
    /// <summary>Envelope sender.</summary>
    public string? From { get; set; }
    /// <summary>Envelope recipients.</summary>
    public List<string> To { get; set; } = [];
    /// <summary>Subject.</summary>
    public string? Subject { get; set; }
    /// <summary>Size in bytes.</summary>
    public long? Size { get; set; }
    /// <summary>Start of the first hop.</summary>
    public DateTime Start { get; set; }
    /// <summary>End of the last hop, null while open.</summary>
    public DateTime? End { get; set; }
    /// <summary>Seconds from start to end, null while open.</summary>
    public long? DurationSeconds => End is { } end ? (long)(end - Start).TotalSeconds : null;
    /// <summary>Hops ordered by start.</summary>
    public List<FlowHop> Hops { get; set; } = [];
    /// <summary>The quarantine round trip, or null.</summary>
    public CpqLeg? Cpq { get; set; }
    /// <summary>Id of the parent flow (split, copy, bounce), when known.</summary>
    public string? ParentId { get; set; }
    /// <summary>The parent hop (<c>appliance:mid</c>) of a split, copy or bounce.</summary>
    public string? ParentHop { get; set; }
    /// <summary>split, generated or bounce_of.</summary>
    public string? ParentKind { get; set; }
    /// <summary>MID→MID edges inside the flow and to its parent, as <c>kind appliance:a → appliance:b</c>.</summary>
    public List<FlowEdge> Edges { get; set; } = [];
    /// <summary>True when the first hop began before the logs (no <c>Start MID</c> line).</summary>
    public bool Partial { get; set; }
    /// <summary>Last error seen on its deliveries.</summary>
    public string? LastError { get; set; }
}

/// <summary>An edge between two hops.</summary>
/// <param name="Kind">Link kind name.</param>
/// <param name="From">Parent hop <c>appliance:mid</c>.</param>
/// <param name="To">Child hop <c>appliance:mid</c>.</param>
public sealed record FlowEdge(string Kind, string From, string To);
