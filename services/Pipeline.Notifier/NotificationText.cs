using System.Globalization;
using System.Net;
using System.Text;
using Pipeline.Correlation.Model;

namespace Pipeline.Notifier;

/// <summary>
/// The words of a notification: subject, a plain-text and an HTML body with the evidence, the messages affected, the
/// operator's hint and the Kibana link, and the titles webhooks use. Everything from the alert is HTML-encoded.
/// </summary>
public sealed class NotificationText
{
    private readonly NotifierOptions _options;

    /// <summary>A renderer; <paramref name="analysisFolder"/> (the analyze output with flows and events) adds <c>pipeline trace</c> commands per message.</summary>
    public NotificationText(NotifierOptions options, string? analysisFolder = null)
    {
        _options = options;
        AnalysisFolder = analysisFolder;
    }

    /// <summary>The analyze output folder for trace commands, if known.</summary>
    public string? AnalysisFolder { get; }

    /// <summary>Severity: certificate warnings and resolutions are not critical.</summary>
    public static string Severity(Notification n) =>
        n.Transition == Transition.Resolved ? "resolved" : n.Alert.Kind == "probe_certificate_expiring" ? "warning" : "critical";

    /// <summary><c>OPEN</c>, <c>ESCALATED (level 2)</c>, <c>RESOLVED</c>.</summary>
    public static string Verb(Notification n) => n.Transition switch
    {
        Transition.Opened => "OPEN",
        Transition.Escalated => $"ESCALATED (level {n.Level})",
        _ => "RESOLVED",
    };

    /// <summary>A one-line title.</summary>
    public static string Title(Notification n)
    {
        var a = n.Alert;
        string where = a.Peer is null ? a.Appliance : $"{a.Appliance} → {a.Peer}";
        return $"{Verb(n)} {a.Kind} {where}";
    }

    /// <summary>The email subject.</summary>
    public string Subject(Notification n, string prefix) =>
        $"{prefix} {Title(n)}: {Shorten(n.Alert.Summary, 120)}".Trim();

    /// <summary>The alert's window in words.</summary>
    public static string Window(AlertDocument a) => a.ResolvedAt is { } r
        ? $"opened {Time(a.OpenedAt)}, resolved {Time(r)} (after {Duration(r - a.OpenedAt)})"
        : $"open since {Time(a.OpenedAt)} ({Duration(a.LastUpdatedAt - a.OpenedAt)} until the last update at {Time(a.LastUpdatedAt)})";

    /// <summary>The link to the alert in Kibana, or null without a Kibana URL.</summary>
    public string? KibanaLink(AlertDocument a)
    {
        if (string.IsNullOrWhiteSpace(_options.KibanaUrl)) return null;
        var from = a.OpenedAt.AddHours(-1);
        var to = (a.ResolvedAt ?? a.LastUpdatedAt).AddHours(1);
        string path = _options.KibanaPath
            .Replace("{alert_id}", Uri.EscapeDataString(a.Id), StringComparison.Ordinal)
            .Replace("{appliance}", Uri.EscapeDataString(a.Appliance), StringComparison.Ordinal)
            .Replace("{from}", Uri.EscapeDataString(Iso(from)), StringComparison.Ordinal)
            .Replace("{to}", Uri.EscapeDataString(Iso(to)), StringComparison.Ordinal);
        return _options.KibanaUrl.TrimEnd('/') + path;
    }

    /// <summary>The messages affected, one line each (with a trace command when the analysis folder is known).</summary>
    public IReadOnlyList<string> AffectedMessages(AlertDocument a) =>
        [.. a.Evidence.SampleMids.Select(mid => AnalysisFolder is null
            ? $"{a.Appliance} MID {mid.ToString(CultureInfo.InvariantCulture)}"
            : $"{a.Appliance} MID {mid.ToString(CultureInfo.InvariantCulture)}: pipeline trace --in {AnalysisFolder} --appliance {a.Appliance} --mid {mid.ToString(CultureInfo.InvariantCulture)}")];

