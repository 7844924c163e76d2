namespace Pipeline.Simulation;

/// <summary>Inbound and outbound mail on the ESAs: connections, reception, scanning, delivery, delays, bounces.</summary>
internal sealed partial class Simulator
{
    private const double DayPeak = 1.6;
    private const byte VerdictClean = 0, VerdictIsq = 1;
    private const long MaxQueueLifetimeMs = 72L * 3600 * 1000;
    private readonly ByteSink _sink = new();

    // ------------------------------------------------------------------ arrivals and inbound connections

    private void Arrival(Appliance esa)
    {
        // Candidate arrivals at the peak rate, thinned by a day curve in the appliance's local time (mean factor 1).
        if (esa.ArrivalClock < _now / 1000.0) esa.ArrivalClock = _now / 1000.0;
        esa.ArrivalClock += _r.Exp(1.0 / (esa.ConnRate * DayPeak));
        At((long)(esa.ArrivalClock * 1000), EvKind.Arrival, esa, null);
        double hour = (((_now / 1000 + esa.UtcOffsetS) % 86400) + 86400) % 86400 / 3600.0;
        double f = 1 + 0.6 * Math.Cos(2 * Math.PI * (hour - 14) / 24);
        if (!_r.Chance(f / DayPeak)) return;
        OpenInbound(esa);
    }

    private void OpenInbound(Appliance esa)
    {
        var L = esa.Log;
        long icid = esa.NextIcid();
        bool outbound = _r.Chance(0.15);
        var conn = new InboundConn { App = esa, Icid = icid, Outbound = outbound };
        if (outbound)
        {
            uint ip = (10u << 24) | (20u << 16) | (uint)(25 + _r.Next(2));
            conn.RemoteIp = ip;
            L.Begin(_now).S("New SMTP ICID "u8).N(icid).S(" interface Data 1 ("u8).S(esa.IpText).S(") address "u8).Ip(ip)
                .S(" reverse dns host mbx0"u8).N((ip & 255) - 24).C((byte)'.').S(_names.InternalDomain).S(" verified yes"u8).End();
            L.Begin(_now).S("ICID "u8).N(icid).S(" RELAY SG RELAYLIST match 10.20.0.0/16 SBRS None"u8).End();
            if (_r.Chance(0.9)) L.Begin(_now).S("ICID "u8).N(icid).S(" TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384"u8).End();
        }
        else
        {
            uint ip = RandomPublicIp(_r);
            conn.RemoteIp = ip;
            conn.SenderDomain = PopularDomain();
            L.Begin(_now).S("New SMTP ICID "u8).N(icid).S(" interface Data 1 ("u8).S(esa.IpText).S(") address "u8).Ip(ip).S(" reverse dns host "u8);
            if (_r.Chance(0.55)) L.S(_names.RdnsHosts[_r.Next(_names.RdnsHosts.Length)]).S(" verified yes"u8).End();
            else L.S("unknown verified no"u8).End();
            if (_r.Chance(0.6))
            {
                L.Begin(_now).S("ICID "u8).N(icid).S(" REJECT SG BLACKLIST match sbrs[-10.0:-2.5] SBRS "u8).Dec1(-_r.Range(26, 100)).End();
                L.Begin(_now).S("ICID "u8).N(icid).S(" close"u8).End();
                esa.RejConn++;
                return;
            }
            if (_r.Chance(0.85)) L.Begin(_now).S("ICID "u8).N(icid).S(" ACCEPT SG UNKNOWNLIST match sbrs[-0.5:10.0] SBRS "u8).Dec1(_r.Range(-5, 99)).End();
            else L.Begin(_now).S("ICID "u8).N(icid).S(" ACCEPT SG SUSPECTLIST match sbrs[-2.5:-0.5] SBRS "u8).Dec1(-_r.Range(6, 25)).End();
            if (_r.Chance(0.45))
            {
                if (_r.Chance(0.01))
                {
                    L.Begin(_now).S("ICID "u8).N(icid).S(" TLS failed: [Errno 54] Connection reset by peer"u8).End();
                    L.Begin(_now).S("ICID "u8).N(icid).S(" lost"u8).End();
                    return;
                }
                L.Begin(_now).S("ICID "u8).N(icid).S(_r.Chance(0.7) ? " TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES128-GCM-SHA256"u8 : " TLS success protocol TLSv1.3 cipher TLS_AES_256_GCM_SHA384"u8).End();
            }
        }
        double k = _r.NextDouble();
        conn.Messages = k < 0.74 ? 1 : k < 0.90 ? 2 : k < 0.96 ? 3 : 4;
        esa.ConnIn++;
        At(_now + _r.Ms(0.05, 0.8), EvKind.MsgStart, esa, conn);
    }

