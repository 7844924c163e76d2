using Pipeline.Correlation.Model;
using Pipeline.MailLogs;
using Pipeline.Protocol;

namespace Pipeline.Correlation.Joining;

/// <summary>Turns the hops and links of one joined component into its <see cref="FlowDocument"/>.</summary>
internal sealed class FlowBuilder(AddressBook addresses)
{
    public FlowDocument Build(List<Hop> hops, List<(HopKey From, HopKey To, LinkKind Kind)> links,
        (HopKey Parent, LinkKind Kind)? parent, string? parentId, List<(HopKey From, string Ip, long Mid, LinkKind Kind)> unresolved)
    {
        if (hops.Count > 1) hops.Sort(ByStart);
        // Flows have a handful of hops and links: linear scans, no dictionaries (this runs once per message).
        var byKey = new HopIndex(hops);
        var outgoing = new Outgoing(links, unresolved);
        // The root is the earliest hop that nothing continues into (a rewritten MID may log a line before its parent).
        var root = hops[0];
        foreach (var h in hops)
            if (!HasIncoming(links, h.Key)) { root = h; break; }

        var flow = new FlowDocument
        {
            Id = FlowId(root),
            MessageId = root.MessageId ?? hops.Select(h => h.MessageId).FirstOrDefault(m => m is not null),
            From = root.From ?? hops.Select(h => h.From).FirstOrDefault(f => f is not null),
            Subject = root.Subject ?? hops.Select(h => h.Subject).FirstOrDefault(s => s is not null),
            Start = Time(root.FirstSeen),
            Partial = !root.Started,
            LastError = hops.Select(h => h.LastError).LastOrDefault(e => e is not null),
        };
        var to = (root.To.Count > 0 ? root.To : hops.Select(h => h.To).FirstOrDefault(t => t.Count > 0) ?? []).Where(t => t.Length > 0);
        flow.To.AddRange(to);
        long size = root.Size >= 0 ? root.Size : hops.Select(h => h.Size).FirstOrDefault(s => s >= 0, -1);
        if (size >= 0) flow.Size = size;
        foreach (var h in hops)
            flow.Hops.Add(new FlowHop(h.Appliance, h.Role.Name(), h.Mid, Time(h.FirstSeen),
                h.EndedAt > 0 ? Time(h.EndedAt) : null, OutcomeName(h.Outcome)));
        if (hops.All(h => h.EndedAt > 0)) flow.End = Time(hops.Max(h => h.EndedAt));

        // Edges in a fixed order: the order links arrived in depends on which appliance was read first.
        if (links.Count > 0)
            foreach (var l in links.OrderBy(l => l.From).ThenBy(l => l.To).ThenBy(l => l.Kind))
                flow.Edges.Add(new FlowEdge(l.Kind.Name(), l.From.ToString(), l.To.ToString()));
        if (parent is { } p)
        {
            flow.ParentHop = p.Parent.ToString();
            flow.ParentKind = p.Kind.Name();
            flow.ParentId = parentId;
            var child = hops.FirstOrDefault(h => h.ParentMid == p.Parent.Mid && h.Appliance == p.Parent.Appliance) ?? root;
            flow.Edges.Add(new FlowEdge(p.Kind.Name(), p.Parent.ToString(), child.Key.ToString()));
        }

        var (cpq, releaseHop) = BuildCpq(hops, byKey, links, unresolved);
        flow.Cpq = cpq;
        flow.State = State(hops, cpq, releaseHop, outgoing);
        return flow;
    }

    private static readonly Comparison<Hop> ByStart = (a, b) =>
        a.FirstSeen != b.FirstSeen ? a.FirstSeen.CompareTo(b.FirstSeen) : HopKey.Compare(a.Key, b.Key);

    private static bool HasIncoming(List<(HopKey From, HopKey To, LinkKind Kind)> links, HopKey key)
    {
        foreach (var l in links) if (l.To == key) return true;
        return false;
    }

