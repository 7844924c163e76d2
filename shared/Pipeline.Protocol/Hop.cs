using System.Text.Json.Serialization;
using Pipeline.MailLogs;

namespace Pipeline.Protocol;

/// <summary>What a hop's message finally did on its appliance.</summary>
public enum HopOutcome : byte
{
    /// <summary>Still in progress (no end seen).</summary>
    Open,
    /// <summary>Delivered (<c>Message done</c> for at least one recipient), or finished normally.</summary>
    Delivered,
    /// <summary>Every recipient bounced.</summary>
    Bounced,
    /// <summary><c>Message aborted</c> or <c>Message finished ... aborted</c>.</summary>
    Aborted,
    /// <summary>Handed to a CPQ (or the off-box spam quarantine) and accepted there.</summary>
    Transferred,
    /// <summary>Waiting for the hand-off to the CPQ (the.cpq.host).</summary>
    InTransfer,
    /// <summary>Held in a quarantine on this appliance.</summary>
    Quarantined,
    /// <summary>Released from the quarantine (the release may still be travelling back).</summary>
    Released,
    /// <summary>Deleted from the quarantine (expired or by an admin).</summary>
    Deleted,
    /// <summary>Continued as another MID on the same appliance (rewritten, reinjected).</summary>
    Rewritten,
}

/// <summary>
/// The state of one message on one appliance (one MID), filled line by line by the appliance stage and handed to
/// the join stage when the message ends. Plain data so it can be serialized with the appliance's state and on the
/// wire; once handed on, neither side changes it (<see cref="Merge"/> works on a copy).
/// </summary>
public sealed class Hop
{
    /// <summary>Appliance name.</summary>
    public string Appliance { get; set; } = "";
    /// <summary>The MID.</summary>
    public long Mid { get; set; }
    /// <summary>First line time (UTC ticks).</summary>
    public long FirstSeen { get; set; }
    /// <summary>Last line time (UTC ticks).</summary>
    public long LastSeen { get; set; }
    /// <summary>True when the <c>Start MID</c> line was seen (else the message began before the logs).</summary>
    public bool Started { get; set; }
    /// <summary>Inbound connection, -1 if unknown; 0 for internally generated messages.</summary>
    public long Icid { get; set; } = -1;
    /// <summary>Sending peer's address (from the ICID).</summary>
    public string? SourceIp { get; set; }
    /// <summary>Arrived over a centralized quarantine (CPQ) listener.</summary>
    public bool ViaCpq { get; set; }

    /// <summary>Envelope sender.</summary>
    public string? From { get; set; }
    /// <summary>Envelope recipients, by RID.</summary>
    public List<string> To { get; set; } = [];
    /// <summary>Message-ID header without brackets.</summary>
    public string? MessageId { get; set; }
    /// <summary>Subject.</summary>
    public string? Subject { get; set; }
    /// <summary>Size in bytes, -1 if unknown.</summary>
    public long Size { get; set; } = -1;

    /// <summary>Quarantine holding the message on this appliance.</summary>
    public string? Quarantine { get; set; }
    /// <summary>Why it was quarantined.</summary>
    public string? QuarantineReason { get; set; }
    /// <summary>When it was quarantined, 0 if not.</summary>
    public long QuarantinedAt { get; set; }
    /// <summary>When it was released from quarantine, 0 if not.</summary>
    public long ReleasedAt { get; set; }
    /// <summary>Release reason (manual, expired, rescanned, queue full).</summary>
    public string? ReleaseReason { get; set; }
    /// <summary>When it was deleted from quarantine, 0 if not.</summary>
    public long DeletedAt { get; set; }
    /// <summary>Delete reason.</summary>
    public string? DeleteReason { get; set; }

    /// <summary>When it was queued for the centralized quarantine (the.cpq.host), 0 if not.</summary>
    public long CpqEnqueuedAt { get; set; }
    /// <summary>Centralized quarantine it is bound for.</summary>
    public string? CpqQuarantine { get; set; }
    /// <summary>Where its quarantine-bound delivery goes (CPQ or the off-box spam quarantine).</summary>
    public QuarantineDestination Destination { get; set; }

