using Pipeline.Correlation.Model;

namespace Pipeline.Correlation.Detection;

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

/// <summary>An alert while the engine tracks it. Times are UTC ticks; the peer is an address until output.</summary>
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
}

/// <summary>
/// Every alert the detectors opened, with its lifecycle. Alerts only change through the detectors, which open an
/// alert once its condition holds and resolve it once the opposite condition holds, so an alert cannot flap.
/// </summary>
public sealed class AlertBook
{
    private readonly List<AlertState> _alerts = [];

    /// <summary>Raised on every open, evidence change and resolve.</summary>
    public event Action<AlertState, AlertChange>? Changed;

    /// <summary>All alerts so far.</summary>
    public IReadOnlyList<AlertState> Alerts => _alerts;

    internal void Restore(IEnumerable<AlertState> alerts) => _alerts.AddRange(alerts);

    internal AlertState Open(string kind, string appliance, string? peer, long at)
    {
        var a = new AlertState { Kind = kind, Appliance = appliance, Peer = peer, OpenedAt = at, UpdatedAt = at };
        _alerts.Add(a);
        Changed?.Invoke(a, AlertChange.Opened);
        return a;
    }

    internal void Updated(AlertState a, long at)
    {
        a.UpdatedAt = Math.Max(a.UpdatedAt, at);
        Changed?.Invoke(a, AlertChange.Updated);
    }

    internal void Resolve(AlertState a, long at)
    {
        a.ResolvedAt = Math.Max(at, a.OpenedAt);
        a.UpdatedAt = Math.Max(a.UpdatedAt, a.ResolvedAt);
        Changed?.Invoke(a, AlertChange.Resolved);
    }
}