    /// <summary>The hops by key, by linear search.</summary>
    private readonly struct HopIndex(List<Hop> hops)
    {
        public Hop? GetValueOrDefault(HopKey key)
        {
            foreach (var h in hops) if (h.Appliance == key.Appliance && h.Mid == key.Mid) return h;
            return null;
        }
    }

    /// <summary>The hops that something continues from.</summary>
    private readonly struct Outgoing(List<(HopKey From, HopKey To, LinkKind Kind)> links, List<(HopKey From, string Ip, long Mid, LinkKind Kind)> unresolved)
    {
        public bool Contains(HopKey key)
        {
            foreach (var l in links) if (l.From == key) return true;
            foreach (var u in unresolved) if (u.From == key) return true;
            return false;
        }
    }

    /// <summary><c>appliance:mid:yyyyMMddTHHmmssZ</c> of the root hop: stable across replays and arrival orders.</summary>
    public static string FlowId(Hop root) => $"{root.Appliance}:{root.Mid}:{Time(root.FirstSeen):yyyyMMdd'T'HHmmss'Z'}";

    private (CpqLeg?, Hop?) BuildCpq(List<Hop> hops, HopIndex byKey,
        List<(HopKey From, HopKey To, LinkKind Kind)> links, List<(HopKey From, string Ip, long Mid, LinkKind Kind)> unresolved)
    {
        // The accepted hand-off; else a Message-ID match to an arrival that was not a failed attempt.
        var transfer = links.FirstOrDefault(l => l.Kind == LinkKind.CpqTransfer);
        if (transfer == default)
            transfer = links.FirstOrDefault(l => l.Kind == LinkKind.MessageIdMatch && byKey.GetValueOrDefault(l.To) is { Aborted: false });
        Hop? esa = transfer != default ? byKey.GetValueOrDefault(transfer.From)
            : hops.FirstOrDefault(h => !h.ViaCpq && (h.CpqEnqueuedAt > 0 || h.Destination != QuarantineDestination.None));
        Hop? sma = transfer != default ? byKey.GetValueOrDefault(transfer.To)
            : hops.FirstOrDefault(h => h.ViaCpq && h.QuarantinedAt > 0 && h.Role == ApplianceRole.Sma);
        if (esa is null && sma is null) return (null, null);

        var leg = new CpqLeg
        {
            Kind = esa?.Destination == QuarantineDestination.ExternalSpam ? "spam" : "policy",
            Esa = esa?.Appliance ?? addresses.PeerName(sma!.SourceIp),
            EsaMid = esa?.Mid,
            Quarantine = sma?.Quarantine ?? esa?.CpqQuarantine,
            EnqueuedAt = esa is { CpqEnqueuedAt: > 0 } ? Time(esa.CpqEnqueuedAt) : null,
        };
        if (transfer != default)
        {
            leg.Sma = transfer.To.Appliance;
            leg.SmaMid = transfer.To.Mid;
        }
        else if (esa is not null && unresolved.FirstOrDefault(u => u.From == esa.Key) is { Ip: not null } u)
        {
            leg.Sma = u.Ip; // the SMA's logs are not in the input: name it by its address
            leg.SmaMid = u.Mid;
        }
        else if (esa is not null)
        {
            leg.Sma = addresses.PeerName(esa.AcceptedIp ?? esa.LastDeliveryIp);
            if (esa.AcceptedMid >= 0) leg.SmaMid = esa.AcceptedMid;
        }
        else
        {
            leg.Sma = sma!.Appliance;
            leg.SmaMid = sma.Mid;
        }

        if (esa is not null)
        {
            long handedOff = esa.AcceptedAt > 0 && esa.AcceptedByCpq ? esa.AcceptedAt
                : esa.DoneAt > 0 && esa.Destination != QuarantineDestination.None ? esa.DoneAt : 0;
            if (handedOff > 0) leg.TransferredAt = Time(handedOff);
        }
        else if (sma is not null) leg.TransferredAt = Time(sma.FirstSeen);

        if (sma is not null)
        {
            if (sma.ReleasedAt > 0) { leg.ReleasedAt = Time(sma.ReleasedAt); leg.ReleaseReason = sma.ReleaseReason; }
            if (sma.DeletedAt > 0) leg.DeletedAt = Time(sma.DeletedAt);
        }

        Hop? release = null;
        var returned = sma is null ? default : links.FirstOrDefault(l => l.Kind == LinkKind.CpqReturn && l.From == sma.Key);
        if (returned != default) release = byKey.GetValueOrDefault(returned.To);
        if (release is null && esa is not null)
        {
            var received = links.FirstOrDefault(l => l.Kind == LinkKind.ReleaseReceived && l.From == esa.Key);
            if (received != default) release = byKey.GetValueOrDefault(received.To);
        }
        if (release is not null)
        {
            leg.ReleaseEsaMid = release.Mid;
            leg.ReturnedAt = Time(release.FirstSeen);
        }
        else if (returned != default) leg.ReleaseEsaMid = returned.To.Mid;
        else if (sma is { AcceptedMid: >= 0, ReleasedAt: > 0 }) leg.ReleaseEsaMid = sma.AcceptedMid;
        return (leg, release);
    }

