using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Detection;

/// <summary>A point of a queue's backlog series.</summary>
/// <param name="Time">UTC ticks (a minute boundary, or the exact time of the last line).</param>
/// <param name="Waiting">Messages waiting.</param>
/// <param name="OldestAge">Age of the oldest waiting message, ticks.</param>
public readonly record struct BacklogPoint(long Time, int Waiting, long OldestAge);

/// <summary>
/// One CPQ queue: <c>the.cpq.host</c> on an ESA towards its SMA, or <c>the.cpq.release.host</c> on an SMA towards
/// one ESA. Tracks the messages waiting and the last successful hand-off; the alert opens when the oldest
/// message has waited <see cref="CorrelationOptions.StuckAfter"/> with no hand-off for as long, and resolves when
/// the queue is empty or only fresh messages wait (<see cref="CorrelationOptions.DrainedBelow"/>).
/// </summary>
public sealed class QueueWatch
{
    private readonly SortedSet<(long Since, long Mid)> _waiting = [];
    private readonly Dictionary<long, long> _since = [];

    /// <summary>Creates a watch.</summary>
    public QueueWatch(string kind, string appliance, string? peer)
    {
        Kind = kind;
        Appliance = appliance;
        Peer = peer;
    }

    /// <summary>Alert kind this queue raises.</summary>
    public string Kind { get; }
    /// <summary>The sending appliance.</summary>
    public string Appliance { get; }
    /// <summary>The receiving peer's address, if known.</summary>
    public string? Peer { get; }
    /// <summary>Last successful hand-off (UTC ticks), 0 if none seen.</summary>
    public long LastSuccess { get; private set; }
    /// <summary>Last error seen on this queue's deliveries.</summary>
    public string? LastError { get; set; }
    /// <summary>The open alert, if any.</summary>
    public AlertState? OpenAlert { get; private set; }
    /// <summary>Messages waiting.</summary>
    public int Count => _waiting.Count;
    /// <summary>The waiting messages, oldest first.</summary>
    public IEnumerable<(long Since, long Mid)> Waiting => _waiting;

    internal void Write(ProtocolWriter w)
    {
        w.String(Kind);
        w.String(Peer);
        w.Varint(LastSuccess);
        w.String(LastError);
        w.Varint(ClearedAt);
        w.Bool(OpenAlert is not null);
        if (OpenAlert is not null) PayloadCodec.WriteAlert(w, OpenAlert);
        w.List(_waiting, static (w, x) => { w.Varint(x.Since); w.Varint(x.Mid); });
        w.Bool(_last is not null);
        if (_last is { } p) { w.Varint(p.Time); w.Varint(p.Waiting); w.Varint(p.OldestAge); }
    }

    internal static QueueWatch Read(ref ProtocolReader r, string appliance)
    {
        var q = new QueueWatch(r.RequiredString(), appliance, r.String())
        {
            LastSuccess = r.Varint(), LastError = r.String(), ClearedAt = r.Varint(),
        };
        if (r.Bool()) q.OpenAlert = PayloadCodec.ReadAlert(ref r);
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            long since = r.Varint();
            q.Add(r.Varint(), since);
        }
        if (r.Bool()) q._last = new BacklogPoint(r.Varint(), r.Int(), r.Varint());
        return q;
    }

    private BacklogPoint? _last;

    /// <summary>
    /// The backlog at <paramref name="now"/>, if it makes a new point of the series: called once per minute of event
    /// time (the point is put at the minute), and at the end of input with <paramref name="final"/> (the point is put
    /// at the exact time). Points that repeat the last one, and an empty queue that was empty, are no new point.
    /// </summary>
    public BacklogPoint? Sample(long now, bool final = false)
    {
        long at = final ? now : now - now % TimeSpan.TicksPerMinute;
        int waiting = _waiting.Count;
        if (_last is { } last)
        {
            if ((!final && last.Time == at) || (waiting == 0 && last.Waiting == 0) || (final && last.Waiting == waiting)) return null;
        }
        else if (waiting == 0) return null;
        _last = new BacklogPoint(at, waiting, waiting > 0 ? now - _waiting.Min.Since : 0);
        return _last;
    }

    /// <summary>A message starts waiting (idempotent).</summary>
    public void Add(long mid, long at)
    {
        if (_since.ContainsKey(mid)) return;
        _since[mid] = at;
        _waiting.Add((at, mid));
    }

    /// <summary>True when the message is waiting here.</summary>
    public bool Contains(long mid) => _since.ContainsKey(mid);

    /// <summary>A message stops waiting: handed off (<paramref name="success"/>) or given up (bounced, aborted, evicted).</summary>
    public void Remove(long mid, long now, bool success)
    {
        if (success) LastSuccess = Math.Max(LastSuccess, now);
        if (_since.Remove(mid, out long at)) _waiting.Remove((at, mid));
    }

    /// <summary>A hand-off succeeded without naming a waiting message (e.g. a delivery of another message on the same queue).</summary>
    public void Success(long now) => LastSuccess = Math.Max(LastSuccess, now);

    /// <summary>When the open alert's condition cleared, 0 if it has not (resolution waits <see cref="CorrelationOptions.ReopenWithin"/>).</summary>
    public long ClearedAt { get; private set; }

    /// <summary>Opens, updates or resolves the alert at event time <paramref name="now"/>.</summary>
    public void Evaluate(long now, CorrelationOptions options, AlertBook book)
    {
        if (OpenAlert is null)
        {
            long trigger = Trigger(options);
            if (trigger == 0 || now < trigger) return;
            OpenAlert = book.Open(Kind, Appliance, Peer, trigger);
            Update(now, options, book);
            return;
        }
        if (ClearedAt > 0)
        {
            long trigger = Trigger(options);
            if (trigger > 0 && now >= trigger && trigger < ClearedAt + options.ReopenWithin.Ticks)
            {
                ClearedAt = 0; // back within the hold: the same alert goes on
                Update(now, options, book);
            }
            else if (now >= ClearedAt + options.ReopenWithin.Ticks) Finish(book);
            return;
        }
        if (_waiting.Count == 0 || now - _waiting.Min.Since < options.DrainedBelow.Ticks)
        {
            ClearedAt = now;
            return;
        }
        Update(now, options, book);
    }

    /// <summary>End of input: an alert whose condition cleared is resolved at that time.</summary>
    public void Finish(AlertBook book)
    {
        if (OpenAlert is null || ClearedAt == 0) return;
        book.Resolve(OpenAlert, ClearedAt);
        OpenAlert = null;
        ClearedAt = 0;
    }

    /// <summary>The moment the stuck condition holds: the oldest message waited StuckAfter, with no hand-off for as long; 0 if empty.</summary>
    private long Trigger(CorrelationOptions options) =>
        _waiting.Count == 0 ? 0 : Math.Max(_waiting.Min.Since, LastSuccess) + options.StuckAfter.Ticks;

    private void Update(long now, CorrelationOptions options, AlertBook book)
    {
        var a = OpenAlert!;
        long age = now - _waiting.Min.Since;
        bool changed = false;
        if (_waiting.Count > a.Messages) { a.Messages = _waiting.Count; changed = true; }
        if (age > a.OldestAge)
        {
            a.OldestAge = age;
            a.SampleMids = _waiting.Take(options.SampleMids).Select(w => w.Mid).ToList();
            changed = true;
        }
        if (LastError is not null && LastError != a.LastError) { a.LastError = LastError; changed = true; }
        if (changed) book.Updated(a, now);
    }
}
