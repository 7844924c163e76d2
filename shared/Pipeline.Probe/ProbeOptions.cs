namespace Pipeline.Probe;

/// <summary>The probe's settings, with their defaults (the one place the defaults live; help texts read them here).</summary>
public sealed record ProbeOptions
{
    /// <summary>Default values.</summary>
    public static readonly ProbeOptions Defaults = new();

    /// <summary>Longest wait for one target, from connect to the end of the TLS handshake.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A certificate that expires within this time raises a warning.</summary>
    public TimeSpan CertificateWarning { get; init; } = TimeSpan.FromDays(21);

    /// <summary>How many targets are probed at the same time.</summary>
    public int Concurrency { get; init; } = 8;

    /// <summary>Time between rounds in scheduled mode.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The name the probe gives in EHLO.</summary>
    public string LocalDomain { get; init; } = "pipeline-probe.invalid";

    /// <summary>A listener that does not offer STARTTLS is a failure (CPQ traffic is TLS).</summary>
    public bool RequireTls { get; init; } = true;

    /// <summary>A certificate that does not validate (untrusted chain, name mismatch) fails the handshake instead of being reported.</summary>
    public bool RequireTrustedCertificate { get; init; }

    /// <summary>Configured targets (<see cref="ProbeTarget.Parse"/> syntax).</summary>
    public List<string> Targets { get; init; } = [];
}
