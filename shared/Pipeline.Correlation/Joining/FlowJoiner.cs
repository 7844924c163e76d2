using Pipeline.Correlation.Model;
using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Joining;

/// <summary>
/// Joins hops from every appliance into flows (one per message journey). Continuation links (rewrite, reinject,
/// CPQ transfer and return, release received, Message-ID match) merge hops with a union-find, which is commutative:
/// the flows do not depend on which appliance's lines arrive first. A flow is handed on once every hop it refers
/// to has arrived and ended, and its parent flow (split, copy, bounce) has been handed on; whatever remains at the
/// end of the input is handed on as it stands.
/// </summary>
public sealed class FlowJoiner
{
    private sealed class Node(HopKey key)
    {
        public readonly HopKey Key = key;
        public Node Parent = null!;
        public int Rank;
        public Hop? Hop;
        public Component? Component; // only at the root
    }

    private sealed class Component
    {
        // Most components are one hop with no links: the lists are made when first needed.
        public readonly List<Node> Members = new(1);
        public List<(HopKey From, HopKey To, LinkKind Kind)>? Links;
        public List<PendingLink>? Pending;
        public (HopKey Parent, LinkKind Kind)? ParentLink;
        public string? ParentId; // the parent's flow id, set as soon as the parent's flow is handed on
        public List<HopKey>? Dependents;
    }

    private sealed record PendingLink(HopKey From, string Ip, long Mid, LinkKind Kind);

    private readonly Dictionary<HopKey, Node> _nodes = [];
    private readonly Dictionary<string, List<PendingLink>> _pendingByIp = new(StringComparer.Ordinal);
    // Flow ids of hops already handed on, per appliance, so that later children (split, copy, bounce) can name
    // their parent; pruned by the appliance's own event time.
    private readonly Dictionary<string, Dictionary<long, (string FlowId, long At)>> _emitted = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Queue<(long At, long Mid)>> _emittedOrder = new(StringComparer.Ordinal);
    // SMA arrivals that failed (e.g. "unable to quarantine ... unavailable", then "finished ... aborted") have no
    // "Message N accepted" link: they join the ESA flow whose hand-off they were an attempt of, by Message-ID.
    private readonly Dictionary<string, List<HopKey>> _failedArrivals = new(StringComparer.Ordinal);
    // Hops by the time they were last seen, as they arrived: what the horizon hands on (see HorizonPassed).
    private readonly Queue<(long At, HopKey Key)> _byAge = new();
    private readonly AddressBook _addresses;
    private readonly CorrelationOptions _options;
    private readonly FlowBuilder _builder;
    private readonly Action<FlowDocument> _output;

    /// <summary>Creates a joiner that hands finished flows to <paramref name="output"/>.</summary>
    public FlowJoiner(AddressBook addresses, CorrelationOptions options, Action<FlowDocument> output)
    {
        _addresses = addresses;
        _options = options;
        _output = output;
        _builder = new FlowBuilder(addresses);
        addresses.IpLearned += OnIpLearned;
    }

    /// <summary>Hops held in flows that are not complete yet.</summary>
    public int HeldHops => _nodes.Count;

    /// <summary>Writes the open components and the recent flow ids, in a fixed order.</summary>
    public void Write(ProtocolWriter w)
    {
        var roots = _nodes.Values.Select(Find).Distinct().OrderBy(r => r.Component!.Members.Select(m => m.Key).Min()).ToList();
        w.List(roots, static (w, root) =>
        {
            var c = root.Component!;
            w.List(c.Members.OrderBy(m => m.Key).ToList(), static (w, m) =>
            {
                PayloadCodec.WriteKey(w, m.Key);
                w.Bool(m.Hop is not null);
                if (m.Hop is not null) PayloadCodec.WriteHop(w, m.Hop);
            });
            w.List(c.Links ?? NoLinks, static (w, l) => WriteLink(w, l.From, l.To, l.Kind));
            w.List(c.Pending ?? [], static (w, p) =>
            {
                PayloadCodec.WriteKey(w, p.From);
                w.String(p.Ip);
                w.Varint(p.Mid);
                w.Byte((byte)p.Kind);
            });
            w.Bool(c.ParentLink is not null);
            if (c.ParentLink is { } pl) { PayloadCodec.WriteKey(w, pl.Parent); w.Byte((byte)pl.Kind); }
            w.String(c.ParentId);
            w.List(c.Dependents ?? [], PayloadCodec.WriteKey);
        });
        w.List(_emitted.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList(), (w, kv) =>
        {
            w.String(kv.Key);
            w.List(kv.Value.OrderBy(e => e.Key).ToList(), static (w, e) => { w.Varint(e.Key); w.String(e.Value.FlowId); w.Varint(e.Value.At); });
            // The pruning order as it stands: it decides which ids are still there when a late child asks.
            w.List(_emittedOrder[kv.Key], static (w, x) => { w.Varint(x.At); w.Varint(x.Mid); });
        });
        // The horizon's queue in its order, without entries of hops handed on already (they are skipped anyway).
        w.List(_byAge.Where(x => _nodes.ContainsKey(x.Key)).ToList(), static (w, x) => { w.Varint(x.At); PayloadCodec.WriteKey(w, x.Key); });
    }

