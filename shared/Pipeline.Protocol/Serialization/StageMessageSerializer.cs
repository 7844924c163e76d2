namespace Pipeline.Protocol.Serialization;

/// <summary>
/// The wire form of <see cref="StageMessage"/>s: a format version byte, a type tag, the source and sequence, then the
/// fields of that type (<see cref="PayloadCodec"/> for hops and alerts). These are the bytes the services put on
/// Kafka; a reader refuses a version or tag it does not know with a <see cref="ProtocolException"/>.
/// </summary>
public static class StageMessageSerializer
{
    private enum Tag : byte
    {
        HopHandedOn = 1,
        HopsLinked = 2,
        HopAcceptedElsewhere = 3,
        AddressLearned = 4,
        ApplianceClock = 5,
        AlertChanged = 6,
        QueueSampled = 7,
        LineGap = 8,
        ApplianceActivity = 9,
    }

    [ThreadStatic] private static ProtocolWriter? _scratch;

    /// <summary>The message's bytes (a new array).</summary>
    public static byte[] Serialize(StageMessage message)
    {
        var w = _scratch ??= new ProtocolWriter(512);
        w.Reset();
        Write(w, message);
        return w.ToArray();
    }

    /// <summary>Appends the message to <paramref name="w"/>.</summary>
    public static void Write(ProtocolWriter w, StageMessage message)
    {
        w.Byte(StageMessage.FormatVersion);
        w.Byte((byte)TagOf(message));
        w.String(message.Source);
        w.Varint(message.Sequence);
        switch (message)
        {
            case HopHandedOn m:
                w.Fixed64(m.JoinKey);
                PayloadCodec.WriteHop(w, m.Hop);
                break;
            case HopsLinked m:
                w.Fixed64(m.JoinKey);
                PayloadCodec.WriteKey(w, m.Parent);
                PayloadCodec.WriteKey(w, m.Child);
                w.Byte((byte)m.Kind);
                break;
            case HopAcceptedElsewhere m:
                w.Fixed64(m.JoinKey);
                PayloadCodec.WriteKey(w, m.From);
                w.String(m.TargetIp);
                w.Varint(m.TargetMid);
                w.Byte((byte)m.Kind);
                break;
            case AddressLearned m:
                w.String(m.Ip);
                break;
            case ApplianceClock m:
                w.Varint(m.SettledBefore);
                w.Varint(m.HorizonBefore);
                break;
            case AlertChanged m:
                PayloadCodec.WriteAlert(w, m.Alert);
                w.Byte((byte)m.Change);
                break;
            case QueueSampled m:
                w.String(m.Kind);
                w.String(m.Peer);
                w.Varint(m.Time);
                w.Varint(m.Waiting);
                w.Varint(m.OldestAge);
                break;
            case LineGap m:
                w.Varint(m.From);
                w.Varint(m.To);
                break;
            case ApplianceActivity m:
                w.Byte((byte)m.Role);
                w.Varint(m.Lines);
                w.Varint(m.MinTime);
                w.Varint(m.MaxTime);
                w.Varint(m.OpenMessages);
                break;
        }
    }

    private static Tag TagOf(StageMessage message) => message switch
    {
        HopHandedOn => Tag.HopHandedOn,
        HopsLinked => Tag.HopsLinked,
        HopAcceptedElsewhere => Tag.HopAcceptedElsewhere,
        AddressLearned => Tag.AddressLearned,
        ApplianceClock => Tag.ApplianceClock,
        AlertChanged => Tag.AlertChanged,
        QueueSampled => Tag.QueueSampled,
        LineGap => Tag.LineGap,
        ApplianceActivity => Tag.ApplianceActivity,
        _ => throw new ArgumentException($"{message.GetType().Name} has no wire form", nameof(message)),
    };

    /// <summary>Reads one message; the bytes must hold exactly one.</summary>
    /// <exception cref="ProtocolException">Damaged bytes, or a version or type this reader does not know.</exception>
    public static StageMessage Deserialize(ReadOnlySpan<byte> bytes)
    {
        var r = new ProtocolReader(bytes);
        byte version = r.Byte();
        if (version != StageMessage.FormatVersion)
            throw new ProtocolException($"stage message format version {version}; this reader knows version {StageMessage.FormatVersion}");
        var tag = (Tag)r.Byte();
        string source = r.RequiredString();
        long sequence = r.Varint();
        StageMessage message = tag switch
        {
            Tag.HopHandedOn => new HopHandedOn(source, sequence, r.Fixed64(), PayloadCodec.ReadHop(ref r)),
            Tag.HopsLinked => new HopsLinked(source, sequence, r.Fixed64(), PayloadCodec.ReadKey(ref r), PayloadCodec.ReadKey(ref r), r.Enum<LinkKind>()),
            Tag.HopAcceptedElsewhere => new HopAcceptedElsewhere(source, sequence, r.Fixed64(), PayloadCodec.ReadKey(ref r), r.RequiredString(),
                r.Varint(), r.Enum<LinkKind>()),
            Tag.AddressLearned => new AddressLearned(source, sequence, r.RequiredString()),
            Tag.ApplianceClock => new ApplianceClock(source, sequence, r.Varint(), r.Varint()),
            Tag.AlertChanged => new AlertChanged(source, sequence, PayloadCodec.ReadAlert(ref r), r.Enum<AlertChange>()),
            Tag.QueueSampled => new QueueSampled(source, sequence, r.RequiredString(), r.String(), r.Varint(), r.Int(), r.Varint()),
            Tag.LineGap => new LineGap(source, sequence, r.Varint(), r.Varint()),
            Tag.ApplianceActivity => new ApplianceActivity(source, sequence, r.Enum<ApplianceRole>(), r.Varint(), r.Varint(), r.Varint(), r.Int()),
            _ => throw new ProtocolException($"unknown stage message type {(byte)tag}"),
        };
        if (!r.AtEnd) throw new ProtocolException($"{tag}: bytes left after the message");
        return message;
    }
}
