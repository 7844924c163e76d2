namespace Pipeline.MailLogs.Tests;

/// <summary>
/// Every line type with real field values: corpus lines [OBS], vendor documentation [DOC], the CPQ wordings of
/// docs/logformat.md ("The CPQ round trip") [3P]/[GUESS]/[seed], AsyncOS format strings quoted by IronPort's own
/// log tool [FMT] (realworld/README.md, <c>spamtowho-template</c>). Each row: message text, expected event.action,
/// expected fields. The lines published by others, with their envelopes, are in <see cref="RealWorldLineTests"/>.
/// </summary>
public class LineTypeTests
{
    private const string Prefix = "Wed Nov 19 09:16:38 2014 Info: ";

    public static TheoryData<string, string, string> Lines => new()
    {
        // Headers and appliance-wide lines.
        { "Begin Logfile", "logfile_begin", "" },
        { "End Logfile", "logfile_end", "" },
        { "Logfile rolled over", "logfile_rolled_over", "" },
        { "Version: 7.6.3-019 SN: 420D4FEA709365BFB3E3-0AF2EE5E700E ", "appliance_version", "version=7.6.3-019;serial=420D4FEA709365BFB3E3-0AF2EE5E700E" },
        { "Time offset from UTC: -21600 seconds", "time_offset", "utc_offset=-21600" },
        { "Status: CPULd 3 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 414695 CrtICID 1000 CrtDCID 500 ActvRcp 5 UnatmptRcp 4 WorkQ 0 QuarMsgs 2",
            "status", "detail=CPULd 3 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 414695 CrtICID 1000 CrtDCID 500 ActvRcp 5 UnatmptRcp 4 WorkQ 0 QuarMsgs 2" },
        { "CASE cache status: hits = 4579, misses = 823449, expires = 0, adds = 816702, seconds saved = 6796.34, total seconds = 1238122.53",
            "case_cache_status", "detail=hits = 4579, misses = 823449, expires = 0, adds = 816702, seconds saved = 6796.34, total seconds = 1238122.53" },
        { "An application fault occurred: ('egg/coro_mail.py _deliver|123', \"<type 'exceptions.KeyError'>\", '...')", "application_fault",
            "error=('egg/coro_mail.py _deliver|123', \"<type 'exceptions.KeyError'>\", '...')" },

        // Inbound connections [OBS] and the SMA's CPQ listener [seed].
        { "New SMTP ICID 60140291 interface Data 1 (68.232.141.109) address 176.227.203.114 reverse dns host h176-227-203-114.host.redstation.co.uk verified no",
            "icid_new", "icid=60140291;listener=SMTP;iface_name=Data 1;iface_ip=68.232.141.109;remote_ip=176.227.203.114;remote_host=h176-227-203-114.host.redstation.co.uk;verified=no" },
        { "New CPQ ICID 12345 interface Management (10.10.10.1) address 10.10.20.1 reverse dns host unknown verified no",
            "icid_new", "icid=12345;listener=CPQ;iface_name=Management;iface_ip=10.10.10.1;remote_ip=10.10.20.1;remote_host=unknown;verified=no" },
        { "ICID 60140291 REJECT SG BLACKLIST match sbrs[-10.0:-2.5] SBRS -9.5", "icid_reject", "icid=60140291;name=BLACKLIST;detail=sbrs[-10.0:-2.5];score=-9.5" },
        { "ICID 60140302 ACCEPT SG UNKNOWNLIST match sbrs[-0.5:10.0] SBRS 5.1", "icid_accept", "icid=60140302;name=UNKNOWNLIST;detail=sbrs[-0.5:10.0];score=5.1" },
        { "ICID 2106327026 ACCEPT SG GOOD match 205.188.105.0/24", "icid_accept", "icid=2106327026;name=GOOD;detail=205.188.105.0/24;score=-" },
        { "ICID 2106327021 REJECT SG TCP-REFUSE match", "icid_reject", "icid=2106327021;name=TCP-REFUSE;detail=-" },
        { "ICID 824108 RELAY SG RELAYLIST match 10.0.0.0/8 SBRS None", "icid_relay", "icid=824108;name=RELAYLIST;detail=10.0.0.0/8;score=None" },
        { "ICID 824109 TCPREFUSE SG BLOCKED match sbrs[-10.0:-7.0] SBRS -8.1", "icid_tcp_refuse", "icid=824109;name=BLOCKED;score=-8.1" },
        { "ICID 824110 CONTINUE SG SUSPECT match sbrs[-3.0:-1.0] SBRS -2.0", "icid_continue", "icid=824110;name=SUSPECT" },
        { "ICID 60140302 TLS success protocol TLSv1 cipher AES128-SHA", "icid_tls_success", "icid=60140302;tls_protocol=TLSv1;tls_cipher=AES128-SHA;tls_peer=-" },
        { "ICID 4 TLS failed: [Errno 54] Connection reset by peer", "icid_tls_failed", "icid=4;error=[Errno 54] Connection reset by peer" },
        { "ICID 4 lost", "icid_lost", "icid=4" },
        { "ICID 60140291 close  ", "icid_close", "icid=60140291" },

        // Message reception [OBS].
        { "Start MID 24611417 ICID 60140120", "message_start", "mid=24611417;icid=60140120" },
        { "Start MID 24611495 ICID 0", "message_start", "mid=24611495;icid=0" },
        { "MID 24611495 ICID 0 From: <noreply@cisco.com>", "message_from", "mid=24611495;icid=0;from=noreply@cisco.com" },
        { "MID 1416566008 ICID 2106327026 From: <semoon@aol.com>", "message_from", "mid=1416566008;icid=2106327026;from=semoon@aol.com" },
        { "MID 24611490 ICID 60140120 RID 0 To: <user1@mycompany.com>", "message_recipient", "mid=24611490;icid=60140120;rid=0;to=user1@mycompany.com" },
        { "MID 1416566008 ICID 2106327026 RID 1 To: <jdphillips@rcn.com>", "message_recipient", "mid=1416566008;rid=1;to=jdphillips@rcn.com" },
        { "MID 7 ICID 5 From: <>", "message_from", "mid=7;from=-" },
        { "MID 24611490 Message-ID '<1252449561.424324393.1416410152132.JavaMail.root@abmas01.marketo.org>'", "message_id_header",
            "mid=24611490;message_id=1252449561.424324393.1416410152132.JavaMail.root@abmas01.marketo.org" },
        { "MID 24611516 Message-ID \"<Lands'End.6cl2sv--1f.tlmd@email.landsend.com>\" ", "message_id_header", "mid=24611516;message_id=Lands'End.6cl2sv--1f.tlmd@email.landsend.com" },
        { "MID 12 Message-ID 20260310.abc@example.com", "message_id_header", "mid=12;message_id=20260310.abc@example.com" },
        { "MID 1416566008 Subject 'Soccer- Wednesday Evening 5:30 PM at Diamond'", "message_subject", "mid=1416566008;subject=Soccer- Wednesday Evening 5:30 PM at Diamond" },
        { "MID 99 Subject \"Don't miss: 50% off\"", "message_subject", "mid=99;subject=Don't miss: 50% off" },
        { "MID 100 Subject 'Line one\\r\\n line two'", "message_subject", "mid=100;subject=Line one\\r\\n line two" },
        { "MID 101 Subject Unquoted subject here", "message_subject", "mid=101;subject=Unquoted subject here" },
        { "MID 24611495 ready 2069 bytes from <noreply@cisco.com>", "message_ready", "mid=24611495;size=2069;from=noreply@cisco.com" },
        { "MID 24611417 attachment 'CFO_INV_1400691819.pdf'", "message_attachment", "mid=24611417;name=CFO_INV_1400691819.pdf" },
        { "MID 24611433 matched all recipients for per-recipient policy DEFAULT in the inbound table", "recipient_policy_match",
            "mid=24611433;name=DEFAULT;verdict=inbound" },
        { "MID 24611417 queued for delivery", "message_queued", "mid=24611417" },

        // Verdicts [OBS].
        { "MID 24611421 interim verdict using engine: CASE spam negative", "engine_interim_verdict", "mid=24611421;engine=CASE;verdict=spam negative" },
        { "MID 24611467 interim verdict using engine: SLBL spam negative", "engine_interim_verdict", "engine=SLBL;verdict=spam negative" },
        { "MID 24611411 using engine: CASE spam positive", "engine_verdict", "mid=24611411;engine=CASE;verdict=spam positive" },
        { "MID 308049623 using engine: SPF Verdict Cache using cached verdict", "engine_verdict", "engine=SPF;verdict=Verdict Cache using cached verdict" },
        { "MID 24611421 interim AV verdict using Sophos CLEAN", "antivirus_interim_verdict", "mid=24611421;engine=Sophos;verdict=CLEAN" },
        { "MID 24611421 antivirus negative ", "antivirus_verdict", "mid=24611421;verdict=negative;detail=-" },
        { "MID 33 antivirus positive 'W32/Sober-P'", "antivirus_verdict", "mid=33;verdict=positive;detail=W32/Sober-P" },
        { "MID 24611417 Outbreak Filters: verdict negative", "outbreak_verdict", "mid=24611417;verdict=negative" },
        { "MID 24611433 was too big (362262/262144) for scanning by Outbreak Filters", "scan_skipped_too_big",
            "mid=24611433;size=362262;detail=362262/262144;engine=Outbreak Filters" },
        { "MID 24611495 DKIM: cannot sign - no profile matches user2@hotmail.com", "sender_authentication", "mid=24611495;engine=DKIM;verdict=cannot sign - no profile matches user2@hotmail.com" },
        { "MID 24611495 DomainKeys: cannot sign - no profile matches user2@hotmail.com", "sender_authentication", "engine=DomainKeys" },
        { "MID 1416566000 DKIM: pass signature verified [TEST] (d=sbcglobal.net s=s1024 i=@sbcglobal.net)", "sender_authentication",
            "mid=1416566000;engine=DKIM;verdict=pass signature verified [TEST] (d=sbcglobal.net s=s1024 i=@sbcglobal.net)" },
        { "MID 5 SPF: mailfrom identity a@example.com Pass (v=spf1)", "sender_authentication", "engine=SPF;verdict=mailfrom identity a@example.com Pass (v=spf1)" },
        { "MID 5 DMARC: Message from domain example.com, DMARC pass (SPF aligned True, DKIM aligned True)", "sender_authentication", "engine=DMARC" },
        { "MID 5 AMP file reputation verdict : CLEAN", "amp_verdict", "mid=5;verdict=CLEAN" },
        { "MID 5 Custom Log Entry: policy_violation matched", "custom_log_entry", "mid=5;detail=policy_violation matched" },
        { "ISQ: Tagging MID 24611424 for quarantine", "spam_quarantine_tag", "mid=24611424;detail=for quarantine" },

        // MID -> MID edges, normalised to parent -> child.
        { "MID 38637862 rewritten to MID 38637865 by LDAP rewrite", "mid_rewritten", "mid=38637862;parent=38637862;child=38637865;reason=LDAP rewrite" },
        { "MID 2 rewritten to 3 by antispam", "mid_rewritten", "mid=2;parent=2;child=3;reason=antispam" },
        { "MID 483 rewritten to 513 by Policy Quarantine", "mid_rewritten", "parent=483;child=513;reason=Policy Quarantine" },
        { "MID 24611495 was generated based on MID 24611421 by bcc filter 'FireEye_BCC'", "mid_generated",
            "mid=24611495;parent=24611421;child=24611495;reason=bcc filter 'FireEye_BCC'" },
        { "MID 24611507 was split creating MID 24611528 due to a per-recipient policy SPAM_QUARANTINE", "mid_split",
            "mid=24611507;parent=24611507;child=24611528;reason=a per-recipient policy SPAM_QUARANTINE" },
        { "MID 515 was generated for bounce of MID 511", "mid_bounce_of", "mid=515;parent=511;child=515" },
        { "EUQ: Reinjected MID 4433 as MID 4449", "euq_reinjected", "mid=4433;parent=4433;child=4449" },
        { "MID 1050 received from the SMA 10.0.9.5 (MID originally 1001) on release from central quarantine", "cpq_release_received",
            "mid=1050;parent=1001;child=1050;remote_ip=10.0.9.5;detail=on release from central quarantine" },

        // End of a message.
        { "Message aborted MID 24611411 Dropped by CASE", "message_aborted", "mid=24611411;reason=Dropped by CASE" },
        { "Message finished MID 24611465 done", "message_finished", "mid=24611465;verdict=done" },
        { "Message finished MID 77 aborted", "message_finished", "mid=77;verdict=aborted" },

        // Delivery [OBS], [DOC] and the CPQ hand-off [seed]/[OBS].
        { "New SMTP DCID 6565555 interface 68.232.141.109 address 144.191.128.186 port 25", "dcid_new",
            "dcid=6565555;listener=SMTP;iface_ip=68.232.141.109;remote_ip=144.191.128.186;port=25" },
        { "New SMTP DCID 8 interface 10.0.0.2 address 10.0.0.1", "dcid_new", "dcid=8;remote_ip=10.0.0.1;port=-" },
        { "New SMTP DCID 555 interface 10.0.1.10 address 10.0.9.5 port 7025", "dcid_new", "dcid=555;iface_ip=10.0.1.10;remote_ip=10.0.9.5;port=7025" },
        { "DCID 6565555 TLS success protocol TLSv1 cipher AES128-SHA ", "dcid_tls_success", "dcid=6565555;tls_protocol=TLSv1;tls_cipher=AES128-SHA;tls_peer=-" },
        { "DCID 555 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 the.cpq.host", "dcid_tls_success",
            "dcid=555;tls_protocol=TLSv1.2;tls_cipher=ECDHE-RSA-AES256-GCM-SHA384;tls_peer=the.cpq.host" },
        { "DCID 9 TLS success protocol TLSv1.2 cipher AES256-SHA for example.com", "dcid_tls_success", "tls_peer=for example.com" },
        { "DCID 123456 TLS failed: verify error: no certificate from server", "dcid_tls_failed", "dcid=123456;error=verify error: no certificate from server" },
        { "DCID 11 TLS failed: STARTTLS unexpected response", "dcid_tls_failed", "dcid=11;error=STARTTLS unexpected response" },
        { "DCID 123456 TLS was required but could not be successfully negotiated", "dcid_tls_required_failed", "dcid=123456;remote_ip=-" },
        { "DCID 12 IP 204.15.82.140 TLS was required but could not be successfully negotiated", "dcid_tls_required_failed", "dcid=12;remote_ip=204.15.82.140" },
        { "DCID 12345 close", "dcid_close", "dcid=12345" },
        { "Delivery start DCID 6565548 MID 24611469 to RID [0]", "delivery_start", "dcid=6565548;mid=24611469;rids=0;destination=-" },
        { "Delivery start DCID 126723200 MID 1416566008 to RID [0, 1, 2, 3, 4, 5]", "delivery_start", "dcid=126723200;mid=1416566008;rids=0,1,2,3,4,5" },
        { "Delivery start DCID 555 MID 1001 to RID [0] to Centralized Policy Quarantine", "delivery_start",
            "dcid=555;mid=1001;rids=0;destination=CentralizedPolicy;detail=to Centralized Policy Quarantine" },
        { "Message done DCID 6565548 MID 24611465 to RID [0] ", "message_done", "dcid=6565548;mid=24611465;rids=0;detail=-;destination=-" },
        { "Message done DCID 6565554 MID 24611414 to RID [0] (external quarantine) ", "message_done", "mid=24611414;destination=ExternalSpam" },
        { "Message done DCID 555 MID 1001 to RID [0] (centralized policy quarantine)", "message_done", "dcid=555;mid=1001;destination=CentralizedPolicy" },
        { "Message done DCID 126723200 MID 1416566008 to RID [0, 1, 2, 3, 4, 5] [('subject', 'Soccer- Wednesday Evening 5:30 PM at Diamond'), ('from', 'semoon@aol.com')]",
            "message_done", "rids=0,1,2,3,4,5;detail=[('subject', 'Soccer- Wednesday Evening 5:30 PM at Diamond'), ('from', 'semoon@aol.com')]" },
        { "MID 24611465 RID [0] Response '2.0.0 Ok: queued as 3jjSKc6HnKz4GTHJ'", "delivery_response", "mid=24611465;rids=0;response=2.0.0 Ok: queued as 3jjSKc6HnKz4GTHJ;accepted=-" },
        { "MID 24611414 RID [0] Response 'ok:  Message 30631618 accepted'", "delivery_response", "mid=24611414;response=ok:  Message 30631618 accepted;accepted=30631618" },
        { "MID 1416566008 RID  [0, 1, 2, 3, 4, 5] Response 'CRR09734 Message accepted for delivery'", "delivery_response",
            "rids=0,1,2,3,4,5;response=CRR09734 Message accepted for delivery;accepted=-" },
        { "Delayed: DCID 5 MID 1001 From: <a@example.com> To: <b@example.org> RID 0 - 4.3.2 - Not accepting messages at this time ('421', ['4.3.2 Service shutting down'])",
            "delivery_delayed", "dcid=5;mid=1001;from=a@example.com;to=b@example.org;rid=0;status=4.3.2;reason=Not accepting messages at this time ('421', ['4.3.2 Service shutting down'])" },
        { "Bounced: DCID 8413617 MID 19338947 From: <x@example.com> To: <y@example.net> RID 0 - 5.4.7 - Delivery expired (message too old) ('000', ['timeout'])",
            "delivery_bounced", "dcid=8413617;mid=19338947;rid=0;status=5.4.7;reason=Delivery expired (message too old) ('000', ['timeout'])" },
        { "Bounced: DCID 0 MID 8 to RID 0 - 5.1.0 - Unknown address error ('550', ['Requested action not taken: mailbox unavailable'])",
            "delivery_bounced", "dcid=0;mid=8;rid=0;status=5.1.0;reason=Unknown address error ('550', ['Requested action not taken: mailbox unavailable'])" },
        { "Bounced: DCID: 1911 Message 3993 to 0 - Hard bounce", "delivery_bounced", "dcid=1911;mid=3993;rid=0;status=-;reason=Hard bounce" },
        { "MID 3 to RID [0] pending till Wed Jul 20 10:15:41 2005 [Default]", "delivery_pending", "mid=3;rids=0;pending_till=2005-07-20T10:15:41Z;name=Default" },
        { "Connection Error: DCID 63 domain: example.com IP: 10.13.101.31 port: 25 details: [Errno 0] Error interface: 10.10.192.50 reason: network error",
            "connection_error", "dcid=63;domain=example.com;remote_ip=10.13.101.31;port=25;error=[Errno 0] Error;iface_ip=10.10.192.50;reason=network error" },
        { "Connection Error: DCID 70 domain: the.cpq.host IP: 10.0.9.5 port: 7025 details: [Errno 111] Connection refused interface: 10.0.1.10 reason: network error",
            "connection_error", "dcid=70;domain=the.cpq.host;remote_ip=10.0.9.5;port=7025;error=[Errno 111] Connection refused;iface_ip=10.0.1.10" },

        // Quarantines [DOC] and the CPQ wordings of docs/logformat.md [3P].
        { "MID 482 quarantined to \"Policy\" (message filter:policy_violation)", "quarantined", "mid=482;quarantine=Policy;reason=message filter:policy_violation" },
        { "MID 5001 quarantined to \"Outbreak\" (Outbreak rule:Phish)", "quarantined", "quarantine=Outbreak;reason=Outbreak rule:Phish" },
        { "MID 1001 enqueued for transfer to centralized quarantine \"Policy\" (content filter:quarantine_policy)", "cpq_enqueued",
            "mid=1001;quarantine=Policy;reason=content filter:quarantine_policy" },
        { "MID 483 released from quarantine \"Policy\" (manual) t=190", "quarantine_released", "mid=483;quarantine=Policy;reason=manual;dwell=190" },
        { "MID 5001 released from quarantine \"Virus\" (rescanned) t=7200", "quarantine_released", "quarantine=Virus;reason=rescanned;dwell=7200" },
        { "MID 483 released from all quarantines", "quarantine_released_all", "mid=483" },
        { "MID 484 deleted from quarantine \"Anti-Virus\" (expired)", "quarantine_deleted", "mid=484;quarantine=Anti-Virus;reason=expired" },
        { "unable to quarantine MID 9 - quarantine system unavailable", "quarantine_unavailable", "mid=9;reason=quarantine system unavailable" },
        { "Quarantine \"Policy\" is 90% full", "quarantine_full", "quarantine=Policy;percent=90" },
        { "Quarantine: Failed to connect to quarantine", "quarantine_connect_failed", "error=Failed to connect to quarantine" },

        // The spam quarantine's RPC hand-off in AsyncOS' own format strings [FMT].
        { "RPC Message rejected RCID 4051 MID 14077", "rpc_message_rejected", "rcid=4051;mid=14077" },
        { "RPC connection to 10.1.1.8 failed RCID 4052 MID 14078 (Connection refused)", "rpc_connection_failed",
            "rcid=4052;mid=14078;domain=10.1.1.8;error=Connection refused" },
        { "RPC connection RCID 4051 killed", "rcid_note", "rcid=4051;mid=-;detail=RPC connection RCID 4051 killed;unparsed_reason=known id, unknown family" },
        { "SMTP Auth (ICID 7) failed for user: bob using AUTH mechanism: PLAIN with profile: in_auth", "icid_smtp_auth",
            "icid=7;verdict=failed;user=bob;mechanism=PLAIN;name=in_auth" },
        { "SMTP Auth (ICID 7) could not reach forwarding server smtp.corp.example", "icid_note", "icid=7" },
    };

