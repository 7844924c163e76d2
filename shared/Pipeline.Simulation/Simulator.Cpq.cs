namespace Pipeline.Simulation;

/// <summary>The centralized quarantine round trip: ESA → SMA transfer, quarantine, release back, and the faults on both queues.</summary>
internal sealed partial class Simulator
{
    private enum Failure : byte { None, TlsAnon, Timeout, Refused, TempFail, QuarantineFull }

    private const byte FateReleaseManual = 1, FateReleaseExpired = 2, FateReleaseRescanned = 3, FateDeleteManual = 4, FateDeleteExpired = 5;

    private static ReadOnlySpan<byte> CpqCipher => "ECDHE-RSA-AES256-GCM-SHA384"u8;

    private void EnqueueCpq(Msg m, string quarantine, ReadOnlySpan<byte> reason)
    {
        var esa = m.App;
        esa.Log.Begin(_now).S("MID "u8).N(m.Mid).S(" enqueued for transfer to centralized quarantine \""u8).S(Utf8.Bytes(quarantine))
            .S("\" ("u8).S(reason).C((byte)')').End();
        m.QuarantineName = quarantine;
        m.QuarantineReason = reason.ToArray();
        m.QueuedAt = _now;
        m.Flow.Cpq = new CpqState { Esa = esa, EsaMid = m.Mid, Sma = esa.Sma!, Quarantine = quarantine, EnqueuedAt = _now };
        m.Flow.State = "in_transfer";
        esa.ActiveRcp += m.To.Length;
        var link = esa.ToSma!;
        link.Pending.AddLast(m);
        Kick(link);
    }

    /// <summary>Something was queued: use the open connection, or try to connect (not before the back-off allows).</summary>
    private void Kick(CpqLink link)
    {
        if (link.Dcid >= 0)
        {
            if (!link.Busy && !link.SendScheduled)
            {
                link.SendScheduled = true;
                At(_now + _r.Ms(0.02, 0.3), EvKind.CpqSend, link.From, link);
            }
            return;
        }
        if (link.AttemptScheduled) return;
        link.AttemptScheduled = true;
        At(Math.Max(_now + _r.Ms(0.3, 2), link.NextAttempt), EvKind.CpqAttempt, link.From, link);
    }

    private (Failure, int) Check(CpqLink link)
    {
        long t = _now;
        var from = link.From;
        var to = link.To;
        int f;
        if (to.Down.Count > 0 && Appliance.In(to.Down, t, out f)) return (Failure.Timeout, f);
        if (link.Release)
        {
            if (Appliance.In(to.ListenerSuspended, t, out f)) return (Failure.Refused, f);
            return (Failure.None, -1);
        }
        if (Appliance.In(from.PortBlocked, t, out f)) return (Failure.Timeout, f);
        if (Appliance.In(to.ListenerSuspended, t, out f)) return (Failure.Refused, f);
        if (Appliance.In(from.TlsAnon, t, out f)) return (Failure.TlsAnon, f);
        if (Appliance.In(to.AppFault, t, out f)) return (Failure.TempFail, f);
        if (Appliance.In(to.QuarantineFull, t, out f)) return (Failure.QuarantineFull, f);
        return (Failure.None, -1);
    }

    private ReadOnlySpan<byte> QueueHost(CpqLink link) => link.Release ? "the.cpq.release.host"u8 : "the.cpq.host"u8;

