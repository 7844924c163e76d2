using Pipeline.Correlation.Joining;
using Pipeline.Correlation.Model;
using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Stages;

/// <summary>
/// One join partition (docs/architecture.md): the hops, links and addresses routed to it in, flows out. It holds a
/// journey's hops until all of them have arrived and ended (or the horizon passed), then hands on its flow. The hops
/// of one journey all carry the same join key (<see cref="JoinKeys"/>), so one partition sees all of them.
/// </summary>
public sealed class JoinStage
{
    private const byte SnapshotVersion = 1;

    private readonly SourcePositions _applied = new();
    private readonly AddressBook _addresses;
    private readonly FlowJoiner _joiner;

    /// <summary>Partition <paramref name="partition"/>; <paramref name="flow"/> receives each flow as it completes.</summary>
    public JoinStage(int partition, CorrelationOptions options, Action<FlowDocument> flow)
    {
        Partition = partition;
        _addresses = new AddressBook(options.Addresses);
        _joiner = new FlowJoiner(_addresses, options, flow);
    }

    /// <summary>The partition number.</summary>
    public int Partition { get; }

    /// <summary>Hops held while their flows complete.</summary>
    public int HeldHops => _joiner.HeldHops;

    /// <summary>The last sequence applied per source.</summary>
    public SourcePositions Applied => _applied;

    /// <summary>Applies a message routed to this partition; false for a repeat or a message that is not for a join stage.</summary>
    public bool Apply(StageMessage message)
    {
        if (message is not (JoinMessage or AddressLearned or ApplianceClock) || !_applied.Accept(message)) return false;
        switch (message)
        {
            case HopHandedOn m: _joiner.Hop(m.Hop); break;
            case HopsLinked m: _joiner.Link(m.Parent, m.Child, m.Kind); break;
            case HopAcceptedElsewhere m: _joiner.CrossLink(m.From, m.TargetIp, m.TargetMid, m.Kind); break;
            case AddressLearned m: _addresses.Learn(m.Source, m.Ip); break;
            case ApplianceClock m:
                _joiner.Settled(m.Source, m.SettledBefore);
                _joiner.HorizonPassed(m.HorizonBefore);
                break;
        }
        return true;
    }

    /// <summary>End of input: joins what only the fallbacks can join, then hands on every remaining flow.</summary>
    public void Flush() => _joiner.Flush();

    /// <summary>The partition's state as bytes: positions, addresses and the joiner.</summary>
    public byte[] Snapshot()
    {
        var w = new ProtocolWriter(4096);
        w.Byte(SnapshotVersion);
        w.Varint(Partition);
        _applied.Write(w);
        _addresses.Write(w);
        _joiner.Write(w);
        return w.ToArray();
    }

    /// <summary>A partition that continues from <paramref name="snapshot"/>.</summary>
    /// <exception cref="ProtocolException">The snapshot is damaged or of another version.</exception>
    public static JoinStage Restore(ReadOnlySpan<byte> snapshot, CorrelationOptions options, Action<FlowDocument> flow)
    {
        var r = new ProtocolReader(snapshot);
        byte version = r.Byte();
        if (version != SnapshotVersion) throw new ProtocolException($"join stage snapshot version {version}; this reader knows {SnapshotVersion}");
        var stage = new JoinStage(r.Int(), options, flow);
        stage._applied.Read(ref r);
        stage._addresses.Read(ref r);
        stage._joiner.Read(ref r);
        if (!r.AtEnd) throw new ProtocolException("join stage snapshot: bytes left after the state");
        return stage;
    }
}
