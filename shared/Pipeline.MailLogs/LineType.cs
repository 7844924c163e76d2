namespace Pipeline.MailLogs;

/// <summary>
/// The kind of a logical mail_logs line (docs/logformat.md, "Line families"). The snake_case name of each value
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
    /// <summary><c>A System/Warning alert was sent to a@b with subject "..."</c>: alert class, severity, recipient, subject.</summary>
    AlertSent,
    /// <summary><c>Error while sending alert: Unable to send System/Warning alert to a@b with subject "..."</c>.</summary>
    AlertSendFailed,
    /// <summary><c>Internal SMTP system successfully sent a message to a@b with subject '...'.</c></summary>
    InternalSmtpSent,
    /// <summary><c>Internal SMTP giving up on message to a@b with subject '...': Unrecoverable error.</c></summary>
    InternalSmtpGaveUp,
    /// <summary><c>Internal SMTP Error: Failed to send message to host ip:port for recipient a: reason</c>.</summary>
    InternalSmtpError,
    /// <summary><c>Your "IronPort Anti-Spam" key will expire in under 60 day(s). ...</c>: the feature is the name.</summary>
    FeatureKeyExpiring,
    /// <summary><c>URL category definitions have changed. ...</c></summary>
    UrlCategoriesChanged,
    /// <summary>A component's service notice: <c>URL_REP_CLIENT: Configuration changed. ...</c>, <c>graymail [CONFIG] ...</c>.</summary>
    ServiceStatus,
    /// <summary><c>SenderBase upload: 734 hosts totaling 201887 bytes</c>.</summary>
    SenderBaseUpload,
    /// <summary>Mailbox Auto Remediation: <c>Message containing attachment(s) for which verdict update ... was not found in the recipient's (&lt;a&gt;) mailbox.</c></summary>
    MailboxRemediation,

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
    /// <summary><c>ICID n Delayed HAT REJECT continuing session for recipient logging (ip)</c>.</summary>
    IcidDelayedReject,
    /// <summary><c>ICID n TLS was required but remote host did not initiate it</c>.</summary>
    IcidTlsRequiredFailed,
    /// <summary><c>ICID n Receiving Failed: Message loop</c> (also <c>Injection Failed:</c>).</summary>
    IcidReceivingFailed,
    /// <summary><c>ICID n SBRS None</c> (the SBRS line of older versions).</summary>
    IcidSbrs,
    /// <summary><c>ICID n Address: &lt;a&gt; sender rejected, envelope sender domain does not exist</c> (sender verification).</summary>
    IcidSenderVerification,
    /// <summary><c>ICID n Invalid sender address: ...</c>, <c>ICID n MID m Invalid recipient address: ...</c>.</summary>
    IcidInvalidAddress,
    /// <summary><c>ICID n disconnected address ip, no messages injected within timeout period</c>.</summary>
    IcidDisconnected,
    /// <summary><c>ICID n Connection from ip [on interface N (ip)] lost after 139 seconds ...</c>.</summary>
    IcidConnectionLost,
    /// <summary><c>SMTP Auth (ICID n) succeeded for user: u using AUTH mechanism: LOGIN with profile: p</c>.</summary>
    IcidSmtpAuth,

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
    /// <summary><c>MID m ICID i To: &lt;a&gt; Rejected by RAT</c> (a recipient refused at RCPT TO).</summary>
    RecipientRejected,
    /// <summary><c>MID m ICID i invalid bounce, rcpt address &lt;a&gt; rejected by bounce verification.</c> (or <c>tagging</c>).</summary>
    BounceVerification,
    /// <summary><c>MID m From: &lt;a&gt; To: &lt;b&gt;, ... 1 total recipients</c>: a message the appliance writes itself (alerts, reports).</summary>
    SystemMessage,
    /// <summary><c>MID m IncomingRelay(name): Header Received found, IP ip being used, SBRS 6.8 country C</c>.</summary>
    IncomingRelay,
    /// <summary><c>MID m masquerading envelope sender from 'a' to 'b'</c> (or <c>header 'To'</c>).</summary>
    Masquerading,
    /// <summary><c>Alias match: MID m RID r recipient a mapped to [...]</c>.</summary>
    AliasMatch,
    /// <summary><c>MID m, Message Scanning Problem: reason</c>.</summary>
    MessageScanningProblem,

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
    /// <summary><c>ISQ: Tagging MID m for quarantine</c> (spam quarantine; <c>EUQ:</c> before AsyncOS 5.0).</summary>
    SpamQuarantineTag,
    /// <summary><c>MID m SDR: Consolidated Sender Threat Level: L, Threat Category: C, Suspected Domain(s) : S ... Sender Maturity: M for domain: d</c>.</summary>
    SdrVerdict,
    /// <summary><c>MID m SDR: Domains for which SDR is requested: reverse DNS host: h, helo: h, env-from: d, ...</c>.</summary>
    SdrDomains,
    /// <summary><c>MID m SDR: Tracker Header : value</c>.</summary>
    SdrTrackerHeader,
    /// <summary><c>MID m URL u has reputation 3.0 matched Condition: URL Reputation Rule</c>.</summary>
    UrlReputation,
    /// <summary><c>MID m DLP violation. Severity: LOW (Risk Factor: 15). DLP policy match: 'P'.</c></summary>
    DlpViolation,
    /// <summary><c>MID m SHA h filename f queued for possible file analysis upload</c>.</summary>
    FileAnalysisQueued,
    /// <summary><c>File reputation query initiating. File Name = 'f', MID = m, File Size = n bytes, File Type = t</c>.</summary>
    AmpFileQuery,
    /// <summary><c>Response received for file reputation query from Cloud. File Name = 'f', MID = m, Disposition = D, ...</c>.</summary>
    AmpFileReputation,
    /// <summary><c>MID m not completely scanned by SDS. Error: ...</c>.</summary>
    ScanIncomplete,
    /// <summary><c>MID m: Skip AMP Engine check</c>.</summary>
    ScanSkipped,
    /// <summary><c>MID m Virus Threat Level=3</c> (outbreak filter threat level).</summary>
    OutbreakThreatLevel,
    /// <summary><c>MID m was dropped by content filter 'f' in the inbound table</c>, <c>MID m was bounced by policy P in the T table</c>.</summary>
    FilterAction,
    /// <summary><c>MID m ICID i TLS read 126 bytes (0.0 seconds)</c> (debug level).</summary>
    TlsTrace,

    // MID → MID edges.
    /// <summary><c>MID a rewritten to MID b by X</c> (old form <c>rewritten to b by X</c>): a → b.</summary>
    MidRewritten,
    /// <summary><c>MID b was generated based on MID a by bcc filter 'X'</c> (old form <c>MID b generated based on MID a ...</c>): a → b (new MID first).</summary>
    MidGenerated,
    /// <summary><c>MID a was split creating MID b due to ...</c>: a → b.</summary>
    MidSplit,
    /// <summary><c>MID b was generated for bounce of MID a</c> (old form <c>MID b generated for bounce of MID a</c>): a → b.</summary>
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
    /// <summary><c>MID m to RID [0] pending till Wed Jul 20 10:15:41 2005 [Default]</c> (also <c>MID m to [0]</c>, <c>Message m to RID [0]</c>).</summary>
    DeliveryPending,
    /// <summary><c>Connection Error: DCID d domain: x IP: ip port: p details: ... interface: ip reason: ...</c>.</summary>
    ConnectionError,
    /// <summary><c>Double bounce: Message m to 0 - 5.1.1 - reason</c> (or <c>MID m</c>).</summary>
    DoubleBounce,
    /// <summary><c>Deleted: MID m to [0]</c> (recipients removed by <c>deleterecipients</c>).</summary>
    RecipientsDeleted,
    /// <summary><c>Possible Delivery: DCID: d MID m to [0]</c>.</summary>
    PossibleDelivery,
    /// <summary><c>DCID d IP: ip SMTP authentication using the profile p succeeded.</c></summary>
    DcidSmtpAuth,

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
    /// <summary><c>MID m quarantine "Outbreak" new reason (VOF rule:...)</c>.</summary>
    QuarantineReasonChanged,
    /// <summary><c>EUQ: Quarantined MID m</c>: the spam quarantine holds the message.</summary>
    SpamQuarantined,
    /// <summary><c>RPC Delivery start RCID r MID m to local IronPort Spam Quarantine</c>: the hand-off to the spam quarantine.</summary>
    RpcDeliveryStart,
    /// <summary><c>RPC Message done RCID r MID m</c>.</summary>
    RpcMessageDone,
    /// <summary><c>RPC Message rejected RCID r MID m</c>.</summary>
    RpcMessageRejected,
    /// <summary><c>RPC connection to host failed RCID r MID m (reason)</c>.</summary>
    RpcConnectionFailed,

    // LDAP work queue.
    /// <summary><c>LDAP: Reroute query Q MID m RID r address a to [('b', 'host')]</c>: recipient a becomes b.</summary>
    LdapReroute,
    /// <summary><c>LDAP: unable to process, MID m requeued</c>.</summary>
    LdapRequeued,
    /// <summary><c>LDAP: Bounce query Q MID m RID r address a</c> / <c>LDAP: Drop query ...</c>.</summary>
    LdapRecipientRejected,

    // Known ids, unknown family (kept with their message, counted apart from Unparsed).
    /// <summary>A line that names a MID in a wording of unknown family; carries every id it names and the text.</summary>
    MidNote,
    /// <summary>A line that names an ICID (and no MID or DCID) in a wording of unknown family.</summary>
    IcidNote,
    /// <summary>A line that names a DCID (and no MID) in a wording of unknown family.</summary>
    DcidNote,
    /// <summary>A line that names only an RCID in a wording of unknown family.</summary>
    RcidNote,
}

/// <summary>Names and traits of <see cref="LineType"/> values.</summary>
public static class LineTypes
{
    /// <summary>True for the generic events of lines that name an id in a wording of unknown family.</summary>
    public static bool IsNote(this LineType type) => type is >= LineType.MidNote and <= LineType.RcidNote;

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