    [Theory]
    [MemberData(nameof(Lines))]
    public void Parses_line_type_and_fields(string text, string action, string fields)
    {
        var p = new Parsed(Prefix + text);
        Assert.True(action == p.Field("action"), $"expected {action}, got {p.Field("action")} ({p.Field("unparsed_reason")}) for: {text}");
        Assert.Equal("Info", p.Field("level"));
        // The offset header re-bases its own time (see EnvelopeTests); every other line here is UTC.
        if (action != "time_offset") Assert.Equal("2014-11-19T09:16:38Z", p.Field("time"));
        p.AssertFields(fields);
    }

    [Fact]
    public void Every_line_type_has_a_test_row()
    {
        var covered = Lines.Select(row => (string)row[1]).Concat(RealWorldLineTests.Rows.Select(r => r.Action)).ToHashSet();
        var missing = Enum.GetValues<LineType>().Where(t => t != LineType.Unparsed && !covered.Contains(t.ActionName())).ToList();
        Assert.True(missing.Count == 0, "line types without a test row: " + string.Join(", ", missing));
    }

    [Theory]
    [InlineData("Something the parser has never seen")]
    [InlineData("New FOO thing")]
    [InlineData("RID 4 is not a message")]
    [InlineData("AMID 5 is not an id")]
    public void Unknown_wording_without_an_id_is_unparsed_with_a_reason(string text)
    {
        var p = new Parsed(Prefix + text);
        Assert.Equal(LineType.Unparsed, p.Type);
        Assert.Equal(UnparsedReasons.UnknownLineType, p.Event.UnparsedReason);
        Assert.Equal(text, p.Field("body"));
        Assert.Equal("2014-11-19T09:16:38Z", p.Field("time"));
    }

