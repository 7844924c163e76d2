using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Pipeline.Correlation.Model;

namespace Pipeline.Report;

/// <summary>
/// The data islands of the page: what the charts and the search box need, in a compact shape (short keys, nulls left
/// out, queue samples as parallel arrays of epoch seconds). Safe inside a <c>&lt;script&gt;</c> element: the encoder
/// escapes &lt; &gt; &amp; and quotes in every string, so neither <c>&lt;/script</c> nor <c>&lt;!--</c> can occur.
/// </summary>
internal static class ReportJson
{
    private static readonly JsonWriterOptions Options = new()
    {
        // Not the relaxed encoder: this one always escapes HTML-sensitive characters, but keeps other text readable.
        Encoder = JavaScriptEncoder.Create(UnicodeRanges.All),
        Indented = false,
    };

    /// <summary>The summary island: title, range, queue series, alert windows, dwell histogram (small; parsed at load).</summary>
    public static ReadOnlyMemory<byte> Summary(ReportView view) => Utf8(w => Write(w, view));

    /// <summary>The flows island: the array of flows the search box reads (large; parsed at the first search).</summary>
    public static ReadOnlyMemory<byte> Flows(ReportView view) => Utf8(w =>
    {
        w.WriteStartArray();
        foreach (var f in view.Data.Flows ?? []) WriteFlow(w, f);
        w.WriteEndArray();
    });

