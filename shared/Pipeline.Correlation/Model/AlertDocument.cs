namespace Pipeline.Correlation.Model;

/// <summary>Alert kinds (DESIGN.md output contract).</summary>
public static class AlertKinds
{
    /// <summary>ESA → SMA hand-offs (the.cpq.host) are not getting through.</summary>
    public const string CpqQueueStuck = "cpq_queue_stuck";
    /// <summary>SMA → ESA releases (the.cpq.release.host) are not getting through.</summary>
    public const string CpqReleaseStuck = "cpq_release_stuck";
    /// <summary>TLS fails on connections to a CPQ peer.</summary>
    public const string CpqTlsFailure = "cpq_tls_failure";
    /// <summary>Connections to a CPQ peer fail.</summary>
    public const string CpqConnectFailure = "cpq_connect_failure";
    /// <summary>The quarantine system is unavailable, full or faulting.</summary>
    public const string QuarantineUnavailable = "quarantine_unavailable";
    /// <summary>No lines from an appliance while the rest of the estate logs.</summary>
    public const string ApplianceSilent = "appliance_silent";
    /// <summary>A probe of a CPQ listener failed.</summary>
    public const string ProbeFailed = "probe_failed";
}

/// <summary>Evidence of an alert, updated while it is open.</summary>
public sealed class AlertEvidence
{
    /// <summary>Messages affected (waiting, or failed attempts for connection alerts), at the worst point.</summary>
    public int Messages { get; set; }
    /// <summary>Age of the oldest waiting message at the worst point, seconds.</summary>
    public long OldestAgeSeconds { get; set; }
    /// <summary>The last error line's text.</summary>
    public string? LastError { get; set; }
    /// <summary>Some affected MIDs (oldest first).</summary>
    public List<long> SampleMids { get; set; } = [];
}

/// <summary>An alert (DESIGN.md output contract).</summary>
public sealed class AlertDocument
{
    /// <summary>Deterministic id: kind + appliance + peer + opened_at.</summary>
    public string Id { get; set; } = "";
    /// <summary>One of <see cref="AlertKinds"/>.</summary>
    public string Kind { get; set; } = "";
    /// <summary>Where the queue is (the sending side).</summary>
    public string Appliance { get; set; } = "";
    /// <summary>The other end, if known (name, or address when its logs are not in the input).</summary>
    public string? Peer { get; set; }
    /// <summary>When the condition began.</summary>
    public DateTime OpenedAt { get; set; }
    /// <summary>When it ended; null while open.</summary>
    public DateTime? ResolvedAt { get; set; }
    /// <summary><c>open</c> or <c>resolved</c>.</summary>
    public string Status => ResolvedAt is null ? "open" : "resolved";
    /// <summary>Updated while open.</summary>
    public DateTime LastUpdatedAt { get; set; }
    /// <summary>Evidence.</summary>
    public AlertEvidence Evidence { get; set; } = new();
    /// <summary>The operator's next step.</summary>
    public string Hint { get; set; } = "";
    /// <summary>Short description.</summary>
    public string Summary { get; set; } = "";
}
