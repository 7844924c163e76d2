using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pipeline.MailLogs;

/// <summary>Where an event came from, written under <c>log.*</c>.</summary>
/// <param name="Appliance">The appliance name (<c>observer.hostname</c>).</param>
/// <param name="Path">The file (or <c>-</c> for stdin, or the syslog source).</param>
public sealed record EventOrigin(string Appliance, string? Path)
{
    private readonly byte[] _appliance = Encoding.UTF8.GetBytes(Appliance);
    private readonly byte[]? _path = Path is null ? null : Encoding.UTF8.GetBytes(Path);

    /// <summary><see cref="Appliance"/> as UTF-8, encoded once for every event of this origin.</summary>
    public ReadOnlySpan<byte> ApplianceUtf8 => _appliance;

    /// <summary><see cref="Path"/> as UTF-8 (empty when there is no path).</summary>
    public ReadOnlySpan<byte> PathUtf8 => _path;
}

/// <summary>
/// Writes a <see cref="LogEvent"/> as one JSON document (the event document of docs/schemas.md): <c>@timestamp</c>,
/// <c>observer.hostname</c>, <c>event.action</c>, the ids, the extracted fields under ECS names where ECS has one,
/// and <c>message</c> (the raw logical line). Values are copied from the line's bytes by a small allocation-free
/// emitter; invalid UTF-8 becomes U+FFFD.
/// </summary>
public static class EventJsonWriter
{
    /// <summary>Writer options for the other documents (flows, alerts): readable output, no validation cost.</summary>
    public static readonly JsonWriterOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };


    [ThreadStatic] private static ArrayBufferWriter<byte>? _scratch;

    /// <summary>Writes the document through a <see cref="Utf8JsonWriter"/> (as one raw value).</summary>
    public static void Write(Utf8JsonWriter w, ReadOnlySpan<byte> line, in LogEvent e, EventOrigin origin,
        long lineNumber = 0, long offset = -1, string? eventId = null)
    {
        var scratch = _scratch ??= new ArrayBufferWriter<byte>(4096);
        scratch.ResetWrittenCount();
        Write(scratch, line, e, origin, lineNumber, offset, eventId is null ? default : Encoding.UTF8.GetBytes(eventId));
        w.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
    }

    /// <summary>Writes the document for <paramref name="e"/>, parsed from <paramref name="line"/>.</summary>
    /// <param name="output">Where the document goes (no newline is added).</param>
    /// <param name="line">The logical line the event's ranges refer to.</param>
    /// <param name="e">The event.</param>
    /// <param name="origin">Appliance and file.</param>
    /// <param name="lineNumber">First physical line number in the file, or 0.</param>
    /// <param name="offset">Byte offset in the file, or -1.</param>
    /// <param name="eventId">The deterministic id (<c>event.id</c>) as ASCII, or empty for none.</param>
    public static void Write(IBufferWriter<byte> output, ReadOnlySpan<byte> line, in LogEvent e, EventOrigin origin,
        long lineNumber, long offset, ReadOnlySpan<byte> eventId)
    {
        var w = new JsonEmitter(output);
        w.StartObject();
        if (e.UtcTicks > 0) w.Time("@timestamp"u8, e.UtcTicks);
        else w.Null("@timestamp"u8);

        w.StartObject("observer"u8);
        w.String("hostname"u8, origin.ApplianceUtf8);
        Str(ref w, "version"u8, line, e.Version);
        Str(ref w, "serial_number"u8, line, e.Serial);
        w.EndObject();

        w.StartObject("event"u8);
        w.Ascii("action"u8, EventFields.ActionUtf8(e.Type));
        if (!eventId.IsEmpty) w.Ascii("id"u8, eventId);
        if (e.UnparsedReason is not null) w.String("reason"u8, e.UnparsedReason);
        w.EndObject();

        w.StartObject("log"u8);
        if (e.Level != MailLogLevel.Unknown) w.Ascii("level"u8, EventFields.LevelUtf8(e.Level));
        if (origin.Path is not null)
        {
            w.StartObject("file"u8);
            w.String("path"u8, origin.PathUtf8);
            if (lineNumber > 0) w.Number("line"u8, lineNumber);
            w.EndObject();
        }
        if (offset >= 0) w.Number("offset"u8, offset);
        if (e.Host.HasValue || e.Tag.HasValue)
        {
            w.StartObject("syslog"u8);
            Str(ref w, "hostname"u8, line, e.Host);
            Str(ref w, "appname"u8, line, e.Tag);
            w.EndObject();
        }
        w.EndObject();

        Num(ref w, "mid"u8, e.Mid);
        Num(ref w, "icid"u8, e.Icid);
        Num(ref w, "dcid"u8, e.Dcid);
        Num(ref w, "rcid"u8, e.Rcid);
        Num(ref w, "rid"u8, e.Rid);
        if (e.Rids.HasValue)
        {
            w.StartArray("rids"u8);
            foreach (long r in e.RidList(line)) w.NumberValue(r);
            w.EndArray();
        }
        if (e.ParentMid >= 0)
        {
            w.StartObject("edge"u8);
            w.Number("parent_mid"u8, e.ParentMid);
            w.Number("child_mid"u8, e.ChildMid);
            w.EndObject();
        }

        if (e.From.HasValue || e.To.HasValue || e.MessageId.HasValue || e.Subject.HasValue || e.Size >= 0
            || (e.Type == LineType.MessageAttachment && e.Name.HasValue))
        {
            w.StartObject("email"u8);
            if (e.From.HasValue) { w.StartObject("from"u8); Str(ref w, "address"u8, line, e.From); w.EndObject(); }
            if (e.To.HasValue) { w.StartObject("to"u8); Str(ref w, "address"u8, line, e.To); w.EndObject(); }
            Str(ref w, "message_id"u8, line, e.MessageId);
            Str(ref w, "subject"u8, line, e.Subject);
            if (e.Type == LineType.MessageAttachment && e.Name.HasValue)
            {
                w.StartObject("attachments"u8);
                w.StartObject("file"u8);
                Str(ref w, "name"u8, line, e.Name);
                w.EndObject();
                w.EndObject();
            }
            if (e.Size >= 0) w.Number("size"u8, e.Size);
            w.EndObject();
        }

        if (EventFields.HasEndpoints(e))
        {
            bool inbound = EventFields.IsInbound(e);
            w.StartObject("source"u8);
            if (inbound) { Str(ref w, "ip"u8, line, e.RemoteIp); Str(ref w, "domain"u8, line, e.RemoteHost); }
            else Str(ref w, "ip"u8, line, e.InterfaceIp);
            if (e.Country.HasValue) { w.StartObject("geo"u8); Str(ref w, "country_name"u8, line, e.Country); w.EndObject(); }
            w.EndObject();
            w.StartObject("destination"u8);
            if (inbound) Str(ref w, "ip"u8, line, e.InterfaceIp);
            else { Str(ref w, "ip"u8, line, e.RemoteIp); Str(ref w, "domain"u8, line, e.Domain); }
            if (e.Port >= 0) w.Number("port"u8, e.Port);
            w.EndObject();
        }

        if (e.TlsProtocol.HasValue || e.TlsCipher.HasValue || e.TlsPeer.HasValue)
        {
            w.StartObject("tls"u8);
            Str(ref w, "version"u8, line, e.TlsProtocol);
            Str(ref w, "cipher"u8, line, e.TlsCipher);
            Str(ref w, "peer"u8, line, e.TlsPeer);
            w.EndObject();
        }
        if (e.Error.HasValue)
        {
            w.StartObject("error"u8);
            Str(ref w, "message"u8, line, e.Error);
            w.EndObject();
        }
        if (e.Url.HasValue) { w.StartObject("url"u8); Str(ref w, "full"u8, line, e.Url); w.EndObject(); }
        if (e.FileName.HasValue || e.Sha256.HasValue)
        {
            w.StartObject("file"u8);
            Str(ref w, "name"u8, line, e.FileName);
            if (e.Sha256.HasValue) { w.StartObject("hash"u8); Str(ref w, "sha256"u8, line, e.Sha256); w.EndObject(); }
            w.EndObject();
        }
        if (e.UserName.HasValue) { w.StartObject("user"u8); Str(ref w, "name"u8, line, e.UserName); w.EndObject(); }

        if (HasEsaFields(e)) WriteEsa(ref w, line, e);

        w.String("message"u8, line);
        w.EndObject();
        w.Done();
    }

    private static bool HasEsaFields(in LogEvent e) =>
        e.ListenerType.HasValue || e.InterfaceName.HasValue || e.Verified >= 0 || (e.Name.HasValue && EventFields.NameFieldOf(e.Type) != NameField.None) || e.Engine.HasValue
        || e.Verdict.HasValue || e.Score.HasValue || e.Detail.HasValue || e.Reason.HasValue || e.Quarantine.HasValue
        || e.DwellSeconds >= 0 || e.Percent >= 0 || e.Destination != QuarantineDestination.None || e.Response.HasValue
        || e.AcceptedMid >= 0 || e.StatusCode.HasValue || e.PendingTillUtcTicks > 0 || e.Type == LineType.TimeOffset
        || e.Category.HasValue || e.Helo.HasValue || e.Target.HasValue || e.AuthMechanism.HasValue;

    /// <summary>Fields without an ECS home, under <c>esa.*</c>.</summary>
    private static void WriteEsa(ref JsonEmitter w, ReadOnlySpan<byte> line, in LogEvent e)
    {
        w.StartObject("esa"u8);
        Str(ref w, "listener_type"u8, line, e.ListenerType);
        if (e.InterfaceName.HasValue) { w.StartObject("interface"u8); Str(ref w, "name"u8, line, e.InterfaceName); w.EndObject(); }
        if (e.Verified >= 0) w.Bool("rdns_verified"u8, e.Verified == 1);
        switch (EventFields.NameFieldOf(e.Type))
        {
            case NameField.None: break;
            case NameField.Policy: Str(ref w, "policy"u8, line, e.Name); break;
            case NameField.DestinationProfile: Str(ref w, "destination_profile"u8, line, e.Name); break;
            case NameField.SenderGroup: Str(ref w, "sender_group"u8, line, e.Name); break;
            default: Str(ref w, "name"u8, line, e.Name); break;
        }
        Str(ref w, "engine"u8, line, e.Engine);
        Str(ref w, "verdict"u8, line, e.Verdict);
        Str(ref w, EventFields.ScoreFieldOf(e.Type) == ScoreField.Sbrs ? "sbrs"u8 : "score"u8, line, e.Score);
        Str(ref w, "category"u8, line, e.Category);
        Str(ref w, "helo"u8, line, e.Helo);
        Str(ref w, "target"u8, line, e.Target);
        Str(ref w, "auth_mechanism"u8, line, e.AuthMechanism);
        Str(ref w, EventFields.IsHat(e.Type) ? "hat_match"u8 : "detail"u8, line, e.Detail);
        Str(ref w, "reason"u8, line, e.Reason);
        if (e.Quarantine.HasValue || e.DwellSeconds >= 0 || e.Percent >= 0)
        {
            w.StartObject("quarantine"u8);
            Str(ref w, "name"u8, line, e.Quarantine);
            if (e.DwellSeconds >= 0) w.Number("dwell_s"u8, e.DwellSeconds);
            if (e.Percent >= 0) w.Number("percent_full"u8, e.Percent);
            w.EndObject();
        }
        if (e.Destination != QuarantineDestination.None) w.Ascii("destination"u8, EventFields.DestinationUtf8(e.Destination));
        Str(ref w, "response"u8, line, e.Response);
        Num(ref w, "accepted_mid"u8, e.AcceptedMid);
        Str(ref w, "status_code"u8, line, e.StatusCode);
        if (e.PendingTillUtcTicks > 0) w.Time("pending_till"u8, e.PendingTillUtcTicks);
        if (e.Type == LineType.TimeOffset) w.Number("utc_offset_s"u8, e.UtcOffsetSeconds);
        w.EndObject();
    }

    private static void Num(ref JsonEmitter w, ReadOnlySpan<byte> name, long value)
    {
        if (value >= 0) w.Number(name, value);
    }

    private static void Str(ref JsonEmitter w, ReadOnlySpan<byte> name, ReadOnlySpan<byte> line, TextRange r)
    {
        if (r.HasValue) w.String(name, r.Of(line));
    }
}