    private void CpqAttempt(CpqLink link)
    {
        link.AttemptScheduled = false;
        if (link.Pending.Count == 0 || link.Dcid >= 0)
        {
            if (link.Pending.Count > 0) Kick(link);
            return;
        }
        var (failure, fault) = Check(link);
        if (failure != Failure.None)
        {
            Fail(link, failure, fault);
            return;
        }
        var F = link.From;
        var T = link.To;
        long dcid = F.NextDcid();
        long icid = OpenCpqConnection(link, dcid);
        link.Dcid = dcid;
        link.PeerIcid = icid;
        link.ConnCount = 0;
        link.Busy = false;
        link.LastUsed = _now;
        link.BackoffS = 0;
        link.NextAttempt = 0;
        // The connection works again: connection/TLS failure alerts are over.
        for (int i = link.Open.Count - 1; i >= 0; i--)
        {
            var e = link.Open[i];
            if (e.Kind is "cpq_tls_failure" or "cpq_connect_failure" && _faults[e.Fault].To <= Time(_now))
            {
                if (e.Resolved < 0) e.Resolved = _now;
                link.Open.RemoveAt(i);
            }
        }
        link.SendScheduled = true;
        At(_now + _r.Ms(0.05, 0.3), EvKind.CpqSend, F, link);
    }

    private static DateTime Time(long ms) => DateTime.UnixEpoch.AddMilliseconds(ms);

    /// <summary>The sender's <c>New SMTP DCID ... port 7025</c> line.</summary>
    private void NewCpqDcid(Appliance F, Appliance T, long dcid) =>
        F.Log.Begin(_now).S("New SMTP DCID "u8).N(dcid).S(" interface "u8).S(F.IpText).S(" address "u8).S(T.IpText).S(" port 7025"u8).End();

    /// <summary>A CPQ connection that gets through TLS: the sender's DCID lines and the receiver's ICID lines; returns that ICID.</summary>
    private long OpenCpqConnection(CpqLink link, long dcid)
    {
        var F = link.From;
        var T = link.To;
        NewCpqDcid(F, T, dcid);
        F.Log.Begin(_now).S("DCID "u8).N(dcid).S(" TLS success protocol TLSv1.2 cipher "u8).S(CpqCipher).C((byte)' ').S(QueueHost(link)).End();
        long icid = T.NextIcid();
        PeerIcid(T, icid, F);
        T.Log.Begin(_now).S("ICID "u8).N(icid).S(" TLS success protocol TLSv1.2 cipher "u8).S(CpqCipher).End();
        return icid;
    }

    private void PeerIcid(Appliance receiver, long icid, Appliance sender) =>
        receiver.Log.Begin(_now).S("New CPQ ICID "u8).N(icid).S(" interface Management ("u8).S(receiver.IpText).S(") address "u8).S(sender.IpText)
            .S(" reverse dns host unknown verified no"u8).End();

