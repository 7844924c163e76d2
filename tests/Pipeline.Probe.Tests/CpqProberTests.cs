using Microsoft.Extensions.Time.Testing;

namespace Pipeline.Probe.Tests;

[Collection(ProbeServers.Collection)]
public sealed class CpqProberTests(ProbeServers servers)
{
    private static readonly ProbeOptions Options = new() { Timeout = TimeSpan.FromSeconds(20) };

    private static Task<ProbeResult> Probe(ProbeTarget target, ProbeOptions? options = null) => new CpqProber(options ?? Options).ProbeAsync(target);

    [Fact]
    public async Task Starttls_listener_reports_banner_protocol_cipher_certificate_and_times()
    {
        var r = await Probe(ProbeServers.Local(servers.StartTls.Port, "sma01"));

        Assert.True(r.Succeeded, r.Error + " " + r.Detail + "\n" + string.Join("\n", r.Transcript));
        Assert.Equal(ProbeStage.Done, r.Stage);
        Assert.StartsWith("220 ", r.Banner);
        Assert.Contains("aiosmtpd", r.Banner);
        Assert.True(r.StartTlsOffered);
        Assert.Contains("STARTTLS", r.Extensions);
        Assert.Contains(r.TlsProtocol, new[] { "TLSv1.2", "TLSv1.3" });
        Assert.StartsWith("TLS_", r.CipherSuite);
        var c = Assert.IsType<ProbeCertificate>(r.Certificate);
        Assert.Equal("CN=localhost", c.Subject);
        Assert.True(c.SelfSigned);
        Assert.Contains("localhost", c.AlternativeNames);
        Assert.Contains("127.0.0.1", c.AlternativeNames);
        Assert.InRange((c.NotAfter - DateTime.UtcNow).TotalDays, 29, 31);
        Assert.Contains(c.ChainErrors, e => e.Contains("UntrustedRoot", StringComparison.Ordinal)); // self-signed: reported, not fatal
        Assert.Equal(64, c.Sha256.Length);
        Assert.NotNull(r.Timings.ConnectMs);
        Assert.NotNull(r.Timings.BannerMs);
        Assert.NotNull(r.Timings.EhloMs);
        Assert.NotNull(r.Timings.StartTlsMs);
        Assert.NotNull(r.Timings.TlsHandshakeMs);
        Assert.True(r.Timings.TotalMs >= r.Timings.ConnectMs);
        Assert.Equal("", ProbeHints.For(r));
    }

    [Fact]
    public async Task Probe_never_sends_a_message()
    {
        var r = await Probe(ProbeServers.Local(servers.StartTls.Port));
        var plain = await Probe(ProbeServers.Local(servers.Plain.Port));

        var commands = r.Transcript.Concat(plain.Transcript).Where(l => l.StartsWith("C: ", StringComparison.Ordinal))
            .Select(l => l[3..].Split(' ')[0].ToUpperInvariant()).Distinct().Order().ToList();
        Assert.Equal(["EHLO", "QUIT", "STARTTLS"], commands);
        Assert.Empty(Directory.GetFiles(servers.Maildir));
    }

    [Fact]
    public async Task Listener_without_starttls_fails_with_its_extensions()
    {
        var r = await Probe(ProbeServers.Local(servers.Plain.Port, "sma01"));

        Assert.Equal(ProbeOutcome.StartTlsNotOffered, r.Outcome);
        Assert.StartsWith("220 ", r.Banner);
        Assert.False(r.StartTlsOffered);
        Assert.DoesNotContain("STARTTLS", r.Extensions);
        Assert.NotEmpty(r.Extensions);
        Assert.Null(r.TlsProtocol);
        Assert.Contains("does not offer STARTTLS", r.Error);
        Assert.Contains("STARTTLS", ProbeHints.For(r));
    }

    [Fact]
    public async Task Plain_listener_is_fine_when_tls_is_not_required()
    {
        var r = await Probe(ProbeServers.Local(servers.Plain.Port), Options with { RequireTls = false });
        Assert.True(r.Succeeded, r.Error);
        Assert.Null(r.TlsProtocol);
    }

