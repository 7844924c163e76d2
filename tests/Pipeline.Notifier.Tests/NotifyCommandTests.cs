using System.CommandLine;
using System.Diagnostics;
using Pipeline.Cli;
using Pipeline.TestServers;

namespace Pipeline.Notifier.Tests;

[Collection(NotifierServers.Collection)]
public sealed class NotifyCommandTests(NotifierServers servers)
{
    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Program.BuildRoot().Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Notify_sends_the_alerts_of_an_analyze_folder_once_by_email_and_webhook()
    {
        string dir = servers.TestDir("analyze");
        string logs = Path.Combine(dir, "logs"), analysis = Path.Combine(dir, "analysis");
        Assert.Equal(0, Run("generate", "--out", logs, "--esa", "1", "--sma", "1", "--duration", "2h", "--rate", "0.3", "--fault", "tls-anon:esa01@30m-1h30m").Exit);
        Assert.Equal(0, Run("analyze", "--out", analysis, logs).Exit);
        var box = new Mailbox(Path.Combine(dir, "mail"));
        using var smtp = await ServerProcess.StartSmtp("aiosmtpd for notify", 0, "--maildir", box.Dir);
        using var hook = new WebhookReceiver();
        string[] args = ["notify", "--alerts", analysis, "--smtp", $"127.0.0.1:{smtp.Port}", "--smtp-security", "none", "--to", "ops@example.net",
                         "--webhook", hook.Url, "--webhook-format", "teams", "--kibana-url", "https://kibana.example.net"];

        var (exit, stdout, stderr) = Run(args);

        Assert.True(exit == 0, stdout + stderr);
        Assert.Contains("2 alert version(s) read, 2 notification(s), 4 sent, 0 failed attempt(s), 0 given up, 0 waiting", stdout);
        var mails = box.Messages();
        Assert.Equal(2, mails.Count);
        Assert.All(mails, m => Assert.StartsWith("[pipeline] RESOLVED cpq_", m.Message.Subject));
        var tls = Assert.Single(mails, m => m.Message.Subject?.Contains("cpq_tls_failure", StringComparison.Ordinal) == true);
        Assert.Contains("verify error: no certificate from server", tls.Message.TextBody);
        Assert.Contains(":-aNULL", tls.Message.TextBody);
        var stuck = Assert.Single(mails, m => m.Message.Subject?.Contains("cpq_queue_stuck", StringComparison.Ordinal) == true);
        Assert.Contains($"pipeline trace --in {Path.GetFullPath(analysis)} --appliance esa01 --mid ", stuck.Message.TextBody);
        Assert.Equal(2, hook.Accepted().Count);
        Assert.All(hook.Accepted(), h => Assert.Equal("MessageCard", h.GetProperty("@type").GetString()));
        Assert.True(File.Exists(Path.Combine(analysis, "notify-state.json")));

        // Again, and after a new analyze run replaced the file: nothing is sent twice.
        Assert.Contains("0 sent", Run(args).Out);
        Assert.Equal(0, Run("analyze", "--out", analysis, logs).Exit);
        var again = Run(args);
        Assert.Equal(0, again.Exit);
        Assert.Contains("0 notification(s), 0 sent", again.Out);
        Assert.Equal(2, box.Messages().Count);
        Assert.Equal(2, hook.Accepted().Count);
    }

    [Fact]
    public async Task Configuration_file_and_environment_give_the_channels_and_the_password_file()
    {
        string dir = servers.TestDir("config");
        Alerts.Append(Path.Combine(dir, "alerts.ndjson"), Alerts.Stuck(appliance: "esa-config"));
        string config = Path.Combine(dir, "notify.json");
        File.WriteAllText(config, $$"""
            {
              "Email": { "Host": "127.0.0.1", "Port": 1, "Security": "StartTls", "AcceptInvalidCertificate": true,
                         "Username": "{{NotifierServers.User}}", "Password": { "File": "{{servers.PasswordFile}}" },
                         "From": "pipeline@example.net", "To": [ "ops@example.net" ] },
              "Escalation": { "Messages": [ 5, 50 ] },
              "Retry": { "FirstDelay": "00:00:00.100", "MaxAttempts": 3 }
            }
            """);
        int before = servers.StartTlsBox.Count;
        string env = NotifierSetup.EnvironmentPrefix + "Email__Port";
        Environment.SetEnvironmentVariable(env, servers.StartTls.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        try
        {
            var (exit, stdout, stderr) = Run("notify", "--alerts", dir, "--config", config);
            Assert.True(exit == 0, stdout + stderr);
        }
        finally
        {
            Environment.SetEnvironmentVariable(env, null);
        }
        await servers.StartTlsBox.WaitFor(before + 1);
        Assert.Equal([5, 50], NotifierSetup.Load(config).Escalation.Messages);
        Assert.Contains(servers.StartTlsBox.Messages(), m => m.Message.Headers["X-Pipeline-Alert-Id"] == Alerts.Stuck(appliance: "esa-config").Id && m.Tls && m.AuthLogin == NotifierServers.User);
    }

    [Fact]
    public void Failed_deliveries_exit_1_and_keep_waiting_in_the_checkpoint()
    {
        string dir = servers.TestDir("down");
        Alerts.Append(Path.Combine(dir, "alerts.ndjson"), Alerts.Stuck(appliance: "esa-down"));
        var (exit, stdout, _) = Run("notify", "--alerts", dir, "--smtp", $"127.0.0.1:{Net.FreePort()}", "--smtp-security", "none", "--to", "ops@example.net", "--wait", "00:00:00");
        Assert.Equal(1, exit);
        Assert.Contains("0 sent, 1 failed attempt(s), 0 given up, 1 waiting", stdout);
        Assert.Contains("waiting: OPEN cpq_queue_stuck esa-down → sma01 via email: retry 2 at", stdout);
    }

    [Theory]
    [InlineData("--config", "/nonexistent/notify.json")]
    [InlineData("--webhook", "not a url")]
    [InlineData()]
    public void Bad_configuration_exits_2_with_one_line(params string[] extra)
    {
        string dir = servers.TestDir("bad");
        var (exit, _, stderr) = Run(["notify", "--alerts", dir, .. extra]);
        Assert.Equal(2, exit);
        Assert.StartsWith("pipeline notify: ", stderr);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public async Task Follow_stops_cleanly_on_sigterm()
    {
        string dir = servers.TestDir("follow-cli");
        using var hook = new WebhookReceiver();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "pipeline.dll"), "notify", "--alerts", dir, "--webhook", hook.Url, "--follow", "--poll", "00:00:00.100" })
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdoutTask = p.StandardOutput.ReadToEndAsync();
        Alerts.Append(Path.Combine(dir, "alerts.ndjson"), Alerts.Stuck(appliance: "esa-follow"));
        await Net.WaitFor(() => hook.Accepted().Count == 1, Net.Patience, "the notification from the follower");
        Process.Start("kill", ["-TERM", p.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
        using var exited = new CancellationTokenSource(Net.Patience);
        await p.WaitForExitAsync(exited.Token);
        Assert.Equal(0, p.ExitCode);
        Assert.Contains("1 alert version(s) read, 1 notification(s), 1 sent", await stdoutTask);
    }
}
