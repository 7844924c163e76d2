using System.Globalization;

namespace Pipeline.Notifier;

/// <summary>
/// The notifier's configuration (bound from a JSON file and environment variables; the one place the defaults live).
/// Secrets are never values here: they are named files or environment variables (<see cref="SecretRef"/>).
/// </summary>
public sealed class NotifierOptions
{
    /// <summary>Email through SMTP; null for none.</summary>
    public EmailChannelOptions? Email { get; set; }
    /// <summary>JSON webhooks.</summary>
    public List<WebhookChannelOptions> Webhooks { get; set; } = [];
    /// <summary>Routing, quiet hours and recipients per appliance group; the first group whose patterns match an alert's appliance wins. Without a match: every channel, no quiet hours.</summary>
    public List<ApplianceGroupOptions> Groups { get; set; } = [];
    /// <summary>When an open alert escalates.</summary>
    public EscalationOptions Escalation { get; set; } = new();
    /// <summary>Notifications per appliance and time.</summary>
    public RateLimitOptions RateLimit { get; set; } = new();
    /// <summary>Retries of failed deliveries.</summary>
    public RetryOptions Retry { get; set; } = new();
    /// <summary>Kibana's base URL (e.g. <c>https://kibana.example.net:5601</c>); with it, notifications link to the alert.</summary>
    public string? KibanaUrl { get; set; }
    /// <summary>The link's path and query after <see cref="KibanaUrl"/>; <c>{alert_id}</c>, <c>{appliance}</c>, <c>{from}</c>, <c>{to}</c> are replaced (URL-escaped).</summary>
    public string KibanaPath { get; set; } = "/app/discover#/?_g=(time:(from:'{from}',to:'{to}'))&_a=(query:(language:kuery,query:'alert.id:\"{alert_id}\"'))";
    /// <summary>A resolved alert's progress is forgotten this long after its last version was seen (keeps the checkpoint bounded; a file re-read after that would tell its resolution again).</summary>
    public TimeSpan ForgetResolvedAfter { get; set; } = TimeSpan.FromDays(30);
    /// <summary>How many sent-notification records the checkpoint keeps (the oldest are dropped; alert progress still prevents resending).</summary>
    public int SentRecords { get; set; } = 10_000;
}

/// <summary>A secret: read from a file (first line, trimmed) or an environment variable, never written in configuration.</summary>
public sealed class SecretRef
{
    /// <summary>A file holding the secret (e.g. a Kubernetes secret volume).</summary>
    public string? File { get; set; }
    /// <summary>An environment variable holding the secret.</summary>
    public string? Env { get; set; }

    /// <summary>Whether either is set.</summary>
    public bool IsSet => File is not null || Env is not null;

    /// <summary>The secret's value.</summary>
    /// <exception cref="InvalidOperationException">The file or variable is missing or empty (the message names it, never the value).</exception>
    public string Resolve(string what)
    {
        if (File is not null)
        {
            if (!System.IO.File.Exists(File)) throw new InvalidOperationException($"{what}: secret file {File} does not exist");
            string value = System.IO.File.ReadAllText(File).Split('\n')[0].Trim();
            return value.Length > 0 ? value : throw new InvalidOperationException($"{what}: secret file {File} is empty");
        }
        if (Env is not null)
            return Environment.GetEnvironmentVariable(Env) is { Length: > 0 } v ? v : throw new InvalidOperationException($"{what}: environment variable {Env} is not set");
        throw new InvalidOperationException($"{what}: no secret file or environment variable given");
    }
}

/// <summary>SMTP transport security.</summary>
public enum SmtpSecurity
{
    /// <summary>STARTTLS, required (port 587).</summary>
    StartTls,
    /// <summary>TLS from the first byte (port 465).</summary>
    Implicit,
    /// <summary>STARTTLS when offered.</summary>
    Auto,
    /// <summary>Plain SMTP (a local relay).</summary>
    None,
}