    [Fact]
    public async Task Closed_port_is_refused()
    {
        var r = await Probe(ProbeServers.Local(servers.ClosedPort, "sma01"));

        Assert.Equal(ProbeOutcome.Refused, r.Outcome);
        Assert.Equal(ProbeStage.Connect, r.Stage);
        Assert.Null(r.Banner);
        Assert.Contains("refuses the connection", r.Error);
        string hint = ProbeHints.For(r);
        Assert.Contains("`resume`", hint);
        Assert.Contains($"`telnet 127.0.0.1 {servers.ClosedPort}`", hint);
        Assert.Contains("220", hint);
    }

    [Fact]
    public async Task Server_that_never_answers_times_out_waiting_for_the_banner()
    {
        var r = await Probe(ProbeServers.Local(servers.Silent.Port, "sma01"), Options with { Timeout = TimeSpan.FromSeconds(1.5) });

        Assert.Equal(ProbeOutcome.Timeout, r.Outcome);
        Assert.Equal(ProbeStage.Banner, r.Stage);
        Assert.NotNull(r.Timings.ConnectMs);
        Assert.Null(r.Banner);
        Assert.Contains("sends no banner", r.Error);
        Assert.Contains("reboot", ProbeHints.For(r));
        Assert.InRange(r.Timings.TotalMs, 1000, 20_000); // the timeout held, it did not hang
    }

    [Fact]
    public async Task Server_that_answers_garbage_has_no_220()
    {
        var r = await Probe(ProbeServers.Local(servers.Garbage.Port));

        Assert.Equal(ProbeOutcome.No220, r.Outcome);
        Assert.Equal(ProbeStage.Banner, r.Stage);
        Assert.Equal("HTTP/1.0 400 Bad Request", r.Banner);
        Assert.Contains("instead of a 220 banner", r.Error);
        Assert.Contains("a 220 banner is expected", ProbeHints.For(r));
    }

    [Fact]
    public async Task Server_that_answers_554_has_no_220()
    {
        var r = await Probe(ProbeServers.Local(servers.Unavailable.Port));

        Assert.Equal(ProbeOutcome.No220, r.Outcome);
        Assert.StartsWith("554 ", r.Banner);
        Assert.Contains("554 5.3.2 Service currently unavailable", r.Error);
    }

    [Fact]
    public async Task Anonymous_cipher_only_starttls_listener_is_a_handshake_failure()
    {
        var r = await Probe(ProbeServers.Local(servers.AnonymousOnly.Port, "sma01"));

        Assert.Equal(ProbeOutcome.TlsHandshakeFailed, r.Outcome);
        Assert.Equal(ProbeStage.Tls, r.Stage);
        Assert.True(r.StartTlsOffered);
        Assert.StartsWith("220 ", r.Banner);
        Assert.Null(r.Certificate); // never a session without a certificate: the handshake does not complete
        Assert.Null(r.TlsProtocol);
        Assert.Contains("before any certificate was sent", r.Error);
        Assert.Contains(":-aNULL", ProbeHints.For(r));
    }

    [Fact]
    public async Task Anonymous_cipher_only_openssl_server_is_a_handshake_failure_with_implicit_tls()
    {
        var r = await Probe(ProbeServers.Local(servers.OpensslAnonymous.Port, "sma01", ProbeTls.Implicit));

        Assert.Equal(ProbeOutcome.TlsHandshakeFailed, r.Outcome);
        Assert.Null(r.Certificate);
        Assert.Contains(":-aNULL", ProbeHints.For(r));
    }

    [Fact]
    public async Task Untrusted_certificate_fails_when_a_trusted_one_is_required()
    {
        var r = await Probe(ProbeServers.Local(servers.StartTls.Port), Options with { RequireTrustedCertificate = true });

        Assert.Equal(ProbeOutcome.CertificateRejected, r.Outcome);
        Assert.Equal("CN=localhost", r.Certificate!.Subject);
        Assert.Contains("does not validate", r.Error);
    }

    [Fact]
    public async Task Results_carry_the_clock_time_given()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 9, 0, 0, TimeSpan.Zero));
        var r = await new CpqProber(Options, clock).ProbeAsync(ProbeServers.Local(servers.ClosedPort));
        Assert.Equal(new DateTime(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc), r.StartedAt);
        Assert.Equal(DateTimeKind.Utc, r.StartedAt.Kind);
    }
}