    /// <summary>
    /// A failed attempt: the lines a real appliance writes for the oldest messages of the queue (at most a connection's
    /// batch), and the next attempt after a growing back-off (2, 4, 8, then every 15 minutes).
    /// </summary>
    private void Fail(CpqLink link, Failure failure, int fault)
    {
        var F = link.From;
        var T = link.To;
        var FL = F.Log;
        link.BackoffS = link.BackoffS == 0 ? 120 : Math.Min(link.BackoffS * 2, 900);
        long next = _now + link.BackoffS * 1000L + _r.Ms(0, 10);
        link.NextAttempt = next;
        link.AttemptScheduled = true;
        At(next, EvKind.CpqAttempt, F, link);

        var batch = new List<Msg>(Math.Min(CpqBatch, link.Pending.Count));
        foreach (var m in link.Pending)
        {
            batch.Add(m);
            if (batch.Count == CpqBatch) break;
        }
        long dcid = F.NextDcid();
        long icid = -1;
        switch (failure)
        {
            case Failure.TlsAnon:
                NewCpqDcid(F, T, dcid);
                FL.Begin(_now).S("DCID "u8).N(dcid).S(" TLS failed: verify error: no certificate from server"u8).End();
                FL.Begin(_now).S("DCID "u8).N(dcid).S(" TLS was required but could not be successfully negotiated"u8).End();
                FL.Begin(_now).S("DCID "u8).N(dcid).S(" close"u8).End();
                // The SMA saw a handshake with an anonymous cipher, then the ESA hung up.
                icid = T.NextIcid();
                PeerIcid(T, icid, F);
                T.Log.Begin(_now).S("ICID "u8).N(icid).S(" TLS success protocol TLSv1.2 cipher ADH-AES256-GCM-SHA384"u8).End();
                T.Log.Begin(_now).S("ICID "u8).N(icid).S(" lost"u8).End();
                foreach (var m in batch)
                {
                    Delayed(FL, dcid, m, " - 4.0.0 - TLS was required but could not be successfully negotiated"u8);
                    Pending(FL, m, next);
                }
                break;
            case Failure.Timeout:
            case Failure.Refused:
                FL.Begin(_now).S("Connection Error: DCID "u8).N(dcid).S(" domain: "u8).S(QueueHost(link)).S(" IP: "u8).S(T.IpText)
                    .S(" port: 7025 details: "u8).S(failure == Failure.Timeout ? "timed out"u8 : "[Errno 111] Connection refused"u8)
                    .S(" interface: "u8).S(F.IpText).S(" reason: network error"u8).End();
                foreach (var m in batch) Pending(FL, m, next);
                break;
            case Failure.TempFail:
            case Failure.QuarantineFull:
                icid = OpenCpqConnection(link, dcid);
                foreach (var m in batch)
                {
                    FL.Begin(_now).S("Delivery start DCID "u8).N(dcid).S(" MID "u8).N(m.Mid).S(" to RID "u8).Rids(m.To.Length)
                        .S(" to Centralized Policy Quarantine"u8).End();
                    if (failure == Failure.QuarantineFull)
                    {
                        long s = T.NextMid();
                        Receive(T, s, icid, m);
                        T.Log.Begin(_now).S("unable to quarantine MID "u8).N(s).S(" - quarantine system unavailable"u8).End();
                        T.Log.Begin(_now).S("Message finished MID "u8).N(s).S(" aborted"u8).End();
                        var hop = AddHop(m.Flow, T, s);
                        hop.End = _now;
                        hop.Outcome = "aborted";
                        (m.Flow.Cpq!.FailedSmaMids ??= []).Add(s);
                        Delayed(FL, dcid, m, " - 4.3.0 - quarantine system unavailable ('451', ['4.3.0 Quarantine system unavailable'])"u8);
                    }
                    else Delayed(FL, dcid, m, " - 4.3.0 - Temporary failure ('451', ['4.3.0 Local error in processing, try again later'])"u8);
                    Pending(FL, m, next);
                }
                FL.Begin(_now).S("DCID "u8).N(dcid).S(" close"u8).End();
                T.Log.Begin(_now).S("ICID "u8).N(icid).S(" close"u8).End();
                break;
        }
        foreach (var m in batch)
        {
            var cpq = m.Flow.Cpq;
            if (cpq is not null) cpq.DelayedAttempts++;
        }

        // Evidence for the expected alerts.
        long oldest = (_now - link.Pending.First!.Value.QueuedAt) / 1000;
        var stuck = GetEvidence(fault, link.Release ? "cpq_release_stuck" : "cpq_queue_stuck", F, T);
        Record(stuck, link, batch, oldest);
        foreach (var m in link.Pending) stuck.Stuck.Add(m.Mid);
        stuck.MaxBacklog = Math.Max(stuck.MaxBacklog, link.Pending.Count);
        switch (failure)
        {
            case Failure.TlsAnon: Record(GetEvidence(fault, "cpq_tls_failure", F, T), link, batch, oldest); break;
            case Failure.Timeout:
            case Failure.Refused: Record(GetEvidence(fault, "cpq_connect_failure", F, T), link, batch, oldest); break;
            case Failure.QuarantineFull:
            case Failure.TempFail: Record(GetEvidence(fault, "quarantine_unavailable", T, null), null, batch, oldest); break;
        }
    }

    private void Record(Evidence e, CpqLink? link, List<Msg> batch, long oldestAgeS)
    {
        Signal(e, _now);
        e.Attempts++;
        foreach (var m in batch) e.Mids.Add(m.Mid);
        e.OldestAgeS = Math.Max(e.OldestAgeS, oldestAgeS);
        if (link is not null && !link.Open.Contains(e)) link.Open.Add(e);
    }

