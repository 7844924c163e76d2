using System.Globalization;
using System.Text.Json;
using Pipeline.Correlation.Model;

namespace Pipeline.Correlation.Output;

/// <summary>
/// Writes flow and alert documents in the contract shape of DESIGN.md (dotted paths as nested objects, UTC times
/// with Z, explicit nulls for the fields the contract names).
/// </summary>
public static class DocumentJson
{
    /// <summary>ISO-8601 UTC with Z.</summary>
    public static string Time(DateTime t) => t.ToString(FormatOf(t), CultureInfo.InvariantCulture);

    /// <summary>Whole seconds without fractions; otherwise all seven digits.</summary>
    private static string FormatOf(DateTime t) =>
        t.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static void TimeOrNull(Utf8JsonWriter w, ReadOnlySpan<byte> name, DateTime? t)
    {
        if (t is { } v) WriteTime(w, name, v);
        else w.WriteNull(name);
    }

    /// <summary>A time as ISO-8601 UTC, formatted on the stack (no string per value).</summary>
    private static void WriteTime(Utf8JsonWriter w, ReadOnlySpan<byte> name, DateTime t)
    {
        Span<byte> buf = stackalloc byte[40];
        t.TryFormat(buf, out int n, FormatOf(t), CultureInfo.InvariantCulture);
        w.WriteString(name, buf[..n]);
    }

    private static void StringOrNull(Utf8JsonWriter w, ReadOnlySpan<byte> name, string? s)
    {
        if (s is null) w.WriteNull(name);
        else w.WriteString(name, s);
    }

    /// <summary>Writes one flow document.</summary>
    public static void WriteFlow(Utf8JsonWriter w, FlowDocument f)
    {
        w.WriteStartObject();
        WriteTime(w, "@timestamp"u8, f.Start);
        w.WriteStartObject("flow"u8);
        w.WriteString("id"u8, f.Id);
        w.WriteString("state"u8, f.State);
        WriteTime(w, "start"u8, f.Start);
        TimeOrNull(w, "end"u8, f.End);
        if (f.DurationSeconds is { } duration) w.WriteNumber("duration_s"u8, duration);
        w.WriteBoolean("partial"u8, f.Partial);
        w.WriteNumber("hop_count"u8, f.Hops.Count);
        if (f.ParentHop is not null)
        {
            StringOrNull(w, "parent_id"u8, f.ParentId);
            w.WriteString("parent_hop"u8, f.ParentHop);
            w.WriteString("parent_kind"u8, f.ParentKind);
        }
        w.WriteEndObject();

        w.WriteStartObject("email"u8);
        StringOrNull(w, "message_id"u8, f.MessageId);
        w.WriteStartObject("from"u8);
        StringOrNull(w, "address"u8, f.From);
        w.WriteEndObject();
        w.WriteStartObject("to"u8);
        w.WriteStartArray("address"u8);
        foreach (var t in f.To) w.WriteStringValue(t);
        w.WriteEndArray();
        w.WriteEndObject();
        StringOrNull(w, "subject"u8, f.Subject);
        if (f.Size is { } size) w.WriteNumber("size"u8, size);
        w.WriteEndObject();

        w.WriteStartArray("hops"u8);
        foreach (var h in f.Hops)
        {
            w.WriteStartObject();
            w.WriteString("appliance"u8, h.Appliance);
            w.WriteString("role"u8, h.Role);
            w.WriteNumber("mid"u8, h.Mid);
            WriteTime(w, "start"u8, h.Start);
            TimeOrNull(w, "end"u8, h.End);
            w.WriteString("outcome"u8, h.Outcome);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        if (f.Cpq is { } c)
        {
            w.WriteStartObject("cpq"u8);
            w.WriteString("kind"u8, c.Kind);
            StringOrNull(w, "esa"u8, c.Esa);
            if (c.EsaMid is { } em) w.WriteNumber("esa_mid"u8, em); else w.WriteNull("esa_mid"u8);
            StringOrNull(w, "sma"u8, c.Sma);
            if (c.SmaMid is { } sm) w.WriteNumber("sma_mid"u8, sm); else w.WriteNull("sma_mid"u8);
            StringOrNull(w, "quarantine"u8, c.Quarantine);
            TimeOrNull(w, "enqueued_at"u8, c.EnqueuedAt);
            TimeOrNull(w, "transferred_at"u8, c.TransferredAt);
            TimeOrNull(w, "released_at"u8, c.ReleasedAt);
            StringOrNull(w, "release_reason"u8, c.ReleaseReason);
            TimeOrNull(w, "deleted_at"u8, c.DeletedAt);
            if (c.ReleaseEsaMid is { } rm) w.WriteNumber("release_esa_mid"u8, rm); else w.WriteNull("release_esa_mid"u8);
            TimeOrNull(w, "returned_at"u8, c.ReturnedAt);
            if (c.TransferWaitSeconds is { } wait) w.WriteNumber("transfer_wait_s"u8, wait);
            if (c.DwellSeconds is { } dwell) w.WriteNumber("dwell_s"u8, dwell);
            w.WriteEndObject();
        }
        else w.WriteNull("cpq"u8);

        w.WriteStartArray("edges"u8);
        foreach (var e in f.Edges)
        {
            w.WriteStartObject();
            w.WriteString("kind"u8, e.Kind);
            w.WriteString("from"u8, e.From);
            w.WriteString("to"u8, e.To);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (f.LastError is not null)
        {
            w.WriteStartObject("error"u8);
            w.WriteString("message"u8, f.LastError);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Writes one alert document.</summary>
    public static void WriteAlert(Utf8JsonWriter w, AlertDocument a)
    {
        w.WriteStartObject();
        WriteTime(w, "@timestamp"u8, a.OpenedAt);
        w.WriteStartObject("alert"u8);
        w.WriteString("id"u8, a.Id);
        w.WriteString("kind"u8, a.Kind);
        w.WriteString("appliance"u8, a.Appliance);
        StringOrNull(w, "peer"u8, a.Peer);
        WriteTime(w, "opened_at"u8, a.OpenedAt);
        TimeOrNull(w, "resolved_at"u8, a.ResolvedAt);
        WriteTime(w, "last_updated_at"u8, a.LastUpdatedAt);
        w.WriteString("status"u8, a.Status);
        w.WriteStartObject("evidence"u8);
        w.WriteNumber("messages"u8, a.Evidence.Messages);
        w.WriteNumber("oldest_age_s"u8, a.Evidence.OldestAgeSeconds);
        StringOrNull(w, "last_error"u8, a.Evidence.LastError);
        w.WriteStartArray("sample_mids"u8);
        foreach (var m in a.Evidence.SampleMids) w.WriteNumberValue(m);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteString("hint"u8, a.Hint);
        w.WriteString("summary"u8, a.Summary);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
