using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Pipeline.Correlation.Output;

namespace Pipeline.Notifier;

/// <summary>A JSON webhook: the generic payload (transition + alert document), or Slack or Teams message shapes.</summary>
public sealed class WebhookChannel : INotificationChannel
{
    private readonly WebhookChannelOptions _options;
    private readonly NotificationText _text;
    private readonly SecretScrubber _scrubber;
    private readonly HttpClient _http;
    private readonly Uri _url;
    private readonly string? _authorization;

    /// <summary>A channel; the URL and authorization are read once here.</summary>
    public WebhookChannel(WebhookChannelOptions options, NotificationText text, SecretScrubber scrubber, HttpClient? http = null)
    {
        _options = options;
        _text = text;
        _scrubber = scrubber;
        _http = http ?? new HttpClient();
        string url = options.Url ?? options.UrlSecret.Resolve($"webhook {options.Name} URL");
        if (options.Url is null) scrubber.Add(url);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            throw new InvalidOperationException($"webhook {options.Name}: the URL is not an http(s) URL");
        _url = uri;
        if (options.Authorization.IsSet)
        {
            _authorization = options.Authorization.Resolve($"webhook {options.Name} authorization");
            scrubber.Add(_authorization);
        }
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>The request body for a notification.</summary>
    public string Payload(Notification n)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
        {
            switch (_options.Format)
            {
                case WebhookFormat.Slack: Slack(w, n); break;
                case WebhookFormat.Teams: Teams(w, n); break;
                default: Generic(w, n); break;
            }
        }
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private void Generic(Utf8JsonWriter w, Notification n)
    {
        w.WriteStartObject();
        w.WriteString("notification_id", n.Key);
        w.WriteString("transition", n.Transition.ToString().ToLowerInvariant());
        w.WriteNumber("level", n.Level);
        w.WriteString("severity", NotificationText.Severity(n));
        w.WriteString("group", n.Group);
        w.WriteString("title", NotificationText.Title(n));
        w.WriteString("text", _text.TextBody(n));
        if (_text.KibanaLink(n.Alert) is { } link) w.WriteString("kibana_url", link); else w.WriteNull("kibana_url");
        w.WritePropertyName("document");
        DocumentJson.WriteAlert(w, n.Alert);
        w.WriteEndObject();
    }

    private void Slack(Utf8JsonWriter w, Notification n)
    {
        var a = n.Alert;
        w.WriteStartObject();
        w.WriteString("text", $"{NotificationText.Title(n)}: {a.Summary}"); // the fallback for notifications
        w.WriteStartArray("blocks");
        Block(w, "header", NotificationText.Title(n), plain: true);
        Block(w, "section", a.Summary);
        w.WriteStartObject();
        w.WriteString("type", "section");
        w.WriteStartArray("fields");
        foreach (var (label, value) in NotificationText.Facts(n))
        {
            w.WriteStartObject();
            w.WriteString("type", "mrkdwn");
            w.WriteString("text", $"*{label}*\n{value}");
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        var messages = _text.AffectedMessages(a);
        if (messages.Count > 0) Block(w, "section", "*Messages affected (sample)*\n" + string.Join("\n", messages));
        Block(w, "section", (n.Transition == Transition.Resolved ? "*What was wrong and the fix*\n" : "*Next step*\n") + a.Hint);
        if (_text.KibanaLink(a) is { } link) Block(w, "section", $"<{link}|Open in Kibana>");
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Block(Utf8JsonWriter w, string type, string text, bool plain = false)
    {
        w.WriteStartObject();
        w.WriteString("type", type);
        w.WriteStartObject("text");
        w.WriteString("type", plain ? "plain_text" : "mrkdwn");
        w.WriteString("text", plain && text.Length > 150 ? text[..150] : text); // Slack's header limit
        w.WriteEndObject();
        w.WriteEndObject();
    }

    private void Teams(Utf8JsonWriter w, Notification n)
    {
        var a = n.Alert;
        w.WriteStartObject();
        w.WriteString("@type", "MessageCard");
        w.WriteString("@context", "https://schema.org/extensions");
        w.WriteString("summary", NotificationText.Title(n));
        w.WriteString("themeColor", NotificationText.Severity(n) switch { "resolved" => "2E7D32", "warning" => "B26A00", _ => "C62828" });
        w.WriteString("title", NotificationText.Title(n));
        w.WriteString("text", a.Summary);
        w.WriteStartArray("sections");
        w.WriteStartObject();
        w.WriteStartArray("facts");
        foreach (var (label, value) in NotificationText.Facts(n))
        {
            w.WriteStartObject();
            w.WriteString("name", label);
            w.WriteString("value", value);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteEndObject();
        var messages = _text.AffectedMessages(a);
        if (messages.Count > 0)
        {
            w.WriteStartObject();
            w.WriteString("title", "Messages affected (sample)");
            w.WriteString("text", string.Join("<br>", messages));
            w.WriteEndObject();
        }
        w.WriteStartObject();
        w.WriteString("title", n.Transition == Transition.Resolved ? "What was wrong and the fix" : "Next step");
        w.WriteString("text", a.Hint);
        w.WriteEndObject();
        w.WriteEndArray();
        if (_text.KibanaLink(a) is { } link)
        {
            w.WriteStartArray("potentialAction");
            w.WriteStartObject();
            w.WriteString("@type", "OpenUri");
            w.WriteString("name", "Open in Kibana");
            w.WriteStartArray("targets");
            w.WriteStartObject();
            w.WriteString("os", "default");
            w.WriteString("uri", link);
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndArray();
        }
        w.WriteEndObject();
    }

    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(_options.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, _url)
        {
            Content = new StringContent(Payload(notification), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Pipeline-Notification-Id", notification.Key); // receivers can drop duplicates by it
        if (_authorization is not null) request.Headers.Authorization = AuthenticationHeaderValue.Parse(_authorization);
        string target = $"{_url.Scheme}://{_url.Authority}"; // never the path: Slack and Teams keep the secret there
        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            string why = ex is OperationCanceledException ? $"no answer within {_options.Timeout.TotalSeconds:0} s" : ex.Message;
            throw new DeliveryException(_scrubber.Scrub($"webhook {_options.Name} ({target}): {why}"), ex);
        }
        using (response)
        {
            if (!response.IsSuccessStatusCode)
                throw new DeliveryException(_scrubber.Scrub($"webhook {_options.Name} ({target}): HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));
        }
    }
}