    private void MsgStart(InboundConn conn)
    {
        var esa = conn.App;
        var L = esa.Log;
        long mid = esa.NextMid();
        var c = NewContent(conn.Outbound, conn.SenderDomain, out var to);
        var flow = NewFlow(esa, mid, c, to, conn.Outbound ? "outbound" : "inbound", null, null);
        var m = new Msg { Flow = flow, App = esa, Mid = mid, C = c, To = to, Conn = conn, Dest = c.Dest };
        m.Hop = AddHop(flow, esa, mid);
        L.Begin(_now).S("Start MID "u8).N(mid).S(" ICID "u8).N(conn.Icid).End();
        L.Begin(_now).S("MID "u8).N(mid).S(" ICID "u8).N(conn.Icid).S(" From: <"u8).S(c.From).C((byte)'>').End();
        for (int i = 0; i < to.Length; i++)
            L.Begin(_now).S("MID "u8).N(mid).S(" ICID "u8).N(conn.Icid).S(" RID "u8).N(i).S(" To: <"u8).S(to[i]).C((byte)'>').End();
        At(_now + _r.Ms(0.1, 2.5) + c.Size / 4000, EvKind.MsgData, esa, m);
    }

    private void MsgData(Msg m)
    {
        var esa = m.App;
        var L = esa.Log;
        var conn = m.Conn!;
        if (_r.Chance(0.004))
        {
            L.Begin(_now).S("Message aborted MID "u8).N(m.Mid).S(" Receiving aborted"u8).End();
            L.Begin(_now).S("Message finished MID "u8).N(m.Mid).S(" aborted"u8).End();
            L.Begin(_now).S("ICID "u8).N(conn.Icid).S(" lost"u8).End();
            EndHop(m, "aborted");
            Finish(m.Flow, "aborted");
            esa.ConnIn--;
            return;
        }
        L.Begin(_now).S("MID "u8).N(m.Mid).S(" Message-ID '"u8).S(m.C.MessageId).C((byte)'\'').End();
        L.Begin(_now).S("MID "u8).N(m.Mid).S(" Subject '"u8).S(m.C.Subject).C((byte)'\'').End();
        L.Begin(_now).S("MID "u8).N(m.Mid).S(" ready "u8).N(m.C.Size).S(" bytes from <"u8).S(m.C.From).C((byte)'>').End();
        if (m.C.Attachment is not null) L.Begin(_now).S("MID "u8).N(m.Mid).S(" attachment '"u8).S(m.C.Attachment).C((byte)'\'').End();
        esa.InjMsg++;
        esa.InjRcp += m.To.Length;
        conn.Done++;
        if (conn.Done < conn.Messages) At(_now + _r.Ms(0.05, 0.6), EvKind.MsgStart, esa, conn);
        else At(_now + _r.Ms(0.05, 1.5), EvKind.ConnClose, esa, conn);
        At(_now + _r.Ms(0.05, 1.2), EvKind.Scan1, esa, m);
    }

    private void ConnClose(InboundConn conn)
    {
        conn.App.Log.Begin(_now).S("ICID "u8).N(conn.Icid).S(" close"u8).End();
        conn.App.ConnIn--;
    }

