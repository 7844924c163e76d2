namespace Pipeline.MailLogs;

/// <summary>
/// The kind of a logical mail_logs line (LOGFORMAT.md sections 3 and 4). The snake_case name of each value
/// (<see cref="LineTypes.ActionName"/>) is the <c>event.action</c> of the event document.
/// </summary>
public enum LineType : byte
{
    /// <summary>Not classified; the event carries the raw text and <see cref="LogEvent.UnparsedReason"/>.</summary>
    Unparsed = 0,

    // File headers and appliance-wide lines.
    /// <summary><c>Begin Logfile</c>.</summary>
    LogfileBegin,
    /// <summary><c>End Logfile</c>.</summary>
    LogfileEnd,
    /// <summary><c>Logfile rolled over</c>.</summary>
    LogfileRolledOver,
    /// <summary><c>Version: 7.6.3-019 SN: 420D...</c>.</summary>
    ApplianceVersion,
    /// <summary><c>Time offset from UTC: -21600 seconds</c>.</summary>
    TimeOffset,
    /// <summary>Per-minute <c>Status: CPULd ...</c> counters.</summary>
    Status,
    /// <summary><c>CASE cache status: hits = ...</c>.</summary>
    CaseCacheStatus,
    /// <summary><c>An application fault occurred: ...</c> (an internal component fault).</summary>
    ApplicationFault,

    // Inbound connections.
    /// <summary><c>New SMTP ICID n interface Name (ip) address ip reverse dns host h verified yes</c> (also <c>New CPQ ICID</c>).</summary>
    IcidNew,
    /// <summary><c>ICID n ACCEPT SG name match rule SBRS x</c>.</summary>
    IcidAccept,
    /// <summary><c>ICID n REJECT SG ...</c>.</summary>
    IcidReject,
    /// <summary><c>ICID n RELAY SG ...</c>.</summary>
    IcidRelay,
    /// <summary><c>ICID n TCPREFUSE SG ...</c>.</summary>
    IcidTcpRefuse,
    /// <summary><c>ICID n CONTINUE SG ...</c>.</summary>
    IcidContinue,
    /// <summary><c>ICID n TLS success protocol P cipher C</c>.</summary>
    IcidTlsSuccess,
    /// <summary><c>ICID n TLS failed: reason</c>.</summary>
    IcidTlsFailed,
    /// <summary><c>ICID n lost</c>.</summary>
    IcidLost,
    /// <summary><c>ICID n close</c>.</summary>
    IcidClose,

    // Message reception.
    /// <summary><c>Start MID m ICID i</c>: the ICID→MID link.</summary>
    MessageStart,
    /// <summary><c>MID m ICID i From: &lt;a&gt;</c>.</summary>
    MessageFrom,
    /// <summary><c>MID m ICID i RID r To: &lt;a&gt;</c>.</summary>
    MessageRecipient,
    /// <summary><c>MID m Message-ID '&lt;...&gt;'</c>.</summary>
    MessageIdHeader,
    /// <summary><c>MID m Subject '...'</c>.</summary>
    MessageSubject,
    /// <summary><c>MID m ready N bytes from &lt;a&gt;</c>.</summary>
    MessageReady,
    /// <summary><c>MID m attachment 'name'</c>.</summary>
    MessageAttachment,
    /// <summary><c>MID m matched all recipients for per-recipient policy P in the inbound table</c>.</summary>
    RecipientPolicyMatch,
    /// <summary><c>MID m queued for delivery</c>.</summary>
    MessageQueued,

    // Verdicts.
    /// <summary><c>MID m interim verdict using engine: CASE spam negative</c>.</summary>
    EngineInterimVerdict,
    /// <summary><c>MID m using engine: CASE spam positive</c>.</summary>
    EngineVerdict,
    /// <summary><c>MID m interim AV verdict using Sophos CLEAN</c>.</summary>
    AntivirusInterimVerdict,
    /// <summary><c>MID m antivirus negative</c> / <c>antivirus positive 'W32/Sober-P'</c>.</summary>
    AntivirusVerdict,
    /// <summary><c>MID m Outbreak Filters: verdict negative</c>.</summary>
    OutbreakVerdict,
    /// <summary><c>MID m was too big (362262/262144) for scanning by Outbreak Filters</c>.</summary>
    ScanSkippedTooBig,
    /// <summary><c>MID m DKIM: ...</c>, <c>DomainKeys: ...</c>, <c>SPF: ...</c>, <c>DMARC: ...</c>.</summary>
    SenderAuthentication,
    /// <summary><c>MID m AMP file reputation verdict : CLEAN</c>.</summary>
    AmpVerdict,
    /// <summary><c>MID m Custom Log Entry: ...</c> (message or content filter <c>log()</c> action).</summary>
    CustomLogEntry,
    /// <summary><c>ISQ: Tagging MID m for quarantine</c> (spam quarantine).</summary>
    SpamQuarantineTag,

