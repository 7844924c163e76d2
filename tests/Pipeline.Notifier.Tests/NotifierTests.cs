using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using MimeKit;
using Pipeline.Correlation.Model;
using Pipeline.TestServers;

namespace Pipeline.Notifier.Tests;

[Collection(NotifierServers.Collection)]
public sealed class NotifierTests(NotifierServers servers)
{
    private static readonly DateTimeOffset Noon = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A runner over an alerts file in <paramref name="dir"/> with a file checkpoint there.</summary>
    private static NotifierRunner Runner(string dir, NotifierOptions options, TimeProvider clock, List<string>? log = null, HttpClient? http = null)
    {
        var scrubber = new SecretScrubber();
        var text = new NotificationText(options, dir);
        var channels = NotifierSetup.Channels(options, text, scrubber, http);
        return new NotifierRunner(options, new NdjsonAlertSource(Path.Combine(dir, "alerts.ndjson")), channels,
            new FileNotifierStore(Path.Combine(dir, "notify-state.json")), clock, l => { lock (log ?? []) log?.Add(l); });
    }

    private static string Transition(MimeMessage m) => m.Headers["X-Pipeline-Transition"] ?? "";

    [Fact]
    public async Task Email_over_starttls_with_auth_has_text_and_html_with_evidence_messages_hint_and_kibana_link()
    {
        string dir = servers.TestDir("email");
        var box = new Mailbox(Path.Combine(dir, "mail"));
        using var server = await ServerProcess.StartSmtp("aiosmtpd for this test", 0, "--tls-cert", servers.Cert.CertPath, "--tls-key", servers.Cert.KeyPath,
            "--auth-user", NotifierServers.User, "--auth-password-file", servers.PasswordFile, "--maildir", box.Dir);
        var email = servers.StartTlsEmail("mail-ops@example.net");
        email.Port = server.Port;
        var options = new NotifierOptions { Email = email, KibanaUrl = "https://kibana.example.net:5601/" };
        Alerts.Append(Path.Combine(dir, "alerts.ndjson"), Alerts.Stuck());

        var summary = await Runner(dir, options, new FakeTimeProvider(Noon)).RunOnceAsync(TimeSpan.Zero);

        Assert.Equal(1, summary.Sent);
        var m = Assert.Single(box.Messages());
        Assert.True(m.Tls);
        Assert.Equal(NotifierServers.User, m.AuthLogin);
        Assert.Equal(["mail-ops@example.net"], m.RcptTos);
        Assert.Equal("[pipeline] OPEN cpq_queue_stuck esa01 → sma01: the.cpq.host on esa01 → sma01: 3 waiting", m.Message.Subject);
        Assert.Equal("cpq_queue_stuck:esa01:sma01:20260310T090000Z", m.Message.Headers["X-Pipeline-Alert-Id"]);
        string text = m.Message.TextBody ?? "";
        Assert.Contains("Messages affected:  3", text);
        Assert.Contains("Oldest waiting:     10m 0s", text);
        Assert.Contains("verify error: no certificate from server", text);
        Assert.Contains($"esa01 MID 1001: pipeline trace --in {dir} --appliance esa01 --mid 1001", text);
        Assert.Contains("append :-aNULL", text);
        Assert.Contains("In Kibana: https://kibana.example.net:5601/app/discover#/?_g=(time:(from:'2026-03-10T08%3A00%3A00Z',to:'2026-03-10T10%3A10%3A00Z'))", text);
        Assert.Contains("cpq_queue_stuck%3Aesa01%3Asma01%3A20260310T090000Z", text);
        string html = m.Message.HtmlBody ?? "";
        Assert.Contains("<h2", html);
        Assert.Contains("&lt;now&gt;", html); // alert text is escaped, never markup
        Assert.DoesNotContain("<now>", html);
        Assert.Contains("href=\"https://kibana.example.net:5601/app/discover", html);
        Assert.Contains("pipeline trace --in", html);
    }

    [Fact]
    public async Task Implicit_tls_email_is_delivered()
    {
        string dir = servers.TestDir("implicit");
        var options = new NotifierOptions
        {
            Email = new EmailChannelOptions { Host = "127.0.0.1", Port = servers.Implicit.Port, Security = SmtpSecurity.Implicit, AcceptInvalidCertificate = true, To = ["ops@example.net"] },
        };
        var alert = Alerts.Stuck(appliance: "esa-implicit");
        Alerts.Append(Path.Combine(dir, "alerts.ndjson"), alert);
        var summary = await Runner(dir, options, new FakeTimeProvider(Noon)).RunOnceAsync(TimeSpan.Zero);
        Assert.Equal(1, summary.Sent);
        await servers.ImplicitBox.WaitFor(1);
        var m = Assert.Single(servers.ImplicitBox.Messages(), x => x.Message.Headers["X-Pipeline-Alert-Id"] == alert.Id);
        Assert.True(m.Tls);
    }

