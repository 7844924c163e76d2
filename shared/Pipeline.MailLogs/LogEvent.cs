namespace Pipeline.MailLogs;

/// <summary>Severity written by the appliance before the message text.</summary>
public enum MailLogLevel : byte
{
    /// <summary>No level could be read.</summary>
    Unknown = 0,
    /// <summary><c>Trace:</c></summary>
    Trace,
    /// <summary><c>Debug:</c></summary>
    Debug,
    /// <summary><c>Info:</c></summary>
    Info,
    /// <summary><c>Warning:</c></summary>
    Warning,
    /// <summary><c>Critical:</c></summary>
    Critical,
}

/// <summary>How the line reached us.</summary>
public enum EnvelopeKind : byte
{
    /// <summary>No recognised prefix (a continuation without a start, or garbage).</summary>
    None = 0,
    /// <summary>The appliance's own file format: <c>Wed Nov 19 09:16:38 2014 Info: ...</c>.</summary>
    File,
    /// <summary>RFC 3164 syslog, with or without <c>&lt;PRI&gt;</c>, year and host.</summary>
    Syslog3164,
    /// <summary>RFC 5424 syslog.</summary>
    Syslog5424,
    /// <summary>A relay's own layout with the year first: <c>2019 Sep 28 16:13:51 host mail [info] tag Info: ...</c>.</summary>
    Relay,
    /// <summary>A file-format line whose first characters were cut off: <c>i Sep  8 10:11:12 2023 Info: ...</c>.</summary>
    Truncated,
}

/// <summary>Where a CPQ-bound or quarantine-bound delivery goes (from its trailer).</summary>
public enum QuarantineDestination : byte
{
    /// <summary>An ordinary delivery.</summary>
    None = 0,
    /// <summary><c>to Centralized Policy Quarantine</c> / <c>(centralized policy quarantine)</c>: the CPQ on the SMA.</summary>
    CentralizedPolicy,
    /// <summary><c>(external quarantine)</c>: the off-box spam quarantine.</summary>
    ExternalSpam,
    /// <summary><c>RPC Delivery start ... to local IronPort Spam Quarantine</c>: the spam quarantine on the appliance itself.</summary>
    LocalSpam,
}

/// <summary>
/// One parsed logical line. Text fields are <see cref="TextRange"/>s into that line; ids are -1 when absent.
/// A value type that the parser fills in place, so the hot path allocates nothing.
/// </summary>
public struct LogEvent
{
    /// <summary>The line type (<see cref="LineType.Unparsed"/> when unknown).</summary>
    public LineType Type;
    /// <summary>The level before the message text.</summary>
    public MailLogLevel Level;
    /// <summary>The envelope the line came in.</summary>
    public EnvelopeKind Envelope;
    /// <summary>Where a delivery goes, for <see cref="LineType.DeliveryStart"/> and <see cref="LineType.MessageDone"/>.</summary>
    public QuarantineDestination Destination;
    /// <summary>
    /// Why the line is <see cref="LineType.Unparsed"/>, or why a generic note (<see cref="LineTypes.IsNote"/>) is not a
    /// typed event: one of <see cref="UnparsedReasons"/>.
    /// </summary>
    public string? UnparsedReason;

    /// <summary>Event time in UTC (DateTime ticks), 0 when the line has no readable time.</summary>
    public long UtcTicks;
    /// <summary>The time as written by the appliance (its local time), DateTime ticks.</summary>
    public long LocalTicks;

    /// <summary>Syslog host, when the envelope has one.</summary>
    public TextRange Host;
    /// <summary>Syslog tag (log subscription name), without the colon.</summary>
    public TextRange Tag;
    /// <summary>The message text after <c>Level: </c>.</summary>
    public TextRange Body;

    /// <summary>Message id (the first MID the line names).</summary>
    public long Mid;
    /// <summary>Inbound connection id.</summary>
    public long Icid;
    /// <summary>Delivery connection id.</summary>
    public long Dcid;
    /// <summary>RPC connection id (the hand-off to the spam quarantine: <c>RPC Delivery start RCID r MID m</c>).</summary>
    public long Rcid;
    /// <summary>A single recipient index (<c>RID 0 To:</c>, Delayed, Bounced).</summary>
    public long Rid;
    /// <summary>A recipient list, the text between the brackets of <c>RID [0, 1, 2]</c>; see <see cref="RidList"/>.</summary>
    public TextRange Rids;
    /// <summary>For MID→MID edges: the earlier message (original, parent, old).</summary>
    public long ParentMid;
    /// <summary>For MID→MID edges: the later message (copy, child, new, bounce, released copy).</summary>
    public long ChildMid;
    /// <summary>The receiver's MID from a response <c>Message N accepted</c> (the SMA's MID on a CPQ hand-off).</summary>
    public long AcceptedMid;