    private void Delayed(ApplianceLog L, long dcid, Msg m, ReadOnlySpan<byte> tail)
    {
        for (int i = 0; i < m.To.Length; i++)
        {
            L.Begin(_now).S("Delayed: DCID "u8).N(dcid).S(" MID "u8).N(m.Mid).S(" From: <"u8).S(m.C.From).S("> To: <"u8).S(m.To[i])
                .S("> RID "u8).N(i).S(tail).End();
        }
    }

    private void Pending(ApplianceLog L, Msg m, long next) =>
        L.Begin(_now).S("MID "u8).N(m.Mid).S(" to RID "u8).Rids(m.To.Length).S(" pending till "u8).LocalTime(next).S(" [Default]"u8).End();

    /// <summary>The receiving side's reception lines of a CPQ message (SMA on transfer, ESA on release).</summary>
    private void Receive(Appliance T, long mid, long icid, Msg m)
    {
        var L = T.Log;
        L.Begin(_now).S("Start MID "u8).N(mid).S(" ICID "u8).N(icid).End();
        if (m.App.IsSma)
            L.Begin(_now).S("MID "u8).N(mid).S(" received from the SMA "u8).S(m.App.IpText).S(" (MID originally "u8).N(m.Flow.Cpq!.EsaMid)
                .S(") on release from central quarantine"u8).End();
        L.Begin(_now).S("MID "u8).N(mid).S(" ICID "u8).N(icid).S(" From: <"u8).S(m.C.From).C((byte)'>').End();
        for (int i = 0; i < m.To.Length; i++)
            L.Begin(_now).S("MID "u8).N(mid).S(" ICID "u8).N(icid).S(" RID "u8).N(i).S(" To: <"u8).S(m.To[i]).C((byte)'>').End();
        if (m.C.MessageId.Length > 0) L.Begin(_now).S("MID "u8).N(mid).S(" Message-ID '"u8).S(m.C.MessageId).C((byte)'\'').End();
        L.Begin(_now).S("MID "u8).N(mid).S(" Subject '"u8).S(m.C.Subject).C((byte)'\'').End();
        L.Begin(_now).S("MID "u8).N(mid).S(" ready "u8).N(m.C.Size + 412).S(" bytes from <"u8).S(m.C.From).C((byte)'>').End();
    }

    private void CpqSend(CpqLink link)
    {
        link.SendScheduled = false;
        if (link.Dcid < 0 || link.Busy)
        {
            if (link.Dcid < 0 && link.Pending.Count > 0) Kick(link);
            return;
        }
        if (link.Pending.Count == 0)
        {
            At(_now + 15_000, EvKind.CpqIdle, link.From, link);
            return;
        }
        var (failure, _) = Check(link);
        if (failure != Failure.None || link.ConnCount >= CpqMaxPerConnection)
        {
            // A fault began while connected, or the connection carried its share: hang up and connect again.
            CloseCpq(link);
            link.AttemptScheduled = true;
            At(_now + _r.Ms(0.5, 1.5), EvKind.CpqAttempt, link.From, link);
            return;
        }
        var F = link.From;
        var T = link.To;
        var m = link.Pending.First!.Value;
        link.Pending.RemoveFirst();
        link.Busy = true;
        link.InFlight = m;
        link.ConnCount++;
        long peerMid = T.NextMid();
        var start = F.Log.Begin(_now).S("Delivery start DCID "u8).N(link.Dcid).S(" MID "u8).N(m.Mid).S(" to RID "u8).Rids(m.To.Length);
        if (!link.Release) start.S(" to Centralized Policy Quarantine"u8);
        start.End();
        Receive(T, peerMid, link.PeerIcid, m);
        var peer = new Msg { Flow = m.Flow, App = T, Mid = peerMid, C = m.C, To = m.To, Origin = m, QuarantineName = m.QuarantineName, QuarantineReason = m.QuarantineReason };
        peer.Hop = AddHop(m.Flow, T, peerMid);
        if (link.Release)
        {
            peer.Dest = m.Origin!.Dest;
            var cpq = m.Flow.Cpq!;
            cpq.ReleaseEsaMid = peerMid;
            cpq.ReturnedAt = _now;
        }
        link.InFlightPeer = peer;
        At(_now + _r.Ms(0.1, 0.6) + m.C.Size / 10_000, EvKind.CpqSendDone, F, link);
    }

