using System.Globalization;
using System.Text;
using Pipeline.MailLogs;

namespace Pipeline.MailLogs.Tests;

/// <summary>A parsed line with its bytes, and named access to every field for compact expectations.</summary>
internal sealed class Parsed
{
    public Parsed(string line, ParseContext? context = null)
    {
        Bytes = Encoding.UTF8.GetBytes(line);
        var e = LogEvent.Empty;
        MailLogParser.Parse(Bytes, context ?? new ParseContext(), ref e);
        Event = e;
    }

    public byte[] Bytes { get; }
    public LogEvent Event { get; }
    public LineType Type => Event.Type;

    public string? S(TextRange r) => r.ToString(Bytes);

    /// <summary>A field by short name, as text (ids as numbers, absent as null).</summary>
    public string? Field(string name)
    {
        var e = Event;
        static string? N(long v) => v >= 0 ? v.ToString(CultureInfo.InvariantCulture) : null;
        return name switch
        {
            "action" => e.Type.ActionName(),
            "level" => e.Level.ToString(),
            "envelope" => e.Envelope.ToString(),
            "time" => e.UtcTicks > 0 ? new DateTime(e.UtcTicks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null,
            "host" => S(e.Host),
            "tag" => S(e.Tag),
            "body" => S(e.Body),
            "mid" => N(e.Mid),
            "icid" => N(e.Icid),
            "dcid" => N(e.Dcid),
            "rcid" => N(e.Rcid),
            "rid" => N(e.Rid),
            "rids" => e.Rids.HasValue ? string.Join(",", Rids()) : null,
            "parent" => N(e.ParentMid),
            "child" => N(e.ChildMid),
            "accepted" => N(e.AcceptedMid),
            "from" => S(e.From),
            "to" => S(e.To),
            "message_id" => S(e.MessageId),
            "subject" => S(e.Subject),
            "size" => N(e.Size),
            "name" => S(e.Name),
            "engine" => S(e.Engine),
            "verdict" => S(e.Verdict),
            "detail" => S(e.Detail),
            "score" => S(e.Score),
            "quarantine" => S(e.Quarantine),
            "reason" => S(e.Reason),
            "dwell" => N(e.DwellSeconds),
            "percent" => N(e.Percent),
            "listener" => S(e.ListenerType),
            "iface_name" => S(e.InterfaceName),
            "iface_ip" => S(e.InterfaceIp),
            "remote_ip" => S(e.RemoteIp),
            "remote_host" => S(e.RemoteHost),
            "verified" => e.Verified < 0 ? null : e.Verified == 1 ? "yes" : "no",
            "domain" => S(e.Domain),
            "port" => N(e.Port),
            "tls_protocol" => S(e.TlsProtocol),
            "tls_cipher" => S(e.TlsCipher),
            "tls_peer" => S(e.TlsPeer),
            "error" => S(e.Error),
            "response" => S(e.Response),
            "status" => S(e.StatusCode),
            "pending_till" => e.PendingTillUtcTicks > 0 ? new DateTime(e.PendingTillUtcTicks, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : null,
            "version" => S(e.Version),
            "serial" => S(e.Serial),
            "utc_offset" => e.Type == LineType.TimeOffset ? e.UtcOffsetSeconds.ToString(CultureInfo.InvariantCulture) : null,
            "destination" => e.Destination == QuarantineDestination.None ? null : e.Destination.ToString(),
            "unparsed_reason" => e.UnparsedReason,
            "url" => S(e.Url),
            "sha256" => S(e.Sha256),
            "file" => S(e.FileName),
            "user" => S(e.UserName),
            "mechanism" => S(e.AuthMechanism),
            "country" => S(e.Country),
            "category" => S(e.Category),
            "helo" => S(e.Helo),
            "target" => S(e.Target),
            _ => throw new ArgumentException($"unknown field {name}"),
        };
    }

    public List<long> Rids()
    {
        var list = new List<long>();
        foreach (var r in Event.RidList(Bytes)) list.Add(r);
        return list;
    }

    /// <summary>Asserts <c>name=value;name=value</c> expectations (value <c>-</c> means absent).</summary>
    public void AssertFields(string expectations) => AssertFields(expectations.Split(';', StringSplitOptions.RemoveEmptyEntries));

    /// <summary>Asserts <c>name=value</c> expectations, one per item (values may hold ';').</summary>
    public void AssertFields(IEnumerable<string> expectations)
    {
        foreach (var pair in expectations)
        {
            int eq = pair.IndexOf('=');
            string name = pair[..eq], expected = pair[(eq + 1)..];
            var actual = Field(name);
            Assert.True(expected == "-" ? actual is null : expected == actual,
                $"field {name}: expected [{expected}], got [{actual ?? "(absent)"}] in: {Encoding.UTF8.GetString(Bytes)}");
        }
    }
}

/// <summary>Where the corpus files are (copied next to the test assembly).</summary>
internal static class Corpus
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "corpus", name);

    public const string MailText = "esa-mailtext-2014-sanitized.log";
    public const string Syslog = "esa-syslog-2011-examples.log";
    public const string Seed = "seed-technote-examples.log";
    public static readonly string[] All = [MailText, Syslog, Seed];
}