    // MID → MID edges.
    /// <summary><c>MID a rewritten to MID b by X</c> (old form <c>rewritten to b by X</c>): a → b.</summary>
    MidRewritten,
    /// <summary><c>MID b was generated based on MID a by bcc filter 'X'</c>: a → b (new MID first in the line).</summary>
    MidGenerated,
    /// <summary><c>MID a was split creating MID b due to ...</c>: a → b.</summary>
    MidSplit,
    /// <summary><c>MID b was generated for bounce of MID a</c>: a → b.</summary>
    MidBounceOf,
    /// <summary><c>EUQ: Reinjected MID a as MID b</c>: a → b.</summary>
    EuqReinjected,
    /// <summary><c>MID b received from the SMA ip (MID originally a) on release from central quarantine</c>: a → b.</summary>
    CpqReleaseReceived,

    // End of a message.
    /// <summary><c>Message aborted MID m Dropped by CASE</c>.</summary>
    MessageAborted,
    /// <summary><c>Message finished MID m done|aborted</c>.</summary>
    MessageFinished,

    // Delivery.
    /// <summary><c>New SMTP DCID d interface ip address ip port p</c>.</summary>
    DcidNew,
    /// <summary><c>DCID d TLS success protocol P cipher C [peer]</c>.</summary>
    DcidTlsSuccess,
    /// <summary><c>DCID d TLS failed: reason</c>.</summary>
    DcidTlsFailed,
    /// <summary><c>DCID d [IP ip] TLS was required but could not be successfully negotiated</c>.</summary>
    DcidTlsRequiredFailed,
    /// <summary><c>DCID d close</c>.</summary>
    DcidClose,
    /// <summary><c>Delivery start DCID d MID m to RID [0, 1] [to Centralized Policy Quarantine]</c>.</summary>
    DeliveryStart,
    /// <summary><c>Message done DCID d MID m to RID [0] [trailer]</c>.</summary>
    MessageDone,
    /// <summary><c>MID m RID [0] Response 'text'</c> (may carry <c>Message N accepted</c>).</summary>
    DeliveryResponse,
    /// <summary><c>Delayed: DCID d MID m ... RID r - 4.3.2 - text</c>.</summary>
    DeliveryDelayed,
    /// <summary><c>Bounced: DCID d MID m ... RID r - 5.4.7 - text</c> (three wordings).</summary>
    DeliveryBounced,
    /// <summary><c>MID m to RID [0] pending till Wed Jul 20 10:15:41 2005 [Default]</c>.</summary>
    DeliveryPending,
    /// <summary><c>Connection Error: DCID d domain: x IP: ip port: p details: ... interface: ip reason: ...</c>.</summary>
    ConnectionError,

    // Quarantines (local and centralized).
    /// <summary><c>MID m quarantined to "Policy" (reason)</c>.</summary>
    Quarantined,
    /// <summary><c>MID m enqueued for transfer to centralized quarantine "Policy" (reason)</c>.</summary>
    CpqEnqueued,
    /// <summary><c>MID m released from quarantine "Policy" (manual) t=190</c>.</summary>
    QuarantineReleased,
    /// <summary><c>MID m released from all quarantines</c>.</summary>
    QuarantineReleasedAll,
    /// <summary><c>MID m deleted from quarantine "Policy" (expired)</c> (or <c>from all quarantines</c>).</summary>
    QuarantineDeleted,
    /// <summary><c>unable to quarantine MID m - quarantine system unavailable</c>.</summary>
    QuarantineUnavailable,
    /// <summary><c>Quarantine "Policy" is 90% full</c>.</summary>
    QuarantineFull,
    /// <summary><c>Quarantine: Failed to connect to quarantine</c>.</summary>
    QuarantineConnectFailed,
}

/// <summary>Names and traits of <see cref="LineType"/> values.</summary>
public static class LineTypes
{
    /// <summary>Number of <see cref="LineType"/> values (they are dense from 0).</summary>
    public static readonly int Count = Enum.GetValues<LineType>().Length;

    private static readonly string[] Names = BuildNames();

    /// <summary>The <c>event.action</c> name: the enum name in snake_case (<c>MessageDone</c> → <c>message_done</c>).</summary>
    public static string ActionName(this LineType type) => Names[(int)type];

    /// <summary>Finds a type by its <c>event.action</c> name.</summary>
    public static bool TryParseAction(string action, out LineType type)
    {
        int i = Array.IndexOf(Names, action);
        type = (LineType)Math.Max(i, 0);
        return i >= 0;
    }

    private static string[] BuildNames()
    {
        var values = Enum.GetValues<LineType>();
        var names = new string[values.Length];
        foreach (var v in values)
        {
            var s = v.ToString();
            var b = new System.Text.StringBuilder(s.Length + 8);
            for (int i = 0; i < s.Length; i++)
            {
                if (char.IsUpper(s[i]) && i > 0) b.Append('_');
                b.Append(char.ToLowerInvariant(s[i]));
            }
            names[(int)v] = b.ToString();
        }
        return names;
    }
}