    /// <summary>Envelope sender.</summary>
    public TextRange From;
    /// <summary>Envelope recipient.</summary>
    public TextRange To;
    /// <summary>The Message-ID header, without quotes or angle brackets.</summary>
    public TextRange MessageId;
    /// <summary>The Subject header, without the surrounding quotes.</summary>
    public TextRange Subject;
    /// <summary>Message size in bytes (<c>ready N bytes</c>; the size for <c>was too big</c>).</summary>
    public long Size;
    /// <summary>A name: per-recipient policy, attachment, sender group, filter.</summary>
    public TextRange Name;
    /// <summary>Scanning engine (CASE, Sophos, SPF, DKIM...).</summary>
    public TextRange Engine;
    /// <summary>Verdict text (<c>spam negative</c>, <c>CLEAN</c>, <c>positive</c>, <c>done</c>...).</summary>
    public TextRange Verdict;
    /// <summary>A score (SBRS of a HAT decision).</summary>
    public TextRange Score;
    /// <summary>Threat or rule detail (<c>W32/Sober-P</c>, HAT match rule, SBRS score...).</summary>
    public TextRange Detail;
    /// <summary>Quarantine name.</summary>
    public TextRange Quarantine;
    /// <summary>A reason: quarantine reason, release reason, abort reason, bounce or delay text, connection error reason.</summary>
    public TextRange Reason;
    /// <summary>Seconds in quarantine (<c>t=190</c>), or -1.</summary>
    public long DwellSeconds;
    /// <summary>A percentage (quarantine fill level), or -1.</summary>
    public int Percent;

    /// <summary>Listener type of <c>New &lt;type&gt; ICID</c> (SMTP, CPQ...).</summary>
    public TextRange ListenerType;
    /// <summary>Interface name (<c>Data 1</c>, <c>Management</c>).</summary>
    public TextRange InterfaceName;
    /// <summary>The appliance's own address on this connection.</summary>
    public TextRange InterfaceIp;
    /// <summary>The other end's address.</summary>
    public TextRange RemoteIp;
    /// <summary>Reverse DNS host of the other end.</summary>
    public TextRange RemoteHost;
    /// <summary>Whether the reverse DNS was verified (1), not (0), or unknown (-1).</summary>
    public sbyte Verified;
    /// <summary>Destination domain (connection errors).</summary>
    public TextRange Domain;
    /// <summary>TCP port, or -1.</summary>
    public int Port;
    /// <summary>TLS protocol.</summary>
    public TextRange TlsProtocol;
    /// <summary>TLS cipher.</summary>
    public TextRange TlsCipher;
    /// <summary>What follows the cipher: <c>the.cpq.host</c>, <c>for domain</c>, certificate name.</summary>
    public TextRange TlsPeer;
    /// <summary>Error text (TLS failure, connection error details).</summary>
    public TextRange Error;
    /// <summary>The SMTP response text of a delivery.</summary>
    public TextRange Response;
    /// <summary>Enhanced status code of a delay or bounce (<c>4.3.2</c>, <c>5.4.7</c>).</summary>
    public TextRange StatusCode;
    /// <summary>Next retry of <c>pending till</c>, UTC ticks, or 0.</summary>
    public long PendingTillUtcTicks;
    /// <summary>AsyncOS version from the <c>Version:</c> header.</summary>
    public TextRange Version;
    /// <summary>Serial number from the <c>Version:</c> header.</summary>
    public TextRange Serial;
    /// <summary>Seconds from the <c>Time offset from UTC:</c> header.</summary>
    public int UtcOffsetSeconds;