    private static string State(List<Hop> hops, CpqLeg? cpq, Hop? release, Outgoing outgoing)
    {
        if (cpq is not null)
        {
            if (cpq.TransferredAt is null)
            {
                var esa = hops.First(h => h.Appliance == cpq.Esa && h.Mid == cpq.EsaMid);
                return esa.Outcome switch
                {
                    HopOutcome.Aborted => FlowStates.Aborted,
                    HopOutcome.Bounced => FlowStates.Bounced,
                    _ => FlowStates.InTransfer,
                };
            }
            if (cpq.DeletedAt is not null) return FlowStates.Deleted;
            if (release is not null) return StateOf(Terminal(release, hops, outgoing));
            if (cpq.ReleasedAt is not null) return FlowStates.Released;
            return FlowStates.Quarantined;
        }
        // The journey ends at the latest hop that nothing continues from.
        var last = hops[^1];
        for (int i = hops.Count - 1; i >= 0; i--)
            if (!outgoing.Contains(hops[i].Key)) { last = hops[i]; break; }
        return StateOf(last);
    }

    /// <summary>The latest hop at or after <paramref name="from"/> that nothing continues from.</summary>
    private static Hop Terminal(Hop from, List<Hop> hops, Outgoing outgoing) =>
        hops.Where(h => h.FirstSeen >= from.FirstSeen && !outgoing.Contains(h.Key)).DefaultIfEmpty(from).Last()!;

    private static string StateOf(Hop hop) => hop.Outcome switch
    {
        HopOutcome.Delivered => FlowStates.Delivered,
        HopOutcome.Bounced => FlowStates.Bounced,
        HopOutcome.Aborted => FlowStates.Aborted,
        HopOutcome.Quarantined or HopOutcome.Transferred => FlowStates.Quarantined,
        HopOutcome.InTransfer => FlowStates.InTransfer,
        HopOutcome.Released => FlowStates.Released,
        HopOutcome.Deleted => FlowStates.Deleted,
        _ => FlowStates.Open,
    };

    /// <summary>snake_case name of a hop outcome.</summary>
    public static string OutcomeName(HopOutcome outcome) => outcome switch
    {
        HopOutcome.Open => "open",
        HopOutcome.Delivered => "delivered",
        HopOutcome.Bounced => "bounced",
        HopOutcome.Aborted => "aborted",
        HopOutcome.Transferred => "transferred",
        HopOutcome.InTransfer => "in_transfer",
        HopOutcome.Quarantined => "quarantined",
        HopOutcome.Released => "released",
        HopOutcome.Deleted => "deleted",
        _ => "rewritten",
    };

    private static DateTime Time(long ticks) => new(ticks, DateTimeKind.Utc);
}