    private static void WriteLink(ProtocolWriter w, HopKey from, HopKey to, LinkKind kind)
    {
        PayloadCodec.WriteKey(w, from);
        PayloadCodec.WriteKey(w, to);
        w.Byte((byte)kind);
    }

    /// <summary>Reads what <see cref="Write"/> wrote into this (empty) joiner.</summary>
    public void Read(ref ProtocolReader r)
    {
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            Node? root = null;
            var c = new Component();
            for (int j = 0, m = r.Count(); j < m; j++)
            {
                var node = new Node(PayloadCodec.ReadKey(ref r));
                if (r.Bool()) node.Hop = PayloadCodec.ReadHop(ref r);
                root ??= node;
                node.Parent = root;
                _nodes[node.Key] = node;
                c.Members.Add(node);
            }
            if (root is null) throw new ProtocolException("joiner snapshot: a component without members");
            root.Rank = 1;
            root.Component = c;
            for (int j = 0, m = r.Count(); j < m; j++)
                (c.Links ??= []).Add((PayloadCodec.ReadKey(ref r), PayloadCodec.ReadKey(ref r), r.Enum<LinkKind>()));
            for (int j = 0, m = r.Count(); j < m; j++)
            {
                var pending = new PendingLink(PayloadCodec.ReadKey(ref r), r.RequiredString(), r.Varint(), r.Enum<LinkKind>());
                (c.Pending ??= []).Add(pending);
                if (!_pendingByIp.TryGetValue(pending.Ip, out var list)) _pendingByIp[pending.Ip] = list = [];
                list.Add(pending);
            }
            if (r.Bool()) c.ParentLink = (PayloadCodec.ReadKey(ref r), r.Enum<LinkKind>());
            c.ParentId = r.String();
            for (int j = 0, m = r.Count(); j < m; j++) (c.Dependents ??= []).Add(PayloadCodec.ReadKey(ref r));
        }
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            string appliance = r.RequiredString();
            var byMid = _emitted[appliance] = [];
            for (int j = 0, m = r.Count(); j < m; j++)
            {
                long mid = r.Varint();
                byMid[mid] = (r.RequiredString(), r.Varint());
            }
            var order = _emittedOrder[appliance] = new Queue<(long, long)>();
            for (int j = 0, m = r.Count(); j < m; j++) order.Enqueue((r.Varint(), r.Varint()));
        }
        for (int i = 0, n = r.Count(); i < n; i++) _byAge.Enqueue((r.Varint(), PayloadCodec.ReadKey(ref r)));
        foreach (var node in _nodes.Values)
            if (node.Hop is { MessageId: { } id } h && IsFailedArrival(h))
            {
                if (!_failedArrivals.TryGetValue(id, out var list)) _failedArrivals[id] = list = [];
                list.Add(node.Key);
            }
    }

    /// <summary>A hop handed on by its appliance (the joiner does not change it: a later fragment is merged into a copy).</summary>
    public void Hop(Hop hop)
    {
        var node = GetOrCreate(hop.Key);
        if (node.Hop is null) node.Hop = hop;
        else
        {
            var merged = node.Hop.Clone();
            merged.Merge(hop);
            node.Hop = merged;
        }
        _byAge.Enqueue((node.Hop.LastSeen, hop.Key));
        if (_byAge.Count > 2 * _nodes.Count + 4096) CompactByAge();
        if (IsFailedArrival(node.Hop) && node.Hop.MessageId is { } id)
        {
            if (!_failedArrivals.TryGetValue(id, out var list)) _failedArrivals[id] = list = [];
            if (!list.Contains(hop.Key)) list.Add(hop.Key);
        }
        TryComplete(Find(node));
    }

    private static bool IsFailedArrival(Hop hop) => AwaitsTransfer(hop) && hop.Aborted;

    /// <summary>
    /// Joins into the component the failed SMA attempts of its ESA hand-offs: same Message-ID and envelope, arrived
    /// while the ESA was trying (from queueing to hand-off, within the join window).
    /// </summary>
    private void JoinFailedAttempts(Node root)
    {
        if (_failedArrivals.Count == 0) return;
        // Most flows have no CPQ hand-off: check that before sorting anything (this runs for every completed flow).
        bool handsOff = false;
        foreach (var m in root.Component!.Members)
            handsOff |= m.Hop is { ViaCpq: false, Destination: MailLogs.QuarantineDestination.CentralizedPolicy };
        if (!handsOff) return;
        var members = root.Component.Members.Where(m => m.Hop is not null).Select(m => m.Hop!).OrderBy(h => h.FirstSeen).ToList();
        foreach (var esa in members)
        {
            if (esa.ViaCpq || esa.Destination != MailLogs.QuarantineDestination.CentralizedPolicy) continue;
            // A rewritten MID may not log the headers again: take each from the hops it continues.
            string? id = esa.MessageId ?? members.Select(h => h.MessageId).FirstOrDefault(x => x is not null);
            if (id is null || !_failedArrivals.TryGetValue(id, out var candidates)) continue;
            var envelope = new Hop
            {
                From = esa.From ?? members.Select(h => h.From).FirstOrDefault(x => x is not null),
                To = esa.To.Count > 0 ? esa.To : members.Select(h => h.To).FirstOrDefault(t => t.Count > 0) ?? [],
            };
            long from = (esa.CpqEnqueuedAt > 0 ? esa.CpqEnqueuedAt : esa.FirstSeen) - _options.JoinWindow.Ticks;
            long to = Math.Max(esa.AcceptedAt, Math.Max(esa.DoneAt, esa.LastSeen)) + _options.JoinWindow.Ticks;
            foreach (var key in candidates.ToList())
            {
                if (!_nodes.TryGetValue(key, out var node) || node.Hop is not { } sma) continue;
                if (Find(node) == Find(root) || sma.FirstSeen < from || sma.FirstSeen > to || !SameEnvelope(envelope, sma)) continue;
                if (_addresses.ApplianceByIp(sma.SourceIp) is { } source && source != esa.Appliance) continue;
                var merged = Union(root, node);
                (merged.Component!.Links ??= []).Add((esa.Key, sma.Key, LinkKind.MessageIdMatch));
                candidates.Remove(key);
                root = merged;
            }
        }
    }

    /// <summary>Two hops of one appliance are linked.</summary>
    public void Link(HopKey parent, HopKey child, LinkKind kind)
    {
        if (kind.Continues())
        {
            var root = Union(GetOrCreate(parent), GetOrCreate(child));
            (root.Component!.Links ??= []).Add((parent, child, kind));
            TryComplete(root);
            return;
        }
        // Split, copy, bounce: a new flow that names its parent, so it waits for the parent's flow unless that
        // was handed on already.
        var childRoot = Find(GetOrCreate(child));
        childRoot.Component!.ParentLink ??= (parent, kind);
        // The parent's id is taken now or when the parent is handed on, never looked up later (the lookup table is pruned).
        if (Recall(parent) is { } parentId) childRoot.Component.ParentId ??= parentId;
        else (Find(GetOrCreate(parent)).Component!.Dependents ??= []).Add(child);
        TryComplete(childRoot);
    }

    /// <summary>A hop was accepted at <paramref name="targetIp"/> as <paramref name="targetMid"/>: linked once the address is known.</summary>
    public void CrossLink(HopKey from, string targetIp, long targetMid, LinkKind kind)
    {
        var target = _addresses.ApplianceByIp(targetIp);
        if (target is not null)
        {
            Link(from, new HopKey(target, targetMid), kind);
            return;
        }
        var pending = new PendingLink(from, targetIp, targetMid, kind);
        if (!_pendingByIp.TryGetValue(targetIp, out var list)) _pendingByIp[targetIp] = list = [];
        list.Add(pending);
        (Find(GetOrCreate(from)).Component!.Pending ??= []).Add(pending);
    }

    private void OnIpLearned(string ip, string appliance)
    {
        if (!_pendingByIp.Remove(ip, out var list)) return;
        foreach (var p in list)
        {
            if (_nodes.TryGetValue(p.From, out var node)) Find(node).Component!.Pending?.Remove(p);
            Link(p.From, new HopKey(appliance, p.Mid), p.Kind);
        }
    }

    /// <summary>
    /// End of input: joins what only the fallbacks can join (Message-ID and envelope within the join window), then
    /// hands on every remaining flow, parents before children, in a deterministic order.
    /// </summary>
    public void Flush()
    {
        MatchByMessageId();
        foreach (var root in _nodes.Values.Select(Find).Distinct().ToList())
            if (root.Component is not null) JoinFailedAttempts(root);
        var roots = _nodes.Values.Select(Find).Distinct()
            .OrderBy(r => r.Component!.Members.Min(m => m.Hop?.FirstSeen ?? long.MaxValue))
            .ThenBy(r => r.Component!.Members.Select(m => m.Key).Min())
            .ToList();
        foreach (var root in roots) EmitWithParents(root);
    }

    private void EmitWithParents(Node root)
    {
        if (root.Component is null) return; // already emitted
        if (root.Component.ParentLink is { } p && _nodes.TryGetValue(p.Parent, out var parentNode))
        {
            var parentRoot = Find(parentNode);
            if (parentRoot != root) EmitWithParents(parentRoot);
        }
        if (root.Component is not null) Emit(root);
    }

    private void TryComplete(Node root)
    {
        var c = root.Component!;
        if (c.Pending is { Count: > 0 }) return;
        foreach (var m in c.Members)
        {
            if (m.Hop is null || !m.Hop.Final) return;
            // A message that arrived over a CPQ listener came from an ESA whose hand-off may not have been read yet.
            if (AwaitsTransfer(m.Hop) && !HasTransferInto(c, m.Key)) return;
        }
        // A child waits for its parent flow so that it can name it.
        if (c.ParentLink is { } p && _nodes.TryGetValue(p.Parent, out var parentNode) && Find(parentNode) != root) return;
        JoinFailedAttempts(root);
        Emit(Find(root));
    }

    private static readonly List<(HopKey From, HopKey To, LinkKind Kind)> NoLinks = [];
    private static readonly List<(HopKey From, string Ip, long Mid, LinkKind Kind)> NoPending = [];

    private static bool HasTransferInto(Component c, HopKey key)
    {
        if (c.Links is null) return false;
        foreach (var l in c.Links)
            if (l.To == key && l.Kind is LinkKind.CpqTransfer or LinkKind.MessageIdMatch) return true;
        return false;
    }

    /// <summary>An SMA-side arrival (over a CPQ listener, not a released copy coming back to an ESA).</summary>
    private static bool AwaitsTransfer(Hop hop) => hop.ViaCpq && hop.OriginalMid < 0;

    private void Emit(Node root)
    {
        var c = root.Component!;
        root.Component = null;
        var hops = c.Members.Where(m => m.Hop is not null).Select(m => m.Hop!).ToList();
        string? parentId = c.ParentId ?? (c.ParentLink is { } p ? Recall(p.Parent) : null);
        foreach (var m in c.Members)
        {
            _nodes.Remove(m.Key);
            if (m.Hop is { MessageId: { } id } h && IsFailedArrival(h) && _failedArrivals.TryGetValue(id, out var failed))
            {
                failed.Remove(m.Key);
                if (failed.Count == 0) _failedArrivals.Remove(id);
            }
        }
        if (c.Pending is not null)
            foreach (var pending in c.Pending)
                if (_pendingByIp.TryGetValue(pending.Ip, out var list)) list.Remove(pending);
        if (hops.Count == 0) return; // only references to hops that never came (e.g. a parent before the logs)

        var flow = _builder.Build(hops, c.Links ?? NoLinks, c.ParentLink, parentId,
            c.Pending is { Count: > 0 } ? c.Pending.Select(x => (x.From, x.Ip, x.Mid, x.Kind)).ToList() : NoPending);
        foreach (var h in hops) Remember(h.Key, flow.Id, h.LastSeen);
        _output(flow);

        foreach (var dependent in c.Dependents ?? [])
        {
            if (!_nodes.TryGetValue(dependent, out var dn)) continue;
            var dr = Find(dn);
            if (dr.Component is null) continue;
            dr.Component.ParentId ??= flow.Id;
            TryComplete(dr);
        }
    }

    private void Remember(HopKey key, string flowId, long at)
    {
        if (!_emitted.TryGetValue(key.Appliance, out var byMid))
        {
            _emitted[key.Appliance] = byMid = [];
            _emittedOrder[key.Appliance] = new Queue<(long, long)>();
        }
        byMid[key.Mid] = (flowId, at);
        _emittedOrder[key.Appliance].Enqueue((at, key.Mid));
    }

    private string? Recall(HopKey key) =>
        _emitted.TryGetValue(key.Appliance, out var byMid) && byMid.TryGetValue(key.Mid, out var e) ? e.FlowId : null;

    /// <summary>
    /// Hands on, as they stand, the flows whose every hop was last seen before <paramref name="before"/>: messages a
    /// stitcher gave up on at its horizon, and flows still waiting for a half that never came (the other appliance's
    /// logs are not in the input, its address was never learned). The joiner's memory stays bounded like the
    /// stitchers'.
    /// </summary>
    public void HorizonPassed(long before)
    {
        while (_byAge.Count > 0 && _byAge.Peek().At < before)
        {
            var key = _byAge.Dequeue().Key;
            if (!_nodes.TryGetValue(key, out var node) || Find(node) is not { Component: { } c } root) continue; // handed on already
            long newest = 0;
            foreach (var m in c.Members) newest = Math.Max(newest, m.Hop?.LastSeen ?? 0);
            if (newest >= before) _byAge.Enqueue((newest, key)); // part of the flow is recent: look again later
            else Emit(root);
        }
    }

    /// <summary>
    /// Drops the horizon queue's entries of hops already handed on (most of them, once their flows complete), keeping
    /// the order of the rest: the queue stays as large as the open work, not as the last seven days of mail.
    /// </summary>
    private void CompactByAge()
    {
        int n = _byAge.Count;
        for (int i = 0; i < n; i++)
        {
            var x = _byAge.Dequeue();
            if (_nodes.ContainsKey(x.Key)) _byAge.Enqueue(x);
        }
    }

    /// <summary>Forgets the flow ids of an appliance's hops that ended before <paramref name="before"/> (bounded memory).</summary>
    public void Settled(string appliance, long before)
    {
        if (!_emitted.TryGetValue(appliance, out var byMid)) return;
        // Hops are remembered roughly in time order: drop from the front while old enough (an entry that was
        // remembered again later keeps its newer time and stays).
        var order = _emittedOrder[appliance];
        while (order.Count > 0 && order.Peek().At < before)
        {
            var (at, mid) = order.Dequeue();
            if (byMid.TryGetValue(mid, out var entry) && entry.At == at) byMid.Remove(mid);
        }
    }

    /// <summary>
    /// Fallback join (LOGFORMAT.md section 4, order 3): an ESA hand-off to a CPQ whose response named no MID, and an
    /// SMA arrival over a CPQ listener that no transfer reached, with the same Message-ID, sender and recipients
    /// within the join window. Each side is matched once, closest in time first, ties by key.
    /// </summary>
    private void MatchByMessageId()
    {
        var roots = _nodes.Values.Select(Find).Distinct().ToList();
        var handOffs = new List<(Hop Hop, long At, Node Root)>();
        var arrivals = new List<(Hop Hop, Node Root)>();
        foreach (var root in roots)
        {
            var c = root.Component!;
            foreach (var m in c.Members)
            {
                var h = m.Hop;
                if (h?.MessageId is null) continue;
                bool linkedOut = (c.Links ?? NoLinks).Any(l => l.Kind == LinkKind.CpqTransfer && l.From == h.Key) || (c.Pending ?? []).Any(pl => pl.From == h.Key);
                bool linkedIn = (c.Links ?? NoLinks).Any(l => l.Kind == LinkKind.CpqTransfer && l.To == h.Key);
                if (!h.ViaCpq && h.Destination == MailLogs.QuarantineDestination.CentralizedPolicy && h.DoneAt > 0 && !linkedOut)
                    handOffs.Add((h, h.AcceptedAt > 0 ? h.AcceptedAt : h.DoneAt, root));
                else if (h.ViaCpq && h.OriginalMid < 0 && !h.Aborted && !linkedIn && h.Role == ApplianceRole.Sma)
                    arrivals.Add((h, root));
            }
        }
        if (handOffs.Count == 0 || arrivals.Count == 0) return;
        var byId = arrivals.GroupBy(a => a.Hop.MessageId!, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var candidates = new List<(long Delta, Hop Esa, Hop Sma)>();
        foreach (var (esa, at, _) in handOffs)
        {
            if (!byId.TryGetValue(esa.MessageId!, out var list)) continue;
            foreach (var (sma, _) in list)
            {
                long delta = Math.Abs(sma.FirstSeen - at);
                if (delta > _options.JoinWindow.Ticks || !SameEnvelope(esa, sma)) continue;
                candidates.Add((delta, esa, sma));
            }
        }
        var usedEsa = new HashSet<HopKey>();
        var usedSma = new HashSet<HopKey>();
        foreach (var (_, esa, sma) in candidates.OrderBy(c => c.Delta).ThenBy(c => c.Esa.Key).ThenBy(c => c.Sma.Key))
        {
            if (!usedEsa.Add(esa.Key) || !usedSma.Add(sma.Key)) continue;
            var root = Union(_nodes[esa.Key], _nodes[sma.Key]);
            (root.Component!.Links ??= []).Add((esa.Key, sma.Key, LinkKind.MessageIdMatch));
        }
    }

    /// <summary>
    /// Same sender, and the SMA copy's recipients are among the ESA message's (a split or per-recipient policy can
    /// send only some recipients to the quarantine).
    /// </summary>
    private static bool SameEnvelope(Hop esa, Hop sma)
    {
        if (!string.Equals(esa.From, sma.From, StringComparison.OrdinalIgnoreCase)) return false;
        var esaTo = esa.To.Where(t => t.Length > 0).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var smaTo = sma.To.Where(t => t.Length > 0).ToList();
        return smaTo.Count > 0 && smaTo.All(esaTo.Contains);
    }

    // ------------------------------------------------------------------ union-find

    private Node GetOrCreate(HopKey key)
    {
        if (_nodes.TryGetValue(key, out var node)) return node;
        node = new Node(key);
        node.Parent = node;
        node.Component = new Component();
        node.Component.Members.Add(node);
        _nodes[key] = node;
        return node;
    }

    private static Node Find(Node n)
    {
        while (n.Parent != n)
        {
            n.Parent = n.Parent.Parent;
            n = n.Parent;
        }
        return n;
    }

    private static Node Union(Node a, Node b)
    {
        a = Find(a);
        b = Find(b);
        if (a == b) return a;
        if (a.Rank < b.Rank) (a, b) = (b, a);
        b.Parent = a;
        if (a.Rank == b.Rank) a.Rank++;
        var ca = a.Component!;
        var cb = b.Component!;
        b.Component = null;
        ca.Members.AddRange(cb.Members);
        if (cb.Links is not null) (ca.Links ??= []).AddRange(cb.Links);
        if (cb.Pending is not null) (ca.Pending ??= []).AddRange(cb.Pending);
        if (cb.Dependents is not null) (ca.Dependents ??= []).AddRange(cb.Dependents);
        ca.ParentLink ??= cb.ParentLink;
        ca.ParentId ??= cb.ParentId;
        return a;
    }
}
