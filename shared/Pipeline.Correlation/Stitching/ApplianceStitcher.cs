using System.Text;
using Pipeline.Correlation.Detection;
using Pipeline.Correlation.Model;
using Pipeline.MailLogs;
using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Stitching;

/// <summary>What the stitcher hands on (the appliance stage turns each call into stage messages).</summary>
public interface IStitchSink
{
    /// <summary>A hop whose message ended (final) or that was evicted past the horizon (not final).</summary>
    void Hop(Hop hop);

    /// <summary>A link between two hops on the same appliance.</summary>
    void Link(HopKey parent, HopKey child, LinkKind kind);

    /// <summary>A link to a hop on the appliance that owns <paramref name="targetIp"/> (not known here).</summary>
    void CrossLink(HopKey from, string targetIp, long targetMid, LinkKind kind);

    /// <summary>
    /// The appliance's event time moved on: its bookkeeping before <paramref name="settledBefore"/> may go, and what
    /// was last seen before <paramref name="horizonBefore"/> is handed on as it stands.
    /// </summary>
    void Clock(long settledBefore, long horizonBefore);

    /// <summary>The appliance showed <paramref name="ip"/> as its own.</summary>
    void AddressLearned(string ip);

    /// <summary>The appliance logged nothing between two lines for longer than the silence threshold.</summary>
    void Gap(long from, long to);

    /// <summary>A new point of a CPQ queue's backlog series.</summary>
    void QueueSampled(QueueWatch queue, BacklogPoint point);

    /// <summary>The MID counter came round again: the MID now names a new message.</summary>
    void MidReused(long mid);
}

/// <summary>An inbound connection while it is open.</summary>
public sealed class IcidInfo
{
    /// <summary>Opened (UTC ticks).</summary>
    public long Opened { get; set; }
    /// <summary>Sending peer.</summary>
    public string? RemoteIp { get; set; }
    /// <summary>A centralized quarantine listener (<c>New CPQ ICID</c>).</summary>
    public bool Cpq { get; set; }
    /// <summary>Closed (UTC ticks), 0 while open.</summary>
    public long Closed { get; set; }
}

/// <summary>A delivery connection while it is open.</summary>
public sealed class DcidInfo
{
    /// <summary>Opened (UTC ticks).</summary>
    public long Opened { get; set; }
    /// <summary>Receiving peer.</summary>
    public string? RemoteIp { get; set; }
    /// <summary>Port, -1 if not logged.</summary>
    public int Port { get; set; } = -1;
    /// <summary>Goes to a centralized quarantine listener (port, TLS name or a CPQ-bound message).</summary>
    public bool Cpq { get; set; }
    /// <summary>Closed (UTC ticks), 0 while open.</summary>
    public long Closed { get; set; }
    /// <summary>A failure on this connection was counted (a TLS failure logs two lines).</summary>
    public bool FailureCounted { get; set; }
    /// <summary>The first error on this connection (the cause; later lines only repeat the consequence).</summary>
    public string? Error { get; set; }
}

/// <summary>
/// Stitches one appliance's lines into messages (docs/logformat.md, "How lines link"): ICID, DCID and MID state,
/// recipient outcomes, MID→MID edges, CPQ hand-offs and releases, and the appliance's CPQ queue and health
/// detectors. It knows nothing of other appliances: what it finds goes to its <see cref="IStitchSink"/>. Driven by
/// event time only; lines may arrive out of order by up to <see cref="CorrelationOptions.AllowedLateness"/>.
/// </summary>
public sealed class ApplianceStitcher
{
    private static readonly long Minute = TimeSpan.TicksPerMinute;

    private readonly CorrelationOptions _o;
    private readonly IStitchSink _sink;
    private readonly AlertBook _alerts;

