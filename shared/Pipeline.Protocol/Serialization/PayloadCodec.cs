using Pipeline.MailLogs;

namespace Pipeline.Protocol.Serialization;

/// <summary>
/// The binary form of what messages and snapshots carry: hops (their times relative to the first line, so a hop of
/// a few minutes costs a few bytes per time), hop keys and alerts. One place, used by the message serializer and by
/// every stage snapshot.
/// </summary>
public static class PayloadCodec
{
    [Flags]
    private enum HopFlags : byte
    {
        None = 0,
        Started = 1,
        ViaCpq = 2,
        AcceptedByCpq = 4,
        Aborted = 8,
        Final = 16,
    }

    /// <summary>Writes a hop.</summary>
    public static void WriteHop(ProtocolWriter w, Hop h)
    {
        w.String(h.Appliance);
        w.Varint(h.Mid);
        long t0 = h.FirstSeen;
        w.Varint(t0);
        w.RelativeTime(h.LastSeen, t0);
        var flags = (h.Started ? HopFlags.Started : 0) | (h.ViaCpq ? HopFlags.ViaCpq : 0) | (h.AcceptedByCpq ? HopFlags.AcceptedByCpq : 0)
                    | (h.Aborted ? HopFlags.Aborted : 0) | (h.Final ? HopFlags.Final : 0);
        w.Byte((byte)flags);
        w.Byte((byte)h.Role);
        w.Varint(h.Icid);
        w.String(h.SourceIp);
        w.String(h.From);
        w.List(h.To, static (w, t) => w.String(t));
        w.String(h.MessageId);
        w.String(h.Subject);
        w.Varint(h.Size);
        w.String(h.Quarantine);
        w.String(h.QuarantineReason);
        w.RelativeTime(h.QuarantinedAt, t0);
        w.RelativeTime(h.ReleasedAt, t0);
        w.String(h.ReleaseReason);
        w.RelativeTime(h.DeletedAt, t0);
        w.String(h.DeleteReason);
        w.RelativeTime(h.CpqEnqueuedAt, t0);
        w.String(h.CpqQuarantine);
        w.Byte((byte)h.Destination);
        w.Varint(h.DeliveredRids);
        w.Varint(h.BouncedRids);
        w.Varint(h.Deferrals);
        w.Varint(h.LastDcid);
        w.String(h.LastDeliveryIp);
        w.Varint(h.LastDeliveryPort);
        w.String(h.LastError);
        w.RelativeTime(h.DoneAt, t0);
        w.Varint(h.AcceptedMid);
        w.String(h.AcceptedIp);
        w.RelativeTime(h.AcceptedAt, t0);
        w.Varint(h.OriginalMid);
        w.String(h.ReleasedByIp);
        w.Varint(h.ContinuedAs);
        w.RelativeTime(h.EndedAt, t0);
        w.String(h.AbortReason);
        w.Varint(h.ParentMid);
        w.Byte((byte)h.ParentKind);
    }

    /// <summary>Reads a hop written by <see cref="WriteHop"/>.</summary>
    public static Hop ReadHop(ref ProtocolReader r)
    {
        var h = new Hop { Appliance = r.RequiredString(), Mid = r.Varint() };
        long t0 = h.FirstSeen = r.Varint();
        h.LastSeen = r.RelativeTime(t0);
        var flags = (HopFlags)r.Byte();
        if ((byte)flags > 31) throw new ProtocolException($"unknown hop flags {(byte)flags}");
        h.Started = flags.HasFlag(HopFlags.Started);
        h.ViaCpq = flags.HasFlag(HopFlags.ViaCpq);
        h.AcceptedByCpq = flags.HasFlag(HopFlags.AcceptedByCpq);
        h.Aborted = flags.HasFlag(HopFlags.Aborted);
        h.Final = flags.HasFlag(HopFlags.Final);
        h.Role = r.Enum<ApplianceRole>();
        h.Icid = r.Varint();
        h.SourceIp = r.String();
        h.From = r.String();
        int to = r.Count();
        h.To = new List<string>(to);
        for (int i = 0; i < to; i++) h.To.Add(r.String() ?? "");
        h.MessageId = r.String();
        h.Subject = r.String();
        h.Size = r.Varint();
        h.Quarantine = r.String();
        h.QuarantineReason = r.String();
        h.QuarantinedAt = r.RelativeTime(t0);
        h.ReleasedAt = r.RelativeTime(t0);
        h.ReleaseReason = r.String();
        h.DeletedAt = r.RelativeTime(t0);
        h.DeleteReason = r.String();
        h.CpqEnqueuedAt = r.RelativeTime(t0);
        h.CpqQuarantine = r.String();
        h.Destination = r.Enum<QuarantineDestination>();
        h.DeliveredRids = r.Int();
        h.BouncedRids = r.Int();
        h.Deferrals = r.Int();
        h.LastDcid = r.Varint();
        h.LastDeliveryIp = r.String();
        h.LastDeliveryPort = r.Int();
        h.LastError = r.String();
        h.DoneAt = r.RelativeTime(t0);
        h.AcceptedMid = r.Varint();
        h.AcceptedIp = r.String();
        h.AcceptedAt = r.RelativeTime(t0);
        h.OriginalMid = r.Varint();
        h.ReleasedByIp = r.String();
        h.ContinuedAs = r.Varint();
        h.EndedAt = r.RelativeTime(t0);
        h.AbortReason = r.String();
        h.ParentMid = r.Varint();
        h.ParentKind = r.Enum<LinkKind>();
        return h;
    }

    /// <summary>Writes a hop key.</summary>
    public static void WriteKey(ProtocolWriter w, HopKey key)
    {
        w.String(key.Appliance);
        w.Varint(key.Mid);
    }

    /// <summary>Reads a hop key.</summary>
    public static HopKey ReadKey(ref ProtocolReader r) => new(r.RequiredString(), r.Varint());

    /// <summary>Writes an alert.</summary>
    public static void WriteAlert(ProtocolWriter w, AlertState a)
    {
        w.String(a.Kind);
        w.String(a.Appliance);
        w.String(a.Peer);
        w.Varint(a.OpenedAt);
        w.RelativeTime(a.ResolvedAt, a.OpenedAt);
        w.RelativeTime(a.UpdatedAt, a.OpenedAt);
        w.Varint(a.Messages);
        w.Varint(a.OldestAge);
        w.String(a.LastError);
        w.List(a.SampleMids, static (w, m) => w.Varint(m));
        w.String(a.Quarantine);
        w.String(a.Cause);
    }

    /// <summary>Reads an alert.</summary>
    public static AlertState ReadAlert(ref ProtocolReader r)
    {
        var a = new AlertState { Kind = r.RequiredString(), Appliance = r.RequiredString(), Peer = r.String(), OpenedAt = r.Varint() };
        a.ResolvedAt = r.RelativeTime(a.OpenedAt);
        a.UpdatedAt = r.RelativeTime(a.OpenedAt);
        a.Messages = r.Int();
        a.OldestAge = r.Varint();
        a.LastError = r.String();
        int n = r.Count();
        for (int i = 0; i < n; i++) a.SampleMids.Add(r.Varint());
        a.Quarantine = r.String();
        a.Cause = r.String();
        return a;
    }
}