    [Fact]
    public async Task Lifecycle_is_open_escalate_resolve_once_each_by_email_and_webhook_and_a_restart_resends_nothing()
    {
        string dir = servers.TestDir("lifecycle");
        var box = new Mailbox(Path.Combine(dir, "mail"));
        using var smtp = await ServerProcess.StartSmtp("aiosmtpd lifecycle", 0, "--maildir", box.Dir);
        using var hook = new WebhookReceiver();
        var options = new NotifierOptions
        {
            Email = new EmailChannelOptions { Host = "127.0.0.1", Port = smtp.Port, Security = SmtpSecurity.None, To = ["ops@example.net"] },
            Webhooks = [new WebhookChannelOptions { Name = "hook", Url = hook.Url }],
        };
        string file = Path.Combine(dir, "alerts.ndjson");
        var clock = new FakeTimeProvider(Noon);
        Alerts.Append(file, Alerts.Stuck(messages: 3), Alerts.Stuck(messages: 3)); // the same version twice
        var first = await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero);
        Assert.Equal((2, 1, 2), (first.AlertsRead, first.Notifications, first.Sent));

        Alerts.Append(file, Alerts.Stuck(messages: 15, ageSeconds: 900), Alerts.Stuck(messages: 40, ageSeconds: 1200)); // level 1, still level 1
        var second = await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero);
        Assert.Equal((2, 1, 2), (second.AlertsRead, second.Notifications, second.Sent));

        Alerts.Append(file, Alerts.Stuck(messages: 40, ageSeconds: 1200, resolved: Alerts.Opened.AddMinutes(25)));
        var third = await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero);
        Assert.Equal((1, 1, 2), (third.AlertsRead, third.Notifications, third.Sent));

        // A restart over a file that is read from the top again (replaced by a new analyze run) sends nothing new.
        var copy = File.ReadAllBytes(file);
        File.Delete(file);
        File.WriteAllBytes(file, copy);
        var restarted = await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero);
        Assert.Equal((0, 0), (restarted.AlertsRead, restarted.Sent)); // same bytes: the position still holds
        File.WriteAllBytes(file, [.. "\n"u8, .. copy]); // different bytes before the position: read from the top
        var reread = await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero);
        Assert.Equal((5, 0, 0), (reread.AlertsRead, reread.Notifications, reread.Sent));

        var mails = box.Messages();
        Assert.Equal(["opened", "escalated-1", "resolved"], mails.Select(x => Transition(x.Message)));
        Assert.StartsWith("[pipeline] ESCALATED (level 1)", mails[1].Message.Subject);
        Assert.Contains("Messages affected:  15", mails[1].Message.TextBody);
        Assert.StartsWith("[pipeline] RESOLVED", mails[2].Message.Subject);
        Assert.Contains("resolved 2026-03-10 09:25:00Z (after 25m 0s)", mails[2].Message.TextBody);
        var hooks = hook.Accepted();
        Assert.Equal(["opened", "escalated", "resolved"], hooks.Select(h => h.GetProperty("transition").GetString()));
        Assert.Equal("resolved", hooks[2].GetProperty("document").GetProperty("alert").GetProperty("status").GetString());
        Assert.Equal(Alerts.Stuck().Id, hooks[0].GetProperty("document").GetProperty("alert").GetProperty("id").GetString());
        Assert.Equal(3, hook.Requests.Select(r => r.NotificationId).Distinct().Count());
    }

    [Fact]
    public async Task Smtp_down_then_up_is_retried_with_backoff_and_delivered_once()
    {
        string dir = servers.TestDir("down-up");
        var box = new Mailbox(Path.Combine(dir, "mail"));
        int port = Net.FreePort();
        var options = new NotifierOptions
        {
            Email = new EmailChannelOptions { Host = "127.0.0.1", Port = port, Security = SmtpSecurity.None, To = ["ops@example.net"], Timeout = TimeSpan.FromSeconds(10) },
            Retry = new RetryOptions { FirstDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(400), MaxAttempts = 1000 },
        };
        Alerts.Append(Path.Combine(dir, "alerts.ndjson"), Alerts.Stuck(appliance: "esa-retry"));
        var log = new List<string>();
        var runner = Runner(dir, options, TimeProvider.System, log);
        using var stop = new CancellationTokenSource();
        var follow = runner.FollowAsync(TimeSpan.FromMilliseconds(200), stop.Token);

        await Net.WaitFor(() => { lock (log) return log.Count(l => l.StartsWith("failed via email", StringComparison.Ordinal)) >= 3; }, Net.Patience, "three failed attempts");
        Assert.Contains(log, l => l.Contains("Connection refused", StringComparison.OrdinalIgnoreCase));
        var pending = Assert.Single(runner.Core.State.Pending);
        Assert.True(pending.Attempts >= 3);

        using var smtp = await ServerProcess.StartSmtp("aiosmtpd comes up", port, "--maildir", box.Dir);
        await box.WaitFor(1);
        await Net.WaitFor(() => runner.Core.State.Pending.Count == 0, Net.Patience, "the delivery to be recorded");
        stop.Cancel();
        var summary = await follow;

        Assert.Equal(1, summary.Sent);
        Assert.True(summary.FailedAttempts >= 3);
        Assert.Single(box.Messages());
        var saved = new FileNotifierStore(Path.Combine(dir, "notify-state.json")).Load()!;
        Assert.Contains(saved.Sent, s => s.Key == Alerts.Stuck(appliance: "esa-retry").Id + "/opened@email");
    }

    [Fact]
    public async Task Webhook_503_is_retried_and_accepted_once_with_slack_and_teams_payloads()
    {
        string dir = servers.TestDir("hooks");
        using var slack = new WebhookReceiver { FailNext = 2 };
        using var teams = new WebhookReceiver();
        var options = new NotifierOptions
        {
            Webhooks =
            [
                new WebhookChannelOptions { Name = "slack", Url = slack.Url, Format = WebhookFormat.Slack },
                new WebhookChannelOptions { Name = "teams", Url = teams.Url, Format = WebhookFormat.Teams },
            ],
            Retry = new RetryOptions { FirstDelay = TimeSpan.FromSeconds(1), MaxDelay = TimeSpan.FromSeconds(4) },
            KibanaUrl = "https://kibana.example.net",
        };
        Alerts.Append(Path.Combine(dir, "alerts.ndjson"), Alerts.Stuck());
        var clock = new FakeTimeProvider(Noon);
        var runner = Runner(dir, options, clock);
        var first = await runner.RunOnceAsync(TimeSpan.Zero);
        Assert.Equal((1, 1), (first.Sent, first.FailedAttempts)); // teams accepted, slack 503
        clock.Advance(TimeSpan.FromSeconds(1));
        var second = await runner.RunOnceAsync(TimeSpan.Zero);
        Assert.Equal((0, 1), (second.Sent, second.FailedAttempts)); // second 503; next wait doubles
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, (await runner.RunOnceAsync(TimeSpan.Zero)).FailedAttempts); // not due yet: no request
        clock.Advance(TimeSpan.FromSeconds(1));
        var third = await runner.RunOnceAsync(TimeSpan.Zero);
        Assert.Equal(1, third.Sent);

        Assert.Equal([503, 503, 200], slack.Requests.Select(r => r.Status));
        Assert.Single(slack.Requests.Select(r => r.NotificationId).Distinct());
        var s = Assert.Single(slack.Accepted());
        Assert.StartsWith("OPEN cpq_queue_stuck esa01 → sma01", s.GetProperty("text").GetString());
        var blocks = s.GetProperty("blocks").EnumerateArray().ToList();
        Assert.Equal("header", blocks[0].GetProperty("type").GetString());
        Assert.Contains(blocks, b => b.TryGetProperty("text", out var t) && t.GetProperty("text").GetString()!.Contains(":-aNULL", StringComparison.Ordinal));
        Assert.Contains(blocks, b => b.TryGetProperty("text", out var t) && t.GetProperty("text").GetString()!.StartsWith("<https://kibana.example.net/app/", StringComparison.Ordinal));

        var card = Assert.Single(teams.Accepted());
        Assert.Equal("MessageCard", card.GetProperty("@type").GetString());
        Assert.Equal("C62828", card.GetProperty("themeColor").GetString());
        var facts = card.GetProperty("sections")[0].GetProperty("facts").EnumerateArray().ToDictionary(f => f.GetProperty("name").GetString()!, f => f.GetProperty("value").GetString());
        Assert.Equal("3", facts["Messages affected"]);
        Assert.Equal("sma01", facts["Peer"]);
        Assert.StartsWith("https://kibana.example.net/app/", card.GetProperty("potentialAction")[0].GetProperty("targets")[0].GetProperty("uri").GetString());
    }

    [Fact]
    public async Task Rate_limit_per_appliance_holds_the_excess_until_the_window_passes()
    {
        string dir = servers.TestDir("rate");
        using var hook = new WebhookReceiver();
        var options = new NotifierOptions
        {
            Webhooks = [new WebhookChannelOptions { Name = "hook", Url = hook.Url }],
            RateLimit = new RateLimitOptions { Notifications = 2, Window = TimeSpan.FromHours(1) },
        };
        var esa01 = Enumerable.Range(0, 4).Select(i => Alerts.Stuck(peer: $"sma0{i}")).ToArray();
        Alerts.Append(Path.Combine(dir, "alerts.ndjson"), [.. esa01, Alerts.Stuck(appliance: "esa02")]);
        var clock = new FakeTimeProvider(Noon);
        var first = await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero);

        Assert.Equal(3, first.Sent);
        Assert.Equal(2, first.Waiting.Count);
        Assert.All(first.Waiting, w => Assert.Contains("rate limit of esa01 (2 per 01:00:00)", w));
        var appliances = hook.Accepted().Select(h => h.GetProperty("document").GetProperty("alert").GetProperty("appliance").GetString()).ToList();
        Assert.Equal(2, appliances.Count(a => a == "esa01"));
        Assert.Equal(1, appliances.Count(a => a == "esa02"));

        clock.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(0, (await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero)).Sent);
        clock.Advance(TimeSpan.FromMinutes(1));
        var later = await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero); // a restart keeps the held ones
        Assert.Equal(2, later.Sent);
        Assert.Equal(esa01.Select(a => a.Id).Order(), hook.Accepted().Select(h => h.GetProperty("document").GetProperty("alert").GetProperty("id").GetString()!).Where(id => id.Contains(":esa01:")).Order());
    }

    [Fact]
    public async Task Groups_route_by_appliance_and_quiet_hours_hold_until_morning()
    {
        string dir = servers.TestDir("groups");
        var box = new Mailbox(Path.Combine(dir, "mail"));
        using var smtp = await ServerProcess.StartSmtp("aiosmtpd groups", 0, "--maildir", box.Dir);
        using var hook = new WebhookReceiver();
        var options = new NotifierOptions
        {
            Email = new EmailChannelOptions { Host = "127.0.0.1", Port = smtp.Port, Security = SmtpSecurity.None, To = ["everyone@example.net"] },
            Webhooks = [new WebhookChannelOptions { Name = "eu-chat", Url = hook.Url, Format = WebhookFormat.Slack }],
            Groups =
            [
                new ApplianceGroupOptions { Name = "eu", Appliances = ["esa-eu-*", "sma-eu"], Channels = ["eu-chat"],
                    QuietHours = new QuietHoursOptions { Start = "22:00", End = "07:00", TimeZone = "Europe/Berlin", ExceptKinds = ["cpq_release_stuck"] } },
                new ApplianceGroupOptions { Name = "us", Appliances = ["esa-us-*"], Channels = ["email"], EmailTo = ["us-ops@example.net"] },
            ],
        };
        var eu = Alerts.Stuck(appliance: "esa-eu-1");
        var euUrgent = Alerts.Stuck(appliance: "esa-eu-2");
        euUrgent.Kind = AlertKinds.CpqReleaseStuck;
        euUrgent.Id = "cpq_release_stuck:esa-eu-2:sma01:20260310T090000Z";
        var us = Alerts.Stuck(appliance: "esa-us-1");
        Alerts.Append(Path.Combine(dir, "alerts.ndjson"), eu, euUrgent, us);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 22, 30, 0, TimeSpan.Zero)); // 23:30 in Berlin

        var night = await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero);
        Assert.Equal(2, night.Sent);
        var waiting = Assert.Single(night.Waiting);
        Assert.Contains("quiet hours of eu until 2026-03-11 06:00Z", waiting);
        var m = Assert.Single(box.Messages());
        Assert.Equal(["us-ops@example.net"], m.RcptTos);
        Assert.Contains("esa-us-1", m.Message.Subject);
        Assert.Contains("esa-eu-2", Assert.Single(hook.Accepted()).GetProperty("text").GetString());

        clock.SetUtcNow(new DateTimeOffset(2026, 3, 11, 6, 0, 0, TimeSpan.Zero));
        var morning = await Runner(dir, options, clock).RunOnceAsync(TimeSpan.Zero);
        Assert.Equal(1, morning.Sent);
        Assert.Equal(2, hook.Accepted().Count);
        Assert.Single(box.Messages()); // eu alerts never go by email
    }

    [Fact]
    public async Task Secrets_from_files_and_environment_never_reach_the_log_or_the_checkpoint()
    {
        string dir = servers.TestDir("secrets");
        string wrong = Path.Combine(dir, "wrong-password");
        File.WriteAllText(wrong, "Wr0ng-but-still-secret");
        using var hook = new WebhookReceiver { FailNext = 1 };
        string env = "PIPELINE_TEST_HOOK_" + Guid.NewGuid().ToString("n")[..8].ToUpperInvariant();
        Environment.SetEnvironmentVariable(env, hook.Url);
        Environment.SetEnvironmentVariable(env + "_AUTH", "Bearer tok-3x4mple-s3cret");
        try
        {
            var email = servers.StartTlsEmail();
            email.Password = new SecretRef { File = wrong };
            var options = new NotifierOptions
            {
                Email = email,
                Webhooks = [new WebhookChannelOptions { Name = "hook", UrlSecret = new SecretRef { Env = env }, Authorization = new SecretRef { Env = env + "_AUTH" } }],
            };
            Alerts.Append(Path.Combine(dir, "alerts.ndjson"), Alerts.Stuck(appliance: "esa-secret"));
            var log = new List<string>();
            var summary = await Runner(dir, options, new FakeTimeProvider(Noon), log).RunOnceAsync(TimeSpan.Zero);

            Assert.True(2 == summary.FailedAttempts, string.Join("\n", log)); // wrong password, and the webhook's 503
            Assert.True(log.Any(l => l.StartsWith("failed via email", StringComparison.Ordinal) && l.Contains("535", StringComparison.Ordinal)), string.Join("\n", log));
            Assert.Contains(log, l => l.StartsWith("failed via hook", StringComparison.Ordinal) && l.Contains($"http://127.0.0.1:{hook.Port}", StringComparison.Ordinal));
            string all = string.Join("\n", log) + File.ReadAllText(Path.Combine(dir, "notify-state.json")) + string.Join("\n", summary.Waiting);
            foreach (var secret in new[] { "Wr0ng-but-still-secret", NotifierServers.Password, "s3cr3t-token", "tok-3x4mple-s3cret" })
                Assert.DoesNotContain(secret, all);
            Assert.Equal("Bearer tok-3x4mple-s3cret", hook.Requests[0].Authorization); // it was used, only not logged
        }
        finally
        {
            Environment.SetEnvironmentVariable(env, null);
            Environment.SetEnvironmentVariable(env + "_AUTH", null);
        }
    }

    [Fact]
    public async Task Following_the_file_sends_new_versions_as_they_are_appended()
    {
        string dir = servers.TestDir("follow");
        using var hook = new WebhookReceiver();
        var options = new NotifierOptions { Webhooks = [new WebhookChannelOptions { Name = "hook", Url = hook.Url }] };
        string file = Path.Combine(dir, "alerts.ndjson");
        var runner = Runner(dir, options, TimeProvider.System);
        using var stop = new CancellationTokenSource();
        var follow = runner.FollowAsync(TimeSpan.FromMilliseconds(50), stop.Token);

        Alerts.Append(file, Alerts.Stuck());
        await Net.WaitFor(() => hook.Accepted().Count == 1, Net.Patience, "the open notification");
        File.AppendAllText(file, "{\"alert\": {\"id\": \"half a line");  // a writer mid-line: waits for the rest
        File.AppendAllText(file, "\"}}\nnot json\n");
        Alerts.Append(file, Alerts.Stuck(resolved: Alerts.Opened.AddMinutes(20)));
        await Net.WaitFor(() => hook.Accepted().Count == 2, Net.Patience, "the resolved notification");
        stop.Cancel();
        var summary = await follow;

        Assert.Equal(2, summary.Sent);
        Assert.Equal(2, summary.Problems.Count); // the two bad lines, with their line numbers
        Assert.Contains(summary.Problems, p => p.EndsWith("line 2: alert.kind is missing", StringComparison.Ordinal));
        Assert.Contains(summary.Problems, p => p.Contains("line 3: not a JSON document", StringComparison.Ordinal));
    }
}
