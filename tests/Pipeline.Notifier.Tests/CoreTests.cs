using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Pipeline.Correlation.Output;

namespace Pipeline.Notifier.Tests;

/// <summary>The pure parts: reading alert documents back, escalation levels, quiet-hour windows, superseded escalations.</summary>
public sealed class CoreTests
{
    [Fact]
    public void Alert_documents_read_back_as_written()
    {
        var a = Alerts.Stuck(messages: 42, ageSeconds: 1234, resolved: Alerts.Opened.AddMinutes(30));
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms)) DocumentJson.WriteAlert(w, a);
        var back = AlertDocumentReader.Read(ms.ToArray());
        Assert.Equal((a.Id, a.Kind, a.Appliance, a.Peer, a.OpenedAt, a.ResolvedAt, a.LastUpdatedAt, a.Hint, a.Summary),
            (back.Id, back.Kind, back.Appliance, back.Peer, back.OpenedAt, back.ResolvedAt, back.LastUpdatedAt, back.Hint, back.Summary));
        Assert.Equal(DateTimeKind.Utc, back.OpenedAt.Kind);
        Assert.Equal((42, 1234L, a.Evidence.LastError), (back.Evidence.Messages, back.Evidence.OldestAgeSeconds, back.Evidence.LastError));
        Assert.Equal(a.Evidence.SampleMids, back.Evidence.SampleMids);
        Assert.Throws<FormatException>(() => AlertDocumentReader.Read("{\"flow\":{}}"u8.ToArray()));
        Assert.Throws<FormatException>(() => AlertDocumentReader.Read("{\"alert\":{\"id\":\"x\",\"kind\":\"k\",\"appliance\":\"a\",\"opened_at\":\"yesterday\"}}"u8.ToArray()));
    }

    [Fact]
    public void Level_counts_the_steps_of_messages_or_age_crossed()
    {
        var core = new NotifierCore(new NotifierOptions(), ["email"], new FakeTimeProvider());
        Assert.Equal(0, core.Level(Alerts.Stuck(messages: 9, ageSeconds: 60)));
        Assert.Equal(1, core.Level(Alerts.Stuck(messages: 10, ageSeconds: 60)));
        Assert.Equal(2, core.Level(Alerts.Stuck(messages: 3, ageSeconds: 7200)));
        Assert.Equal(3, core.Level(Alerts.Stuck(messages: 5000, ageSeconds: 60)));
    }

    [Fact]
    public void Waiting_escalations_are_replaced_by_newer_news_and_opened_is_kept()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var options = new NotifierOptions { RateLimit = new RateLimitOptions { Notifications = 0 } }; // nothing may go: everything waits
        var core = new NotifierCore(options, ["hook"], clock);
        core.Observe(Alerts.Stuck(messages: 3));
        core.Observe(Alerts.Stuck(messages: 15));
        core.Observe(Alerts.Stuck(messages: 150));
        Assert.Equal(["opened", "escalated-2"], core.State.Pending.Select(d => d.Notification.Key[(d.Notification.Key.LastIndexOf('/') + 1)..]));
        core.Observe(Alerts.Stuck(messages: 150, resolved: Alerts.Opened.AddHours(1)));
        Assert.Equal(["opened", "resolved"], core.State.Pending.Select(d => d.Notification.Key[(d.Notification.Key.LastIndexOf('/') + 1)..]));
        Assert.Empty(core.Due());
        Assert.Empty(core.Observe(Alerts.Stuck(messages: 999))); // an older open version after the resolution changes nothing
    }

    [Fact]
    public void Resolved_alerts_are_forgotten_after_a_while_and_open_ones_are_kept()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero));
        var core = new NotifierCore(new NotifierOptions { ForgetResolvedAfter = TimeSpan.FromDays(30) }, [], clock);
        core.Observe(Alerts.Stuck(resolved: Alerts.Opened.AddHours(1)));
        core.Observe(Alerts.Stuck(appliance: "esa02"));
        clock.Advance(TimeSpan.FromDays(29));
        Assert.Equal(0, core.Forget());
        clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(1, core.Forget());
        Assert.Equal([Alerts.Stuck(appliance: "esa02").Id], core.State.Alerts.Keys);
    }

    [Theory]
    [InlineData("22:00", "07:00", "2026-03-10T23:30:00Z", "2026-03-11T07:00:00Z")]
    [InlineData("22:00", "07:00", "2026-03-11T03:00:00Z", "2026-03-11T07:00:00Z")]
    [InlineData("22:00", "07:00", "2026-03-11T07:00:00Z", null)]
    [InlineData("12:00", "13:00", "2026-03-11T12:30:00Z", "2026-03-11T13:00:00Z")]
    [InlineData("12:00", "13:00", "2026-03-11T11:59:00Z", null)]
    public void Quiet_hours_end_where_they_should(string start, string end, string now, string? expected)
    {
        var q = new QuietHoursOptions { Start = start, End = end, TimeZone = "UTC" };
        var result = q.EndsAfter(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(expected is null ? null : DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), result);
    }

    [Fact]
    public void Quiet_hours_follow_the_zone_and_its_daylight_saving()
    {
        var q = new QuietHoursOptions { Start = "22:00", End = "07:00", TimeZone = "Europe/Berlin" };
        // 2026-03-29: Berlin moves from UTC+1 to UTC+2; 07:00 local is 05:00Z.
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 5, 0, 0, TimeSpan.Zero), q.EndsAfter(new DateTimeOffset(2026, 3, 28, 22, 0, 0, TimeSpan.Zero)));
        Assert.Null(q.EndsAfter(new DateTimeOffset(2026, 3, 29, 5, 0, 0, TimeSpan.Zero)));
    }

    [Theory]
    [InlineData("esa-eu-*", "esa-eu-07", true)]
    [InlineData("esa-eu-*", "ESA-EU-07", true)]
    [InlineData("esa-eu-*", "esa-us-07", false)]
    [InlineData("sma0?", "sma01", true)]
    [InlineData("sma0?", "sma010", false)]
    public void Groups_match_appliance_patterns(string pattern, string appliance, bool matches) =>
        Assert.Equal(matches, new ApplianceGroupOptions { Appliances = [pattern] }.Matches(appliance));

    [Fact]
    public void The_readme_configuration_binds_as_documented()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Pipeline.sln"))) dir = dir.Parent;
        string readme = File.ReadAllText(Path.Combine(dir!.FullName, "README.md"));
        int start = readme.IndexOf("```json\n{\n  \"Email\"", StringComparison.Ordinal) + "```json\n".Length;
        string json = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
        string file = Path.Combine(Path.GetTempPath(), $"notify-{Guid.NewGuid():n}.json");
        File.WriteAllText(file, json);
        try
        {
            var o = NotifierSetup.Load(file);
            Assert.Equal(("smtp.example.net", 587, SmtpSecurity.StartTls, "/run/secrets/smtp-password"), (o.Email!.Host, o.Email.Port, o.Email.Security, o.Email.Password.File));
            Assert.Equal((WebhookFormat.Slack, "SLACK_WEBHOOK_URL"), (o.Webhooks[0].Format, o.Webhooks[0].UrlSecret.Env));
            Assert.Equal("Europe/Berlin", o.Groups[0].QuietHours!.TimeZone);
            Assert.Equal(["us-mail-ops@example.net"], o.Groups[1].EmailTo);
            Assert.Equal(["esa-eu-*", "sma-eu*"], o.Groups[0].Appliances); // configured lists replace defaults, never add to them
            Assert.False(o.Groups[0].Matches("esa-us-1"));
            Assert.Equal(new NotifierOptions().Escalation.Age, o.Escalation.Age); // the README shows the defaults
            Assert.Equal(new NotifierOptions().Escalation.Messages, o.Escalation.Messages);
            Assert.Equal((new RateLimitOptions().Notifications, new RateLimitOptions().Window), (o.RateLimit.Notifications, o.RateLimit.Window));
        }
        finally
        {
            File.Delete(file);
        }
    }
}