/// <summary>The email channel.</summary>
public sealed class EmailChannelOptions
{
    /// <summary>The channel's name in routes.</summary>
    public string Name { get; set; } = "email";
    /// <summary>SMTP server.</summary>
    public string Host { get; set; } = "localhost";
    /// <summary>SMTP port.</summary>
    public int Port { get; set; } = 587;
    /// <summary>Transport security.</summary>
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    /// <summary>Accept a certificate that does not validate (a lab relay with a self-signed certificate).</summary>
    public bool AcceptInvalidCertificate { get; set; }
    /// <summary>User for AUTH; none when null.</summary>
    public string? Username { get; set; }
    /// <summary>Password for AUTH.</summary>
    public SecretRef Password { get; set; } = new();
    /// <summary>Sender address.</summary>
    public string From { get; set; } = "pipeline@localhost";
    /// <summary>Recipients (a group may name its own).</summary>
    public List<string> To { get; set; } = [];
    /// <summary>Subject prefix.</summary>
    public string SubjectPrefix { get; set; } = "[pipeline]";
    /// <summary>Timeout of one SMTP conversation.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Webhook payload shapes.</summary>
public enum WebhookFormat
{
    /// <summary>The transition and the alert document as the pipeline writes it.</summary>
    Generic,
    /// <summary>Slack incoming webhook (<c>text</c> and <c>blocks</c>).</summary>
    Slack,
    /// <summary>Microsoft Teams connector card (<c>MessageCard</c>).</summary>
    Teams,
}

/// <summary>A webhook channel.</summary>
public sealed class WebhookChannelOptions
{
    /// <summary>The channel's name in routes.</summary>
    public string Name { get; set; } = "webhook";
    /// <summary>The URL, when it holds no secret; else <see cref="UrlSecret"/> (Slack and Teams URLs are secrets).</summary>
    public string? Url { get; set; }
    /// <summary>The URL from a file or environment variable.</summary>
    public SecretRef UrlSecret { get; set; } = new();
    /// <summary>Payload shape.</summary>
    public WebhookFormat Format { get; set; } = WebhookFormat.Generic;
    /// <summary>An <c>Authorization</c> header value (e.g. <c>Bearer ...</c>), from a secret.</summary>
    public SecretRef Authorization { get; set; } = new();
    /// <summary>Timeout of one request.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>A group of appliances: where their alerts go and when they may wake someone.</summary>
public sealed class ApplianceGroupOptions
{
    /// <summary>The group's name (shown in notifications).</summary>
    public string Name { get; set; } = "default";
    /// <summary>Appliance name patterns (<c>*</c> and <c>?</c>), e.g. <c>esa-eu-*</c>; empty matches every appliance (no default item: the binder would add to it).</summary>
    public List<string> Appliances { get; set; } = [];
    /// <summary>Channel names to notify; empty means every channel.</summary>
    public List<string> Channels { get; set; } = [];
    /// <summary>Email recipients for this group instead of the email channel's.</summary>
    public List<string> EmailTo { get; set; } = [];
    /// <summary>Quiet hours: notifications wait until they end (none are dropped).</summary>
    public QuietHoursOptions? QuietHours { get; set; }

    /// <summary>Whether an appliance belongs to the group.</summary>
    public bool Matches(string appliance) => Appliances.Count == 0 || Appliances.Any(p => Glob(p, appliance));

    private static bool Glob(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToLowerInvariant(pattern[p]) == char.ToLowerInvariant(text[t]))) { p++; t++; }
            else if (p < pattern.Length && pattern[p] == '*') { star = p++; mark = t; }
            else if (star >= 0) { p = star + 1; t = ++mark; }
            else return false;
        }
        while (p < pattern.Length && pattern[p] == '*') p++;
        return p == pattern.Length;
    }
}

/// <summary>A daily quiet window in a time zone (may cross midnight, e.g. 22:00-07:00).</summary>
public sealed class QuietHoursOptions
{
    /// <summary>Start, <c>HH:mm</c>.</summary>
    public string Start { get; set; } = "22:00";
    /// <summary>End, <c>HH:mm</c>.</summary>
    public string End { get; set; } = "07:00";
    /// <summary>IANA time zone id.</summary>
    public string TimeZone { get; set; } = "UTC";
    /// <summary>Alert kinds that are sent even in quiet hours (e.g. <c>cpq_queue_stuck</c>).</summary>
    public List<string> ExceptKinds { get; set; } = [];

    /// <summary>When the quiet window that contains <paramref name="now"/> ends; null when <paramref name="now"/> is not quiet.</summary>
    public DateTimeOffset? EndsAfter(DateTimeOffset now)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var start = TimeOnly.ParseExact(Start, "HH:mm", CultureInfo.InvariantCulture);
        var end = TimeOnly.ParseExact(End, "HH:mm", CultureInfo.InvariantCulture);
        var t = TimeOnly.FromDateTime(local.DateTime);
        bool quiet = start <= end ? t >= start && t < end : t >= start || t < end;
        if (!quiet) return null;
        var day = DateOnly.FromDateTime(local.DateTime);
        if (start > end && t >= start) day = day.AddDays(1);
        var endLocal = day.ToDateTime(end);
        return new DateTimeOffset(endLocal, zone.GetUtcOffset(endLocal));
    }
}

/// <summary>Escalation: an open alert is sent again when it crosses the next step of messages waiting or of age.</summary>
public sealed class EscalationOptions
{
    /// <summary>Messages affected that make the next level.</summary>
    public List<int> Messages { get; set; } = [10, 100, 1000];
    /// <summary>Age of the oldest message (or of the alert) that makes the next level.</summary>
    public List<TimeSpan> Age { get; set; } = [TimeSpan.FromMinutes(30), TimeSpan.FromHours(2), TimeSpan.FromHours(8)];
}

/// <summary>At most <see cref="Notifications"/> per appliance per <see cref="Window"/>; the rest wait (none are dropped).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Notifications allowed per window.</summary>
    public int Notifications { get; set; } = 10;
    /// <summary>The sliding window.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Retries with exponential backoff.</summary>
public sealed class RetryOptions
{
    /// <summary>Attempts per delivery before it is given up (and reported).</summary>
    public int MaxAttempts { get; set; } = 10;
    /// <summary>Wait after the first failure; doubles after each.</summary>
    public TimeSpan FirstDelay { get; set; } = TimeSpan.FromSeconds(5);
    /// <summary>Longest wait between attempts.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromMinutes(10);
}