    [Theory]
    [InlineData("MID 24611417 frobnicated by gnomes", "mid_note", "mid=24611417;icid=-;dcid=-")]
    [InlineData("DCID 5 was weird", "dcid_note", "dcid=5;mid=-")]
    [InlineData("ICID 5 did a new thing", "icid_note", "icid=5")]
    [InlineData("Something about (ICID 9) and MID: 12 and DCID = 3 RID 2", "mid_note", "mid=12;icid=9;dcid=3;rid=2")]
    [InlineData("MID 5 to MID 6 in a new way", "mid_note", "mid=5")] // the first MID named is the event's
    [InlineData("ICID 5 then MID 77x", "icid_note", "icid=5;mid=-")] // "77x" is not an id
    [InlineData("File not uploaded. MID = 0 DCID 4", "dcid_note", "dcid=4;mid=-")] // MID 0 names no message
    public void Unknown_wording_that_names_an_id_is_a_note_with_every_id(string text, string action, string fields)
    {
        var p = new Parsed(Prefix + text);
        Assert.Equal(action, p.Field("action"));
        Assert.True(p.Type.IsNote());
        Assert.Equal(UnparsedReasons.UnknownFamily, p.Event.UnparsedReason);
        Assert.Equal(text, p.Field("detail"));
        Assert.Equal("2014-11-19T09:16:38Z", p.Field("time"));
        p.AssertFields(fields);
    }

