using System.Net;
using System.Text;
using System.Text.Json;
using MimeKit;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Pipeline.TestServers;

namespace Pipeline.Notifier.Tests;

/// <summary>The messages the aiosmtpd server wrote to its maildir.</summary>
internal sealed class Mailbox(string dir)
{
    public string Dir { get; } = Directory.CreateDirectory(dir).FullName;

    public sealed record Received(string MailFrom, List<string> RcptTos, MimeMessage Message, string? AuthLogin, bool Tls);

    public List<Received> Messages()
    {
        var list = new List<Received>();
        foreach (var f in Directory.GetFiles(Dir, "msg-*.json").Order(StringComparer.Ordinal))
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(f));
            var r = doc.RootElement;
            var mime = MimeMessage.Load(new MemoryStream(Encoding.UTF8.GetBytes(r.GetProperty("data").GetString()!)));
            list.Add(new Received(r.GetProperty("mail_from").GetString()!, [.. r.GetProperty("rcpt_tos").EnumerateArray().Select(x => x.GetString()!)],
                mime, r.GetProperty("auth_login").GetString(), r.GetProperty("tls").GetBoolean()));
        }
        // Files are named by arrival count per server process; order by the Date header is not precise enough.
        return list;
    }

    public int Count => Directory.GetFiles(Dir, "msg-*.json").Length;

    public Task WaitFor(int count) => Net.WaitFor(() => Count >= count, Net.Patience, $"{count} messages in {Dir}");
}

/// <summary>A webhook receiver on 127.0.0.1 (HttpListener): records each request; can answer 503 a number of times first.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<(string Path, string Body, string? NotificationId, string? Authorization, int Status)> _requests = [];
    private readonly Task _loop;
    public int FailNext;
    public int Port { get; }
    public string Url => $"http://127.0.0.1:{Port}/hooks/T000/B000/s3cr3t-token";

    public WebhookReceiver()
    {
        for (int attempt = 0; ; attempt++)
        {
            Port = Net.FreePort();
            _listener.Prefixes.Clear();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            try { _listener.Start(); break; }
            catch (HttpListenerException) when (attempt < 3) { }
        }
        _loop = Task.Run(async () =>
        {
            while (_listener.IsListening)
            {
                HttpListenerContext ctx;
                try { ctx = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                using var reader = new StreamReader(ctx.Request.InputStream, Encoding.UTF8);
                string body = await reader.ReadToEndAsync();
                int status = Interlocked.Decrement(ref FailNext) >= 0 ? 503 : 200;
                lock (_requests) _requests.Add((ctx.Request.Url!.AbsolutePath, body, ctx.Request.Headers["X-Pipeline-Notification-Id"], ctx.Request.Headers["Authorization"], status));
                ctx.Response.StatusCode = status;
                ctx.Response.Close();
            }
        });
    }

    public List<(string Path, string Body, string? NotificationId, string? Authorization, int Status)> Requests
    {
        get { lock (_requests) return [.. _requests]; }
    }

    public List<JsonElement> Accepted() => [.. Requests.Where(r => r.Status == 200).Select(r => JsonDocument.Parse(r.Body).RootElement.Clone())];

    public void Dispose()
    {
        _listener.Stop();
        _listener.Close();
        try { _loop.Wait(5_000); } catch (AggregateException) { }
    }
}

/// <summary>Alert versions as the correlator writes them, appended to an alerts.ndjson.</summary>
internal static class Alerts
{
    public static readonly DateTime Opened = new(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc);

    public static AlertDocument Stuck(string appliance = "esa01", int messages = 3, long ageSeconds = 600, DateTime? resolved = null, string peer = "sma01", DateTime? opened = null)
    {
        var at = opened ?? Opened;
        var a = new AlertDocument
        {
            Kind = AlertKinds.CpqQueueStuck,
            Appliance = appliance,
            Peer = peer,
            OpenedAt = at,
            LastUpdatedAt = resolved ?? at.AddSeconds(ageSeconds),
            ResolvedAt = resolved,
            Evidence = new AlertEvidence { Messages = messages, OldestAgeSeconds = ageSeconds, LastError = "verify error: no certificate from server", SampleMids = [1001, 1002] },
            Hint = $"{appliance} negotiates an anonymous cipher with {peer}: append :-aNULL to {appliance}'s outgoing cipher list (e.g. HIGH:MEDIUM:-aNULL) <now>.",
            Summary = $"the.cpq.host on {appliance} → {peer}: {messages} waiting",
        };
        a.Id = $"{a.Kind}:{appliance}:{peer}:{at:yyyyMMdd'T'HHmmss'Z'}";
        return a;
    }

    public static void Append(string file, params AlertDocument[] alerts)
    {
        using var f = new FileStream(file, FileMode.Append, FileAccess.Write);
        foreach (var a in alerts)
        {
            using (var w = new Utf8JsonWriter(f)) DocumentJson.WriteAlert(w, a);
            f.WriteByte((byte)'\n');
        }
    }
}
