using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Pipeline.MailLogs;

namespace Pipeline.MailLogs.Tests;

/// <summary>
/// Writes a <see cref="LogEvent"/> as one JSON document (the event document of docs/schemas.md): <c>@timestamp</c>,
/// <c>observer.hostname</c>, <c>event.action</c>, the ids, the extracted fields under ECS names where ECS has one,
/// and <c>message</c> (the raw logical line). Values are copied from the line's bytes; invalid UTF-8 becomes U+FFFD.
/// </summary>
/// <remarks>The first implementation (System.Text.Json's Utf8JsonWriter), kept as the oracle for the fast emitter.</remarks>
internal static class ReferenceEventJsonWriter
{
    /// <summary>Writer options: readable output (no escaping of <c>&lt;</c>, <c>'</c>, non-ASCII), no validation cost.</summary>
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    /// <summary>ISO-8601 UTC with a Z and only the fractions that are non-zero.</summary>
    public static string FormatTime(long utcTicks) => new DateTime(utcTicks, DateTimeKind.Utc).ToString(
        TimeFormat(utcTicks), System.Globalization.CultureInfo.InvariantCulture);

    private static string TimeFormat(long ticks) =>
        ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    /// <summary>Writes the document for <paramref name="e"/>, parsed from <paramref name="line"/>.</summary>
    /// <param name="w">The writer; one document is written.</param>
    /// <param name="line">The logical line the event's ranges refer to.</param>
    /// <param name="e">The event.</param>
    /// <param name="origin">Appliance and file.</param>
    /// <param name="lineNumber">First physical line number in the file, or 0.</param>
    /// <param name="offset">Byte offset in the file, or -1.</param>
    /// <param name="eventId">A deterministic id (<c>event.id</c>), or null.</param>
    public static void Write(Utf8JsonWriter w, ReadOnlySpan<byte> line, in LogEvent e, EventOrigin origin,
        long lineNumber = 0, long offset = -1, string? eventId = null) =>
        Write(w, line, e, origin, lineNumber, offset, eventId is null ? default : System.Text.Encoding.UTF8.GetBytes(eventId));

