using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Correlation;
using Pipeline.Correlation.Model;
using Pipeline.TestServers;

namespace Pipeline.Probe.Tests;

[Collection(ProbeServers.Collection)]
public sealed class ProbeAlertAndRunnerTests(ProbeServers servers)
{
    private static readonly ProbeOptions Options = new() { Timeout = TimeSpan.FromSeconds(20) };
    private static readonly DateTimeOffset Start = new(2026, 3, 10, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Failing_listener_opens_probe_failed_updates_it_and_resolves_when_it_answers_again()
    {
        var clock = new FakeTimeProvider(Start);
        int port = Net.FreePort();
        var runner = new ProbeRunner(Options, [new ConfiguredTargets([new ProbeTarget("127.0.0.1", port, "sma01")])], clock);

        var first = await runner.RunOnceAsync();
        Assert.True(first.AnyFailed);
        var opened = Assert.Single(first.Alerts);
        Assert.Equal(AlertKinds.ProbeFailed, opened.Kind);
        Assert.Equal($"probe_failed:sma01:127.0.0.1:{port}:20260310T090000Z", opened.Id);
        Assert.Equal("sma01", opened.Appliance);
        Assert.Equal($"127.0.0.1:{port}", opened.Peer);
        Assert.Equal("open", opened.Status);
        Assert.Equal(1, opened.Evidence.Messages);
        Assert.Contains("refuses the connection", opened.Evidence.LastError);
        Assert.Contains("`resume`", opened.Hint);

        clock.Advance(TimeSpan.FromMinutes(5));
        var second = await runner.RunOnceAsync();
        var updated = Assert.Single(second.Alerts);
        Assert.Equal(opened.Id, updated.Id);
        Assert.Equal(2, updated.Evidence.Messages);
        Assert.Equal(300, updated.Evidence.OldestAgeSeconds);
        Assert.Equal(1, opened.Evidence.Messages); // what was handed out earlier does not change

        using var listener = await ServerProcess.StartSmtp("aiosmtpd on the failed port", port, "--tls-cert", Cert().CertPath, "--tls-key", Cert().KeyPath);
        clock.Advance(TimeSpan.FromMinutes(5));
        var third = await runner.RunOnceAsync();
        Assert.False(third.AnyFailed, third.Results[0].Error);
        var resolved = Assert.Single(third.Alerts);
        Assert.Equal(opened.Id, resolved.Id);
        Assert.Equal("resolved", resolved.Status);
        Assert.Equal(Start.UtcDateTime.AddMinutes(10), resolved.ResolvedAt);
        Assert.Empty(runner.Alerts.Open);
    }

    private TestCertificate? _cert;
    private TestCertificate Cert() => _cert ??= TestCertificate.Create(servers.Dir, 30, "resolve");

    [Fact]
    public async Task Certificate_close_to_expiry_raises_one_warning_until_it_is_renewed()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var runner = new ProbeRunner(Options, [new ConfiguredTargets([ProbeServers.Local(servers.ExpiringTls.Port, "sma02")])], clock);

        var first = await runner.RunOnceAsync();
        Assert.False(first.AnyFailed, first.Results[0].Error);
        var warning = Assert.Single(first.Alerts);
        Assert.Equal(ProbeAlertKinds.CertificateExpiring, warning.Kind);
        Assert.StartsWith("probe_certificate_expiring:sma02:127.0.0.1:", warning.Id);
        Assert.Contains("expires", warning.Evidence.LastError);
        Assert.Contains("certconfig", warning.Hint);

        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty((await runner.RunOnceAsync()).Alerts); // still the same certificate: nothing new

        // A renewed (long-lived) certificate on that endpoint resolves the warning: a real result from the 30-day
        // listener, taken as the expiring endpoint's, after a restart that restored the open warning.
        var sameEndpoint = new ProbeAlertBook(Options);
        sameEndpoint.Restore([warning]);
        var good = await new CpqProber(Options, clock).ProbeAsync(ProbeServers.Local(servers.StartTls.Port, "sma02"));
        var moved = good with { Target = good.Target with { Port = servers.ExpiringTls.Port } };
        var resolved = Assert.Single(sameEndpoint.Observe(moved));
        Assert.Equal(warning.Id, resolved.Id);
        Assert.Equal("resolved", resolved.Status);
    }

    [Fact]
    public async Task Runner_probes_configured_and_learned_targets_once_each_in_order()
    {
        // What the estate stage hears from sma01's stage: its activity and an address of its own.
        var estate = new Pipeline.Correlation.Stages.EstateStage(new Pipeline.Correlation.CorrelationOptions());
        estate.Apply(new Pipeline.Protocol.ApplianceActivity("sma01", 1, Pipeline.Protocol.ApplianceRole.Sma, 10, 1, 2, 0));
        estate.Apply(new Pipeline.Protocol.AddressLearned("sma01", 2, "127.0.0.1"));
        var configured = ConfiguredTargets.Parse([$"sma01=127.0.0.1:{servers.StartTls.Port}", $"esa01=127.0.0.1:{servers.ClosedPort}"]);
        var learned = new LearnedTargets(new EstateListeners(estate, servers.StartTls.Port));
        var runner = new ProbeRunner(Options with { Concurrency = 2 }, [configured, learned]);

        var targets = runner.Targets();
        Assert.Equal(2, targets.Count); // the learned sma01 listener is the configured one
        Assert.Equal("config", targets[0].Source);

        var round = await runner.RunOnceAsync();
        Assert.Equal(["sma01", "esa01"], round.Results.Select(r => r.Target.Name));
        Assert.True(round.Results[0].Succeeded);
        Assert.Equal(ProbeOutcome.Refused, round.Results[1].Outcome);
        Assert.True(round.AnyFailed);

        var onlyLearned = new ProbeRunner(Options, [learned]);
        var t = Assert.Single(onlyLearned.Targets());
        Assert.Equal(("sma01", "learned", servers.StartTls.Port), (t.Appliance, t.Source, t.Port));
    }

