using Pipeline.Correlation.Detection;
using Pipeline.Correlation.Stitching;
using Pipeline.MailLogs;
using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Stages;

/// <summary>
/// The stage of one appliance (docs/architecture.md): its parsed lines in, stage messages out. It stitches the lines
/// (<see cref="ApplianceStitcher"/>), gives every hop its join key (<see cref="JoinKeys"/>), and numbers what it sends
/// so that receivers can drop repeats. It reads no other stage's state: what other stages must know (addresses,
/// clock, alerts, activity) leaves as messages. Inputs carry a sequence; an input at or below the last one applied is
/// a replay and changes nothing, so restoring a snapshot and feeding the input again from any earlier point gives the
/// same messages, numbered the same.
/// </summary>
public sealed class ApplianceStage : IStitchSink
{
    private const byte SnapshotVersion = 1;

    private readonly CorrelationOptions _options;
    private readonly Action<StageMessage> _send;
    private readonly AlertBook _alerts = new();
    private readonly JoinKeys _keys;
    // Links whose parent this stage does not know (it began before the logs, or its key was forgotten): they leave
    // with the child, keyed like it.
    private readonly Dictionary<long, List<(HopKey Parent, LinkKind Kind)>> _waitingLinks = [];
    private readonly string _appliance;
    private ApplianceStitcher _stitcher;
    private long _sent;

    /// <summary>A new stage for <paramref name="appliance"/>; <paramref name="send"/> receives every message it sends, in order.</summary>
    public ApplianceStage(string appliance, CorrelationOptions options, Action<StageMessage> send)
    {
        _options = options;
        _send = send;
        _appliance = appliance;
        _keys = new JoinKeys(appliance);
        _stitcher = new ApplianceStitcher(appliance, options, this, _alerts);
        _alerts.Changed += (alert, change) => Send(new AlertChanged(Appliance, _sent + 1, alert.Clone(), change));
    }

    /// <summary>The appliance.</summary>
    public string Appliance => _appliance;

    /// <summary>The last input sequence applied (0 before the first).</summary>
    public long LastInput { get; private set; }

    /// <summary>Messages sent so far (the sequence of the last one).</summary>
    public long Sent => _sent;

    /// <summary>The stitcher (for counters and tests).</summary>
    public ApplianceStitcher Stitcher => _stitcher;

    /// <summary>Join keys held (for memory reports).</summary>
    public int HeldKeys => _keys.Count;

    /// <summary>
    /// Applies one parsed line with its input sequence (1, 2, ... in the appliance's own order); false when it was
    /// applied before (a replay).
    /// </summary>
    public bool Observe(long inputSequence, in LogEvent e, ReadOnlySpan<byte> line)
    {
        if (inputSequence <= LastInput) return false;
        LastInput = inputSequence;
        _stitcher.Observe(e, line);
        return true;
    }

    /// <summary>End of input: every message in progress is handed on as it stands, the detectors close, the activity is sent.</summary>
    public void Flush()
    {
        _stitcher.Flush();
        SendActivity();
    }

    private void Send(StageMessage message)
    {
        _sent = message.Sequence;
        _send(message);
    }

    private long Next => _sent + 1;

    private void SendActivity() =>
        Send(new ApplianceActivity(Appliance, Next, _stitcher.Role, _stitcher.Lines, _stitcher.MinTime, _stitcher.MaxTime, _stitcher.OpenMessages));

    // ------------------------------------------------------------------ join keys

    /// <summary>The key of a hop this stage knows: fixed already, inherited from the hop it continues, or its own.</summary>
    private ulong KeyOf(Hop hop)
    {
        if (_keys.TryGet(hop.Mid, out var key)) return key;
        return _keys.Fix(hop.Mid, _keys.Own(hop));
    }

    /// <summary>The parent's key when the parent is known here (fixed, or open in the stitcher); else null.</summary>
    private ulong? KnownKey(long mid)
    {
        if (_keys.TryGet(mid, out var key)) return key;
        return _stitcher.OpenHop(mid) is { } hop ? KeyOf(hop) : null;
    }

    // ------------------------------------------------------------------ IStitchSink

    /// <inheritdoc />
    void IStitchSink.Hop(Hop hop)
    {
        ulong key = KeyOf(hop);
        if (_waitingLinks.Remove(hop.Mid, out var links))
            foreach (var (parent, kind) in links)
                Send(new HopsLinked(Appliance, Next, key, parent, hop.Key, kind));
        Send(new HopHandedOn(Appliance, Next, key, hop.Clone()));
        _keys.HandedOn(hop, _stitcher.MaxTime);
    }