    /// <summary>Recipients delivered (<c>Message done</c>).</summary>
    public int DeliveredRids { get; set; }
    /// <summary>Recipients bounced.</summary>
    public int BouncedRids { get; set; }
    /// <summary>Delivery attempts deferred (<c>Delayed:</c>, connection errors, TLS failures).</summary>
    public int Deferrals { get; set; }
    /// <summary>Last delivery connection.</summary>
    public long LastDcid { get; set; } = -1;
    /// <summary>Address the last delivery connection went to.</summary>
    public string? LastDeliveryIp { get; set; }
    /// <summary>Port of the last delivery connection, -1 if unknown.</summary>
    public int LastDeliveryPort { get; set; } = -1;
    /// <summary>Last error on its deliveries.</summary>
    public string? LastError { get; set; }
    /// <summary>Time of the last successful <c>Message done</c>, 0 if none.</summary>
    public long DoneAt { get; set; }

    /// <summary>The receiving appliance's MID (<c>Message N accepted</c>), -1 if none.</summary>
    public long AcceptedMid { get; set; } = -1;
    /// <summary>Address that accepted it.</summary>
    public string? AcceptedIp { get; set; }
    /// <summary>When it was accepted, 0 if not.</summary>
    public long AcceptedAt { get; set; }
    /// <summary>The accepted delivery went to a CPQ listener (port, destination or TLS name).</summary>
    public bool AcceptedByCpq { get; set; }

    /// <summary>For a released copy on an ESA: the original ESA MID (<c>MID originally</c>), -1 otherwise.</summary>
    public long OriginalMid { get; set; } = -1;
    /// <summary>The SMA address the released copy came from.</summary>
    public string? ReleasedByIp { get; set; }

    /// <summary>The MID it continued as (rewritten or reinjected), -1 if none.</summary>
    public long ContinuedAs { get; set; } = -1;
    /// <summary>When the message ended (finished, rewritten), 0 while open.</summary>
    public long EndedAt { get; set; }
    /// <summary>Aborted.</summary>
    public bool Aborted { get; set; }
    /// <summary>Why it was aborted.</summary>
    public string? AbortReason { get; set; }

    /// <summary>The parent of a split, copy or bounce, -1 if none.</summary>
    public long ParentMid { get; set; } = -1;
    /// <summary>How it relates to <see cref="ParentMid"/>.</summary>
    public LinkKind ParentKind { get; set; }

    /// <summary>True once the message has ended on this appliance and the allowed lateness has passed.</summary>
    public bool Final { get; set; }

    /// <summary>
    /// The appliance's role as its own lines (or the configuration) showed it when the hop was handed on: the join
    /// stage needs no other stage's state to name it.
    /// </summary>
    public ApplianceRole Role { get; set; }

    /// <summary>The key of this hop.</summary>
    [JsonIgnore]
    public HopKey Key => new(Appliance, Mid);

    /// <summary>True while waiting for a CPQ hand-off (the.cpq.host queue).</summary>
    [JsonIgnore]
    public bool WaitingForCpq => (CpqEnqueuedAt > 0 || Destination == QuarantineDestination.CentralizedPolicy)
                                 && AcceptedAt == 0 && DoneAt == 0 && !Aborted && BouncedRids == 0 && EndedAt == 0;

    /// <summary>True while a released message waits to be delivered back (the.cpq.release.host queue on an SMA).</summary>
    [JsonIgnore]
    public bool WaitingForReturn => ViaCpq && ReleasedAt > 0 && DoneAt == 0 && AcceptedAt == 0 && !Aborted && BouncedRids == 0 && EndedAt == 0;

