using System.Globalization;

namespace Pipeline.Simulation;

internal enum EvKind : byte
{
    Arrival, MsgStart, MsgData, ConnClose, Scan1, Scan2, Deliver, DeliveryDone, SmtpIdle,
    CpqAttempt, CpqSend, CpqSendDone, CpqIdle, QuarantineFate, Status, AppFaultTick, QFullTick,
}

internal struct Ev
{
    public EvKind Kind;
    public Appliance Owner;
    public object? O;
    public int A;
}

internal readonly struct EvKey(long ms, long seq)
{
    public readonly long Ms = ms;
    public readonly long Seq = seq;
}

internal sealed class EvKeyComparer : IComparer<EvKey>
{
    public static readonly EvKeyComparer Instance = new();
    public int Compare(EvKey a, EvKey b) => a.Ms != b.Ms ? a.Ms.CompareTo(b.Ms) : a.Seq.CompareTo(b.Seq);
}

/// <summary>
/// The discrete-event simulation of an estate. Time is UTC milliseconds; events run in (time, sequence) order, so a seed
/// and options always give the same lines. Each event writes the lines of one step of one message or connection.
/// </summary>
internal sealed partial class Simulator : IDisposable
{
    public const int CpqPort = 7025;
    public const int IsqPort = 6025;
    private const int CpqBatch = 20;
    private const int CpqMaxPerConnection = 50;

    private readonly EstateOptions _o;
    private readonly Rng _r;
    private readonly long _startMs;
    private readonly long _endMs;
    private readonly List<Appliance> _apps = [];
    private readonly List<Appliance> _esas = [];
    private readonly List<Appliance> _smas = [];
    private readonly Names _names;
    private readonly Destination[] _dests;
    private readonly Destination _internal;
    private readonly Destination _bcc;
    private readonly Destination[] _external;
    private readonly Dictionary<Appliance, Destination> _isq = [];
    private readonly PriorityQueue<Ev, EvKey> _q = new(EvKeyComparer.Instance);
    private long _seq;
    private long _now;
    private readonly TruthWriter? _truth;
    private readonly Dictionary<long, Flow> _live = [];
    private long _flowSerial;
    private readonly List<FaultSpec> _faults;
    private readonly List<List<Evidence>> _evidence = [];
    private readonly Dictionary<string, long> _finalStates = new(StringComparer.Ordinal);
    private readonly SyslogConnection? _syslog;

    public Simulator(EstateOptions o, string? outDir, SyslogTarget? syslog, bool append, Stream? truthStream)
    {
        o.Validate();
        _o = o;
        _r = new Rng(o.Seed, 1);
        _startMs = Ms(o.Start);
        _endMs = Ms(o.End);
        _now = _startMs;
        _faults = [.. o.Faults];
        _names = new Names(new Rng(o.Seed, 2), "example.com");
        if (syslog is not null) _syslog = new SyslogConnection(syslog);

        try
        {
            BuildAppliances();
            (_dests, _internal, _bcc, _external) = BuildDestinations();
            foreach (var esa in _esas) esa.Pools = new DestPool?[_dests.Length];
            SetupFaults();
            CreateLogs(outDir, append);
        }
        catch
        {
            foreach (var a in _apps) a.Log?.Dispose();
            _syslog?.Dispose();
            throw;
        }

        if (truthStream is not null) _truth = new TruthWriter(truthStream, o, _apps, o.TruthMessages);

        foreach (var a in _apps)
        {
            a.Log.WriteHeaders(_startMs);
            if (o.StatusInterval > TimeSpan.Zero) At(_startMs + _r.Ms(1, Math.Max(1, o.StatusInterval.TotalSeconds)), EvKind.Status, a, null);
        }
        foreach (var esa in _esas) At(_startMs + _r.Ms(0, 2), EvKind.Arrival, esa, null);
    }

