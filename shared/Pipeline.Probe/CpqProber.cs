using System.Diagnostics;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;

namespace Pipeline.Probe;

/// <summary>
/// Probes one CPQ listener the way the tech note's <c>telnet host 7025</c> check does, and further: connect, read the
/// banner (220 expected), EHLO, STARTTLS, the TLS handshake (protocol, cipher, certificate), QUIT. It never sends a
/// message (no MAIL FROM is ever issued).
/// </summary>
public sealed class CpqProber
{
    private readonly ProbeOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>A prober with these options; <paramref name="clock"/> stamps the results (default: the system clock).</summary>
    public CpqProber(ProbeOptions options, TimeProvider? clock = null)
    {
        _options = options;
        _clock = clock ?? TimeProvider.System;
    }

    /// <summary>Probes a target; failures are results, never exceptions (except cancellation by <paramref name="cancel"/>).</summary>
    public async Task<ProbeResult> ProbeAsync(ProbeTarget target, CancellationToken cancel = default)
    {
        var startedAt = _clock.GetUtcNow().UtcDateTime;
        var watch = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        deadline.CancelAfter(_options.Timeout);
        var transcript = new ProbeTranscript(watch);
        var probe = new Attempt(target, startedAt, watch, transcript);

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        try
        {
            try
            {
                await socket.ConnectAsync(target.Host, target.Port, deadline.Token).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                return probe.Fail(ProbeStage.Connect, ConnectOutcome(ex.SocketErrorCode), ConnectWords(target, ex.SocketErrorCode), ex.Message);
            }
            catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
            {
                return probe.Fail(ProbeStage.Connect, ProbeOutcome.Timeout,
                    $"no answer to the connection to {target.Endpoint} within {Seconds(_options.Timeout)} (dropped by a firewall, or the host is down)", null);
            }
            probe.Connected((socket.RemoteEndPoint as System.Net.IPEndPoint)?.Address.ToString());
            return await ConverseAsync(probe, socket, deadline, cancel).ConfigureAwait(false);
        }
        finally
        {
            socket.Dispose();
        }
    }

    private async Task<ProbeResult> ConverseAsync(Attempt probe, Socket socket, CancellationTokenSource deadline, CancellationToken cancel)
    {
        var target = probe.Target;
        using var client = new SmtpClient(probe.Transcript)
        {
            LocalDomain = _options.LocalDomain,
            CheckCertificateRevocation = false, // CPQ certificates are often self-signed, and there may be no route to a CRL
            Timeout = (int)Math.Clamp(_options.Timeout.TotalMilliseconds, 1, int.MaxValue),
        };
        client.ServerCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            probe.Certificate = Describe(certificate, chain, errors);
            return errors == SslPolicyErrors.None || !_options.RequireTrustedCertificate;
        };
        // STARTTLS only when offered: a listener without it is reported as such (with its EHLO), not as an exception.
        var secure = target.Tls == ProbeTls.Implicit ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTlsWhenAvailable;
        try
        {
            await client.ConnectAsync(socket, target.Host, target.Port, secure, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            return Classify(probe, ex);
        }

        bool offered = client.Capabilities.HasFlag(SmtpCapabilities.StartTLS);
        probe.StartTlsOffered = offered;
        bool encrypted = client.IsSecure; // read before QUIT: a disconnected client is no longer secure
        if (encrypted)
        {
            probe.TlsProtocol = ProtocolName(client.SslProtocol);
            probe.CipherSuite = client.SslCipherSuite?.ToString();
        }
        try
        {
            // QUIT: a polite end; its failure does not change what was found.
            await client.DisconnectAsync(true, deadline.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancel.IsCancellationRequested) { }

        if (!encrypted && _options.RequireTls)
            return probe.Fail(ProbeStage.Ehlo, ProbeOutcome.StartTlsNotOffered,
                $"{target.Endpoint} answers with a 220 banner but does not offer STARTTLS, so the CPQ's TLS cannot start", null);
        return probe.Finish(ProbeOutcome.Ok, ProbeStage.Done, null, null);
    }

    /// <summary>Turns what MailKit threw into an outcome, using the transcript to tell the stage.</summary>
    private ProbeResult Classify(Attempt probe, Exception ex)
    {
        var target = probe.Target;
        var lines = probe.Transcript.Lines;
        var server = lines.Where(l => l.FromServer).ToList();
        bool sentStartTls = lines.Any(l => !l.FromServer && l.Text.StartsWith("STARTTLS", StringComparison.OrdinalIgnoreCase));
        bool sentEhlo = lines.Any(l => !l.FromServer && l.Text.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase));
        string detail = Innermost(ex);
        string? first = server.Count > 0 ? server[0].Text : probe.Transcript.PendingServerText is { Length: > 0 } p ? p : null;

        if (ex is SslHandshakeException || ex is System.Security.Authentication.AuthenticationException || (sentStartTls && ex is IOException))
        {
            bool rejected = probe.Certificate is { ChainErrors.Count: > 0 } && _options.RequireTrustedCertificate;
            if (rejected)
                return probe.Fail(ProbeStage.Tls, ProbeOutcome.CertificateRejected,
                    $"the certificate of {target.Endpoint} does not validate ({string.Join("; ", probe.Certificate!.ChainErrors)})", detail);
            return probe.Fail(ProbeStage.Tls, ProbeOutcome.TlsHandshakeFailed,
                probe.Certificate is null
                    ? $"the TLS handshake with {target.Endpoint} failed before any certificate was sent (no shared protocol or cipher; an anonymous-cipher-only peer looks like this)"
                    : $"the TLS handshake with {target.Endpoint} failed after the certificate was sent",
                detail);
        }
        if (ex is OperationCanceledException or TimeoutException || (ex is IOException && ex.InnerException is SocketException { SocketErrorCode: SocketError.TimedOut }))
        {
            if (first is null)
                return probe.Fail(ProbeStage.Banner, ProbeOutcome.Timeout,
                    $"{target.Endpoint} accepts the connection but sends no banner within {Seconds(_options.Timeout)} (a telnet would hang the same way)", detail);
            return probe.Fail(sentStartTls ? ProbeStage.Tls : ProbeStage.Ehlo, ProbeOutcome.Timeout,
                $"{target.Endpoint} stopped answering during {(sentStartTls ? "STARTTLS" : "EHLO")} (no reply within {Seconds(_options.Timeout)})", detail);
        }
        if (!sentEhlo && ex is SmtpCommandException or SmtpProtocolException or IOException or SocketException)
            return probe.Fail(ProbeStage.Banner, ProbeOutcome.No220,
                first is null ? $"{target.Endpoint} closed the connection without a banner"
                    : $"{target.Endpoint} answers \"{Shorten(first)}\" instead of a 220 banner", detail);
        if (ex is SmtpCommandException command && !sentStartTls)
            return probe.Fail(ProbeStage.Ehlo, ProbeOutcome.EhloRejected,
                $"{target.Endpoint} rejects EHLO ({(int)command.StatusCode} {Shorten(command.Message)})", detail);
        if (ex is SmtpCommandException startTls)
            return probe.Fail(ProbeStage.Tls, ProbeOutcome.TlsHandshakeFailed,
                $"{target.Endpoint} refuses STARTTLS ({(int)startTls.StatusCode} {Shorten(startTls.Message)})", detail);
        return probe.Fail(sentStartTls ? ProbeStage.Tls : sentEhlo ? ProbeStage.Ehlo : ProbeStage.Banner, ProbeOutcome.Error,
            $"the conversation with {target.Endpoint} broke off: {Shorten(detail)}", detail);
    }