    [Theory]
    [InlineData("Start MID abc ICID 5")]
    [InlineData("MID 12x queued for delivery")]
    [InlineData("Delivery start DCID 5 MID")]
    [InlineData("Message done DCID x MID 4 to RID [0]")]
    [InlineData("MID 5 RID [0 Response 'x'")]
    [InlineData("Time offset from UTC: lots seconds")]
    public void Malformed_fields_are_unparsed_without_half_read_ids(string text)
    {
        var p = new Parsed(Prefix + text);
        Assert.Equal(LineType.Unparsed, p.Type);
        Assert.Equal(UnparsedReasons.MalformedFields, p.Event.UnparsedReason);
        Assert.Null(p.Field("mid"));
        Assert.Null(p.Field("dcid"));
    }

    [Fact]
    public void Accepted_mid_is_found_only_in_the_accepted_wording()
    {
        Assert.Equal(30631618, new Parsed(Prefix + "MID 1 RID [0] Response 'ok:  Message 30631618 accepted'").Event.AcceptedMid);
        Assert.Equal(-1, new Parsed(Prefix + "MID 1 RID [0] Response '250 Message 30631618 queued'").Event.AcceptedMid);
        Assert.Equal(-1, new Parsed(Prefix + "MID 1 RID [0] Response 'Message accepted'").Event.AcceptedMid);
        Assert.Equal(42, new Parsed(Prefix + "MID 1 RID [0] Response 'Message X then Message 42 accepted'").Event.AcceptedMid);
    }
}