    /// <inheritdoc />
    void IStitchSink.Link(HopKey parent, HopKey child, LinkKind kind)
    {
        if (KnownKey(parent.Mid) is { } parentKey)
        {
            // The child joins its parent's journey (or names it); a child keyed already keeps its key.
            Send(new HopsLinked(Appliance, Next, _keys.Fix(child.Mid, parentKey), parent, child, kind));
            return;
        }
        if (!_waitingLinks.TryGetValue(child.Mid, out var list)) _waitingLinks[child.Mid] = list = [];
        list.Add((parent, kind));
    }

    /// <inheritdoc />
    void IStitchSink.CrossLink(HopKey from, string targetIp, long targetMid, LinkKind kind)
    {
        var hop = _stitcher.OpenHop(from.Mid) ?? throw new InvalidOperationException($"{from} crosses to {targetIp} but is not open");
        Send(new HopAcceptedElsewhere(Appliance, Next, KeyOf(hop), from, targetIp, targetMid, kind));
    }

    /// <inheritdoc />
    void IStitchSink.Clock(long settledBefore, long horizonBefore)
    {
        _keys.Prune(settledBefore, horizonBefore);
        Send(new ApplianceClock(Appliance, Next, settledBefore, horizonBefore));
        SendActivity();
    }

    /// <inheritdoc />
    void IStitchSink.AddressLearned(string ip) => Send(new AddressLearned(Appliance, Next, ip));

    /// <inheritdoc />
    void IStitchSink.Gap(long from, long to) => Send(new LineGap(Appliance, Next, from, to));

    /// <inheritdoc />
    void IStitchSink.QueueSampled(QueueWatch queue, BacklogPoint point) =>
        Send(new QueueSampled(Appliance, Next, queue.Kind, queue.Peer, point.Time, point.Waiting, point.OldestAge));

    /// <inheritdoc />
    void IStitchSink.MidReused(long mid) => _keys.Forget(mid);

    // ------------------------------------------------------------------ snapshots

    /// <summary>Writes the stage's state: positions, join keys, waiting links and the stitcher.</summary>
    public void Write(ProtocolWriter w)
    {
        w.Byte(SnapshotVersion);
        w.String(Appliance);
        w.Varint(LastInput);
        w.Varint(_sent);
        _keys.Write(w);
        w.List(_waitingLinks.OrderBy(kv => kv.Key).ToList(), static (w, kv) =>
        {
            w.Varint(kv.Key);
            w.List(kv.Value, static (w, l) => { PayloadCodec.WriteKey(w, l.Parent); w.Byte((byte)l.Kind); });
        });
        _stitcher.Write(w);
    }

    /// <summary>The state as bytes.</summary>
    public byte[] Snapshot()
    {
        var w = new ProtocolWriter(4096);
        Write(w);
        return w.ToArray();
    }

    /// <summary>A stage that continues from <paramref name="snapshot"/> (written by <see cref="Snapshot"/>).</summary>
    /// <exception cref="ProtocolException">The snapshot is damaged or of another version.</exception>
    public static ApplianceStage Restore(ReadOnlySpan<byte> snapshot, CorrelationOptions options, Action<StageMessage> send)
    {
        var r = new ProtocolReader(snapshot);
        byte version = r.Byte();
        if (version != SnapshotVersion) throw new ProtocolException($"appliance stage snapshot version {version}; this reader knows {SnapshotVersion}");
        var stage = new ApplianceStage(r.RequiredString(), options, send) { LastInput = r.Varint() };
        stage._sent = r.Varint();
        stage._keys.Read(ref r);
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var list = stage._waitingLinks[r.Varint()] = [];
            for (int j = 0, m = r.Count(); j < m; j++) list.Add((PayloadCodec.ReadKey(ref r), r.Enum<LinkKind>()));
        }
        stage._stitcher = ApplianceStitcher.Read(ref r, options, stage, stage._alerts);
        if (stage._stitcher.Appliance != stage.Appliance) throw new ProtocolException("appliance stage snapshot: the stitcher is another appliance's");
        if (!r.AtEnd) throw new ProtocolException("appliance stage snapshot: bytes left after the state");
        return stage;
    }
}