    private sealed class CountingSink : IProbeSink
    {
        public int Rounds;
        public ValueTask WriteAsync(ProbeRound round, CancellationToken cancel)
        {
            Interlocked.Increment(ref Rounds);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task Scheduled_runner_repeats_rounds_and_stops_on_cancellation()
    {
        var runner = new ProbeRunner(Options with { Interval = TimeSpan.FromMilliseconds(20) }, [new ConfiguredTargets([ProbeServers.Local(servers.Plain.Port)])]);
        var sink = new CountingSink();
        using var stop = new CancellationTokenSource();
        var service = new ProbeService(runner, sink);
        await service.StartAsync(stop.Token);
        await Net.WaitFor(() => Volatile.Read(ref sink.Rounds) >= 3, Net.Patience, "three scheduled rounds");
        var stopping = service.StopAsync(CancellationToken.None);
        Assert.Same(stopping, await Task.WhenAny(stopping, Task.Delay(Net.Patience)));
        Assert.True(service.ExecuteTask!.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Result_is_an_event_document_with_tls_and_certificate_fields()
    {
        var r = await new CpqProber(Options).ProbeAsync(ProbeServers.Local(servers.StartTls.Port, "sma01"));
        using var doc = JsonDocument.Parse(Json(r));
        var e = doc.RootElement;
        Assert.Equal("cpq_probe", e.GetProperty("event").GetProperty("action").GetString());
        Assert.Equal("success", e.GetProperty("event").GetProperty("outcome").GetString());
        Assert.Equal(ProbeEventJson.EventId(r), e.GetProperty("event").GetProperty("id").GetString());
        Assert.Equal(servers.StartTls.Port, e.GetProperty("destination").GetProperty("port").GetInt32());
        Assert.Equal("sma01", e.GetProperty("probe").GetProperty("appliance").GetString());
        Assert.StartsWith("220 ", e.GetProperty("probe").GetProperty("banner").GetString());
        Assert.True(e.GetProperty("tls").GetProperty("established").GetBoolean());
        Assert.Equal(r.CipherSuite, e.GetProperty("tls").GetProperty("cipher").GetString());
        Assert.Equal("CN=localhost", e.GetProperty("tls").GetProperty("server").GetProperty("subject").GetString());
        Assert.EndsWith("Z", e.GetProperty("tls").GetProperty("server").GetProperty("not_after").GetString());
        Assert.True(e.GetProperty("probe").GetProperty("rtt_ms").GetProperty("tls_handshake").GetDouble() >= 0);

        var failed = await new CpqProber(Options).ProbeAsync(ProbeServers.Local(servers.ClosedPort));
        using var f = JsonDocument.Parse(Json(failed));
        Assert.Equal("refused", f.RootElement.GetProperty("event").GetProperty("reason").GetString());
        Assert.Contains("refuses", f.RootElement.GetProperty("error").GetProperty("message").GetString());
        Assert.Equal(JsonValueKind.Null, f.RootElement.GetProperty("probe").GetProperty("rtt_ms").GetProperty("banner").ValueKind);
    }

    private static string Json(ProbeResult r)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) ProbeEventJson.Write(w, r);
        return System.Text.Encoding.UTF8.GetString(ms.ToArray());
    }

    [Theory]
    [InlineData("10.0.9.5", "10.0.9.5", 7025, null, ProbeTls.StartTls)]
    [InlineData("sma01=10.0.9.5:2525", "10.0.9.5", 2525, "sma01", ProbeTls.StartTls)]
    [InlineData("tls://mail.example.net:465", "mail.example.net", 465, null, ProbeTls.Implicit)]
    [InlineData("sma02=[fd00::5]:7025", "fd00::5", 7025, "sma02", ProbeTls.StartTls)]
    [InlineData("fd00::5", "fd00::5", 7025, null, ProbeTls.StartTls)]
    public void Targets_parse(string text, string host, int port, string? appliance, ProbeTls tls)
    {
        var t = ProbeTarget.Parse(text);
        Assert.Equal((host, port, appliance, tls), (t.Host, t.Port, t.Appliance, t.Tls));
    }

    [Theory]
    [InlineData("10.0.9.5:0")]
    [InlineData("10.0.9.5:70000")]
    [InlineData("10.0.9.5:abc")]
    [InlineData("[fd00::5")]
    [InlineData("")]
    public void Bad_targets_are_format_errors(string text) => Assert.Throws<FormatException>(() => ProbeTarget.Parse(text));
}
