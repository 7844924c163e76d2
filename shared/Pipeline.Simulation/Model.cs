namespace Pipeline.Simulation;

/// <summary>A time window of a fault on one appliance, in UTC milliseconds.</summary>
internal readonly record struct Window(long From, long To, int Fault)
{
    public bool Contains(long ms) => ms >= From && ms < To;
}

internal enum DestKind : byte { Internal, BccSink, External, SpamQuarantine }

/// <summary>Where an ESA delivers: the internal groupware, the bcc sink, an internet domain, or an SMA's spam quarantine.</summary>
internal sealed class Destination
{
    public int Index;
    public DestKind Kind;
    public byte[] Domain = [];
    public uint Ip;
    public int Port = 25;
    public bool Tls;
    public double DelayP;
    public double BounceP;
    public double ConnErrorP;
    public bool Dead;
    public int MaxConns = 2;
    public int ResponseStyle;
    public Appliance? Sma;
}

internal sealed class Appliance
{
    public int Index;
    public string Name = "";
    public bool IsSma;
    public uint Ip;
    public byte[] IpText = [];
    public string Hostname = "";
    public int UtcOffsetS;
    public LogFormat Format;
    public int SyslogVariant;
    public string Serial = "";
    public string Version = "";
    public Appliance? Sma;
    public ApplianceLog Log = null!;

    public long Mid, Icid, Dcid, IsqMid;

    public List<Window> Down = [];
    public List<Window> ListenerSuspended = [];
    public List<Window> TlsAnon = [];
    public List<Window> PortBlocked = [];
    public List<Window> AppFault = [];
    /// <summary>Quarantine full: the window starts at the 100% line (<see cref="Window.From"/>); the 90% warning is at the fault's start.</summary>
    public List<Window> QuarantineFull = [];

    // ESA
    public CpqLink? ToSma;
    public DestPool?[] Pools = [];
    public double ConnRate;
    public double ArrivalClock;

    // SMA
    public Dictionary<Appliance, CpqLink> Releases = [];
    public int Quarantined;

    // Status counters
    public long InjMsg, InjRcp, DlvRcp, HrdBnc, SftBnc, RejConn, ActiveRcp, ConnIn, ConnOut;

    public long NextMid() => ++Mid;
    public long NextIcid() => ++Icid;
    public long NextDcid() => ++Dcid;

    public static bool In(List<Window> windows, long ms, out int fault)
    {
        foreach (var w in windows)
        {
            if (w.Contains(ms))
            {
                fault = w.Fault;
                return true;
            }
        }
        fault = -1;
        return false;
    }

    public bool IsDown(long ms) => Down.Count > 0 && In(Down, ms, out _);

    /// <summary>End of the down window containing <paramref name="ms"/>, or -1.</summary>
    public long DownUntil(long ms)
    {
        foreach (var w in Down)
            if (w.Contains(ms)) return w.To;
        return -1;
    }
}

/// <summary>What a message carries across hops (the same on the ESA, the SMA and the released copy).</summary>
internal sealed class Content
{
    public byte[] From = [];
    public byte[] MessageId = [];
    public byte[] Subject = [];
    public int Size;
    public byte[]? Attachment;
    public bool Outbound;
    public Destination Dest = null!;
    /// <summary>Where mail back to the sender goes (bounces).</summary>
    public Destination ReplyDest = null!;
}

internal sealed class Hop
{
    public Appliance App = null!;
    public long Mid;
    public long Start;
    public long End = -1;
    public string Outcome = "open";
}

internal sealed class CpqState
{
    public Appliance Esa = null!;
    public long EsaMid;
    public Appliance Sma = null!;
    public long SmaMid = -1;
    public string Quarantine = "Policy";
    public long EnqueuedAt;
    public long TransferredAt = -1;
    public long ReleasedAt = -1;
    public string? ReleaseReason;
    public long DeletedAt = -1;
    public string? DeleteReason;
    public long ReleaseEsaMid = -1;
    public long ReturnedAt = -1;
    public List<long>? FailedSmaMids;
    public int DelayedAttempts;
}

/// <summary>One message journey (what truth.json calls a message).</summary>
internal sealed class Flow
{
    public long Serial;
    public string Id = "";
    public Content C = null!;
    public byte[][] To = [];
    public string? Parent;
    public string? ParentKind;
    public string Direction = "inbound";
    public List<Hop> Hops = new(2);
    public List<(Appliance App, long Parent, long Child)>? Edges;
    public CpqState? Cpq;
    public (Appliance Sma, long Mid)? SpamQuarantine;
    public string State = "open";
}

/// <summary>One MID on one appliance.</summary>
internal sealed class Msg
{
    public Flow Flow = null!;
    public Appliance App = null!;
    public long Mid;
    public Hop Hop = null!;
    public Content C = null!;
    public byte[][] To = [];
    public InboundConn? Conn;
    public Destination Dest = null!;
    public int RetryS;
    public long QueuedAt;
    public int Attempts;
    public bool NoBounce;
    public byte Verdict;          // Scan outcome (see Simulator.Verdicts)
    public string? QuarantineName; // CPQ quarantine
    public byte[]? QuarantineReason;
    public Msg? Origin;            // on the SMA: the ESA message; on a released copy: the SMA message
    public CpqLink? Link;          // on the SMA: the release link back
    public long QuarantinedAt;
    public bool Split;
}

/// <summary>An inbound SMTP connection on an ESA.</summary>
internal sealed class InboundConn
{
    public Appliance App = null!;
    public long Icid;
    public int Messages;
    public int Done;
    public bool Outbound;
    public uint RemoteIp;
    public int SenderDomain;
}

/// <summary>An outbound SMTP connection (DCID) of an ESA to a destination.</summary>
internal sealed class SmtpConn
{
    public long Dcid;
    public bool Busy;
    public long LastUsed;
    public int Count;
    public bool Closed;
    public DestPool Pool = null!;
    public Msg? Current;
}

internal sealed class DestPool
{
    public Appliance App = null!;
    public Destination Dest = null!;
    public List<SmtpConn> Conns = [];
    public Queue<Msg> Waiting = new();
}

/// <summary>
/// A CPQ queue: ESA → SMA (<c>the.cpq.host</c>) or SMA → ESA (<c>the.cpq.release.host</c>). Oldest first; one connection at
/// a time; failed attempts back off (2, 4, 8, 15 minutes).
/// </summary>
internal sealed class CpqLink
{
    public Appliance From = null!;
    public Appliance To = null!;
    public bool Release;
    public LinkedList<Msg> Pending = new();
    // Open connection
    public long Dcid = -1;
    public long PeerIcid = -1;
    public bool Busy;
    public long LastUsed;
    public int ConnCount;
    // Retry state
    public bool AttemptScheduled;
    public long NextAttempt;
    public int BackoffS;
    public List<Evidence> Open = [];
    public bool SendScheduled;
    public Msg? InFlight;
    public Msg? InFlightPeer;
}

/// <summary>What the logs show of one expected alert, gathered while simulating.</summary>
internal sealed class Evidence
{
    public int Fault;
    public string Kind = "";
    public Appliance App = null!;
    public Appliance? Peer;
    public long First = -1;
    public long Last = -1;
    public long Resolved = -1;
    public HashSet<long> Mids = [];
    public int Attempts;
    public long OldestAgeS;
    public HashSet<long> Stuck = [];
    public int MaxBacklog;
}