    /// <summary>Writes the document with the event id given as UTF-8 bytes (empty: no <c>event.id</c>).</summary>
    public static void Write(Utf8JsonWriter w, ReadOnlySpan<byte> line, in LogEvent e, EventOrigin origin,
        long lineNumber, long offset, ReadOnlySpan<byte> eventId)
    {
        w.WriteStartObject();
        if (e.UtcTicks > 0) WriteTime(w, "@timestamp"u8, e.UtcTicks);
        else w.WriteNull("@timestamp"u8);

        w.WriteStartObject("observer"u8);
        w.WriteString("hostname"u8, origin.Appliance);
        Str(w, "version"u8, line, e.Version);
        Str(w, "serial_number"u8, line, e.Serial);
        w.WriteEndObject();

        w.WriteStartObject("event"u8);
        w.WriteString("action"u8, e.Type.ActionName());
        if (!eventId.IsEmpty) w.WriteString("id"u8, eventId);
        if (e.UnparsedReason is not null) w.WriteString("reason"u8, e.UnparsedReason);
        w.WriteEndObject();

        w.WriteStartObject("log"u8);
        if (e.Level != MailLogLevel.Unknown) w.WriteString("level"u8, LevelName(e.Level));
        if (origin.Path is not null)
        {
            w.WriteStartObject("file"u8);
            w.WriteString("path"u8, origin.Path);
            if (lineNumber > 0) w.WriteNumber("line"u8, lineNumber);
            w.WriteEndObject();
        }
        if (offset >= 0) w.WriteNumber("offset"u8, offset);
        if (e.Host.HasValue || e.Tag.HasValue)
        {
            w.WriteStartObject("syslog"u8);
            Str(w, "hostname"u8, line, e.Host);
            Str(w, "appname"u8, line, e.Tag);
            w.WriteEndObject();
        }
        w.WriteEndObject();

        Num(w, "mid"u8, e.Mid);
        Num(w, "icid"u8, e.Icid);
        Num(w, "dcid"u8, e.Dcid);
        Num(w, "rcid"u8, e.Rcid);
        Num(w, "rid"u8, e.Rid);
        if (e.Rids.HasValue)
        {
            w.WriteStartArray("rids"u8);
            foreach (long r in e.RidList(line)) w.WriteNumberValue(r);
            w.WriteEndArray();
        }
        if (e.ParentMid >= 0)
        {
            w.WriteStartObject("edge"u8);
            w.WriteNumber("parent_mid"u8, e.ParentMid);
            w.WriteNumber("child_mid"u8, e.ChildMid);
            w.WriteEndObject();
        }

        if (e.From.HasValue || e.To.HasValue || e.MessageId.HasValue || e.Subject.HasValue || e.Size >= 0
            || (e.Type == LineType.MessageAttachment && e.Name.HasValue))
        {
            w.WriteStartObject("email"u8);
            if (e.From.HasValue) { w.WriteStartObject("from"u8); Str(w, "address"u8, line, e.From); w.WriteEndObject(); }
            if (e.To.HasValue) { w.WriteStartObject("to"u8); Str(w, "address"u8, line, e.To); w.WriteEndObject(); }
            Str(w, "message_id"u8, line, e.MessageId);
            Str(w, "subject"u8, line, e.Subject);
            if (e.Type == LineType.MessageAttachment && e.Name.HasValue)
            {
                w.WriteStartObject("attachments"u8);
                w.WriteStartObject("file"u8);
                Str(w, "name"u8, line, e.Name);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            if (e.Size >= 0) w.WriteNumber("size"u8, e.Size);
            w.WriteEndObject();
        }

        // IncomingRelay and SDR lines name the sender's side (the relay, the sender's host): a source too.
        bool inbound = (e.Icid >= 0 && e.Dcid < 0) || e.Type is LineType.IncomingRelay or LineType.SdrVerdict or LineType.SdrDomains;
        if (e.RemoteIp.HasValue || e.RemoteHost.HasValue || e.InterfaceIp.HasValue || e.Port >= 0 || e.Domain.HasValue || e.Country.HasValue)
        {
            // ECS direction: for inbound connections the peer is the source; for deliveries it is the destination.
            w.WriteStartObject("source"u8);
            if (inbound) { Str(w, "ip"u8, line, e.RemoteIp); Str(w, "domain"u8, line, e.RemoteHost); }
            else Str(w, "ip"u8, line, e.InterfaceIp);
            if (e.Country.HasValue)
            {
                w.WriteStartObject("geo"u8);
                Str(w, "country_name"u8, line, e.Country);
                w.WriteEndObject();
            }
            w.WriteEndObject();
            w.WriteStartObject("destination"u8);
            if (inbound) Str(w, "ip"u8, line, e.InterfaceIp);
            else { Str(w, "ip"u8, line, e.RemoteIp); Str(w, "domain"u8, line, e.Domain); }
            if (e.Port >= 0) w.WriteNumber("port"u8, e.Port);
            w.WriteEndObject();
        }

        if (e.TlsProtocol.HasValue || e.TlsCipher.HasValue || e.TlsPeer.HasValue)
        {
            w.WriteStartObject("tls"u8);
            Str(w, "version"u8, line, e.TlsProtocol);
            Str(w, "cipher"u8, line, e.TlsCipher);
            Str(w, "peer"u8, line, e.TlsPeer);
            w.WriteEndObject();
        }
        if (e.Error.HasValue)
        {
            w.WriteStartObject("error"u8);
            Str(w, "message"u8, line, e.Error);
            w.WriteEndObject();
        }
        if (e.Url.HasValue)
        {
            w.WriteStartObject("url"u8);
            Str(w, "full"u8, line, e.Url);
            w.WriteEndObject();
        }
        if (e.FileName.HasValue || e.Sha256.HasValue)
        {
            w.WriteStartObject("file"u8);
            Str(w, "name"u8, line, e.FileName);
            if (e.Sha256.HasValue)
            {
                w.WriteStartObject("hash"u8);
                Str(w, "sha256"u8, line, e.Sha256);
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        if (e.UserName.HasValue)
        {
            w.WriteStartObject("user"u8);
            Str(w, "name"u8, line, e.UserName);
            w.WriteEndObject();
        }

        if (HasEsaFields(e)) WriteEsa(w, line, e);

        WriteText(w, "message"u8, line);
        w.WriteEndObject();
    }

    private static bool HasEsaFields(in LogEvent e) =>
        e.ListenerType.HasValue || e.InterfaceName.HasValue || e.Verified >= 0 || (e.Name.HasValue && e.Type != LineType.MessageAttachment) || e.Engine.HasValue
        || e.Verdict.HasValue || e.Score.HasValue || e.Detail.HasValue || e.Reason.HasValue || e.Quarantine.HasValue
        || e.DwellSeconds >= 0 || e.Percent >= 0 || e.Destination != QuarantineDestination.None || e.Response.HasValue
        || e.AcceptedMid >= 0 || e.StatusCode.HasValue || e.PendingTillUtcTicks > 0 || e.Type == LineType.TimeOffset
        || e.Category.HasValue || e.Helo.HasValue || e.Target.HasValue || e.AuthMechanism.HasValue;

    /// <summary>Fields without an ECS home, under <c>esa.*</c>.</summary>
    private static void WriteEsa(Utf8JsonWriter w, ReadOnlySpan<byte> line, in LogEvent e)
    {
        w.WriteStartObject("esa"u8);
        Str(w, "listener_type"u8, line, e.ListenerType);
        if (e.InterfaceName.HasValue) { w.WriteStartObject("interface"u8); Str(w, "name"u8, line, e.InterfaceName); w.WriteEndObject(); }
        if (e.Verified >= 0) w.WriteBoolean("rdns_verified"u8, e.Verified == 1);
        switch (e.Type)
        {
            case LineType.MessageAttachment: break;
            case LineType.RecipientPolicyMatch or LineType.DlpViolation: Str(w, "policy"u8, line, e.Name); break;
            case LineType.DeliveryPending: Str(w, "destination_profile"u8, line, e.Name); break;
            case >= LineType.IcidAccept and <= LineType.IcidContinue: Str(w, "sender_group"u8, line, e.Name); break;
            default: Str(w, "name"u8, line, e.Name); break;
        }
        Str(w, "engine"u8, line, e.Engine);
        Str(w, "verdict"u8, line, e.Verdict);
        bool sbrs = e.Type is (>= LineType.IcidAccept and <= LineType.IcidContinue) or LineType.IcidSbrs or LineType.IncomingRelay;
        Str(w, sbrs ? "sbrs"u8 : "score"u8, line, e.Score);
        Str(w, "category"u8, line, e.Category);
        Str(w, "helo"u8, line, e.Helo);
        Str(w, "target"u8, line, e.Target);
        Str(w, "auth_mechanism"u8, line, e.AuthMechanism);
        Str(w, e.Type is >= LineType.IcidAccept and <= LineType.IcidContinue ? "hat_match"u8 : "detail"u8, line, e.Detail);
        Str(w, "reason"u8, line, e.Reason);
        if (e.Quarantine.HasValue || e.DwellSeconds >= 0 || e.Percent >= 0)
        {
            w.WriteStartObject("quarantine"u8);
            Str(w, "name"u8, line, e.Quarantine);
            if (e.DwellSeconds >= 0) w.WriteNumber("dwell_s"u8, e.DwellSeconds);
            if (e.Percent >= 0) w.WriteNumber("percent_full"u8, e.Percent);
            w.WriteEndObject();
        }
        if (e.Destination != QuarantineDestination.None)
            w.WriteString("destination"u8, e.Destination switch
            {
                QuarantineDestination.CentralizedPolicy => "centralized_policy_quarantine",
                QuarantineDestination.ExternalSpam => "external_quarantine",
                _ => "local_spam_quarantine",
            });
        Str(w, "response"u8, line, e.Response);
        Num(w, "accepted_mid"u8, e.AcceptedMid);
        Str(w, "status_code"u8, line, e.StatusCode);
        if (e.PendingTillUtcTicks > 0) WriteTime(w, "pending_till"u8, e.PendingTillUtcTicks);
        if (e.Type == LineType.TimeOffset) w.WriteNumber("utc_offset_s"u8, e.UtcOffsetSeconds);
        w.WriteEndObject();
    }

    /// <summary>The lower-case level name.</summary>
    public static string LevelName(MailLogLevel level) => level switch
    {
        MailLogLevel.Trace => "trace",
        MailLogLevel.Debug => "debug",
        MailLogLevel.Info => "info",
        MailLogLevel.Warning => "warning",
        MailLogLevel.Critical => "critical",
        _ => "unknown",
    };

    private static void WriteTime(Utf8JsonWriter w, ReadOnlySpan<byte> name, long ticks)
    {
        Span<byte> buf = stackalloc byte[40];
        new DateTime(ticks, DateTimeKind.Utc).TryFormat(buf, out int n, TimeFormat(ticks),
            System.Globalization.CultureInfo.InvariantCulture);
        w.WriteString(name, buf[..n]);
    }

    private static void Num(Utf8JsonWriter w, ReadOnlySpan<byte> name, long value)
    {
        if (value >= 0) w.WriteNumber(name, value);
    }

    private static void Str(Utf8JsonWriter w, ReadOnlySpan<byte> name, ReadOnlySpan<byte> line, TextRange r)
    {
        if (r.HasValue) WriteText(w, name, r.Of(line));
    }

    /// <summary>Writes bytes that should be UTF-8 but may not be (NULs, binary garbage are fine too).</summary>
    public static void WriteText(Utf8JsonWriter w, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (System.Text.Unicode.Utf8.IsValid(value))
        {
            w.WriteString(name, value);
            return;
        }
        // Invalid UTF-8: decode with replacement characters rather than fail or drop the line.
        w.WriteString(name, Encoding.UTF8.GetString(value));
    }
}