    /// <summary>A URL (<c>MID m URL u has reputation ...</c>).</summary>
    public TextRange Url;
    /// <summary>A file's SHA-256 (file analysis, AMP).</summary>
    public TextRange Sha256;
    /// <summary>A file name (file analysis, AMP).</summary>
    public TextRange FileName;
    /// <summary>A user name (SMTP AUTH).</summary>
    public TextRange UserName;
    /// <summary>The AUTH mechanism of an SMTP AUTH (<c>LOGIN</c>, <c>PLAIN</c>).</summary>
    public TextRange AuthMechanism;
    /// <summary>The sender's country (<c>SBRS 3.4 country United States</c>).</summary>
    public TextRange Country;
    /// <summary>A category: an SDR threat category, an alert's class (<c>System</c> of <c>System/Warning</c>).</summary>
    public TextRange Category;
    /// <summary>The HELO name (SDR domains line).</summary>
    public TextRange Helo;
    /// <summary>What a line maps a value to: an LDAP reroute's new address, an alias's expansion, a masquerade's new address.</summary>
    public TextRange Target;

    /// <summary>An empty event: every id -1, every range empty.</summary>
    public static LogEvent Empty
    {
        get
        {
            var e = default(LogEvent);
            e.Reset();
            return e;
        }
    }

    /// <summary>Empties the event in place (every id -1, every range empty): cheaper than assigning a new one per line.</summary>
    public void Reset()
    {
        this = default;
        Mid = Icid = Dcid = Rcid = Rid = ParentMid = ChildMid = AcceptedMid = Size = DwellSeconds = -1;
        Percent = Port = -1;
        Verified = -1;
    }

    /// <summary>Event time as a UTC <see cref="DateTime"/>, or null when unknown.</summary>
    public readonly DateTime? Timestamp => UtcTicks > 0 ? new DateTime(UtcTicks, DateTimeKind.Utc) : null;

    /// <summary>The recipient list of <see cref="Rids"/>, enumerated without allocating.</summary>
    public readonly RidList RidList(ReadOnlySpan<byte> line) => new(Rids.Of(line));
}

/// <summary>Reasons for <see cref="LineType.Unparsed"/>; constants so that no string is built per line.</summary>
public static class UnparsedReasons
{
    /// <summary>
    /// The line has no envelope the parser can read: a record start (a level marker or a time near the start) in an
    /// unknown layout, or a line with no start at all (garbage, or a wrapped tail at the start of a stream).
    /// </summary>
    public const string NoEnvelope = "unknown envelope";
    /// <summary>The envelope was read but the message text matched no known line type.</summary>
    public const string UnknownLineType = "unknown line type";
    /// <summary>The line type was recognised but a field it must have was malformed or missing.</summary>
    public const string MalformedFields = "recognised line type with malformed or missing fields";
    /// <summary>The envelope's time is not a valid date.</summary>
    public const string BadTimestamp = "invalid timestamp in envelope";
    /// <summary>The line names a MID, ICID, DCID or RCID but its wording is of no known family (a generic note, not unparsed).</summary>
    public const string UnknownFamily = "known id, unknown family";
    /// <summary>The physical line was longer than the reader's limit and was cut into pieces.</summary>
    public const string LineTooLong = "line longer than the limit; emitted in pieces";
}

/// <summary>Enumerates the integers of a <c>RID [0, 1, 2]</c> list without allocating.</summary>
public ref struct RidList
{
    private ReadOnlySpan<byte> _rest;

    /// <summary>Creates an enumerator over the text between the brackets.</summary>
    public RidList(ReadOnlySpan<byte> inner) { _rest = inner; Current = -1; }

    /// <summary>The current RID.</summary>
    public long Current { get; private set; }

    /// <summary>Enumerator pattern.</summary>
    public readonly RidList GetEnumerator() => this;

    /// <summary>Advances to the next number; skips separators and anything that is not a digit.</summary>
    public bool MoveNext()
    {
        int i = 0;
        while (i < _rest.Length && (uint)(_rest[i] - '0') > 9) i++;
        if (i == _rest.Length) { _rest = default; return false; }
        long v = 0;
        while (i < _rest.Length && (uint)(_rest[i] - '0') <= 9 && v < long.MaxValue / 10) v = v * 10 + (_rest[i++] - '0');
        while (i < _rest.Length && (uint)(_rest[i] - '0') <= 9) i++;
        _rest = _rest[i..];
        Current = v;
        return true;
    }

    /// <summary>Number of RIDs in the list.</summary>
    public readonly int Count()
    {
        var copy = this;
        int n = 0;
        while (copy.MoveNext()) n++;
        return n;
    }
}