    private void EndHop(Msg m, string outcome)
    {
        m.Hop.End = _now;
        m.Hop.Outcome = outcome;
    }

    // ------------------------------------------------------------------ scanning

    private void Scan1(Msg m)
    {
        var esa = m.App;
        var L = esa.Log;
        bool inbound = !m.C.Outbound;
        if (!m.Split)
        {
            if (inbound)
            {
                if (_r.Chance(0.6))
                {
                    var dom = Domain(m.C.From);
                    L.Begin(_now).S("MID "u8).N(m.Mid).S(" SPF: helo identity postmaster@"u8).S(dom).S(" None"u8).End();
                    L.Begin(_now).S("MID "u8).N(m.Mid).S(" SPF: mailfrom identity "u8).S(m.C.From).S(_r.Chance(0.85) ? " Pass (v=spf1)"u8 : " SoftFail (v=spf1)"u8).End();
                }
                if (_r.Chance(0.35))
                {
                    var dom = Domain(m.C.From);
                    L.Begin(_now).S("MID "u8).N(m.Mid).S(" DKIM: pass signature verified (d="u8).S(dom).S(" s=s1024 i=@"u8).S(dom).C((byte)')').End();
                }
            }
            L.Begin(_now).S("MID "u8).N(m.Mid).S(inbound
                ? " matched all recipients for per-recipient policy DEFAULT in the inbound table"u8
                : " matched all recipients for per-recipient policy DEFAULT in the outbound table"u8).End();
            if (inbound && _r.Chance(0.01)) m = Rewrite(m);
            if (inbound && m.To.Length > 1 && _r.Chance(0.08)) SplitOff(m);
        }
        if (m.Split)
        {
            L.Begin(_now).S("MID "u8).N(m.Mid).S(" interim verdict using engine: SLBL spam negative"u8).End();
            L.Begin(_now).S("MID "u8).N(m.Mid).S(" using engine: SLBL spam negative"u8).End();
        }
        else if (inbound)
        {
            double r = _r.NextDouble();
            if (r < 0.33)
            {
                L.Begin(_now).S("MID "u8).N(m.Mid).S(" interim verdict using engine: CASE spam positive"u8).End();
                L.Begin(_now).S("MID "u8).N(m.Mid).S(" using engine: CASE spam positive"u8).End();
                L.Begin(_now).S("Message aborted MID "u8).N(m.Mid).S(" Dropped by CASE"u8).End();
                L.Begin(_now).S("Message finished MID "u8).N(m.Mid).S(" done"u8).End();
                EndHop(m, "aborted");
                Finish(m.Flow, "aborted");
                return;
            }
            if (r < 0.37)
            {
                L.Begin(_now).S("MID "u8).N(m.Mid).S(" interim verdict using engine: CASE marketing"u8).End();
                L.Begin(_now).S("MID "u8).N(m.Mid).S(" using engine: CASE marketing"u8).End();
                L.Begin(_now).S("ISQ: Tagging MID "u8).N(m.Mid).S(" for quarantine"u8).End();
                m.Verdict = VerdictIsq;
            }
            else
            {
                L.Begin(_now).S("MID "u8).N(m.Mid).S(" interim verdict using engine: CASE spam negative"u8).End();
                L.Begin(_now).S("MID "u8).N(m.Mid).S(" using engine: CASE spam negative"u8).End();
            }
        }
        else
        {
            L.Begin(_now).S("MID "u8).N(m.Mid).S(" using engine: CASE spam negative"u8).End();
        }
        At(_now + _r.Ms(0.1, 1.5), EvKind.Scan2, esa, m);
    }

    private Msg Rewrite(Msg m)
    {
        var esa = m.App;
        long n = esa.NextMid();
        esa.Log.Begin(_now).S("MID "u8).N(m.Mid).S(" rewritten to MID "u8).N(n).S(" by LDAP rewrite"u8).End();
        esa.Log.Begin(_now).S("Message finished MID "u8).N(m.Mid).S(" done"u8).End();
        EndHop(m, "rewritten");
        (m.Flow.Edges ??= []).Add((esa, m.Mid, n));
        var m2 = new Msg { Flow = m.Flow, App = esa, Mid = n, C = m.C, To = m.To, Dest = m.Dest, Conn = m.Conn };
        m2.Hop = AddHop(m.Flow, esa, n);
        return m2;
    }