    private readonly Dictionary<long, Hop> _hops = [];
    private readonly Dictionary<long, IcidInfo> _icids = [];
    private readonly Dictionary<long, DcidInfo> _dcids = [];
    private readonly Queue<(long At, long Mid, long EndedAt)> _ending = new();
    private readonly Dictionary<string, QueueWatch> _cpqQueues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, QueueWatch> _releaseQueues = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Kind, string Peer), FailureWatch> _failures = [];
    private readonly QuarantineWatch _quarantine;
    private readonly Dictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly HashSet<string> _ownIps = new(StringComparer.Ordinal);
    private readonly ApplianceRole? _configuredRole;
    private long _esaEvidence;
    private long _smaEvidence;

    private long _lastTick;
    private long _lastSweep;
    private string? _cpqPeer; // the SMA this ESA last handed messages to

    /// <summary>Creates the stitcher of one appliance; its alerts go to <paramref name="alerts"/>.</summary>
    public ApplianceStitcher(string appliance, CorrelationOptions options, IStitchSink sink, AlertBook alerts)
    {
        Appliance = appliance;
        _o = options;
        _sink = sink;
        _alerts = alerts;
        _quarantine = new QuarantineWatch(appliance);
        if (options.Roles.TryGetValue(appliance, out var role)) _configuredRole = role;
    }

    /// <summary>The appliance name.</summary>
    public string Appliance { get; }

    /// <summary>Newest event time seen (UTC ticks).</summary>
    public long MaxTime { get; private set; }

    /// <summary>Oldest event time seen (UTC ticks).</summary>
    public long MinTime { get; private set; }

    /// <summary>Lines stitched (with a time).</summary>
    public long Lines { get; private set; }

    /// <summary>Messages in progress.</summary>
    public int OpenMessages => _hops.Count;

    /// <summary>The message in progress with <paramref name="mid"/>, if any.</summary>
    public Hop? OpenHop(long mid) => _hops.GetValueOrDefault(mid);

    /// <summary>
    /// The role: configured, else what the lines so far show (an appliance whose CPQ arrivals are quarantined more
    /// often than it scans or hands messages to a CPQ is an SMA), else ESA.
    /// </summary>
    public ApplianceRole Role => _configuredRole ?? (_smaEvidence > _esaEvidence ? ApplianceRole.Sma : ApplianceRole.Esa);

    /// <summary>The CPQ queues of this appliance (the.cpq.host per peer, the.cpq.release.host per peer).</summary>
    public IEnumerable<QueueWatch> Queues => _cpqQueues.Values.Concat(_releaseQueues.Values);

    /// <summary>Writes the stitcher's whole state (open messages, connections, detectors with their open alerts).</summary>
    public void Write(ProtocolWriter w)
    {
        w.String(Appliance);
        w.Varint(MaxTime);
        w.Varint(MinTime);
        w.Varint(Lines);
        w.Varint(_lastTick);
        w.Varint(_lastSweep);
        w.String(_cpqPeer);
        w.Varint(_esaEvidence);
        w.Varint(_smaEvidence);
        w.List(_hops.Values.OrderBy(h => h.Mid).ToList(), PayloadCodec.WriteHop);
        w.List(_icids.OrderBy(kv => kv.Key).ToList(), static (w, kv) =>
        {
            w.Varint(kv.Key);
            w.Varint(kv.Value.Opened);
            w.String(kv.Value.RemoteIp);
            w.Bool(kv.Value.Cpq);
            w.Varint(kv.Value.Closed);
        });
        w.List(_dcids.OrderBy(kv => kv.Key).ToList(), static (w, kv) =>
        {
            w.Varint(kv.Key);
            w.Varint(kv.Value.Opened);
            w.String(kv.Value.RemoteIp);
            w.Varint(kv.Value.Port);
            w.Bool(kv.Value.Cpq);
            w.Varint(kv.Value.Closed);
            w.Bool(kv.Value.FailureCounted);
            w.String(kv.Value.Error);
        });
        w.List(_ending, static (w, x) => { w.Varint(x.At); w.Varint(x.Mid); w.Varint(x.EndedAt); });
        w.List(_ownIps.Order(StringComparer.Ordinal).ToList(), static (w, ip) => w.String(ip));
        w.List(_cpqQueues.Values, static (w, q) => q.Write(w));
        w.List(_releaseQueues.Values, static (w, q) => q.Write(w));
        w.List(_failures.Values, static (w, f) => f.Write(w));
        _quarantine.Write(w);
    }

    /// <summary>Rebuilds a stitcher written by <see cref="Write"/>.</summary>
    public static ApplianceStitcher Read(ref ProtocolReader r, CorrelationOptions options, IStitchSink sink, AlertBook alerts)
    {
        var st = new ApplianceStitcher(r.RequiredString(), options, sink, alerts)
        {
            MaxTime = r.Varint(), MinTime = r.Varint(), Lines = r.Varint(), _lastTick = r.Varint(), _lastSweep = r.Varint(),
            _cpqPeer = r.String(), _esaEvidence = r.Varint(), _smaEvidence = r.Varint(),
        };
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var h = PayloadCodec.ReadHop(ref r);
            st._hops[h.Mid] = h;
        }
        for (int i = 0, n = r.Count(); i < n; i++)
            st._icids[r.Varint()] = new IcidInfo { Opened = r.Varint(), RemoteIp = r.String(), Cpq = r.Bool(), Closed = r.Varint() };
        for (int i = 0, n = r.Count(); i < n; i++)
            st._dcids[r.Varint()] = new DcidInfo
            {
                Opened = r.Varint(), RemoteIp = r.String(), Port = r.Int(), Cpq = r.Bool(), Closed = r.Varint(),
                FailureCounted = r.Bool(), Error = r.String(),
            };
        for (int i = 0, n = r.Count(); i < n; i++) st._ending.Enqueue((r.Varint(), r.Varint(), r.Varint()));
        for (int i = 0, n = r.Count(); i < n; i++) st._ownIps.Add(r.RequiredString());
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var q = QueueWatch.Read(ref r, st.Appliance);
            st._cpqQueues[q.Peer ?? ""] = q;
        }
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var q = QueueWatch.Read(ref r, st.Appliance);
            st._releaseQueues[q.Peer ?? ""] = q;
        }
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var f = FailureWatch.Read(ref r, st.Appliance);
            st._failures[(f.Kind, f.Peer)] = f;
        }
        st._quarantine.Read(ref r);
        return st;
    }

    private void RoleEvidence(ApplianceRole role)
    {
        if (role == ApplianceRole.Sma) _smaEvidence++;
        else _esaEvidence++;
    }

    /// <summary>Feeds one parsed line.</summary>
    public void Observe(in LogEvent e, ReadOnlySpan<byte> line)
    {
        if (e.Type == LineType.Unparsed || e.UtcTicks <= 0) return;
        // File headers carry no mail and, before the offset header of their file, not a trustworthy time either:
        // they must not move the appliance's clock.
        if (e.Type is LineType.LogfileBegin or LineType.LogfileEnd or LineType.LogfileRolledOver or LineType.ApplianceVersion
            or LineType.TimeOffset) return;
        long now = e.UtcTicks;
        Lines++;
        if (MinTime == 0 || now < MinTime) MinTime = now;
        if (now > MaxTime)
        {
            if (MaxTime > 0 && now - MaxTime > _o.SilentAfter.Ticks) _sink.Gap(MaxTime, now);
            MaxTime = now;
        }

        switch (e.Type)
        {
            case LineType.IcidNew:
                _icids[e.Icid] = new IcidInfo
                {
                    Opened = now, RemoteIp = Str(line, e.RemoteIp),
                    Cpq = e.ListenerType.Of(line).SequenceEqual("CPQ"u8),
                };
                LearnIp(line, e.InterfaceIp);
                break;
            case LineType.IcidClose or LineType.IcidLost:
                if (_icids.TryGetValue(e.Icid, out var closing)) closing.Closed = now;
                break;

            case LineType.MessageStart:
                Start(e.Mid, e.Icid, now);
                break;
            case LineType.MessageFrom:
                {
                    var hop = Get(e.Mid, now);
                    hop.From ??= Str(line, e.From) ?? "";
                    if (hop.Icid < 0) AttachIcid(hop, e.Icid);
                    break;
                }
            case LineType.MessageRecipient:
                {
                    var hop = Get(e.Mid, now);
                    int rid = (int)Math.Min(e.Rid, 10_000);
                    while (hop.To.Count <= rid) hop.To.Add("");
                    hop.To[rid] = Str(line, e.To) ?? "";
                    break;
                }
            case LineType.MessageIdHeader:
                Get(e.Mid, now).MessageId ??= Str(line, e.MessageId);
                break;
            case LineType.MessageSubject:
                Get(e.Mid, now).Subject ??= Str(line, e.Subject);
                break;
            case LineType.MessageReady:
                {
                    var hop = Get(e.Mid, now);
                    hop.Size = e.Size;
                    if (hop.From is null && e.From.HasValue) hop.From = Str(line, e.From);
                    break;
                }
            case LineType.EngineVerdict or LineType.AntivirusVerdict:
                RoleEvidence(ApplianceRole.Esa);
                Touch(e.Mid, now);
                break;

            case LineType.Quarantined:
                {
                    var hop = Get(e.Mid, now);
                    if (hop.QuarantinedAt == 0) hop.QuarantinedAt = now;
                    hop.Quarantine ??= Str(line, e.Quarantine);
                    hop.QuarantineReason ??= Str(line, e.Reason);
                    if (hop.ViaCpq) RoleEvidence(ApplianceRole.Sma);
                    _quarantine.Quarantined(now);
                    break;
                }
            case LineType.CpqEnqueued:
                {
                    var hop = Get(e.Mid, now);
                    if (hop.CpqEnqueuedAt == 0) hop.CpqEnqueuedAt = now;
                    hop.CpqQuarantine ??= Str(line, e.Quarantine);
                    hop.QuarantineReason ??= Str(line, e.Reason);
                    RoleEvidence(ApplianceRole.Esa);
                    CpqQueue(_cpqPeer).Add(hop.Mid, hop.CpqEnqueuedAt);
                    break;
                }
            case LineType.QuarantineReleased or LineType.QuarantineReleasedAll:
                {
                    var hop = Get(e.Mid, now);
                    if (hop.ReleasedAt == 0) hop.ReleasedAt = now;
                    hop.ReleaseReason ??= Str(line, e.Reason);
                    if (hop.ViaCpq) ReleaseQueue(hop.SourceIp).Add(hop.Mid, hop.ReleasedAt);
                    break;
                }
            case LineType.QuarantineDeleted:
                {
                    var hop = Get(e.Mid, now);
                    if (hop.DeletedAt == 0) hop.DeletedAt = now;
                    hop.DeleteReason ??= Str(line, e.Reason);
                    break;
                }

            case LineType.DcidNew:
                {
                    int port = e.Port;
                    _dcids[e.Dcid] = new DcidInfo { Opened = now, RemoteIp = Str(line, e.RemoteIp), Port = port, Cpq = port == _o.CpqPort };
                    LearnIp(line, e.InterfaceIp);
                    break;
                }
            case LineType.DcidTlsSuccess:
                {
                    var d = Dcid(e.Dcid, now);
                    if (e.TlsPeer.HasValue && e.TlsPeer.Of(line).IndexOf(".cpq."u8) >= 0) d.Cpq = true;
                    if (d.Cpq && d.RemoteIp is not null) CpqPeerReached(d.RemoteIp, now);
                    break;
                }
            case LineType.DcidTlsFailed or LineType.DcidTlsRequiredFailed:
                {
                    var d = Dcid(e.Dcid, now);
                    d.RemoteIp ??= Str(line, e.RemoteIp);
                    if (d.Cpq && d.RemoteIp is not null)
                    {
                        CpqPeerSeen(d.RemoteIp);
                        // "TLS was required ..." follows the real cause on the same connection: one failure, the cause as its text.
                        d.Error ??= e.Type == LineType.DcidTlsFailed ? Str(line, e.Error) : null;
                        if (!d.FailureCounted)
                        {
                            d.FailureCounted = true;
                            Failures(AlertKinds.CpqTlsFailure, d.RemoteIp).Failure(now, d.Error, -1, _o, _alerts);
                        }
                        NoteQueueError(d.RemoteIp, d.Error ?? "TLS was required but could not be successfully negotiated");
                    }
                    break;
                }
            case LineType.DcidClose:
                if (_dcids.TryGetValue(e.Dcid, out var dclose)) dclose.Closed = now;
                break;
            case LineType.ConnectionError:
                {
                    var d = Dcid(e.Dcid, now);
                    d.RemoteIp ??= Str(line, e.RemoteIp);
                    if (e.Port >= 0) d.Port = e.Port;
                    if (e.Port == _o.CpqPort || e.Domain.Of(line).IndexOf(".cpq."u8) >= 0) d.Cpq = true;
                    if (d.Cpq && d.RemoteIp is not null)
                    {
                        CpqPeerSeen(d.RemoteIp);
                        string error = Str(line, e.Error) ?? Str(line, e.Reason) ?? "connection error";
                        Failures(AlertKinds.CpqConnectFailure, d.RemoteIp).Failure(now, error, -1, _o, _alerts);
                        NoteQueueError(d.RemoteIp, error);
                    }
                    break;
                }

            case LineType.DeliveryStart:
                DeliveryStart(e, line, now);
                break;
            case LineType.MessageDone:
                MessageDone(e, line, now);
                break;
            case LineType.DeliveryResponse:
                Response(e, line, now);
                break;
            case LineType.DeliveryDelayed:
                {
                    var hop = Get(e.Mid, now);
                    hop.Deferrals++;
                    hop.LastError = Reason(line, e);
                    if (hop.WaitingForCpq || hop.WaitingForReturn) NoteQueueError(hop.LastDeliveryIp ?? _cpqPeer, hop.LastError);
                    break;
                }
            case LineType.DeliveryBounced:
                {
                    var hop = Get(e.Mid, now);
                    hop.BouncedRids += Recipients(e, line);
                    hop.LastError = Reason(line, e);
                    LeaveQueues(hop, now, success: false);
                    break;
                }
            case LineType.DeliveryPending:
                Touch(e.Mid, now);
                break;

            case LineType.MessageAborted:
                {
                    var hop = Get(e.Mid, now);
                    hop.Aborted = true;
                    hop.AbortReason ??= Str(line, e.Reason);
                    LeaveQueues(hop, now, success: false);
                    break;
                }
            case LineType.MessageFinished:
                {
                    var hop = Get(e.Mid, now);
                    if (e.Verdict.Of(line).SequenceEqual("aborted"u8)) hop.Aborted = true;
                    End(hop, now);
                    break;
                }

            case LineType.MidRewritten or LineType.EuqReinjected:
                {
                    var parent = Get(e.ParentMid, now);
                    parent.ContinuedAs = e.ChildMid;
                    Get(e.ChildMid, now);
                    _sink.Link(parent.Key, new HopKey(Appliance, e.ChildMid), e.Type == LineType.MidRewritten ? LinkKind.Rewritten : LinkKind.Reinjected);
                    End(parent, now);
                    break;
                }
            case LineType.MidGenerated or LineType.MidSplit or LineType.MidBounceOf:
                {
                    var child = Get(e.ChildMid, now);
                    var kind = e.Type switch { LineType.MidSplit => LinkKind.Split, LineType.MidGenerated => LinkKind.Generated, _ => LinkKind.BounceOf };
                    child.ParentMid = e.ParentMid;
                    child.ParentKind = kind;
                    _sink.Link(new HopKey(Appliance, e.ParentMid), child.Key, kind);
                    break;
                }
            case LineType.CpqReleaseReceived:
                {
                    var hop = Get(e.ChildMid, now);
                    hop.OriginalMid = e.ParentMid;
                    hop.ReleasedByIp = Str(line, e.RemoteIp);
                    RoleEvidence(ApplianceRole.Esa);
                    _sink.Link(new HopKey(Appliance, e.ParentMid), hop.Key, LinkKind.ReleaseReceived);
                    break;
                }

            case LineType.QuarantineUnavailable:
                _quarantine.Problem(now, "unavailable", Str(line, e.Reason), null, e.Mid, _o, _alerts);
                break;
            case LineType.QuarantineFull:
                if (e.Percent >= _o.QuarantineFullPercent)
                    _quarantine.Problem(now, "full", $"Quarantine \"{Str(line, e.Quarantine)}\" is {e.Percent}% full", Str(line, e.Quarantine), -1, _o, _alerts);
                break;
            case LineType.QuarantineConnectFailed:
                _quarantine.Problem(now, "connect_failed", Str(line, e.Error), null, -1, _o, _alerts);
                break;
            case LineType.ApplicationFault:
                _quarantine.Problem(now, "application_fault", "An application fault occurred: " + Str(line, e.Error), null, -1, _o, _alerts);
                break;

            default:
                if (e.Mid >= 0) Touch(e.Mid, now);
                break;
        }

        Tick();
    }

    // ------------------------------------------------------------------ messages

    private void Start(long mid, long icid, long now)
    {
        if (_hops.TryGetValue(mid, out var existing) && existing.Started && existing.EndedAt > 0)
        {
            // The MID counter came round again (appliance reset): the old message is over.
            Emit(existing, final: true);
            _hops.Remove(mid);
            _sink.MidReused(mid);
        }
        var hop = Get(mid, now);
        hop.Started = true;
        hop.FirstSeen = Math.Min(hop.FirstSeen, now);
        AttachIcid(hop, icid);
    }

    private void AttachIcid(Hop hop, long icid)
    {
        if (icid < 0) return;
        hop.Icid = icid;
        if (icid > 0 && _icids.TryGetValue(icid, out var info))
        {
            hop.SourceIp ??= info.RemoteIp;
            hop.ViaCpq |= info.Cpq;
        }
    }

    private Hop Get(long mid, long now)
    {
        if (!_hops.TryGetValue(mid, out var hop))
        {
            hop = new Hop { Appliance = Appliance, Mid = mid, FirstSeen = now, LastSeen = now };
            _hops[mid] = hop;
        }
        else
        {
            if (now < hop.FirstSeen) hop.FirstSeen = now;
            if (now > hop.LastSeen) hop.LastSeen = now;
        }
        return hop;
    }

    private void Touch(long mid, long now)
    {
        if (mid >= 0) Get(mid, now);
    }

    private void End(Hop hop, long now)
    {
        if (hop.EndedAt == 0 || now > hop.EndedAt) hop.EndedAt = now;
        LeaveQueues(hop, now, success: false);
        _ending.Enqueue((now, hop.Mid, hop.EndedAt));
    }

    private void DeliveryStart(in LogEvent e, ReadOnlySpan<byte> line, long now)
    {
        var hop = Get(e.Mid, now);
        var d = Dcid(e.Dcid, now);
        hop.LastDcid = e.Dcid;
        hop.LastDeliveryIp = d.RemoteIp;
        hop.LastDeliveryPort = d.Port;
        if (e.Destination != QuarantineDestination.None)
        {
            hop.Destination = e.Destination;
            if (e.Destination == QuarantineDestination.CentralizedPolicy) d.Cpq = true;
        }
        if (hop.Destination == QuarantineDestination.CentralizedPolicy)
        {
            RoleEvidence(ApplianceRole.Esa);
            if (hop.CpqEnqueuedAt == 0) hop.CpqEnqueuedAt = now; // no "enqueued" line in this version: the first attempt
            if (d.RemoteIp is not null) CpqPeerSeen(d.RemoteIp);
            MoveToQueue(hop, CpqQueue(d.RemoteIp ?? _cpqPeer), hop.CpqEnqueuedAt);
        }
        else if (hop.WaitingForReturn)
        {
            if (hop.SourceIp is null && d.RemoteIp is not null) hop.SourceIp = d.RemoteIp;
        }
    }

    /// <summary>
    /// This appliance talks to a CPQ at <paramref name="ip"/>. On an ESA, messages queued before any attempt named
    /// a peer move into that peer's queue (connection and TLS failures happen before any "Delivery start").
    /// </summary>
    private void CpqPeerSeen(string ip)
    {
        if (_cpqPeer == ip) return;
        _cpqPeer = ip;
        if (!_cpqQueues.TryGetValue("", out var unnamed) || unnamed.Count == 0) return;
        var target = CpqQueue(ip);
        foreach (var (since, mid) in unnamed.Waiting.ToList())
        {
            unnamed.Remove(mid, 0, success: false);
            target.Add(mid, since);
        }
    }

    /// <summary>Keeps a waiting message in the queue of the peer it is actually being sent to.</summary>
    private void MoveToQueue(Hop hop, QueueWatch target, long since)
    {
        foreach (var q in _cpqQueues.Values)
            if (q != target && q.Contains(hop.Mid)) q.Remove(hop.Mid, 0, success: false);
        target.Add(hop.Mid, since);
    }

    private void MessageDone(in LogEvent e, ReadOnlySpan<byte> line, long now)
    {
        var hop = Get(e.Mid, now);
        if (e.Destination != QuarantineDestination.None) hop.Destination = e.Destination;
        hop.DeliveredRids += Recipients(e, line);
        hop.DoneAt = now;
        if (e.Dcid >= 0 && hop.LastDcid != e.Dcid)
        {
            var d = Dcid(e.Dcid, now);
            hop.LastDcid = e.Dcid;
            hop.LastDeliveryIp = d.RemoteIp;
            hop.LastDeliveryPort = d.Port;
        }
        if (IsCpqConnection(hop) && hop.LastDeliveryIp is not null) CpqPeerReached(hop.LastDeliveryIp, now);
        LeaveQueues(hop, now, success: true);
    }

    /// <summary>A CPQ connection to <paramref name="ip"/> worked: its TLS and connection failure watches see a success.</summary>
    private void CpqPeerReached(string ip, long now)
    {
        Failures(AlertKinds.CpqTlsFailure, ip).Success(now);
        Failures(AlertKinds.CpqConnectFailure, ip).Success(now);
    }

    /// <summary>Recipients a delivery or bounce line is about: its RID list, or one when it has none.</summary>
    private static int Recipients(in LogEvent e, ReadOnlySpan<byte> line) => e.Rids.HasValue ? Math.Max(e.RidList(line).Count(), 1) : 1;

    private void Response(in LogEvent e, ReadOnlySpan<byte> line, long now)
    {
        var hop = Get(e.Mid, now);
        if (e.AcceptedMid < 0 || hop.AcceptedMid >= 0) return;
        hop.AcceptedMid = e.AcceptedMid;
        hop.AcceptedIp = hop.LastDeliveryIp;
        hop.AcceptedAt = now;
        hop.AcceptedByCpq = IsQuarantineHandOff(hop);
        LeaveQueues(hop, now, success: true);
        // Only quarantine hand-offs link appliances: any AsyncOS receiver answers "Message N accepted", but a
        // link is kept waiting for its target's address only when the delivery was CPQ-bound (bounded state).
        if (hop.AcceptedByCpq && hop.AcceptedIp is not null)
            _sink.CrossLink(hop.Key, hop.AcceptedIp, hop.AcceptedMid, hop.ViaCpq && hop.ReleasedAt > 0 ? LinkKind.CpqReturn : LinkKind.CpqTransfer);
    }

    /// <summary>A hand-off to a quarantine on another appliance: the CPQ either way, or the off-box spam quarantine.</summary>
    private bool IsQuarantineHandOff(Hop hop) => hop.Destination != QuarantineDestination.None || IsCpqConnection(hop);

    /// <summary>
    /// The delivery went over a CPQ connection (the.cpq.host, or the.cpq.release.host from an SMA): the CPQ port,
    /// a <c>the.cpq.*</c> TLS name or a CPQ-bound message on it. The off-box spam quarantine is a different queue.
    /// </summary>
    private bool IsCpqConnection(Hop hop) =>
        hop.Destination == QuarantineDestination.CentralizedPolicy || hop.LastDeliveryPort == _o.CpqPort
        || (hop.LastDcid >= 0 && _dcids.TryGetValue(hop.LastDcid, out var d) && d.Cpq)
        || (hop.ViaCpq && hop.ReleasedAt > 0);

    private void LeaveQueues(Hop hop, long now, bool success)
    {
        // Two loops over the maps themselves: no enumerator allocated on this per-delivery path.
        Leave(_cpqQueues);
        Leave(_releaseQueues);
        void Leave(Dictionary<string, QueueWatch> queues)
        {
            foreach (var q in queues.Values)
            {
                if (!q.Contains(hop.Mid)) continue;
                q.Remove(hop.Mid, now, success);
                q.Evaluate(now, _o, _alerts);
            }
        }
        if (success && hop.ViaCpq && hop.ReleasedAt > 0)
            ReleaseQueue(hop.SourceIp).Success(now);
        else if (success && IsCpqConnection(hop) && !hop.ViaCpq)
            CpqQueue(hop.LastDeliveryIp ?? _cpqPeer).Success(now);
    }

    private void NoteQueueError(string? peer, string? error)
    {
        if (error is null) return;
        foreach (var q in Queues)
            if (peer is null || q.Peer is null || q.Peer == peer) q.LastError = error;
    }

    private QueueWatch CpqQueue(string? peer)
    {
        string key = peer ?? "";
        if (!_cpqQueues.TryGetValue(key, out var q))
            _cpqQueues[key] = q = new QueueWatch(AlertKinds.CpqQueueStuck, Appliance, peer);
        return q;
    }

    private QueueWatch ReleaseQueue(string? peer)
    {
        string key = peer ?? "";
        if (!_releaseQueues.TryGetValue(key, out var q))
            _releaseQueues[key] = q = new QueueWatch(AlertKinds.CpqReleaseStuck, Appliance, peer);
        return q;
    }

    private FailureWatch Failures(string kind, string peer)
    {
        if (!_failures.TryGetValue((kind, peer), out var f)) _failures[(kind, peer)] = f = new FailureWatch(kind, Appliance, peer);
        return f;
    }

    private DcidInfo Dcid(long dcid, long now)
    {
        if (!_dcids.TryGetValue(dcid, out var d)) _dcids[dcid] = d = new DcidInfo { Opened = now };
        return d;
    }

    private void LearnIp(ReadOnlySpan<byte> line, TextRange ip)
    {
        if (!ip.HasValue) return;
        var s = Str(line, ip)!;
        if (_ownIps.Add(s)) _sink.AddressLearned(s);
    }

    private string? Reason(ReadOnlySpan<byte> line, in LogEvent e)
    {
        var reason = Str(line, e.Reason);
        return e.StatusCode.HasValue ? $"{Str(line, e.StatusCode)} - {reason}" : reason;
    }

    /// <summary>Text of a field; short repeated values (addresses, names) are shared, not copied per line.</summary>
    private string? Str(ReadOnlySpan<byte> line, TextRange r)
    {
        if (!r.HasValue) return null;
        var bytes = r.Of(line);
        if (bytes.Length > 48) return Encoding.UTF8.GetString(bytes);
        Span<char> chars = stackalloc char[64];
        int n = Encoding.UTF8.GetChars(bytes, chars);
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(chars[..n], out var s)) return s;
        s = new string(chars[..n]);
        if (_strings.Count < 100_000) _strings[s] = s;
        return s;
    }

    // ------------------------------------------------------------------ time

    /// <summary>Runs what depends on time: hops past the lateness are handed on, queues evaluated, old state swept.</summary>
    private void Tick()
    {
        long now = MaxTime;
        long settled = now - _o.AllowedLateness.Ticks;
        while (_ending.Count > 0 && _ending.Peek().At <= settled)
        {
            var (at, mid, endedAt) = _ending.Dequeue();
            // A later end (or a MID reused) scheduled the message again: that entry decides.
            if (!_hops.TryGetValue(mid, out var hop) || hop.EndedAt != endedAt) continue;
            if (hop.LastSeen > at)
            {
                // Lines kept coming after the end: wait for them to settle too.
                _ending.Enqueue((hop.LastSeen, mid, endedAt));
                continue;
            }
            _hops.Remove(mid);
            Emit(hop, final: true);
        }
        if (now - _lastTick < TimeSpan.TicksPerSecond) return;
        if (now / Minute != _lastTick / Minute)
            foreach (var q in Queues) Sample(q, now, final: false);
        _lastTick = now;
        foreach (var q in Queues) q.Evaluate(now, _o, _alerts);
        foreach (var f in _failures.Values) f.Evaluate(now, _o, _alerts);
        _quarantine.Evaluate(now, _o, _alerts);
        if (now - _lastSweep >= 10 * Minute) Sweep(now);
    }

    private void Sweep(long now)
    {
        _lastSweep = now;
        long horizon = now - _o.Horizon.Ticks;
        List<long>? old = null;
        foreach (var (mid, hop) in _hops)
            if (hop.LastSeen < horizon) (old ??= []).Add(mid);
        if (old is not null)
        {
            old.Sort();
            foreach (var mid in old)
            {
                var hop = _hops[mid];
                _hops.Remove(mid);
                foreach (var q in Queues) if (q.Contains(mid)) q.Remove(mid, now, success: false);
                Emit(hop, final: false);
            }
        }
        // Connections are short-lived; forget them an hour after they closed (or went quiet).
        long connectionHorizon = now - 60 * Minute;
        _sink.Clock(connectionHorizon, horizon);
        foreach (var icid in _icids.Where(kv => Math.Max(kv.Value.Opened, kv.Value.Closed) < connectionHorizon).Select(kv => kv.Key).ToList())
            _icids.Remove(icid);
        foreach (var dcid in _dcids.Where(kv => Math.Max(kv.Value.Opened, kv.Value.Closed) < connectionHorizon).Select(kv => kv.Key).ToList())
            _dcids.Remove(dcid);
    }

    private void Sample(QueueWatch q, long now, bool final)
    {
        if (q.Sample(now, final) is { } point) _sink.QueueSampled(q, point);
    }

    private void Emit(Hop hop, bool final)
    {
        hop.Final = final;
        hop.Role = Role;
        _sink.Hop(hop);
    }

    /// <summary>End of input: every message in progress is handed on as it stands (in MID order), queues evaluated.</summary>
    public void Flush()
    {
        long now = MaxTime;
        foreach (var q in Queues)
        {
            Sample(q, now, final: true);
            q.Evaluate(now, _o, _alerts);
            q.Finish(_alerts);
        }
        foreach (var f in _failures.Values)
        {
            f.Evaluate(now, _o, _alerts);
            f.Finish(_alerts);
        }
        _quarantine.Evaluate(now, _o, _alerts);
        _quarantine.Finish(_alerts);
        _ending.Clear();
        foreach (var mid in _hops.Keys.Order().ToList())
        {
            var hop = _hops[mid];
            _hops.Remove(mid);
            Emit(hop, final: hop.EndedAt > 0);
        }
    }
}