    private static ProbeOutcome ConnectOutcome(SocketError code) => code switch
    {
        SocketError.ConnectionRefused => ProbeOutcome.Refused,
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => ProbeOutcome.DnsFailed,
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => ProbeOutcome.Unreachable,
        SocketError.TimedOut => ProbeOutcome.Timeout,
        _ => ProbeOutcome.Error,
    };

    private static string ConnectWords(ProbeTarget target, SocketError code) => code switch
    {
        SocketError.ConnectionRefused => $"{target.Endpoint} refuses the connection (nothing listens on port {target.Port})",
        SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain => $"{target.Host} does not resolve",
        SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostDown or SocketError.NetworkDown => $"no route to {target.Host}",
        SocketError.TimedOut => $"the connection to {target.Endpoint} timed out",
        _ => $"cannot connect to {target.Endpoint} ({code})",
    };

    private static ProbeCertificate? Describe(System.Security.Cryptography.X509Certificates.X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null) return null;
        using var cert = new X509Certificate2(certificate);
        var names = new List<string>();
        foreach (var ext in cert.Extensions)
        {
            if (ext is X509SubjectAlternativeNameExtension san)
            {
                names.AddRange(san.EnumerateDnsNames());
                names.AddRange(san.EnumerateIPAddresses().Select(a => a.ToString()));
            }
        }
        var chainErrors = new List<string>();
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch)) chainErrors.Add("name mismatch");
        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
            chainErrors.Add(statuses.Count > 0 ? "chain: " + string.Join(", ", statuses) : "chain errors");
        }
        return new ProbeCertificate
        {
            Subject = cert.Subject,
            Issuer = cert.Issuer,
            NotBefore = cert.NotBefore.ToUniversalTime(),
            NotAfter = cert.NotAfter.ToUniversalTime(),
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(cert.RawData)),
            AlternativeNames = names,
            ChainErrors = chainErrors,
        };
    }

#pragma warning disable SYSLIB0039, CS0618 // old protocol names are reported, not enabled
    private static string ProtocolName(SslProtocols p) => p switch
    {
        SslProtocols.Tls13 => "TLSv1.3",
        SslProtocols.Tls12 => "TLSv1.2",
        SslProtocols.Tls11 => "TLSv1.1",
        SslProtocols.Tls => "TLSv1",
        _ => p.ToString(),
    };