    /// <summary>The outcome as it stands.</summary>
    [JsonIgnore]
    public HopOutcome Outcome
    {
        get
        {
            if (Aborted) return HopOutcome.Aborted;
            if (DeletedAt > 0) return HopOutcome.Deleted;
            if (ContinuedAs >= 0) return HopOutcome.Rewritten;
            // On the SMA a centralized quarantine releases a message by delivering it back: it stays "released".
            if (ViaCpq && ReleasedAt > 0) return HopOutcome.Released;
            if (AcceptedAt > 0 && AcceptedByCpq) return HopOutcome.Transferred;
            if (QuarantinedAt > 0 && ReleasedAt == 0) return HopOutcome.Quarantined;
            if (WaitingForCpq) return HopOutcome.InTransfer;
            if (DeliveredRids > 0 || DoneAt > 0) return HopOutcome.Delivered;
            if (BouncedRids > 0) return HopOutcome.Bounced;
            // "Message finished ... done" with no other outcome seen: its deliveries lie outside the logs.
            if (EndedAt > 0) return HopOutcome.Delivered;
            return HopOutcome.Open;
        }
    }

    /// <summary>A copy that shares nothing mutable with this hop.</summary>
    public Hop Clone()
    {
        var copy = (Hop)MemberwiseClone();
        copy.To = [.. To];
        return copy;
    }

    /// <summary>Merges a later fragment of the same message (lines that arrived after this hop was handed on).</summary>
    public void Merge(Hop other)
    {
        FirstSeen = Math.Min(FirstSeen, other.FirstSeen);
        LastSeen = Math.Max(LastSeen, other.LastSeen);
        Started |= other.Started;
        if (Icid < 0) Icid = other.Icid;
        SourceIp ??= other.SourceIp;
        ViaCpq |= other.ViaCpq;
        From ??= other.From;
        for (int i = 0; i < other.To.Count; i++)
        {
            if (i >= To.Count) To.Add(other.To[i]);
            else if (string.IsNullOrEmpty(To[i])) To[i] = other.To[i];
        }
        MessageId ??= other.MessageId;
        Subject ??= other.Subject;
        if (Size < 0) Size = other.Size;
        Quarantine ??= other.Quarantine;
        QuarantineReason ??= other.QuarantineReason;
        QuarantinedAt = Earliest(QuarantinedAt, other.QuarantinedAt);
        ReleasedAt = Earliest(ReleasedAt, other.ReleasedAt);
        ReleaseReason ??= other.ReleaseReason;
        DeletedAt = Earliest(DeletedAt, other.DeletedAt);
        DeleteReason ??= other.DeleteReason;
        CpqEnqueuedAt = Earliest(CpqEnqueuedAt, other.CpqEnqueuedAt);
        CpqQuarantine ??= other.CpqQuarantine;
        if (Destination == QuarantineDestination.None) Destination = other.Destination;
        DeliveredRids += other.DeliveredRids;
        BouncedRids += other.BouncedRids;
        Deferrals += other.Deferrals;
        if (other.LastDcid >= 0) { LastDcid = other.LastDcid; LastDeliveryIp = other.LastDeliveryIp; LastDeliveryPort = other.LastDeliveryPort; }
        LastError = other.LastError ?? LastError;
        DoneAt = Math.Max(DoneAt, other.DoneAt);
        if (AcceptedMid < 0) { AcceptedMid = other.AcceptedMid; AcceptedIp = other.AcceptedIp; AcceptedAt = other.AcceptedAt; }
        AcceptedByCpq |= other.AcceptedByCpq;
        if (OriginalMid < 0) { OriginalMid = other.OriginalMid; ReleasedByIp = other.ReleasedByIp; }
        if (ContinuedAs < 0) ContinuedAs = other.ContinuedAs;
        EndedAt = Math.Max(EndedAt, other.EndedAt);
        Aborted |= other.Aborted;
        AbortReason ??= other.AbortReason;
        if (ParentMid < 0) { ParentMid = other.ParentMid; ParentKind = other.ParentKind; }
        // The stitcher hands a hop on again only after it gave up on it at the horizon: the newer state decides.
        Final = other.Final;
        Role = other.Role;
    }

    private static long Earliest(long a, long b) => a == 0 ? b : b == 0 ? a : Math.Min(a, b);
}
