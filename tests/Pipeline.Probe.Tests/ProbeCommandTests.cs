using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using Pipeline.Cli;
using Pipeline.TestServers;

namespace Pipeline.Probe.Tests;

[Collection(ProbeServers.Collection)]
public sealed class ProbeCommandTests(ProbeServers servers)
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void Table_shows_each_target_and_the_next_step_and_exits_1_when_one_fails()
    {
        var (exit, stdout, _) = Run("probe", "--target", $"sma01=127.0.0.1:{servers.StartTls.Port}", "--target", $"sma02=127.0.0.1:{servers.AnonymousOnly.Port}");

        Assert.Equal(1, exit);
        var lines = stdout.Split('\n');
        Assert.StartsWith("CPQ probe ", lines[0]);
        Assert.Contains("2 target(s), 1 failed", lines[0]);
        Assert.StartsWith("TARGET", lines[1]);
        var ok = Assert.Single(lines, l => l.StartsWith($"127.0.0.1:{servers.StartTls.Port} ", StringComparison.Ordinal));
        Assert.Contains(" ok ", ok);
        Assert.Contains("220 probe-test.local", ok);
        Assert.Contains("CN=localhost until", ok);
        Assert.Contains("tls_handshake_failed", stdout);
        Assert.Contains("next step: TLS with sma02", stdout);
        Assert.Contains(":-aNULL", stdout);
        Assert.Contains($"alert open: probe_failed:sma02:127.0.0.1:{servers.AnonymousOnly.Port}:", stdout);
    }

    [Fact]
    public void All_working_exits_0_and_json_has_event_documents_and_no_alerts()
    {
        var (exit, stdout, stderr) = Run("probe", "--target", $"127.0.0.1:{servers.StartTls.Port}", "--json", "--verbose");

        Assert.True(exit == 0, stdout + stderr);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal(0, doc.RootElement.GetProperty("failed").GetInt32());
        var result = Assert.Single(doc.RootElement.GetProperty("results").EnumerateArray().ToList());
        Assert.Equal("success", result.GetProperty("event").GetProperty("outcome").GetString());
        Assert.Contains(result.GetProperty("probe").GetProperty("transcript").EnumerateArray(), l => l.GetString() == "C: STARTTLS");
        Assert.Empty(doc.RootElement.GetProperty("alerts").EnumerateArray());
    }

    [Theory]
    [InlineData("--target", "host:notaport")]
    [InlineData("--target", "127.0.0.1:25", "--timeout", "00:00:00")]
    [InlineData("--target", "127.0.0.1:25", "--concurrency", "0")]
    public void Bad_arguments_exit_2_with_one_line(params string[] args)
    {
        var (exit, _, stderr) = Run(["probe", .. args]);
        Assert.Equal(2, exit);
        Assert.StartsWith("pipeline probe: ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Repeated_runs_with_out_open_and_resolve_the_alert_in_alerts_ndjson()
    {
        string dir = Directory.CreateDirectory(Path.Combine(servers.Dir, "probe-out")).FullName;
        int port = Net.FreePort();
        Assert.Equal(1, Run("probe", "--target", $"sma09=127.0.0.1:{port}", "--out", dir).Exit);
        Assert.Equal(1, Run("probe", "--target", $"sma09=127.0.0.1:{port}", "--out", dir).Exit);
        using (await ServerProcess.StartSmtp("aiosmtpd for --out", port, "--anon-only"))
        {
            // Listening now, but anonymous ciphers only: still failing, for another reason.
            Assert.Equal(1, Run("probe", "--target", $"sma09=127.0.0.1:{port}", "--out", dir).Exit);
        }
        using (await ServerProcess.StartSmtp("aiosmtpd TLS for --out", port, "--tls-cert", Path.Combine(servers.Dir, "localhost-30d.pem"), "--tls-key", Path.Combine(servers.Dir, "localhost-30d.key")))
            Assert.Equal(0, Run("probe", "--target", $"sma09=127.0.0.1:{port}", "--out", dir).Exit);

        var versions = File.ReadAllLines(Path.Combine(dir, "alerts.ndjson")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("alert")).ToList();
        Assert.Equal(4, versions.Count);
        Assert.Single(versions.Select(v => v.GetProperty("id").GetString()).Distinct());
        Assert.Equal([1, 2, 3, 3], versions.Select(v => v.GetProperty("evidence").GetProperty("messages").GetInt32()));
        Assert.Equal(["open", "open", "open", "resolved"], versions.Select(v => v.GetProperty("status").GetString()));
        Assert.Contains("TLS handshake", versions[2].GetProperty("evidence").GetProperty("last_error").GetString());
        Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "probe-events.ndjson")).Length);
    }

    /// <summary>The built command as a child process, so that real signals reach it.</summary>
    private static Process Start(params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "pipeline.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static void Signal(Process p, string signal) => Process.Start("kill", [$"-{signal}", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();

    [Fact]
    public async Task Scheduled_probe_stops_cleanly_on_sigterm()
    {
        using var p = Start("probe", "--target", $"127.0.0.1:{servers.StartTls.Port}", "--every", "00:00:00.200");
        var stdout = new System.Text.StringBuilder();
        p.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (stdout) stdout.AppendLine(e.Data); };
        var stderrTask = p.StandardError.ReadToEndAsync();
        p.BeginOutputReadLine();
        await Net.WaitFor(() => { lock (stdout) return stdout.ToString().Split("CPQ probe ").Length > 2; }, Net.Patience, "two rounds");
        Signal(p, "TERM");
        using var exited = new CancellationTokenSource(Net.Patience);
        await p.WaitForExitAsync(exited.Token);
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("stopped after", await stderrTask);
    }

    [Fact]
    public async Task One_shot_probe_of_a_silent_server_stops_on_ctrl_c()
    {
        using var p = Start("probe", "--target", $"127.0.0.1:{servers.Silent.Port}", "--timeout", "00:05:00");
        var stderrTask = p.StandardError.ReadToEndAsync();
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        int before = servers.Silent.Accepted;
        await Net.WaitFor(() => servers.Silent.Accepted > before, Net.Patience, "the probe to connect");
        Signal(p, "INT");
        using var exited = new CancellationTokenSource(Net.Patience);
        await p.WaitForExitAsync(exited.Token);
        Assert.Equal(130, p.ExitCode);
        Assert.Contains("stopped before every target answered", await stderrTask);
        Assert.Equal("", await stdoutTask);
    }
}