    /// <summary>The facts of the evidence as label/value pairs (shared by every format).</summary>
    public static IReadOnlyList<(string Label, string Value)> Facts(Notification n)
    {
        var a = n.Alert;
        var facts = new List<(string, string)>
        {
            ("Alert", a.Kind),
            ("Appliance", a.Appliance),
        };
        if (a.Peer is not null) facts.Add(("Peer", a.Peer));
        facts.Add(("Group", n.Group));
        facts.Add(("Window", Window(a)));
        facts.Add(("Messages affected", a.Evidence.Messages.ToString(CultureInfo.InvariantCulture)));
        if (a.Evidence.OldestAgeSeconds > 0) facts.Add(("Oldest waiting", Duration(TimeSpan.FromSeconds(a.Evidence.OldestAgeSeconds))));
        if (a.Evidence.LastError is not null) facts.Add(("Last error", a.Evidence.LastError));
        facts.Add(("Alert id", a.Id));
        return facts;
    }

    /// <summary>The plain-text body.</summary>
    public string TextBody(Notification n)
    {
        var a = n.Alert;
        var sb = new StringBuilder();
        sb.AppendLine(Title(n));
        sb.AppendLine(a.Summary);
        sb.AppendLine();
        foreach (var (label, value) in Facts(n)) sb.AppendLine($"{label + ":",-19} {value}");
        var messages = AffectedMessages(a);
        if (messages.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine("Messages affected (sample):");
            foreach (var m in messages) sb.AppendLine("  " + m);
        }
        sb.AppendLine();
        sb.AppendLine(n.Transition == Transition.Resolved ? "What was wrong and the fix:" : "Next step:");
        sb.AppendLine(a.Hint);
        if (KibanaLink(a) is { } link)
        {
            sb.AppendLine();
            sb.AppendLine("In Kibana: " + link);
        }
        return sb.ToString();
    }

    /// <summary>The HTML body (inline styles only: mail clients drop style sheets).</summary>
    public string HtmlBody(Notification n)
    {
        var a = n.Alert;
        string color = Severity(n) switch { "resolved" => "#2e7d32", "warning" => "#b26a00", _ => "#c62828" };
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><body style=\"font-family:sans-serif;font-size:14px;color:#222\">");
        sb.Append($"<h2 style=\"color:{color};margin:0 0 4px 0\">{E(Title(n))}</h2>");
        sb.Append($"<p style=\"margin:0 0 12px 0\">{E(a.Summary)}</p>");
        sb.Append("<table style=\"border-collapse:collapse\">");
        foreach (var (label, value) in Facts(n))
            sb.Append($"<tr><th style=\"text-align:left;padding:2px 12px 2px 0;vertical-align:top\">{E(label)}</th><td style=\"padding:2px 0\">{E(value)}</td></tr>");
        sb.Append("</table>");
        var messages = AffectedMessages(a);
        if (messages.Count > 0)
        {
            sb.Append("<h3 style=\"margin:16px 0 4px 0\">Messages affected (sample)</h3><ul>");
            foreach (var m in messages) sb.Append($"<li><code>{E(m)}</code></li>");
            sb.Append("</ul>");
        }
        sb.Append($"<h3 style=\"margin:16px 0 4px 0\">{(n.Transition == Transition.Resolved ? "What was wrong and the fix" : "Next step")}</h3>");
        sb.Append($"<p style=\"margin:0\">{E(a.Hint)}</p>");
        if (KibanaLink(a) is { } link) sb.Append($"<p><a href=\"{E(link)}\">Open in Kibana</a></p>");
        sb.Append("</body></html>");
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);

    private static string Time(DateTime t) => t.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Iso(DateTime t) => t.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string Shorten(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    /// <summary>Duration in words (<c>2h 5m</c>), as the correlator's hints write it.</summary>
    public static string Duration(TimeSpan t) => Pipeline.Correlation.Detection.Hints.Duration(t.Ticks);
}
