namespace Pipeline.Protocol;

/// <summary>How an alert changed (for notifiers).</summary>
public enum AlertChange : byte
{
    /// <summary>The condition began.</summary>
    Opened,
    /// <summary>The evidence of an open alert changed.</summary>
    Updated,
    /// <summary>The condition ended.</summary>
    Resolved,
}

/// <summary>An alert while a stage tracks it. Times are UTC ticks; the peer is an address until output.</summary>
public sealed class AlertState
{
    /// <summary>Alert kind.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Where the queue or problem is.</summary>
    public string Appliance { get; set; } = "";
    /// <summary>The other end's address (or name), null if none.</summary>
    public string? Peer { get; set; }
    /// <summary>When the condition began.</summary>
    public long OpenedAt { get; set; }
    /// <summary>When it ended, 0 while open.</summary>
    public long ResolvedAt { get; set; }
    /// <summary>Last evidence update.</summary>
    public long UpdatedAt { get; set; }
    /// <summary>Messages affected at the worst point.</summary>
    public int Messages { get; set; }
    /// <summary>Oldest waiting age at the worst point, ticks.</summary>
    public long OldestAge { get; set; }
    /// <summary>Last error text.</summary>
    public string? LastError { get; set; }
    /// <summary>Affected MIDs (oldest first).</summary>
    public List<long> SampleMids { get; set; } = [];
    /// <summary>The quarantine concerned, for quarantine alerts.</summary>
    public string? Quarantine { get; set; }
    /// <summary>What kind of quarantine problem (application_fault, full, unavailable, connect_failed).</summary>
    public string? Cause { get; set; }

    /// <summary>
    /// What identifies the alert across its changes: kind, appliance, peer and opening time (the opening time of an
    /// alert never moves). The document id of the alert is made from the same parts, with the peer named.
    /// </summary>
    public (string Kind, string Appliance, string? Peer, long OpenedAt) Identity => (Kind, Appliance, Peer, OpenedAt);

    /// <summary>A copy that shares nothing mutable with this alert (what a message carries).</summary>
    public AlertState Clone()
    {
        var copy = (AlertState)MemberwiseClone();
        copy.SampleMids = [.. SampleMids];
        return copy;
    }
}