    /// <summary>The last recipients go to a new MID (a split child: a new flow whose parent is this one).</summary>
    private void SplitOff(Msg m)
    {
        var esa = m.App;
        var L = esa.Log;
        int n = m.To.Length;
        int k = 1 + _r.Next(n - 1);
        var childTo = m.To[(n - k)..];
        m.To = m.To[..(n - k)];
        long c = esa.NextMid();
        L.Begin(_now).S("MID "u8).N(m.Mid).S(" was split creating MID "u8).N(c).S(" due to a SL/BL configuration for following recipients: "u8);
        for (int i = 0; i < childTo.Length; i++)
        {
            if (i > 0) L.S(", "u8);
            L.S(childTo[i]);
        }
        L.End();
        L.Begin(_now).S("MID "u8).N(c).S(" ICID 0 From: <"u8).S(m.C.From).C((byte)'>').End();
        for (int i = 0; i < childTo.Length; i++)
            L.Begin(_now).S("MID "u8).N(c).S(" ICID 0 RID "u8).N(i).S(" To: <"u8).S(childTo[i]).C((byte)'>').End();
        var flow = NewFlow(esa, c, m.C, childTo, m.Flow.Direction, m.Flow, "split");
        var child = new Msg { Flow = flow, App = esa, Mid = c, C = m.C, To = childTo, Dest = m.Dest, Split = true };
        child.Hop = AddHop(flow, esa, c);
        At(_now + _r.Ms(0.1, 1.0), EvKind.Scan1, esa, child);
    }

    private void Scan2(Msg m)
    {
        var esa = m.App;
        var L = esa.Log;
        bool inbound = !m.C.Outbound;
        string? quarantine = null;
        ReadOnlySpan<byte> reason = default;
        if (_r.Chance(inbound ? 0.008 : 0.001))
        {
            L.Begin(_now).S("MID "u8).N(m.Mid).S(" interim AV verdict using Sophos VIRAL"u8).End();
            L.Begin(_now).S("MID "u8).N(m.Mid).S(" antivirus positive '"u8).S(_names.VirusNames[_r.Next(_names.VirusNames.Length)]).C((byte)'\'').End();
            quarantine = "Virus";
            reason = "antivirus positive"u8;
        }
        else
        {
            L.Begin(_now).S("MID "u8).N(m.Mid).S(" interim AV verdict using Sophos CLEAN"u8).End();
            L.Begin(_now).S("MID "u8).N(m.Mid).S(" antivirus negative "u8).End();
            if (inbound && m.Verdict == VerdictClean && _r.Chance(0.55)) Bcc(m);
            if (m.C.Size > 262144)
                L.Begin(_now).S("MID "u8).N(m.Mid).S(" was too big ("u8).N(m.C.Size).S("/262144) for scanning by Outbreak Filters"u8).End();
            else if (inbound && _r.Chance(0.008))
            {
                L.Begin(_now).S("MID "u8).N(m.Mid).S(" Outbreak Filters: verdict positive"u8).End();
                quarantine = "Outbreak";
                reason = "Outbreak Filters: threat level 4"u8;
            }
            else L.Begin(_now).S("MID "u8).N(m.Mid).S(" Outbreak Filters: verdict negative"u8).End();
            if (quarantine is null && _r.Chance(inbound ? 0.02 : 0.03))
            {
                quarantine = "Policy";
                reason = inbound ? "content filter:Block_Executables"u8 : "content filter:DLP_Outbound"u8;
            }
        }
        if (quarantine is not null)
        {
            EnqueueCpq(m, quarantine, reason);
            return;
        }
        L.Begin(_now).S("MID "u8).N(m.Mid).S(" queued for delivery"u8).End();
        if (m.Verdict == VerdictIsq) m.Dest = _isq[esa.Sma!];
        At(_now + _r.Ms(0.05, 1.0), EvKind.Deliver, esa, m);
    }

