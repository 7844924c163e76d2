using System.Globalization;
using Pipeline.Correlation.Model;
using Pipeline.Protocol;

namespace Pipeline.Correlation.Detection;

/// <summary>
/// The operator's next step for each alert, from the causes the CPQ troubleshooting tech note names
/// (LOGFORMAT.md section 4): anonymous cipher, port changed or blocked, suspended cpq_listener, missing cluster
/// interface, SMA application fault.
/// </summary>
public static class Hints
{
    /// <summary>The hint for an alert (peer already resolved to a name where possible).</summary>
    public static string For(AlertState a, string? peer, string? peerIp, int cpqPort)
    {
        string p = peer ?? "the peer";
        string ip = peerIp ?? peer ?? "<peer>";
        string cause = CauseHint(a.LastError, a.Appliance, p, ip, cpqPort);
        switch (a.Kind)
        {
            case AlertKinds.CpqQueueStuck:
                return $"Messages for the centralized quarantine are piling up in the.cpq.host on {a.Appliance} (towards {p}). " +
                       (cause.Length > 0 ? cause : ConnectivityHint(a.Appliance, p, ip, cpqPort) + $" If {p} answers, check {p}'s mail_logs for application faults and its quarantine space.");
            case AlertKinds.CpqReleaseStuck:
                return $"Released messages are piling up in the.cpq.release.host on {a.Appliance} (towards {p}). " +
                       (cause.Length > 0 ? cause : $"Check the cpq_listener on {p}: from {a.Appliance}, `telnet {ip} {cpqPort}` must show a 220 banner; " +
                        $"if {p}'s listeners are suspended (system status offline), run `resume` on {p}. In a cluster, the interface named for the quarantine at cluster level must exist on every machine.");
            case AlertKinds.CpqTlsFailure:
                return cause.Length > 0 ? cause
                    : $"TLS to the CPQ listener on {p} fails. Compare the outgoing cipher list of {a.Appliance} (`sslconfig`) with what {p} accepts, and check the certificate on {p}.";
            case AlertKinds.CpqConnectFailure:
                return cause.Length > 0 && !cause.StartsWith("TLS", StringComparison.Ordinal) ? cause : ConnectivityHint(a.Appliance, p, ip, cpqPort);
            case AlertKinds.QuarantineUnavailable:
                return a.Cause switch
                {
                    "application_fault" => $"An internal component of {a.Appliance} is faulting (application fault in mail_logs): restart {a.Appliance} (`reboot`), then check that centralized quarantine deliveries resume; open a TAC case if it recurs.",
                    "full" => $"Quarantine \"{a.Quarantine}\" on {a.Appliance} is nearly full: release or delete messages, or raise its size (Monitor > Policy, Virus and Outbreak Quarantines). When it is full, new messages cannot be quarantined.",
                    _ => $"The quarantine service on {a.Appliance} is unavailable: check `status` and the quarantine settings on {a.Appliance}, restart it if the service does not come back, and watch the.cpq.host on the ESAs.",
                };
            case AlertKinds.ApplianceSilent:
                return $"No mail_logs lines from {a.Appliance} while the rest of the estate logs: check that {a.Appliance} is up (`status`), its mail_logs subscription (`logconfig`) and the push (syslog or SCP) to the collector.";
            default:
                return ConnectivityHint(a.Appliance, p, ip, cpqPort);
        }
    }

    private static string ConnectivityHint(string appliance, string peer, string ip, int port) =>
        $"Check that {peer} listens on the CPQ port from {appliance}: `telnet {ip} {port}` must show a 220 banner. " +
        $"If it does not: the port may have been changed from {port} or be blocked by a firewall, the cpq_listener on {peer} may be suspended (`resume`), " +
        "or, in a cluster, the interface named for the quarantine at cluster level may be missing on this machine.";

    /// <summary>A cause-specific hint from the last error text, or empty.</summary>
    private static string CauseHint(string? error, string appliance, string peer, string ip, int port)
    {
        if (string.IsNullOrEmpty(error)) return "";
        if (error.Contains("no certificate from server", StringComparison.OrdinalIgnoreCase))
            return $"{appliance} negotiates an anonymous cipher with {peer} and the certificate check fails (\"verify error: no certificate from server\"): " +
                   $"append :-aNULL to {appliance}'s outgoing cipher list (`sslconfig` > outbound, e.g. HIGH:MEDIUM:-aNULL), then retry the queue (`delivernow`).";
        if (error.Contains("TLS", StringComparison.OrdinalIgnoreCase))
            return $"TLS to {peer} fails (\"{error}\"): compare {appliance}'s outgoing cipher list (`sslconfig`) with what {peer} accepts, and check {peer}'s certificate.";
        if (error.Contains("refused", StringComparison.OrdinalIgnoreCase))
            return $"{peer} refuses connections on port {port} (\"{error}\"): its cpq_listener is probably suspended (run `resume` on {peer}) or listens on another port; `telnet {ip} {port}` from {appliance} must show a 220 banner.";
        if (error.Contains("timed out", StringComparison.OrdinalIgnoreCase) || error.Contains("timeout", StringComparison.OrdinalIgnoreCase)
            || error.Contains("network", StringComparison.OrdinalIgnoreCase) || error.Contains("Errno", StringComparison.Ordinal))
            return ConnectivityHint(appliance, peer, ip, port) + $" (last error: \"{error}\")";
        if (error.StartsWith('4') || error.Contains("Temporary", StringComparison.OrdinalIgnoreCase) || error.Contains("unavailable", StringComparison.OrdinalIgnoreCase))
            return $"{peer} accepts connections but defers the messages (\"{error}\"): check {peer}'s mail_logs for application faults (restart {peer} if it faults) and its quarantine space.";
        return "";
    }

    /// <summary>Duration in words (<c>2h 5m</c>).</summary>
    public static string Duration(long ticks)
    {
        var t = TimeSpan.FromTicks(Math.Max(0, ticks));
        if (t.TotalHours >= 1) return string.Create(CultureInfo.InvariantCulture, $"{(int)t.TotalHours}h {t.Minutes}m");
        if (t.TotalMinutes >= 1) return string.Create(CultureInfo.InvariantCulture, $"{t.Minutes}m {t.Seconds}s");
        return string.Create(CultureInfo.InvariantCulture, $"{t.Seconds}s");
    }
}