    /// <summary>A message was quarantined on <paramref name="sma"/>: a quarantine problem whose window has ended is over now.</summary>
    private void QuarantineWorksAgain(Appliance sma)
    {
        for (int i = 0; i < _evidence.Count; i++)
        {
            if (Ms(_faults[i].To) > _now) continue;
            foreach (var e in _evidence[i])
                if (e.Kind == "quarantine_unavailable" && e.App == sma && e.Resolved < 0) e.Resolved = _now;
        }
    }

    private void CpqSendDone(CpqLink link)
    {
        var F = link.From;
        var T = link.To;
        var m = link.InFlight!;
        var peer = link.InFlightPeer!;
        link.InFlight = null;
        link.InFlightPeer = null;
        var FL = F.Log;
        FL.Begin(_now).S("Message done DCID "u8).N(link.Dcid).S(" MID "u8).N(m.Mid).S(" to RID "u8).Rids(m.To.Length)
            .S(link.Release ? ""u8 : " (centralized policy quarantine)"u8).End();
        FL.Begin(_now).S("MID "u8).N(m.Mid).S(" RID "u8).Rids(m.To.Length).S(" Response 'ok:  Message "u8).N(peer.Mid).S(" accepted'"u8).End();
        FL.Begin(_now).S("Message finished MID "u8).N(m.Mid).S(" done"u8).End();
        F.ActiveRcp -= m.To.Length;
        var cpq = m.Flow.Cpq!;
        if (!link.Release)
        {
            T.Log.Begin(_now).S("MID "u8).N(peer.Mid).S(" quarantined to \""u8).S(Utf8.Bytes(m.QuarantineName!)).S("\" ("u8).S(m.QuarantineReason!).C((byte)')').End();
            QuarantineWorksAgain(T);
            EndHop(m, "transferred");
            cpq.SmaMid = peer.Mid;
            cpq.TransferredAt = _now;
            peer.Hop.Outcome = "quarantined";
            m.Flow.State = "quarantined";
            T.Quarantined++;
            peer.QuarantinedAt = _now;
            ScheduleFate(peer);
        }
        else
        {
            m.Hop.End = _now; // outcome stays "released"
            T.Log.Begin(_now).S("MID "u8).N(peer.Mid).S(" queued for delivery"u8).End();
            m.Flow.State = "open";
            At(_now + _r.Ms(0.05, 1.0), EvKind.Deliver, T, peer);
        }
        link.Busy = false;
        link.LastUsed = _now;
        if (link.Pending.Count > 0)
        {
            link.SendScheduled = true;
            At(_now + _r.Ms(0.02, 0.2), EvKind.CpqSend, F, link);
        }
        else
        {
            // Drained: the backlog of any earlier fault is gone.
            for (int i = link.Open.Count - 1; i >= 0; i--)
            {
                var e = link.Open[i];
                if (_faults[e.Fault].To <= Time(_now))
                {
                    if (e.Resolved < 0) e.Resolved = _now;
                    link.Open.RemoveAt(i);
                }
            }
            At(_now + 15_000, EvKind.CpqIdle, F, link);
        }
    }

    private void CpqIdle(CpqLink link)
    {
        if (link.Dcid < 0 || link.Busy || link.SendScheduled || link.Pending.Count > 0 || _now - link.LastUsed < 14_999) return;
        CloseCpq(link);
    }

