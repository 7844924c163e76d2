using System.Globalization;
using System.Text.Json;
using Pipeline.Correlation.Model;

namespace Pipeline.Notifier;

/// <summary>
/// Reads alert documents in the shape <see cref="Pipeline.Correlation.Output.DocumentJson.WriteAlert"/> writes
/// (<c>{"@timestamp", "alert": {...}}</c>). Pipeline.Correlation has the writer only; this is its reader.
/// </summary>
public static class AlertDocumentReader
{
    /// <summary>Reads one document.</summary>
    /// <exception cref="FormatException">The document is not an alert (a field is missing or has the wrong type).</exception>
    public static AlertDocument Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("alert", out var a) || a.ValueKind != JsonValueKind.Object)
            throw new FormatException("not an alert document (no \"alert\" object)");
        var doc = new AlertDocument
        {
            Id = Text(a, "id"),
            Kind = Text(a, "kind"),
            Appliance = Text(a, "appliance"),
            Peer = OptionalText(a, "peer"),
            OpenedAt = Time(a, "opened_at"),
            ResolvedAt = a.TryGetProperty("resolved_at", out var r) && r.ValueKind == JsonValueKind.String ? ParseTime(r, "resolved_at") : null,
            Hint = OptionalText(a, "hint") ?? "",
            Summary = OptionalText(a, "summary") ?? "",
        };
        doc.LastUpdatedAt = a.TryGetProperty("last_updated_at", out var u) && u.ValueKind == JsonValueKind.String ? ParseTime(u, "last_updated_at") : doc.ResolvedAt ?? doc.OpenedAt;
        if (a.TryGetProperty("evidence", out var e) && e.ValueKind == JsonValueKind.Object)
        {
            doc.Evidence.Messages = e.TryGetProperty("messages", out var m) && m.TryGetInt32(out int mi) ? mi : 0;
            doc.Evidence.OldestAgeSeconds = e.TryGetProperty("oldest_age_s", out var o) && o.TryGetInt64(out long ol) ? ol : 0;
            doc.Evidence.LastError = OptionalText(e, "last_error");
            if (e.TryGetProperty("sample_mids", out var mids) && mids.ValueKind == JsonValueKind.Array)
                foreach (var mid in mids.EnumerateArray())
                    if (mid.TryGetInt64(out long v)) doc.Evidence.SampleMids.Add(v);
        }
        if (doc.Id.Length == 0) throw new FormatException("alert.id is empty");
        return doc;
    }

    /// <summary>Reads one NDJSON line.</summary>
    /// <exception cref="FormatException">The line is not JSON or not an alert.</exception>
    public static AlertDocument Read(ReadOnlyMemory<byte> line)
    {
        try
        {
            using var doc = JsonDocument.Parse(line);
            return Read(doc.RootElement);
        }
        catch (JsonException ex)
        {
            throw new FormatException("not a JSON document: " + ex.Message, ex);
        }
    }

    private static string Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new FormatException($"alert.{name} is missing");

    private static string? OptionalText(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static DateTime Time(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? ParseTime(v, name) : throw new FormatException($"alert.{name} is missing");

    private static DateTime ParseTime(JsonElement v, string name) =>
        DateTime.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
            : throw new FormatException($"alert.{name} is not a time: {v.GetString()}");
}