    private void Bcc(Msg m)
    {
        var esa = m.App;
        var L = esa.Log;
        long b = esa.NextMid();
        var c = new Content
        {
            From = _names.BccFrom, MessageId = [], Subject = m.C.Subject, Size = m.C.Size + 1800,
            Dest = _bcc, ReplyDest = _internal,
        };
        L.Begin(_now).S("Start MID "u8).N(b).S(" ICID 0"u8).End();
        L.Begin(_now).S("MID "u8).N(b).S(" was generated based on MID "u8).N(m.Mid).S(" by bcc filter 'FireEye_BCC'"u8).End();
        L.Begin(_now).S("MID "u8).N(b).S(" ICID 0 From: <"u8).S(c.From).C((byte)'>').End();
        L.Begin(_now).S("MID "u8).N(b).S(" ICID 0 RID 0 To: <"u8).S(_names.BccTo).C((byte)'>').End();
        L.Begin(_now).S("MID "u8).N(b).S(" DomainKeys: cannot sign - no profile matches "u8).S(m.C.From).End();
        L.Begin(_now).S("MID "u8).N(b).S(" DKIM: cannot sign - no profile matches "u8).S(m.C.From).End();
        L.Begin(_now).S("MID "u8).N(b).S(" ready "u8).N(c.Size).S(" bytes from <"u8).S(c.From).C((byte)'>').End();
        L.Begin(_now).S("MID "u8).N(b).S(" queued for delivery"u8).End();
        var flow = NewFlow(esa, b, c, [_names.BccTo], "generated", m.Flow, "generated");
        var bm = new Msg { Flow = flow, App = esa, Mid = b, C = c, To = flow.To, Dest = _bcc, NoBounce = true };
        bm.Hop = AddHop(flow, esa, b);
        At(_now + _r.Ms(0.05, 1.0), EvKind.Deliver, esa, bm);
    }

    private static ReadOnlySpan<byte> Domain(byte[] address)
    {
        int at = Array.IndexOf(address, (byte)'@');
        return at < 0 ? address : address.AsSpan(at + 1);
    }

    // ------------------------------------------------------------------ delivery

    private void Deliver(Msg m)
    {
        var esa = m.App;
        var dest = m.Dest;
        var pool = esa.Pools[dest.Index] ??= new DestPool { App = esa, Dest = dest };
        if (m.QueuedAt == 0)
        {
            m.QueuedAt = _now;
            esa.ActiveRcp += m.To.Length;
        }
        SmtpConn? conn = null;
        for (int i = pool.Conns.Count - 1; i >= 0; i--)
        {
            if (!pool.Conns[i].Busy)
            {
                conn = pool.Conns[i];
                break;
            }
        }
        if (conn is null)
        {
            if (pool.Conns.Count >= dest.MaxConns)
            {
                pool.Waiting.Enqueue(m);
                return;
            }
            long dcid = esa.NextDcid();
            var L = esa.Log;
            if (dest.Dead || _r.Chance(dest.ConnErrorP))
            {
                L.Begin(_now).S("Connection Error: DCID "u8).N(dcid).S(" domain: "u8).S(dest.Domain).S(" IP: "u8).Ip(dest.Ip)
                    .S(" port: 25 details: timed out interface: "u8).S(esa.IpText).S(" reason: network error"u8).End();
                Retry(m);
                return;
            }
            conn = new SmtpConn { Dcid = dcid, Pool = pool };
            pool.Conns.Add(conn);
            esa.ConnOut++;
            L.Begin(_now).S("New SMTP DCID "u8).N(dcid).S(" interface "u8).S(esa.IpText).S(" address "u8).Ip(dest.Ip).S(" port "u8).N(dest.Port).End();
            if (dest.Tls) L.Begin(_now).S("DCID "u8).N(dcid).S(" TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES128-GCM-SHA256"u8).End();
        }
        StartDelivery(conn, m);
    }