    private void CloseCpq(CpqLink link)
    {
        link.From.Log.Begin(_now).S("DCID "u8).N(link.Dcid).S(" close"u8).End();
        if (!link.To.IsDown(_now)) link.To.Log.Begin(_now).S("ICID "u8).N(link.PeerIcid).S(" close"u8).End();
        link.Dcid = -1;
        link.PeerIcid = -1;
    }

    // ------------------------------------------------------------------ the quarantine on the SMA

    private static readonly long[] RetentionS = [6 * 3600, 6 * 3600, 4 * 3600]; // Policy, Virus, Outbreak

    /// <summary>Decides what will happen to a quarantined message: released (manual, rescanned, expired) or deleted.</summary>
    private void ScheduleFate(Msg s)
    {
        int q = s.QuarantineName switch { "Virus" => 1, "Outbreak" => 2, _ => 0 };
        long retention = RetentionS[q];
        double r = _r.NextDouble();
        byte fate;
        double after;
        switch (q)
        {
            case 0:
                if (r < 0.5) { fate = FateReleaseManual; after = Math.Max(120, _r.Exp(2400)); }
                else if (r < 0.7) { fate = FateDeleteManual; after = Math.Max(300, _r.Exp(3600)); }
                else { fate = FateDeleteExpired; after = retention; }
                break;
            case 1:
                if (r < 0.1) { fate = FateReleaseManual; after = Math.Max(300, _r.Exp(3600)); }
                else if (r < 0.4) { fate = FateDeleteManual; after = Math.Max(120, _r.Exp(1800)); }
                else { fate = FateDeleteExpired; after = retention; }
                break;
            default:
                if (r < 0.6) { fate = FateReleaseRescanned; after = _r.Range(1800, 3 * 3600); }
                else if (r < 0.7) { fate = FateReleaseManual; after = Math.Max(120, _r.Exp(2400)); }
                else { fate = FateReleaseExpired; after = retention; }
                break;
        }
        if (after >= retention)
        {
            after = retention;
            fate = q == 2 ? FateReleaseExpired : FateDeleteExpired;
        }
        s.Verdict = fate;
        At(_now + (long)(after * 1000) + _r.Ms(0, 30), EvKind.QuarantineFate, s.App, s);
    }

    private void QuarantineFate(Msg s)
    {
        var sma = s.App;
        var L = sma.Log;
        var cpq = s.Flow.Cpq!;
        long dwell = (_now - s.QuarantinedAt) / 1000;
        var qname = Utf8.Bytes(s.QuarantineName!);
        sma.Quarantined--;
        if (s.Verdict is FateDeleteManual or FateDeleteExpired)
        {
            var reason = s.Verdict == FateDeleteManual ? "manual" : "expired";
            L.Begin(_now).S("MID "u8).N(s.Mid).S(" deleted from quarantine \""u8).S(qname).S("\" ("u8).S(Utf8.Bytes(reason)).C((byte)')').End();
            L.Begin(_now).S("Message finished MID "u8).N(s.Mid).S(" done"u8).End();
            cpq.DeletedAt = _now;
            cpq.DeleteReason = reason;
            EndHop(s, "deleted");
            Finish(s.Flow, "deleted");
            return;
        }
        var why = s.Verdict switch { FateReleaseExpired => "expired", FateReleaseRescanned => "rescanned", _ => "manual" };
        L.Begin(_now).S("MID "u8).N(s.Mid).S(" released from quarantine \""u8).S(qname).S("\" ("u8).S(Utf8.Bytes(why)).S(") t="u8).N(dwell).End();
        L.Begin(_now).S("MID "u8).N(s.Mid).S(" released from all quarantines"u8).End();
        cpq.ReleasedAt = _now;
        cpq.ReleaseReason = why;
        s.Hop.Outcome = "released";
        s.Flow.State = "released";
        s.QueuedAt = _now;
        sma.ActiveRcp += s.To.Length;
        var link = sma.Releases[cpq.Esa];
        link.Pending.AddLast(s);
        Kick(link);
    }
}
