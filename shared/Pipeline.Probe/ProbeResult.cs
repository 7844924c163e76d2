namespace Pipeline.Probe;

/// <summary>What a probe of one listener found; every failure has its own value.</summary>
public enum ProbeOutcome
{
    /// <summary>Banner 220, EHLO, STARTTLS and the TLS handshake worked.</summary>
    Ok,
    /// <summary>The connection was refused (nothing listens on the port).</summary>
    Refused,
    /// <summary>No route to the host or network.</summary>
    Unreachable,
    /// <summary>The host name does not resolve.</summary>
    DnsFailed,
    /// <summary>No answer in time (to the connection, or no banner after connecting).</summary>
    Timeout,
    /// <summary>The server answered, but not with a 220 banner.</summary>
    No220,
    /// <summary>The server refused EHLO.</summary>
    EhloRejected,
    /// <summary>The server does not offer STARTTLS.</summary>
    StartTlsNotOffered,
    /// <summary>The TLS handshake failed (no shared protocol or cipher; an anonymous-cipher-only peer looks like this).</summary>
    TlsHandshakeFailed,
    /// <summary>The server certificate does not validate and a trusted certificate is required.</summary>
    CertificateRejected,
    /// <summary>The connection broke or another error occurred.</summary>
    Error,
}

/// <summary>The stage of the SMTP conversation a probe reached or failed in.</summary>
public enum ProbeStage
{
    /// <summary>Name resolution and TCP connect.</summary>
    Connect,
    /// <summary>Reading the greeting.</summary>
    Banner,
    /// <summary>EHLO.</summary>
    Ehlo,
    /// <summary>STARTTLS and the TLS handshake (or the implicit TLS handshake).</summary>
    Tls,
    /// <summary>Everything worked.</summary>
    Done,
}

/// <summary>The peer certificate as the probe saw it.</summary>
public sealed record ProbeCertificate
{
    /// <summary>Subject distinguished name.</summary>
    public required string Subject { get; init; }
    /// <summary>Issuer distinguished name.</summary>
    public required string Issuer { get; init; }
    /// <summary>Start of validity, UTC.</summary>
    public required DateTime NotBefore { get; init; }
    /// <summary>End of validity, UTC.</summary>
    public required DateTime NotAfter { get; init; }
    /// <summary>SHA-256 of the DER certificate, hex.</summary>
    public required string Sha256 { get; init; }
    /// <summary>DNS names and addresses of the subject alternative name extension.</summary>
    public IReadOnlyList<string> AlternativeNames { get; init; } = [];
    /// <summary>Why the chain does not validate (e.g. <c>RemoteCertificateChainErrors: UntrustedRoot</c>); empty when it does.</summary>
    public IReadOnlyList<string> ChainErrors { get; init; } = [];
    /// <summary>Whether issuer and subject are the same.</summary>
    public bool SelfSigned => Subject == Issuer;
}

/// <summary>Round-trip times of the stages, milliseconds; null for a stage not reached.</summary>
public sealed record ProbeTimings
{
    /// <summary>TCP connect (with name resolution).</summary>
    public double? ConnectMs { get; init; }
    /// <summary>From connected to the greeting (with the handshake for implicit TLS).</summary>
    public double? BannerMs { get; init; }
    /// <summary>EHLO to its last reply line.</summary>
    public double? EhloMs { get; init; }
    /// <summary>STARTTLS to its reply.</summary>
    public double? StartTlsMs { get; init; }
    /// <summary>The TLS handshake after STARTTLS's reply.</summary>
    public double? TlsHandshakeMs { get; init; }
    /// <summary>The whole probe, QUIT included.</summary>
    public double TotalMs { get; init; }
}

/// <summary>One probe of one listener.</summary>
public sealed record ProbeResult
{
    /// <summary>What was probed.</summary>
    public required ProbeTarget Target { get; init; }
    /// <summary>When the probe started, UTC.</summary>
    public required DateTime StartedAt { get; init; }
    /// <summary>What it found.</summary>
    public required ProbeOutcome Outcome { get; init; }
    /// <summary>The last stage reached (<see cref="ProbeStage.Done"/> when everything worked).</summary>
    public required ProbeStage Stage { get; init; }
    /// <summary>The failure in words, for operators; null when the probe worked.</summary>
    public string? Error { get; init; }
    /// <summary>The underlying error text (socket error, TLS library message), for the record.</summary>
    public string? Detail { get; init; }
    /// <summary>The address connected to.</summary>
    public string? RemoteAddress { get; init; }
    /// <summary>The greeting as received (first line), or what came instead of it.</summary>
    public string? Banner { get; init; }
    /// <summary>EHLO extensions offered (before STARTTLS).</summary>
    public IReadOnlyList<string> Extensions { get; init; } = [];
    /// <summary>Whether STARTTLS was offered.</summary>
    public bool StartTlsOffered { get; init; }
    /// <summary>Negotiated protocol, e.g. <c>TLSv1.3</c>; null without TLS.</summary>
    public string? TlsProtocol { get; init; }
    /// <summary>Negotiated cipher suite (IANA name, e.g. <c>TLS_AES_256_GCM_SHA384</c>); null without TLS.</summary>
    public string? CipherSuite { get; init; }
    /// <summary>The peer certificate, when the handshake got that far.</summary>
    public ProbeCertificate? Certificate { get; init; }
    /// <summary>Round-trip times.</summary>
    public required ProbeTimings Timings { get; init; }
    /// <summary>The SMTP conversation (client lines prefixed <c>C:</c>, server lines <c>S:</c>), for <c>--verbose</c> and the record.</summary>
    public IReadOnlyList<string> Transcript { get; init; } = [];

    /// <summary>Whether the listener worked.</summary>
    public bool Succeeded => Outcome == ProbeOutcome.Ok;
}