    private void StartDelivery(SmtpConn conn, Msg m)
    {
        var esa = m.App;
        conn.Busy = true;
        conn.Count++;
        conn.LastUsed = _now;
        conn.Current = m;
        var L = esa.Log.Begin(_now).S("Delivery start DCID "u8).N(conn.Dcid).S(" MID "u8).N(m.Mid).S(" to RID "u8).Rids(m.To.Length);
        if (conn.Pool.Dest.Kind == DestKind.SpamQuarantine) L.S(" to offbox IronPort Spam Quarantine"u8);
        L.End();
        At(_now + _r.Ms(0.1, 1.2) + m.C.Size / 5000, EvKind.DeliveryDone, esa, conn);
    }

    private void DeliveryDone(SmtpConn conn)
    {
        var m = conn.Current!;
        conn.Current = null;
        var pool = conn.Pool;
        var dest = pool.Dest;
        var esa = m.App;
        var L = esa.Log;
        int n = m.To.Length;
        bool special = dest.Kind is DestKind.BccSink or DestKind.SpamQuarantine;
        double r = _r.NextDouble();
        if (!special && (dest.Dead || r < dest.DelayP))
        {
            bool grey = dest.Kind == DestKind.External && _r.Chance(0.6);
            Delayed(L, conn.Dcid, m, grey
                ? " - 4.7.1 - Greylisted, please try again later ('450', ['4.7.1 Recipient address rejected: Greylisted'])"u8
                : " - 4.3.2 - Not accepting messages at this time ('421', ['4.3.2 Service shutting down'])"u8);
            Retry(m);
        }
        else if (!special && !m.NoBounce && r < dest.DelayP + dest.BounceP)
        {
            for (int i = 0; i < n; i++)
            {
                L.Begin(_now).S("Bounced: DCID "u8).N(conn.Dcid).S(" MID "u8).N(m.Mid).S(" From: <"u8).S(m.C.From).S("> To: <"u8).S(m.To[i])
                    .S("> RID "u8).N(i).S(" - 5.1.0 - Unknown address error ('550', ['5.1.1 <"u8).S(m.To[i])
                    .S(">: Recipient address rejected: User unknown in local recipient table'])"u8).End();
            }
            Bounce(m);
        }
        else
        {
            L.Begin(_now).S("Message done DCID "u8).N(conn.Dcid).S(" MID "u8).N(m.Mid).S(" to RID "u8).Rids(n)
                .S(dest.Kind == DestKind.SpamQuarantine ? " (external quarantine) "u8 : " "u8).End();
            L.Begin(_now).S("MID "u8).N(m.Mid).S(" RID "u8).Rids(n).S(" Response '"u8);
            if (dest.Kind == DestKind.SpamQuarantine)
            {
                long accepted = ++dest.Sma!.IsqMid;
                L.S("ok:  Message "u8).N(accepted).S(" accepted"u8);
                m.Flow.SpamQuarantine = (dest.Sma, accepted);
            }
            else Response(L, dest, m);
            L.S("'"u8).End();
            L.Begin(_now).S("Message finished MID "u8).N(m.Mid).S(" done"u8).End();
            esa.DlvRcp += n;
            esa.ActiveRcp -= n;
            if (dest.Kind == DestKind.SpamQuarantine)
            {
                // Accepted by the SMA's spam quarantine and never released in the simulation: it stays there.
                EndHop(m, "transferred");
                Finish(m.Flow, "quarantined");
            }
            else
            {
                EndHop(m, "delivered");
                Finish(m.Flow, "delivered");
            }
        }
        conn.Busy = false;
        conn.LastUsed = _now;
        if (conn.Count >= 50)
        {
            CloseSmtp(conn);
            if (pool.Waiting.Count > 0) At(_now + _r.Ms(0.05, 0.3), EvKind.Deliver, esa, pool.Waiting.Dequeue());
        }
        else if (pool.Waiting.Count > 0) StartDelivery(conn, pool.Waiting.Dequeue());
        else At(_now + IdleMs(dest), EvKind.SmtpIdle, esa, conn);
    }

