using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Detection;

/// <summary>
/// TLS or connection failures from one appliance to one CPQ peer. Opens after
/// <see cref="CorrelationOptions.FailureThreshold"/> failed connections within <see cref="CorrelationOptions.FailureWindow"/>;
/// resolves at the first working connection to that peer after the last failure, unless failures return within
/// <see cref="CorrelationOptions.ReopenWithin"/>.
/// </summary>
public sealed class FailureWatch
{
    private readonly Queue<long> _recent = new();

    /// <summary>Creates a watch.</summary>
    public FailureWatch(string kind, string appliance, string peer)
    {
        Kind = kind;
        Appliance = appliance;
        Peer = peer;
    }

    /// <summary>Alert kind.</summary>
    public string Kind { get; }
    /// <summary>The connecting appliance.</summary>
    public string Appliance { get; }
    /// <summary>The peer's address.</summary>
    public string Peer { get; }
    /// <summary>The open alert, if any.</summary>
    public AlertState? OpenAlert { get; private set; }

    /// <summary>When a working connection cleared the open alert, 0 if none yet.</summary>
    public long ClearedAt { get; private set; }

    internal void Write(ProtocolWriter w)
    {
        w.String(Kind);
        w.String(Peer);
        w.Varint(ClearedAt);
        w.Bool(OpenAlert is not null);
        if (OpenAlert is not null) PayloadCodec.WriteAlert(w, OpenAlert);
        w.List(_recent, static (w, t) => w.Varint(t));
    }

    internal static FailureWatch Read(ref ProtocolReader r, string appliance)
    {
        var f = new FailureWatch(r.RequiredString(), appliance, r.RequiredString()) { ClearedAt = r.Varint() };
        if (r.Bool()) f.OpenAlert = PayloadCodec.ReadAlert(ref r);
        for (int i = 0, n = r.Count(); i < n; i++) f._recent.Enqueue(r.Varint());
        return f;
    }

    /// <summary>A failed attempt.</summary>
    public void Failure(long now, string? error, long mid, CorrelationOptions options, AlertBook book)
    {
        if (OpenAlert is not null && ClearedAt > 0)
        {
            if (now < ClearedAt + options.ReopenWithin.Ticks) ClearedAt = 0; // failing again soon after: same alert
            else Finish(book);
        }
        _recent.Enqueue(now);
        while (_recent.Count > 0 && now - _recent.Peek() > options.FailureWindow.Ticks) _recent.Dequeue();
        if (OpenAlert is null)
        {
            if (_recent.Count < options.FailureThreshold) return;
            OpenAlert = book.Open(Kind, Appliance, Peer, now);
            OpenAlert.Messages = _recent.Count;
        }
        else OpenAlert.Messages++;
        OpenAlert.LastError = error ?? OpenAlert.LastError;
        if (mid >= 0 && OpenAlert.SampleMids.Count < options.SampleMids && !OpenAlert.SampleMids.Contains(mid)) OpenAlert.SampleMids.Add(mid);
        book.Updated(OpenAlert, now);
    }

    /// <summary>A working connection to the peer.</summary>
    public void Success(long now)
    {
        _recent.Clear();
        if (OpenAlert is not null && ClearedAt == 0) ClearedAt = now;
    }

    /// <summary>Resolves once the peer has worked for <see cref="CorrelationOptions.ReopenWithin"/> without a new failure.</summary>
    public void Evaluate(long now, CorrelationOptions options, AlertBook book)
    {
        if (OpenAlert is not null && ClearedAt > 0 && now >= ClearedAt + options.ReopenWithin.Ticks) Finish(book);
    }

    /// <summary>End of input: an alert cleared by a working connection is resolved at that time.</summary>
    public void Finish(AlertBook book)
    {
        if (OpenAlert is null || ClearedAt == 0) return;
        book.Resolve(OpenAlert, ClearedAt);
        OpenAlert = null;
        ClearedAt = 0;
    }
}
