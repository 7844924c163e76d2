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
    public static string Time(DateTime t) => t.ToString(t.Ticks % TimeSpan.TicksPerSecond == 0
        ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    private static void TimeOrNull(Utf8JsonWriter w, string name, DateTime? t)
    {
        if (t is { } v) w.WriteString(name, Time(v));
        else w.WriteNull(name);
    }

    private static void StringOrNull(Utf8JsonWriter w, string name, string? s)
    {
        if (s is null) w.WriteNull(name);
        else w.WriteString(name, s);
    }

    /// <summary>Writes one flow document.</summary>
    public static void WriteFlow(Utf8JsonWriter w, FlowDocument f)
    {
        w.WriteStartObject();
        w.WriteString("@timestamp", Time(f.Start));
        w.WriteStartObject("flow");
        w.WriteString("id", f.Id);
        w.WriteString("state", f.State);
        w.WriteString("start", Time(f.Start));
        TimeOrNull(w, "end", f.End);
        if (f.End is { } end) w.WriteNumber("duration_s", (long)(end - f.Start).TotalSeconds);
        w.WriteBoolean("partial", f.Partial);
        w.WriteNumber("hop_count", f.Hops.Count);
        if (f.ParentHop is not null)
        {
            StringOrNull(w, "parent_id", f.ParentId);
            w.WriteString("parent_hop", f.ParentHop);
            w.WriteString("parent_kind", f.ParentKind);
        }
        w.WriteEndObject();

        w.WriteStartObject("email");
        StringOrNull(w, "message_id", f.MessageId);
        w.WriteStartObject("from");
        StringOrNull(w, "address", f.From);
        w.WriteEndObject();
        w.WriteStartObject("to");
        w.WriteStartArray("address");
        foreach (var t in f.To) w.WriteStringValue(t);
        w.WriteEndArray();
        w.WriteEndObject();
        StringOrNull(w, "subject", f.Subject);
        if (f.Size is { } size) w.WriteNumber("size", size);
        w.WriteEndObject();

        w.WriteStartArray("hops");
        foreach (var h in f.Hops)
        {
            w.WriteStartObject();
            w.WriteString("appliance", h.Appliance);
            w.WriteString("role", h.Role);
            w.WriteNumber("mid", h.Mid);
            w.WriteString("start", Time(h.Start));
            TimeOrNull(w, "end", h.End);
            w.WriteString("outcome", h.Outcome);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        if (f.Cpq is { } c)
        {
            w.WriteStartObject("cpq");
            w.WriteString("kind", c.Kind);
            StringOrNull(w, "esa", c.Esa);
            if (c.EsaMid is { } em) w.WriteNumber("esa_mid", em); else w.WriteNull("esa_mid");
            StringOrNull(w, "sma", c.Sma);
            if (c.SmaMid is { } sm) w.WriteNumber("sma_mid", sm); else w.WriteNull("sma_mid");
            StringOrNull(w, "quarantine", c.Quarantine);
            TimeOrNull(w, "enqueued_at", c.EnqueuedAt);
            TimeOrNull(w, "transferred_at", c.TransferredAt);
            TimeOrNull(w, "released_at", c.ReleasedAt);
            StringOrNull(w, "release_reason", c.ReleaseReason);
            TimeOrNull(w, "deleted_at", c.DeletedAt);
            if (c.ReleaseEsaMid is { } rm) w.WriteNumber("release_esa_mid", rm); else w.WriteNull("release_esa_mid");
            TimeOrNull(w, "returned_at", c.ReturnedAt);
            if (c.TransferredAt is { } ta && c.EnqueuedAt is { } ea) w.WriteNumber("transfer_wait_s", (long)(ta - ea).TotalSeconds);
            if (c.TransferredAt is { } tb && (c.ReleasedAt ?? c.DeletedAt) is { } out_) w.WriteNumber("dwell_s", (long)(out_ - tb).TotalSeconds);
            w.WriteEndObject();
        }
        else w.WriteNull("cpq");

        w.WriteStartArray("edges");
        foreach (var e in f.Edges)
        {
            w.WriteStartObject();
            w.WriteString("kind", e.Kind);
            w.WriteString("from", e.From);
            w.WriteString("to", e.To);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        if (f.LastError is not null)
        {
            w.WriteStartObject("error");
            w.WriteString("message", f.LastError);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }

    /// <summary>Writes one alert document.</summary>
    public static void WriteAlert(Utf8JsonWriter w, AlertDocument a)
    {
        w.WriteStartObject();
        w.WriteString("@timestamp", Time(a.OpenedAt));
        w.WriteStartObject("alert");
        w.WriteString("id", a.Id);
        w.WriteString("kind", a.Kind);
        w.WriteString("appliance", a.Appliance);
        StringOrNull(w, "peer", a.Peer);
        w.WriteString("opened_at", Time(a.OpenedAt));
        TimeOrNull(w, "resolved_at", a.ResolvedAt);
        w.WriteString("last_updated_at", Time(a.LastUpdatedAt));
        w.WriteString("status", a.ResolvedAt is null ? "open" : "resolved");
        w.WriteStartObject("evidence");
        w.WriteNumber("messages", a.Evidence.Messages);
        w.WriteNumber("oldest_age_s", a.Evidence.OldestAgeSeconds);
        StringOrNull(w, "last_error", a.Evidence.LastError);
        w.WriteStartArray("sample_mids");
        foreach (var m in a.Evidence.SampleMids) w.WriteNumberValue(m);
        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteString("hint", a.Hint);
        w.WriteString("summary", a.Summary);
        w.WriteEndObject();
        w.WriteEndObject();
    }
}