#pragma warning restore SYSLIB0039, CS0618

    private static string Innermost(Exception ex)
    {
        var messages = new List<string>();
        for (var e = ex; e is not null; e = e.InnerException)
            if (!messages.Contains(e.Message)) messages.Add(e.Message);
        return string.Join(" / ", messages);
    }

    private static string Shorten(string s) => s.Length <= 120 ? s : s[..117] + "...";

    private static string Seconds(TimeSpan t) => $"{t.TotalSeconds:0.#} s";

    /// <summary>What one probe has found so far.</summary>
    private sealed class Attempt(ProbeTarget target, DateTime startedAt, Stopwatch watch, ProbeTranscript transcript)
    {
        public ProbeTarget Target { get; } = target;
        public ProbeTranscript Transcript { get; } = transcript;
        public ProbeCertificate? Certificate { get; set; }
        public bool StartTlsOffered { get; set; }
        public string? TlsProtocol { get; set; }
        public string? CipherSuite { get; set; }
        private double? _connectedAt;
        private string? _remote;

        public void Connected(string? remote)
        {
            _connectedAt = watch.Elapsed.TotalMilliseconds;
            _remote = remote;
        }

        public ProbeResult Fail(ProbeStage stage, ProbeOutcome outcome, string error, string? detail) => Finish(outcome, stage, error, detail);

        public ProbeResult Finish(ProbeOutcome outcome, ProbeStage stage, string? error, string? detail)
        {
            double total = watch.Elapsed.TotalMilliseconds;
            var lines = Transcript.Lines;
            var server = lines.Where(l => l.FromServer).ToList();
            string? banner = server.Count > 0 ? server[0].Text : Transcript.PendingServerText is { Length: > 0 } p ? p.TrimEnd() : null;
            var extensions = EhloExtensions(lines);
            return new ProbeResult
            {
                Target = Target,
                StartedAt = startedAt,
                Outcome = outcome,
                Stage = stage,
                Error = error,
                Detail = detail,
                RemoteAddress = _remote,
                Banner = banner,
                Extensions = extensions,
                StartTlsOffered = StartTlsOffered || extensions.Contains("STARTTLS", StringComparer.OrdinalIgnoreCase),
                TlsProtocol = TlsProtocol,
                CipherSuite = CipherSuite,
                Certificate = Certificate,
                Timings = Timings(lines, total),
                Transcript = [.. lines.Select(l => (l.FromServer ? "S: " : "C: ") + l.Text)],
            };
        }

        /// <summary>The extensions of the first EHLO reply (<c>250-SIZE 33554432</c> → <c>SIZE 33554432</c>).</summary>
        private static List<string> EhloExtensions(List<ProbeTranscript.Line> lines)
        {
            int ehlo = lines.FindIndex(l => !l.FromServer && l.Text.StartsWith("EHLO", StringComparison.OrdinalIgnoreCase));
            var result = new List<string>();
            if (ehlo < 0) return result;
            bool first = true;
            for (int i = ehlo + 1; i < lines.Count && lines[i].FromServer; i++)
            {
                string t = lines[i].Text;
                if (t.Length >= 4 && !first) result.Add(t[4..].Trim());
                first = false;
                if (t.Length < 4 || t[3] == ' ') break;
            }
            return result;
        }

        private ProbeTimings Timings(List<ProbeTranscript.Line> lines, double total)
        {
            double? connected = _connectedAt;
            double? banner = lines.FirstOrDefault(l => l.FromServer) is { Text: not null } b ? b.AtMs : null;
            return new ProbeTimings
            {
                ConnectMs = connected,
                BannerMs = connected is { } c && banner is { } bn ? bn - c : null,
                EhloMs = Exchange(lines, "EHLO"),
                StartTlsMs = Exchange(lines, "STARTTLS"),
                TlsHandshakeMs = Handshake(lines),
                TotalMs = total,
            };
        }

        /// <summary>From the first client line starting with <paramref name="verb"/> to the last line of its reply.</summary>
        private static double? Exchange(List<ProbeTranscript.Line> lines, string verb)
        {
            int i = lines.FindIndex(l => !l.FromServer && l.Text.StartsWith(verb, StringComparison.OrdinalIgnoreCase));
            if (i < 0) return null;
            for (int j = i + 1; j < lines.Count && lines[j].FromServer; j++)
                if (lines[j].Text.Length < 4 || lines[j].Text[3] == ' ') return lines[j].AtMs - lines[i].AtMs;
            return null;
        }

        /// <summary>From the reply to STARTTLS to the next client line (sent once the handshake is done).</summary>
        private static double? Handshake(List<ProbeTranscript.Line> lines)
        {
            int i = lines.FindIndex(l => !l.FromServer && l.Text.StartsWith("STARTTLS", StringComparison.OrdinalIgnoreCase));
            if (i < 0 || i + 1 >= lines.Count || !lines[i + 1].FromServer) return null;
            int next = lines.FindIndex(i + 2, l => !l.FromServer);
            return next < 0 ? null : lines[next].AtMs - lines[i + 1].AtMs;
        }
    }
}