    private void Response(ApplianceLog L, Destination dest, Msg m)
    {
        switch (dest.ResponseStyle)
        {
            case 0:
                L.S("2.0.0 Ok: queued as "u8).S(_sink.Clear().Alnum(_r, 14).Span);
                break;
            case 1:
                L.S("250 2.0.0 OK  "u8).N(_now / 1000).C((byte)' ').S(_sink.Clear().Alnum(_r, 10).Span).S(" - gsmtp"u8);
                break;
            default:
                L.S("2.6.0 "u8).S(m.C.MessageId.Length > 0 ? m.C.MessageId : "<>"u8).S(" [InternalId="u8).N(_r.Range(10_000_000, 99_999_999))
                    .S("] Queued mail for delivery"u8);
                break;
        }
    }

    /// <summary>How long an idle delivery connection stays open: long to the own servers, short to the internet.</summary>
    private static long IdleMs(Destination d) => d.Kind == DestKind.External ? 15_000 : 60_000;

    private void SmtpIdle(SmtpConn conn)
    {
        if (conn.Closed || conn.Busy || _now - conn.LastUsed < IdleMs(conn.Pool.Dest) - 1) return;
        CloseSmtp(conn);
    }

    private void CloseSmtp(SmtpConn conn)
    {
        var esa = conn.Pool.App;
        esa.Log.Begin(_now).S("DCID "u8).N(conn.Dcid).S(" close"u8).End();
        conn.Closed = true;
        conn.Pool.Conns.Remove(conn);
        esa.ConnOut--;
    }

    /// <summary>A temporary failure: the next try waits 60 s, then twice as long each time (at most an hour).</summary>
    private void Retry(Msg m)
    {
        var esa = m.App;
        if (_now - m.QueuedAt >= MaxQueueLifetimeMs)
        {
            for (int i = 0; i < m.To.Length; i++)
            {
                esa.Log.Begin(_now).S("Bounced: DCID 0 MID "u8).N(m.Mid).S(" From: <"u8).S(m.C.From).S("> To: <"u8).S(m.To[i]).S("> RID "u8).N(i)
                    .S(" - 5.4.7 - Delivery expired (message too old) ('000', ['timeout'])"u8).End();
            }
            Bounce(m);
            return;
        }
        m.Attempts++;
        m.RetryS = m.RetryS == 0 ? 60 : Math.Min(m.RetryS * 2, 3600);
        long next = _now + m.RetryS * 1000L + _r.Ms(0, 5);
        Pending(esa.Log, m, next);
        esa.SftBnc++;
        At(next, EvKind.Deliver, esa, m);
    }

    /// <summary>The message bounced: a bounce message (a new flow) goes back to the sender, unless it is itself a bounce or copy.</summary>
    private void Bounce(Msg m)
    {
        var esa = m.App;
        var L = esa.Log;
        if (!m.NoBounce && m.C.From.Length > 0)
        {
            long b = esa.NextMid();
            var c = new Content
            {
                From = [], MessageId = [], Subject = m.C.Subject, Size = 2800 + m.C.Size / 20,
                Dest = m.C.ReplyDest, ReplyDest = m.C.ReplyDest,
            };
            L.Begin(_now).S("Start MID "u8).N(b).S(" ICID 0"u8).End();
            L.Begin(_now).S("MID "u8).N(b).S(" was generated for bounce of MID "u8).N(m.Mid).End();
            L.Begin(_now).S("MID "u8).N(b).S(" ICID 0 From: <>"u8).End();
            L.Begin(_now).S("MID "u8).N(b).S(" ICID 0 RID 0 To: <"u8).S(m.C.From).C((byte)'>').End();
            L.Begin(_now).S("MID "u8).N(b).S(" ready "u8).N(c.Size).S(" bytes from <>"u8).End();
            L.Begin(_now).S("MID "u8).N(b).S(" matched all recipients for per-recipient policy DEFAULT in the outbound table"u8).End();
            L.Begin(_now).S("MID "u8).N(b).S(" queued for delivery"u8).End();
            var flow = NewFlow(esa, b, c, [m.C.From], "generated", m.Flow, "bounce_of");
            var bm = new Msg { Flow = flow, App = esa, Mid = b, C = c, To = flow.To, Dest = c.Dest, NoBounce = true };
            bm.Hop = AddHop(flow, esa, b);
            At(_now + _r.Ms(0.1, 1.0), EvKind.Deliver, esa, bm);
        }
        L.Begin(_now).S("Message finished MID "u8).N(m.Mid).S(" done"u8).End();
        esa.HrdBnc += m.To.Length;
        esa.ActiveRcp -= m.To.Length;
        EndHop(m, "bounced");
        Finish(m.Flow, "bounced");
    }

