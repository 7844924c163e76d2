using System.Text.Encodings.Web;
using System.Text.Json;

namespace Pipeline.Simulation;

/// <summary>
/// Streams truth.json: the header and appliances first, each message as soon as its journey is over (still-open ones at
/// the end), then the faults and the summary. Same field names as <see cref="EstateTruth"/> (snake_case).
/// </summary>
internal sealed class TruthWriter : IDisposable
{
    private readonly Stream _stream;
    private readonly Utf8JsonWriter _w;
    private readonly bool _messages;
    private bool _finished;

    public TruthWriter(Stream stream, EstateOptions o, IReadOnlyList<Appliance> apps, bool messages)
    {
        _stream = stream;
        _messages = messages;
        _w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true });
        _w.WriteStartObject();
        _w.WriteNumber("seed"u8, o.Seed);
        _w.WriteString("start"u8, o.Start);
        _w.WriteString("end"u8, o.End);
        _w.WriteNumber("cpq_port"u8, Simulator.CpqPort);
        _w.WriteStartArray("appliances"u8);
        foreach (var a in apps)
        {
            _w.WriteStartObject();
            _w.WriteString("name"u8, a.Name);
            _w.WriteString("role"u8, a.IsSma ? "sma" : "esa");
            _w.WriteString("ip"u8, a.IpText);
            _w.WriteString("hostname"u8, a.Hostname);
            _w.WriteNumber("utc_offset_s"u8, a.UtcOffsetS);
            _w.WriteString("format"u8, a.Format == LogFormat.File ? "file" : "syslog");
            if (a.Format == LogFormat.Syslog) _w.WriteString("syslog_variant"u8, a.SyslogVariant switch { 0 => "pri-host", 1 => "year-host", _ => "pri-nohost" });
            _w.WriteString("serial"u8, a.Serial);
            _w.WriteString("version"u8, a.Version);
            if (a.Sma is not null) _w.WriteString("sma"u8, a.Sma.Name);
            _w.WriteEndObject();
        }
        _w.WriteEndArray();
        _w.WriteStartArray("messages"u8);
    }

    public static DateTime Time(long ms) => DateTime.UnixEpoch.AddSeconds(Math.Floor(ms / 1000.0));

    private void Time(ReadOnlySpan<byte> name, long ms)
    {
        if (ms < 0) _w.WriteNull(name);
        else _w.WriteString(name, Time(ms));
    }

    private void Mid(ReadOnlySpan<byte> name, long mid)
    {
        if (mid < 0) _w.WriteNull(name);
        else _w.WriteNumber(name, mid);
    }

    public void Message(Flow f)
    {
        if (!_messages) return;
        var w = _w;
        w.WriteStartObject();
        w.WriteString("id"u8, f.Id);
        if (f.C.MessageId.Length > 2) w.WriteString("message_id"u8, f.C.MessageId.AsSpan(1, f.C.MessageId.Length - 2));
        else w.WriteNull("message_id"u8);
        w.WriteString("direction"u8, f.Direction);
        w.WriteString("from"u8, f.C.From);
        w.WriteStartArray("to"u8);
        foreach (var t in f.To) w.WriteStringValue(t);
        w.WriteEndArray();
        w.WriteString("final_state"u8, f.State);
        if (f.Parent is null) w.WriteNull("parent"u8);
        else w.WriteString("parent"u8, f.Parent);
        if (f.ParentKind is null) w.WriteNull("parent_kind"u8);
        else w.WriteString("parent_kind"u8, f.ParentKind);
        w.WriteStartArray("hops"u8);
        foreach (var h in f.Hops)
        {
            w.WriteStartObject();
            w.WriteString("appliance"u8, h.App.Name);
            w.WriteString("role"u8, h.App.IsSma ? "sma" : "esa");
            w.WriteNumber("mid"u8, h.Mid);
            Time("start"u8, h.Start);
            Time("end"u8, h.End);
            w.WriteString("outcome"u8, h.Outcome);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("edges"u8);
        if (f.Edges is not null)
        {
            foreach (var (app, parent, child) in f.Edges)
            {
                w.WriteStartObject();
                w.WriteString("appliance"u8, app.Name);
                w.WriteString("kind"u8, "rewritten"u8);
                w.WriteNumber("parent_mid"u8, parent);
                w.WriteNumber("child_mid"u8, child);
                w.WriteEndObject();
            }
        }
        w.WriteEndArray();
        if (f.Cpq is { } c)
        {
            w.WriteStartObject("cpq"u8);
            w.WriteString("esa"u8, c.Esa.Name);
            w.WriteNumber("esa_mid"u8, c.EsaMid);
            w.WriteString("sma"u8, c.Sma.Name);
            Mid("sma_mid"u8, c.SmaMid);
            w.WriteString("quarantine"u8, c.Quarantine);
            Time("enqueued_at"u8, c.EnqueuedAt);
            Time("transferred_at"u8, c.TransferredAt);
            Time("released_at"u8, c.ReleasedAt);
            if (c.ReleaseReason is null) w.WriteNull("release_reason"u8);
            else w.WriteString("release_reason"u8, c.ReleaseReason);
            Time("deleted_at"u8, c.DeletedAt);
            if (c.DeleteReason is null) w.WriteNull("delete_reason"u8);
            else w.WriteString("delete_reason"u8, c.DeleteReason);
            Mid("release_esa_mid"u8, c.ReleaseEsaMid);
            Time("returned_at"u8, c.ReturnedAt);
            if (c.FailedSmaMids is { Count: > 0 })
            {
                w.WriteStartArray("failed_sma_mids"u8);
                foreach (var m in c.FailedSmaMids) w.WriteNumberValue(m);
                w.WriteEndArray();
            }
            w.WriteNumber("delayed_attempts"u8, c.DelayedAttempts);
            w.WriteEndObject();
        }
        else w.WriteNull("cpq"u8);
        if (f.SpamQuarantine is { } sq)
        {
            w.WriteStartObject("spam_quarantine"u8);
            w.WriteString("sma"u8, sq.Sma.Name);
            w.WriteNumber("accepted_mid"u8, sq.Mid);
            w.WriteEndObject();
        }
        w.WriteEndObject();
        if (w.BytesPending > 1 << 16) w.Flush();
    }

    public void Finish(long endMs, IReadOnlyList<FaultSpec> faults, IReadOnlyList<List<Evidence>> evidence, TruthSummary summary)
    {
        var w = _w;
        w.WriteEndArray();
        w.WriteStartArray("faults"u8);
        for (int i = 0; i < faults.Count; i++)
        {
            var f = faults[i];
            w.WriteStartObject();
            w.WriteString("spec"u8, f.Spec);
            w.WriteString("kind"u8, FaultSpec.KindName(f.Kind));
            w.WriteString("appliance"u8, f.Appliance);
            w.WriteString("from"u8, f.From);
            w.WriteString("to"u8, f.To);
            w.WriteStartArray("expected_alerts"u8);
            foreach (var e in evidence[i])
            {
                w.WriteStartObject();
                w.WriteString("kind"u8, e.Kind);
                w.WriteString("appliance"u8, e.App.Name);
                if (e.Peer is null) w.WriteNull("peer"u8);
                else w.WriteString("peer"u8, e.Peer.Name);
                Time("first_signal_at"u8, e.First);
                Time("last_signal_at"u8, e.Last);
                Time("resolved_at"u8, e.Resolved >= 0 && e.Resolved <= endMs ? e.Resolved : -1);
                w.WriteNumber("messages"u8, e.Mids.Count);
                w.WriteNumber("attempts"u8, e.Attempts);
                w.WriteNumber("oldest_age_s"u8, e.OldestAgeS);
                if (e.Kind is "cpq_queue_stuck" or "cpq_release_stuck")
                {
                    w.WriteNumber("stuck_messages"u8, e.Stuck.Count);
                    w.WriteNumber("max_backlog"u8, e.MaxBacklog);
                }
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartObject("summary"u8);
        w.WriteNumber("lines"u8, summary.Lines);
        w.WriteNumber("physical_lines"u8, summary.PhysicalLines);
        w.WriteNumber("bytes"u8, summary.Bytes);
        w.WriteNumber("messages"u8, summary.Messages);
        w.WriteStartObject("final_states"u8);
        foreach (var (k, v) in summary.FinalStates.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteNumber(k, v);
        w.WriteEndObject();
        w.WriteEndObject();
        // The real end of the run (a follow run may stop early).
        w.WriteString("end_actual"u8, Time(endMs));
        w.WriteEndObject();
        w.Flush();
        _finished = true;
    }

    public void Dispose()
    {
        if (!_finished) _w.Flush();
        _w.Dispose();
        _stream.Dispose();
    }
}