    public static long Ms(DateTime utc) => (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;

    // ------------------------------------------------------------------ estate

    private static readonly int[] Offsets = [-21600, -18000, 0, 3600, -25200, 19800, 32400, -14400, 7200, 28800, -28800, 36000];

    private void BuildAppliances()
    {
        var r = new Rng(_o.Seed, 3);
        int esaWidth = Math.Max(2, _o.Esa.ToString(CultureInfo.InvariantCulture).Length);
        int smaWidth = Math.Max(2, _o.Sma.ToString(CultureInfo.InvariantCulture).Length);
        // Counters start close together on every appliance, so MIDs, ICIDs and DCIDs collide across appliances.
        long midBase = 100_000 + r.Next(9_000_000), icidBase = 200_000 + r.Next(9_000_000), dcidBase = 50_000 + r.Next(900_000);
        int syslogOrdinal = 0;
        for (int i = 0; i < _o.Sma; i++)
        {
            var a = new Appliance
            {
                IsSma = true,
                Name = "sma" + (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(smaWidth, '0'),
                Ip = (10u << 24) | (9u << 16) | (uint)(5 + i),
                Version = "15.0.0-334",
            };
            _smas.Add(a);
        }
        for (int i = 0; i < _o.Esa; i++)
        {
            var a = new Appliance
            {
                Name = "esa" + (i + 1).ToString(CultureInfo.InvariantCulture).PadLeft(esaWidth, '0'),
                Ip = (10u << 24) | (1u << 16) | ((uint)(i / 200) << 8) | (uint)(10 + i % 200),
                Version = "15.0.0-104",
                Sma = _smas[i % _smas.Count],
            };
            _esas.Add(a);
        }
        _apps.AddRange(_esas);
        _apps.AddRange(_smas);
        for (int k = 0; k < _apps.Count; k++)
        {
            var a = _apps[k];
            a.Index = k;
            a.IpText = Utf8.Bytes(IpString(a.Ip));
            a.Hostname = a.Name + ".example.net";
            a.UtcOffsetS = Offsets[r.Next(Offsets.Length)];
            a.Serial = $"{r.NextULong():X16}{r.Next(65536):X4}-{r.NextULong() & 0xFFFFFFFFFFFF:X12}";
            a.Mid = midBase + r.Next(50);
            a.Icid = icidBase + r.Next(50);
            a.Dcid = dcidBase + r.Next(50);
            a.IsqMid = 30_000_000 + r.Next(900_000);
            a.Format = _o.Format switch
            {
                LogFormat.Mixed => k % 2 == 0 ? LogFormat.File : LogFormat.Syslog,
                var f => f,
            };
            if (_syslog is not null) a.Format = LogFormat.Syslog;
            // Over the network every line carries PRI and host (RFC 3164); in files, the variants a syslog daemon writes.
            if (a.Format == LogFormat.Syslog) a.SyslogVariant = _syslog is not null ? 0 : syslogOrdinal++ % 3;
        }
        double perEsa = _o.EffectiveRate / _esas.Count;
        foreach (var esa in _esas)
        {
            // Messages per connection: 0.49 of connections are accepted (all relays, 40% of inbound), carrying 1.4 messages on average.
            esa.ConnRate = perEsa / (0.49 * 1.4);
            var link = new CpqLink { From = esa, To = esa.Sma!, Release = false };
            esa.ToSma = link;
            esa.Sma!.Releases[esa] = new CpqLink { From = esa.Sma, To = esa, Release = true };
        }
    }

    internal static string IpString(uint ip) => $"{ip >> 24}.{(ip >> 16) & 255}.{(ip >> 8) & 255}.{ip & 255}";

    private (Destination[], Destination, Destination, Destination[]) BuildDestinations()
    {
        var r = new Rng(_o.Seed, 4);
        var list = new List<Destination>();
        var hub = new Destination { Kind = DestKind.Internal, Domain = _names.InternalDomain, Ip = (10u << 24) | (20u << 16) | 25, MaxConns = 10, DelayP = 0.002, BounceP = 0.006, ResponseStyle = 2 };
        var bcc = new Destination { Kind = DestKind.BccSink, Domain = Utf8.Bytes("fireeye.example.com"), Ip = (10u << 24) | (30u << 16) | 10, MaxConns = 4, ResponseStyle = 0 };
        list.Add(hub);
        list.Add(bcc);
        var ext = new Destination[_names.ExternalDomains.Length];
        for (int i = 0; i < ext.Length; i++)
        {
            ext[i] = new Destination
            {
                Kind = DestKind.External,
                Domain = _names.ExternalDomains[i],
                Ip = RandomPublicIp(r),
                Tls = r.Chance(0.65),
                DelayP = r.Chance(0.15) ? 0.15 : 0.01,
                BounceP = 0.015,
                ConnErrorP = 0.003,
                Dead = i % 150 == 149,
                MaxConns = 2,
                ResponseStyle = r.Next(2),
            };
            list.Add(ext[i]);
        }
        foreach (var sma in _smas)
        {
            var d = new Destination { Kind = DestKind.SpamQuarantine, Domain = Utf8.Bytes("the.euq.queue"), Ip = sma.Ip, Port = IsqPort, MaxConns = 2, Sma = sma };
            _isq[sma] = d;
            list.Add(d);
        }
        for (int i = 0; i < list.Count; i++) list[i].Index = i;
        return (list.ToArray(), hub, bcc, ext);
    }

    private static uint RandomPublicIp(Rng r)
    {
        while (true)
        {
            uint a = (uint)r.Range(11, 223);
            if (a is 100 or 127 or 169 or 172 or 192 or 198 or 203) continue;
            return a << 24 | (uint)r.Next(256) << 16 | (uint)r.Next(256) << 8 | (uint)r.Range(1, 254);
        }
    }

    // ------------------------------------------------------------------ faults

    private void SetupFaults()
    {
        for (int i = 0; i < _faults.Count; i++)
        {
            var f = _faults[i];
            _evidence.Add([]);
            var app = _apps.FirstOrDefault(a => a.Name == f.Appliance)
                      ?? throw new ArgumentException($"fault '{f.Spec}': no appliance '{f.Appliance}' (the estate has {string.Join(", ", _apps.Select(a => a.Name))})");
            bool needsEsa = f.Kind is FaultKind.TlsAnon or FaultKind.PortBlocked;
            bool needsSma = f.Kind is FaultKind.SmaAppFault or FaultKind.QuarantineFull;
            if (needsEsa && app.IsSma) throw new ArgumentException($"fault '{f.Spec}': {FaultSpec.KindName(f.Kind)} applies to an ESA, {app.Name} is an SMA");
            if (needsSma && !app.IsSma) throw new ArgumentException($"fault '{f.Spec}': {FaultSpec.KindName(f.Kind)} applies to an SMA, {app.Name} is an ESA");
            long from = Ms(f.From), to = Ms(f.To);
            var w = new Window(from, to, i);
            switch (f.Kind)
            {
                case FaultKind.TlsAnon: app.TlsAnon.Add(w); break;
                case FaultKind.PortBlocked: app.PortBlocked.Add(w); break;
                case FaultKind.ListenerSuspended: app.ListenerSuspended.Add(w); break;
                case FaultKind.SmaAppFault:
                    app.AppFault.Add(w);
                    At(Math.Max(from, _startMs), EvKind.AppFaultTick, app, w);
                    break;
                case FaultKind.QuarantineFull:
                {
                    long full = from + Math.Min(5 * 60_000, (to - from) / 4);
                    app.QuarantineFull.Add(new Window(full, to, i));
                    At(Math.Max(from, _startMs), EvKind.QFullTick, app, w, 90);
                    At(Math.Max(full, _startMs), EvKind.QFullTick, app, w, 100);
                    break;
                }
                case FaultKind.Silent:
                {
                    app.Down.Add(w);
                    long a = Math.Max(from, _startMs), b = Math.Min(to, _endMs);
                    if (a < b)
                    {
                        var e = GetEvidence(i, "appliance_silent", app, null);
                        e.First = a;
                        e.Last = b;
                        e.Resolved = to < _endMs ? to : -1;
                    }
                    break;
                }
            }
        }
    }

    /// <summary>Opens each appliance's output (after the options and faults are known to be valid).</summary>
    private void CreateLogs(string? outDir, bool append)
    {
        foreach (var a in _apps)
        {
            ILogOutput output;
            if (_syslog is not null) output = new SyslogLogOutput(_syslog);
            else if (outDir is null) output = new NullLogOutput();
            else
            {
                var dir = Path.Combine(outDir, a.Name);
                // A batch run replaces the appliance's earlier logs; a follow run appends to them.
                if (!append && Directory.Exists(dir))
                    foreach (var old in Directory.GetFiles(dir, "mail_logs.*")) File.Delete(old);
                output = new FileLogOutput(dir, _o.RotateBytes, _startMs / 1000 + a.UtcOffsetS, append);
            }
            a.Log = new ApplianceLog(output, new Rng(_o.Seed, 1000 + (ulong)a.Index), a.UtcOffsetS, a.Format == LogFormat.File, a.SyslogVariant,
                a.Hostname, a.Version, a.Serial, _o.WrapRate, _o.DisorderRate);
            if (a.Down.Count > 0)
            {
                var app = a;
                a.Log.Guard = ms => app.IsDown(ms);
            }
        }
    }

    private Evidence GetEvidence(int fault, string kind, Appliance app, Appliance? peer)
    {
        foreach (var e in _evidence[fault])
            if (e.Kind == kind && e.App == app && e.Peer == peer) return e;
        var n = new Evidence { Fault = fault, Kind = kind, App = app, Peer = peer };
        _evidence[fault].Add(n);
        return n;
    }

    private void Signal(Evidence e, long t)
    {
        if (e.First < 0) e.First = t;
        e.Last = t;
        e.Resolved = -1;
    }

    private void AppFaultTick(Appliance sma, Window w)
    {
        if (!w.Contains(_now)) return;
        sma.Log.Begin(_now, Level.Critical).S("An application fault occurred: ('quarantine/cpq_server.py _store_message|412', \"<class 'Quarantine.QuarantineStoreError'>: database is locked\")"u8).End();
        Signal(GetEvidence(w.Fault, "quarantine_unavailable", sma, null), _now);
        long next = _now + _r.Ms(8 * 60, 12 * 60);
        if (next < w.To) At(next, EvKind.AppFaultTick, sma, w);
    }

    private void QFullTick(Appliance sma, Window w, int percent)
    {
        if (!w.Contains(_now)) return;
        sma.Log.Begin(_now, Level.Warning).S("Quarantine \"Policy\" is "u8).N(percent).S("% full"u8).End();
        Signal(GetEvidence(w.Fault, "quarantine_unavailable", sma, null), _now);
        if (percent == 100)
        {
            long next = _now + 15 * 60_000;
            if (next < w.To) At(next, EvKind.QFullTick, sma, w, 100);
        }
    }

    // ------------------------------------------------------------------ event loop

    private void At(long ms, EvKind kind, Appliance owner, object? o, int a = 0)
    {
        if (ms < _now) ms = _now;
        _q.Enqueue(new Ev { Kind = kind, Owner = owner, O = o, A = a }, new EvKey(ms, _seq++));
    }

    /// <summary>Runs the simulation to the end (or until cancelled), pacing with <paramref name="pacer"/> in follow mode.</summary>
    public void Run(Pacer? pacer, CancellationToken ct)
    {
        while (_q.TryPeek(out _, out var key))
        {
            if (key.Ms >= _endMs) break;
            if (pacer is not null && !pacer.WaitFor(key.Ms, FlushAll, ct)) break;
            var ev = _q.Dequeue();
            _now = key.Ms;
            Dispatch(ev);
        }
        if (pacer is null || !ct.IsCancellationRequested) _now = Math.Max(_now, _endMs);
    }

    private void Dispatch(in Ev ev)
    {
        var owner = ev.Owner;
        if (owner.Down.Count > 0)
        {
            long until = owner.DownUntil(_now);
            if (until >= 0)
            {
                Deferred(ev, until);
                return;
            }
        }
        switch (ev.Kind)
        {
            case EvKind.Arrival: Arrival(owner); break;
            case EvKind.MsgStart: MsgStart((InboundConn)ev.O!); break;
            case EvKind.MsgData: MsgData((Msg)ev.O!); break;
            case EvKind.ConnClose: ConnClose((InboundConn)ev.O!); break;
            case EvKind.Scan1: Scan1((Msg)ev.O!); break;
            case EvKind.Scan2: Scan2((Msg)ev.O!); break;
            case EvKind.Deliver: Deliver((Msg)ev.O!); break;
            case EvKind.DeliveryDone: DeliveryDone((SmtpConn)ev.O!); break;
            case EvKind.SmtpIdle: SmtpIdle((SmtpConn)ev.O!); break;
            case EvKind.CpqAttempt: CpqAttempt((CpqLink)ev.O!); break;
            case EvKind.CpqSend: CpqSend((CpqLink)ev.O!); break;
            case EvKind.CpqSendDone: CpqSendDone((CpqLink)ev.O!); break;
            case EvKind.CpqIdle: CpqIdle((CpqLink)ev.O!); break;
            case EvKind.QuarantineFate: QuarantineFate((Msg)ev.O!); break;
            case EvKind.Status: Status(owner); break;
            case EvKind.AppFaultTick: AppFaultTick(owner, (Window)ev.O!); break;
            case EvKind.QFullTick: QFullTick(owner, (Window)ev.O!, ev.A); break;
        }
    }

    /// <summary>An event of a frozen (silent) appliance: work resumes when the window ends; periodic lines are skipped.</summary>
    private void Deferred(in Ev ev, long until)
    {
        switch (ev.Kind)
        {
            case EvKind.Arrival:
                At(until + _r.Ms(0, 5), EvKind.Arrival, ev.Owner, null);
                break;
            case EvKind.Status:
                At(until + _r.Ms(0, Math.Max(1, _o.StatusInterval.TotalSeconds)), EvKind.Status, ev.Owner, null);
                break;
            case EvKind.AppFaultTick:
            case EvKind.QFullTick:
                if (((Window)ev.O!).Contains(until)) At(until, ev.Kind, ev.Owner, ev.O, ev.A);
                break;
            default:
                _q.Enqueue(ev, new EvKey(until + _r.Ms(0.2, 5), _seq++));
                break;
        }
    }

    private void FlushAll()
    {
        foreach (var a in _apps)
        {
            a.Log.FlushHeld();
            a.Log.Flush();
        }
        _syslog?.Flush();
    }

    // ------------------------------------------------------------------ status lines

    private void Status(Appliance a)
    {
        var L = a.Log;
        int cpu = 2 + _r.Next(20);
        L.Begin(_now).S("Status: CPULd "u8).N(cpu).S(" DskIO "u8).N(_r.Next(5)).S(" RAMUtil "u8).N(10 + _r.Next(15))
            .S(" QKUsd "u8).N(a.ActiveRcp * 3).S(" QKFre 8388608 CrtMID "u8).N(a.Mid).S(" CrtICID "u8).N(a.Icid)
            .S(" CrtDCID "u8).N(a.Dcid).S(" InjMsg "u8).N(a.InjMsg).S(" InjRcp "u8).N(a.InjRcp).S(" GenBncRcp "u8).N(a.HrdBnc)
            .S(" RejRcp "u8).N(a.RejConn).S(" DrpMsg 0 SftBncEvnt "u8).N(a.SftBnc).S(" CmpRcp "u8).N(a.DlvRcp + a.HrdBnc)
            .S(" HrdBncRcp "u8).N(a.HrdBnc).S(" DnsHrdBnc 0 5XXHrdBnc "u8).N(a.HrdBnc).S(" FltrHrdBnc 0 ExpHrdBnc 0 OtrHrdBnc 0 DlvRcp "u8)
            .N(a.DlvRcp).S(" DelRcp 0 GlbUnsbHt 0 ActvRcp "u8).N(a.ActiveRcp).S(" UnatmptRcp "u8).N(a.ActiveRcp / 2)
            .S(" AttmptRcp "u8).N(a.ActiveRcp - a.ActiveRcp / 2).S(" CrtCncIn "u8).N(a.ConnIn).S(" CrtCncOut "u8).N(a.ConnOut)
            .S(" WorkQ "u8).N(_r.Next(3)).S(" QuarMsgs "u8).N(a.Quarantined).S(" QuarQKUsd "u8).N(a.Quarantined * 24)
            .S(" LogUsd 5 SophLd 0 BMLd 0 CASELd "u8).N(cpu / 2).S(" TotalLd "u8).N(cpu + 3).S(" LogAvail 98G EuQ 0 EuqRls 0"u8).End();
        At(_now + (long)_o.StatusInterval.TotalMilliseconds, EvKind.Status, a, null);
    }

    // ------------------------------------------------------------------ truth

    private Flow NewFlow(Appliance app, long mid, Content c, byte[][] to, string direction, Flow? parent, string? parentKind)
    {
        var f = new Flow
        {
            Serial = ++_flowSerial,
            C = c,
            To = to,
            Direction = direction,
            Parent = parent?.Id,
            ParentKind = parentKind,
        };
        f.Id = string.Create(CultureInfo.InvariantCulture, $"{app.Name}:{mid}:{TruthWriter.Time(_now):yyyyMMdd'T'HHmmss'Z'}");
        _live[f.Serial] = f;
        return f;
    }

    private Hop AddHop(Flow f, Appliance app, long mid)
    {
        var h = new Hop { App = app, Mid = mid, Start = _now };
        f.Hops.Add(h);
        return h;
    }

    /// <summary>The journey is over: write it to the truth now.</summary>
    private void Finish(Flow f, string state)
    {
        f.State = state;
        if (!_live.Remove(f.Serial)) return; // written already
        Count(state);
        _truth?.Message(f);
    }

    private void Count(string state) => _finalStates[state] = _finalStates.GetValueOrDefault(state) + 1;

    /// <summary>Writes the still-open journeys, the faults and the summary; closes the logs.</summary>
    public GenerationResult Complete()
    {
        foreach (var f in _live.Values.OrderBy(f => f.Serial).ToList())
        {
            Count(f.State);
            _truth?.Message(f);
        }
        _live.Clear();
        var summary = new TruthSummary { Messages = _flowSerial }; // one serial per journey
        foreach (var a in _apps)
        {
            a.Log.FlushHeld();
            summary.Lines += a.Log.Lines;
            summary.PhysicalLines += a.Log.PhysicalLines;
            summary.Bytes += a.Log.Bytes;
        }
        foreach (var (k, v) in _finalStates) summary.FinalStates[k] = v;
        // Each alert's evidence, in a stable order.
        for (int i = 0; i < _evidence.Count; i++)
            _evidence[i] = [.. _evidence[i].OrderBy(e => e.Kind, StringComparer.Ordinal).ThenBy(e => e.App.Index).ThenBy(e => e.Peer?.Index ?? -1)];
        _truth?.Finish(_now, _faults, _evidence, summary);
        var result = new GenerationResult
        {
            Lines = summary.Lines,
            PhysicalLines = summary.PhysicalLines,
            Bytes = summary.Bytes,
            Messages = summary.Messages,
            SuppressedLines = _apps.Sum(a => a.Log.Suppressed),
            WrappedLines = _apps.Sum(a => a.Log.WrappedLines),
            EndUtc = TruthWriter.Time(_now),
        };
        Dispose();
        foreach (var a in _apps) result.Files.AddRange(a.Log.Output.Files);
        return result;
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (var a in _apps) a.Log?.Dispose();
        _truth?.Dispose();
        _syslog?.Dispose();
    }
}