    private static ReadOnlyMemory<byte> Utf8(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(64 * 1024);
        using (var w = new Utf8JsonWriter(buffer, Options)) write(w);
        var bytes = buffer.WrittenMemory;
        // Belt and braces: outside strings JSON has no '<'; inside them the encoder has already escaped it. UTF-8
        // continuation bytes are never ASCII, so a byte scan is exact.
        if (bytes.Span.IndexOf((byte)'<') < 0) return bytes;
        return Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(bytes.Span).Replace("<", "\\u003c", StringComparison.Ordinal));
    }

    private static void Write(Utf8JsonWriter w, ReportView view)
    {
        var d = view.Data;
        w.WriteStartObject();
        w.WriteNumber("version", 1);
        Str(w, "title", d.Title);
        Epoch(w, "start", view.Start);
        Epoch(w, "end", view.End);
        w.WriteNumber("flowsTotal", Math.Max(d.FlowsTotal, d.Flows?.Count ?? 0));
        w.WriteNumber("flowsEmbedded", d.Flows?.Count ?? 0);
        w.WriteNumber("maxResults", ReportRenderer.MaxSearchResults);
        w.WriteString("transferQueue", ReportView.TransferQueue);
        w.WriteString("releaseQueue", ReportView.ReleaseQueue);
        w.WriteStartArray("states");
        foreach (var state in FlowStates.All) w.WriteStringValue(state);
        w.WriteEndArray();

        w.WriteStartArray("queues");
        foreach (var s in view.Series)
        {
            var points = ReportView.ChartPoints(s);
            w.WriteStartObject();
            Str(w, "queue", s.Queue);
            Str(w, "appliance", s.Appliance);
            Str(w, "peer", s.Peer);
            w.WriteStartArray("t");
            foreach (var p in points) w.WriteNumberValue(ReportFormat.Epoch(p.Time));
            w.WriteEndArray();
            w.WriteStartArray("w");
            foreach (var p in points) w.WriteNumberValue(p.Waiting);
            w.WriteEndArray();
            w.WriteStartArray("a");
            foreach (var p in points) w.WriteNumberValue(p.OldestAgeSeconds);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartArray("alerts");
        foreach (var a in view.Alerts)
        {
            w.WriteStartObject();
            Str(w, "id", a.Id);
            Str(w, "kind", a.Kind);
            Str(w, "sev", ReportRenderer.KindSeverity(a.Kind));
            Str(w, "appliance", a.Appliance);
            Str(w, "peer", a.Peer);
            w.WriteNumber("opened", ReportFormat.Epoch(a.OpenedAt));
            Epoch(w, "resolved", a.ResolvedAt);
            w.WriteEndObject();
        }
        w.WriteEndArray();

        w.WriteStartObject("dwell");
        w.WriteNumber("count", view.Dwell.Count);
        w.WriteStartArray("buckets");
        for (int i = 0; i < DwellSummary.BucketLabels.Length; i++)
        {
            w.WriteStartArray();
            w.WriteStringValue(DwellSummary.BucketLabels[i]);
            w.WriteNumberValue(view.Dwell.Buckets[i]);
            w.WriteEndArray();
        }
        w.WriteEndArray();
        w.WriteEndObject();

        w.WriteEndObject();
    }

    /// <summary>One flow: <c>id st msgid from to subj size start end partial hops cpq parent edges err</c>.</summary>
    private static void WriteFlow(Utf8JsonWriter w, FlowDocument f)
    {
        w.WriteStartObject();
        Str(w, "id", f.Id);
        Str(w, "st", f.State);
        Str(w, "msgid", f.MessageId);
        Str(w, "from", f.From);
        if (f.To.Count > 0)
        {
            w.WriteStartArray("to");
            foreach (var t in f.To) w.WriteStringValue(ReportFormat.Clean(t ?? ""));
            w.WriteEndArray();
        }
        Str(w, "subj", f.Subject);
        if (f.Size is { } size) w.WriteNumber("size", size);
        Iso(w, "start", f.Start);
        Iso(w, "end", f.End);
        if (f.Partial) w.WriteBoolean("partial", true);
        w.WriteStartArray("hops");
        foreach (var h in f.Hops)
        {
            w.WriteStartArray();
            w.WriteStringValue(ReportFormat.Clean(h.Appliance ?? ""));
            w.WriteStringValue(ReportFormat.Clean(h.Role ?? ""));
            w.WriteNumberValue(h.Mid);
            w.WriteStringValue(ReportFormat.Time(h.Start));
            if (h.End is { } e) w.WriteStringValue(ReportFormat.Time(e)); else w.WriteNullValue();
            w.WriteStringValue(ReportFormat.Clean(h.Outcome ?? ""));
            w.WriteEndArray();
        }
        w.WriteEndArray();
        if (f.Cpq is { } c)
        {
            w.WriteStartObject("cpq");
            Str(w, "kind", c.Kind);
            Str(w, "esa", c.Esa);
            if (c.EsaMid is { } em) w.WriteNumber("esa_mid", em);
            Str(w, "sma", c.Sma);
            if (c.SmaMid is { } sm) w.WriteNumber("sma_mid", sm);
            Str(w, "quarantine", c.Quarantine);
            Iso(w, "enqueued", c.EnqueuedAt);
            Iso(w, "transferred", c.TransferredAt);
            Iso(w, "released", c.ReleasedAt);
            Str(w, "release_reason", c.ReleaseReason);
            Iso(w, "deleted", c.DeletedAt);
            if (c.ReleaseEsaMid is { } rm) w.WriteNumber("release_esa_mid", rm);
            Iso(w, "returned", c.ReturnedAt);
            w.WriteEndObject();
        }
        if (f.ParentHop is not null)
        {
            w.WriteStartObject("parent");
            Str(w, "id", f.ParentId);
            Str(w, "hop", f.ParentHop);
            Str(w, "kind", f.ParentKind);
            w.WriteEndObject();
        }
        if (f.Edges.Count > 0)
        {
            w.WriteStartArray("edges");
            foreach (var e in f.Edges)
            {
                w.WriteStartArray();
                w.WriteStringValue(ReportFormat.Clean(e.Kind ?? ""));
                w.WriteStringValue(ReportFormat.Clean(e.From ?? ""));
                w.WriteStringValue(ReportFormat.Clean(e.To ?? ""));
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        Str(w, "err", f.LastError);
        w.WriteEndObject();
    }

    private static void Str(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, ReportFormat.Clean(value));
    }

    private static void Iso(Utf8JsonWriter w, string name, DateTime? t)
    {
        if (t is { } v) w.WriteString(name, ReportFormat.Time(v));
    }

    private static void Epoch(Utf8JsonWriter w, string name, DateTime? t)
    {
        if (t is { } v) w.WriteNumber(name, ReportFormat.Epoch(v));
        else w.WriteNull(name);
    }
}
