using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Stages;

/// <summary>
/// The last sequence applied from each source: a message at or below it was applied before (a replay, or a repeat
/// of at-least-once delivery) and is ignored. Each source's messages reach a receiver in the order they were sent
/// (a Kafka partition keeps the order of one producer), though a receiver sees only those routed to it.
/// </summary>
public sealed class SourcePositions
{
    private readonly Dictionary<string, long> _last = new(StringComparer.Ordinal);

    /// <summary>True, and the position moves, when <paramref name="message"/> is new; false for a repeat.</summary>
    public bool Accept(StageMessage message)
    {
        ref long last = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_last, message.Source, out _);
        if (message.Sequence <= last) return false;
        last = message.Sequence;
        return true;
    }

    /// <summary>The last sequence applied from <paramref name="source"/>, 0 if none.</summary>
    public long Of(string source) => _last.GetValueOrDefault(source);

    /// <summary>Sources and their positions, in ordinal order.</summary>
    public IEnumerable<KeyValuePair<string, long>> All => _last.OrderBy(kv => kv.Key, StringComparer.Ordinal);

    /// <summary>Writes the positions.</summary>
    public void Write(ProtocolWriter w) => w.List(All.ToList(), static (w, kv) => { w.String(kv.Key); w.Varint(kv.Value); });

    /// <summary>Reads the positions.</summary>
    public void Read(ref ProtocolReader r)
    {
        for (int i = 0, n = r.Count(); i < n; i++) _last[r.RequiredString()] = r.Varint();
    }
}