    // ------------------------------------------------------------------ content

    private Content NewContent(bool outbound, int senderDomain, out byte[][] to)
    {
        var c = new Content { Outbound = outbound };
        if (outbound)
        {
            c.From = _names.InternalUsers[_r.Next(_names.InternalUsers.Length)];
            int d = PopularDomain();
            var users = _names.ExternalUsers[d];
            to = PickDistinct(users, Math.Min(users.Length, _r.Chance(0.8) ? 1 : _r.Range(2, 3)));
            c.Dest = _external[d];
            c.ReplyDest = _internal;
        }
        else
        {
            var users = _names.ExternalUsers[senderDomain];
            c.From = users[_r.Next(users.Length)];
            double k = _r.NextDouble();
            int n = k < 0.72 ? 1 : k < 0.86 ? 2 : k < 0.93 ? 3 : k < 0.97 ? 4 : 5;
            to = PickDistinct(_names.InternalUsers, n);
            c.Dest = _internal;
            c.ReplyDest = _external[senderDomain];
        }
        c.MessageId = NewMessageId(c.From);
        c.Subject = _names.Subjects[_r.Next(_names.Subjects.Length)];
        c.Size = _r.Chance(0.05) ? _r.Range(262_145, 2_500_000) : 1500 + (int)_r.Exp(25_000);
        if (_r.Chance(0.3)) c.Attachment = _names.AttachmentNames[_r.Next(_names.AttachmentNames.Length)];
        return c;
    }

    /// <summary>A few big domains get most of the mail (like the big mailbox providers), so outbound connections are reused.</summary>
    private int PopularDomain() => Math.Min(_external.Length - 1, (int)(_external.Length * Math.Pow(_r.NextDouble(), 3)));

    private byte[][] PickDistinct(byte[][] pool, int n)
    {
        var result = new byte[n][];
        for (int i = 0; i < n; i++)
        {
            byte[] pick;
            int guard = 0;
            do pick = pool[_r.Next(pool.Length)];
            while (Array.IndexOf(result, pick, 0, i) >= 0 && ++guard < 20);
            result[i] = pick;
        }
        return result;
    }

    private byte[] NewMessageId(byte[] from)
    {
        var s = _sink.Clear().C((byte)'<');
        var dom = Domain(from);
        switch (_r.Next(3))
        {
            case 0:
                var t = TruthWriter.Time(_now);
                s.N(t.Year).N(t.Month + 100).N(t.Day + 100).N(t.Hour + 100).N(t.Minute + 100).C((byte)'.').Hex(_r, 12).C((byte)'@').S(dom);
                break;
            case 1:
                s.Digits(_r, 10).C((byte)'.').Digits(_r, 9).C((byte)'.').N(_now).S(".JavaMail.root@mta"u8).N(_r.Range(1, 20)).C((byte)'.').S(dom);
                break;
            default:
                s.Alnum(_r, 24).S("@mail."u8).S(dom);
                break;
        }
        return s.C((byte)'>').ToArray();
    }
}
