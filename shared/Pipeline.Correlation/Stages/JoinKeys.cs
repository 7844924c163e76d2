using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Stages;

/// <summary>
/// Decides the join key of each hop of one appliance, from that appliance's own lines only (docs/architecture.md,
/// "Join keys"). Every hop of one message journey must get the same key on whichever appliance it is, so that one
/// join partition sees all of them:
/// <list type="number">
/// <item>a hop linked from an earlier hop of the same appliance (rewritten, reinjected, released copy, split, bcc
/// copy, bounce) takes the key of that hop;</item>
/// <item>otherwise a hop with a Message-ID is keyed by it: the ESA that hands a message to the CPQ, the SMA that
/// receives it, and the ESA that gets the released copy back all log the same header;</item>
/// <item>a hop without one is keyed by the SMA's MID of its CPQ hand-off (<c>Message N accepted</c> on the ESA, its
/// own MID on the SMA's CPQ arrival);</item>
/// <item>else by itself (appliance and MID): it is joined to nothing on another appliance.</item>
/// </list>
/// A key is fixed the first time a message about the hop is sent, and remembered while messages about the hop can
/// still come: an hour after it was handed on, and up to the horizon for CPQ hand-offs (their released copy can come
/// back days later).
/// </summary>
public sealed class JoinKeys
{
    private readonly string _appliance;
    private readonly Dictionary<long, ulong> _keys = [];
    private readonly Queue<(long HandedOnAt, long Mid, ulong Key)> _recent = new();
    private readonly Queue<(long HandedOnAt, long Mid, ulong Key)> _handOffs = new();

    /// <summary>The keys of one appliance.</summary>
    public JoinKeys(string appliance) => _appliance = appliance;

    /// <summary>Keys held.</summary>
    public int Count => _keys.Count;

    /// <summary>The key fixed for <paramref name="mid"/>, if any.</summary>
    public bool TryGet(long mid, out ulong key) => _keys.TryGetValue(mid, out key);

    /// <summary>Fixes <paramref name="key"/> for <paramref name="mid"/> (a key once fixed does not change).</summary>
    public ulong Fix(long mid, ulong key)
    {
        if (_keys.TryGetValue(mid, out var fixedKey)) return fixedKey;
        _keys[mid] = key;
        return key;
    }

    /// <summary>The key of a hop that starts a journey on this appliance (rules 2 to 4).</summary>
    public ulong Own(Hop hop)
    {
        if (hop.MessageId is { } id) return ForMessageId(id);
        if (hop.AcceptedByCpq && hop.AcceptedMid >= 0) return ForCpqMid(hop.AcceptedMid);
        if (hop.ViaCpq && hop.OriginalMid < 0) return ForCpqMid(hop.Mid);
        return ForHop(_appliance, hop.Mid);
    }

    /// <summary>
    /// The hop was handed on at <paramref name="at"/> (its appliance's event time): its key is kept for an hour, or to
    /// the horizon when it was a quarantine hand-off.
    /// </summary>
    public void HandedOn(Hop hop, long at)
    {
        if (!_keys.TryGetValue(hop.Mid, out var key)) return;
        bool handOff = hop.AcceptedByCpq || hop.Destination != MailLogs.QuarantineDestination.None;
        (handOff ? _handOffs : _recent).Enqueue((at, hop.Mid, key));
    }

    /// <summary>Forgets keys handed on before <paramref name="settledBefore"/> (hand-offs: before <paramref name="horizonBefore"/>), unless fixed again since.</summary>
    public void Prune(long settledBefore, long horizonBefore)
    {
        Drop(_recent, settledBefore);
        Drop(_handOffs, horizonBefore);
        void Drop(Queue<(long HandedOnAt, long Mid, ulong Key)> queue, long before)
        {
            while (queue.Count > 0 && queue.Peek().HandedOnAt < before)
            {
                var (_, mid, key) = queue.Dequeue();
                if (_keys.TryGetValue(mid, out var current) && current == key) _keys.Remove(mid);
            }
        }
    }

    /// <summary>The MID names a new message from now on: its old key goes.</summary>
    public void Forget(long mid) => _keys.Remove(mid);

    /// <summary>Writes the keys and their expiry queues.</summary>
    public void Write(ProtocolWriter w)
    {
        // Keys not in a queue belong to hops still open; queued ones carry their hand-on time.
        w.List(_keys.OrderBy(kv => kv.Key).ToList(), static (w, kv) => { w.Varint(kv.Key); w.Fixed64(kv.Value); });
        w.List(_recent, static (w, x) => { w.Varint(x.HandedOnAt); w.Varint(x.Mid); w.Fixed64(x.Key); });
        w.List(_handOffs, static (w, x) => { w.Varint(x.HandedOnAt); w.Varint(x.Mid); w.Fixed64(x.Key); });
    }

    /// <summary>Reads what <see cref="Write"/> wrote.</summary>
    public void Read(ref ProtocolReader r)
    {
        for (int i = 0, n = r.Count(); i < n; i++) _keys[r.Varint()] = r.Fixed64();
        for (int i = 0, n = r.Count(); i < n; i++) _recent.Enqueue((r.Varint(), r.Varint(), r.Fixed64()));
        for (int i = 0, n = r.Count(); i < n; i++) _handOffs.Enqueue((r.Varint(), r.Varint(), r.Fixed64()));
    }

    /// <summary>The key of a Message-ID.</summary>
    public static ulong ForMessageId(string messageId) => Hash(1, messageId, 0);

    /// <summary>The key of the SMA MID of a CPQ hand-off.</summary>
    public static ulong ForCpqMid(long smaMid) => Hash(2, "", smaMid);

    /// <summary>The key of a hop that is joined to nothing elsewhere.</summary>
    public static ulong ForHop(string appliance, long mid) => Hash(3, appliance, mid);

    /// <summary>FNV-1a over the kind, the text's UTF-16 code units and the number, then the MurmurHash3 finalizer: the same on every platform.</summary>
    private static ulong Hash(byte kind, string text, long number)
    {
        ulong h = 0xCBF29CE484222325UL;
        const ulong Prime = 0x100000001B3UL;
        h = (h ^ kind) * Prime;
        foreach (char c in text) h = (h ^ c) * Prime;
        for (int i = 0; i < 8; i++) h = (h ^ (byte)(number >> (8 * i))) * Prime;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }
}
