using Pipeline.Protocol;

namespace Pipeline.Correlation.Detection;

/// <summary>
/// The lifecycle of the alerts of one stage. Alerts only change through the detectors, which open an alert once its
/// condition holds and resolve it once the opposite condition holds, so an alert cannot flap; each detector holds its
/// open alert (and writes it with its own state), and every change is raised as <see cref="Changed"/>.
/// </summary>
public sealed class AlertBook
{
    /// <summary>Raised on every open, evidence change and resolve.</summary>
    public event Action<AlertState, AlertChange>? Changed;

    internal AlertState Open(string kind, string appliance, string? peer, long at)
    {
        var a = new AlertState { Kind = kind, Appliance = appliance, Peer = peer, OpenedAt = at, UpdatedAt = at };
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
