namespace Pipeline.Probe;

/// <summary>
/// The operator's next step for a failed probe, from the causes the CPQ troubleshooting tech note names: anonymous
/// cipher (append <c>:-aNULL</c>), port changed or blocked (<c>telnet host 7025</c> must show 220), suspended
/// cpq_listener (<c>resume</c>), SMA fault (reboot).
/// </summary>
public static class ProbeHints
{
    /// <summary>The hint for a result; empty when the probe worked.</summary>
    public static string For(ProbeResult r)
    {
        var t = r.Target;
        string name = t.Name, telnet = $"`telnet {t.Host} {t.Port}`";
        return r.Outcome switch
        {
            ProbeOutcome.Ok => "",
            ProbeOutcome.Refused =>
                $"Nothing listens on {t.Endpoint}: the cpq_listener on {name} is probably suspended (`suspendlisteners`, system status offline: run `resume` on {name}), " +
                $"or the CPQ port was changed from {t.Port}. From an ESA, {telnet} must show a 220 banner.",
            ProbeOutcome.Timeout when r.Stage == ProbeStage.Connect =>
                $"Connections to {t.Endpoint} get no answer: a firewall between the ESAs and {name} probably drops port {t.Port}, or {t.Host} is down. From an ESA, {telnet} must show a 220 banner.",
            ProbeOutcome.Timeout when r.Stage == ProbeStage.Banner =>
                $"{name} accepts connections on port {t.Port} but never sends its banner: the listener hangs. Check {name}'s mail_logs for application faults; " +
                $"if an internal component faults, reboot {name} (`reboot`). {telnet} must show a 220 banner.",
            ProbeOutcome.Timeout =>
                $"{name} stops answering in the middle of the SMTP conversation: check {name}'s mail_logs for application faults and reboot {name} if it faults.",
            ProbeOutcome.Unreachable or ProbeOutcome.DnsFailed =>
                $"{t.Host} cannot be reached from here: check the address configured for {name}'s centralized quarantine and the route to it; {telnet} from an ESA must show a 220 banner.",
            ProbeOutcome.No220 =>
                $"Port {t.Port} on {t.Host} answers, but not as the CPQ listener (a 220 banner is expected): the CPQ port may have been changed, another service may hold {t.Port}, " +
                $"or {name}'s listener refuses service (system status offline: `resume`).",
            ProbeOutcome.EhloRejected or ProbeOutcome.Error =>
                $"{name}'s listener on port {t.Port} does not complete the SMTP conversation: check {name}'s mail_logs for application faults and reboot {name} if it faults.",
            ProbeOutcome.StartTlsNotOffered =>
                $"{name}'s listener on port {t.Port} offers no STARTTLS, but centralized quarantine traffic needs TLS: check that {t.Port} is really the CPQ port " +
                $"(`telnet {t.Host} {t.Port}` shows a 220 banner; EHLO must list STARTTLS) and that TLS is enabled on {name}'s cpq_listener.",
            ProbeOutcome.TlsHandshakeFailed =>
                $"TLS with {name} on port {t.Port} fails. This is what an anonymous-cipher-only peer looks like: when an ESA negotiates an anonymous cipher the certificate check fails " +
                $"(\"verify error: no certificate from server\"); append :-aNULL to the cipher lists (`sslconfig`, e.g. HIGH:MEDIUM:-aNULL) on the ESAs and on {name}, " +
                $"and check that {name} has a certificate for its CPQ listener.",
            ProbeOutcome.CertificateRejected =>
                $"The certificate of {name}'s CPQ listener does not validate: install a certificate the ESAs trust (or whose chain they have) on {name}, and check its name and expiry.",
            _ => "",
        };
    }

    /// <summary>The hint for a certificate close to expiry.</summary>
    public static string ForExpiry(ProbeResult r, ProbeCertificate c)
    {
        string name = r.Target.Name;
        return $"The certificate of {name}'s CPQ listener ({c.Subject}) expires {c.NotAfter:yyyy-MM-dd HH:mm}Z: install a new certificate on {name} " +
               "(`certconfig`) before then, or the ESAs' TLS to the centralized quarantine fails when they verify it.";
    }
}
