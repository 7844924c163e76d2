namespace Pipeline.Correlation.TestKit;

/// <summary>Hand-written ESA and SMA logs in the wordings of LOGFORMAT.md section 4.</summary>
public static class Scenarios
{
    /// <summary>The time all scenarios start at.</summary>
    public static readonly DateTime Start = new(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc);

    /// <summary>esa01's data interface.</summary>
    public const string EsaIp = "10.0.1.10";

    /// <summary>sma01's management interface.</summary>
    public const string SmaIp = "10.0.9.5";

    /// <summary>
    /// esa01 (10.0.1.10) hands MID 1001 to sma01 (10.0.9.5) as MID 5001; an admin releases it two hours later and it
    /// comes back as esa01 MID 1050 and is delivered. MID 1002 goes to the CPQ and stays quarantined (5002); MID 1003
    /// is quarantined and deleted on expiry (5003); MID 1004 is delivered directly; MID 1005 is rewritten to 1006.
    /// </summary>
    public static (ApplianceLog Esa, ApplianceLog Sma) RoundTrip()
    {
        var esa = new ApplianceLog("esa01", Start);
        var sma = new ApplianceLog("sma01", Start);
        sma.At("00:00:02", "New CPQ ICID 777 interface Management (10.0.9.5) address 10.0.1.10 reverse dns host unknown verified no");
        esa.At("00:00:00", "New SMTP ICID 100 interface Data 1 (10.0.1.10) address 203.0.113.7 reverse dns host mx.example.org verified yes")
            .At("00:00:00", "ICID 100 ACCEPT SG UNKNOWNLIST match sbrs[-0.5:10.0] SBRS 3.5");
        foreach (var (mid, smaMid, rcpt) in new[] { (1001L, 5001L, "bob"), (1002L, 5002L, "carol"), (1003L, 5003L, "dave") })
        {
            esa.At("00:00:01", $"Start MID {mid} ICID 100")
                .At("00:00:01", $"MID {mid} ICID 100 From: <alice@example.org>")
                .At("00:00:01", $"MID {mid} ICID 100 RID 0 To: <{rcpt}@corp.example>")
                .At("00:00:01", $"MID {mid} Message-ID '<m{mid}@example.org>'")
                .At("00:00:01", $"MID {mid} Subject 'Invoice {mid}'")
                .At("00:00:01", $"MID {mid} ready 5000 bytes from <alice@example.org>")
                .At("00:00:01", $"MID {mid} using engine: CASE spam negative")
                .At("00:00:02", $"MID {mid} enqueued for transfer to centralized quarantine \"Policy\" (content filter:block_exe)");
            sma.At("00:00:03", $"Start MID {smaMid} ICID 777")
                .At("00:00:03", $"MID {smaMid} ICID 777 From: <alice@example.org>")
                .At("00:00:03", $"MID {smaMid} ICID 777 RID 0 To: <{rcpt}@corp.example>")
                .At("00:00:03", $"MID {smaMid} Message-ID '<m{mid}@example.org>'")
                .At("00:00:03", $"MID {smaMid} ready 5100 bytes from <alice@example.org>")
                .At("00:00:03", $"MID {smaMid} quarantined to \"Policy\" (content filter:block_exe)");
        }
        esa.At("00:00:02", "New SMTP DCID 555 interface 10.0.1.10 address 10.0.9.5 port 7025")
            .At("00:00:02", "DCID 555 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 the.cpq.host");
        foreach (var (mid, smaMid) in new[] { (1001L, 5001L), (1002L, 5002L), (1003L, 5003L) })
        {
            esa.At("00:00:02", $"Delivery start DCID 555 MID {mid} to RID [0] to Centralized Policy Quarantine")
                .At("00:00:03", $"Message done DCID 555 MID {mid} to RID [0] (centralized policy quarantine)")
                .At("00:00:03", $"MID {mid} RID [0] Response 'ok:  Message {smaMid} accepted'")
                .At("00:00:03", $"Message finished MID {mid} done");
        }
        esa.At("00:00:04", "DCID 555 close").At("00:00:04", "ICID 100 close");
        sma.At("00:00:04", "ICID 777 close");

        // A message delivered directly, and a rewritten one.
        esa.At("00:10:00", "New SMTP ICID 101 interface Data 1 (10.0.1.10) address 198.51.100.9 reverse dns host mail.example.net verified yes")
            .At("00:10:00", "Start MID 1004 ICID 101")
            .At("00:10:00", "MID 1004 ICID 101 From: <news@example.net>")
            .At("00:10:00", "MID 1004 ICID 101 RID 0 To: <bob@corp.example>")
            .At("00:10:00", "MID 1004 ICID 101 RID 1 To: <carol@corp.example>")
            .At("00:10:00", "MID 1004 Message-ID '<n1004@example.net>'")
            .At("00:10:00", "MID 1004 queued for delivery")
            .At("00:10:01", "New SMTP DCID 556 interface 10.0.1.10 address 192.0.2.25 port 25")
            .At("00:10:01", "Delivery start DCID 556 MID 1004 to RID [0, 1]")
            .At("00:10:02", "Message done DCID 556 MID 1004 to RID [0, 1]")
            .At("00:10:02", "MID 1004 RID [0, 1] Response '2.0.0 Ok: queued as QQ1'")
            .At("00:10:02", "Message finished MID 1004 done")
            .At("00:11:00", "Start MID 1005 ICID 101")
            .At("00:11:00", "MID 1005 ICID 101 From: <news@example.net>")
            .At("00:11:00", "MID 1005 ICID 101 RID 0 To: <dave@corp.example>")
            .At("00:11:00", "MID 1005 rewritten to MID 1006 by LDAP rewrite")
            .At("00:11:00", "MID 1006 queued for delivery")
            .At("00:11:01", "Delivery start DCID 556 MID 1006 to RID [0]")
            .At("00:11:01", "Message done DCID 556 MID 1006 to RID [0]")
            .At("00:11:01", "Message finished MID 1006 done")
            .At("00:11:02", "DCID 556 close");

        // 5003 expires; 5001 is released by an admin and travels back.
        sma.At("01:00:00", "MID 5003 deleted from quarantine \"Policy\" (expired)")
            .At("01:00:00", "Message finished MID 5003 done")
            .At("02:00:00", "MID 5001 released from quarantine \"Policy\" (manual) t=7197")
            .At("02:00:00", "MID 5001 released from all quarantines")
            .At("02:00:04", "New SMTP DCID 900 interface 10.0.9.5 address 10.0.1.10 port 7025")
            .At("02:00:04", "DCID 900 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 the.cpq.release.host")
            .At("02:00:05", "Delivery start DCID 900 MID 5001 to RID [0]")
            .At("02:00:05", "Message done DCID 900 MID 5001 to RID [0]")
            .At("02:00:05", "MID 5001 RID [0] Response 'ok:  Message 1050 accepted'")
            .At("02:00:05", "Message finished MID 5001 done")
            .At("02:00:06", "DCID 900 close")
            .At("03:00:00", "Status: CPULd 1 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 5004");
        esa.At("02:00:05", "New CPQ ICID 200 interface Data 1 (10.0.1.10) address 10.0.9.5 reverse dns host unknown verified no")
            .At("02:00:05", "Start MID 1050 ICID 200")
            .At("02:00:05", "MID 1050 received from the SMA 10.0.9.5 (MID originally 1001) on release from central quarantine")
            .At("02:00:05", "MID 1050 ICID 200 From: <alice@example.org>")
            .At("02:00:05", "MID 1050 ICID 200 RID 0 To: <bob@corp.example>")
            .At("02:00:05", "MID 1050 Message-ID '<m1001@example.org>'")
            .At("02:00:05", "MID 1050 queued for delivery")
            .At("02:00:06", "New SMTP DCID 600 interface 10.0.1.10 address 192.0.2.25 port 25")
            .At("02:00:06", "Delivery start DCID 600 MID 1050 to RID [0]")
            .At("02:00:07", "Message done DCID 600 MID 1050 to RID [0]")
            .At("02:00:07", "MID 1050 RID [0] Response '2.0.0 Ok: queued as ABC'")
            .At("02:00:07", "Message finished MID 1050 done")
            .At("03:00:00", "Status: CPULd 1 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 1051");
        // An ESA on the Internet is never quiet for long: a rejected connection every five minutes.
        for (int i = 0; i <= 36; i++)
        {
            var t = TimeSpan.FromMinutes(5 * i).Add(TimeSpan.FromSeconds(30));
            esa.At(t, $"New SMTP ICID {300 + i} interface Data 1 (10.0.1.10) address 192.0.2.{i + 1} reverse dns host unknown verified no")
                .At(t, $"ICID {300 + i} REJECT SG BLACKLIST match sbrs[-10.0:-2.5] SBRS -9.0")
                .At(t, $"ICID {300 + i} close");
        }
        return (esa.Sorted(), sma.Sorted());
    }

    /// <summary>
    /// <paramref name="sma"/> quarantines a message every 3 minutes up to 00:45 and an admin releases each 10 s later;
    /// every 5 minutes it tries the.cpq.release.host to <paramref name="esaIp"/>, which refuses the connection until
    /// 00:40 and then takes everything released so far (the ESA's MID is the SMA's minus 3000).
    /// </summary>
    public static ApplianceLog ReleasesRefusedUntil40(string sma, string smaIp, string esaIp)
    {
        var log = new ApplianceLog(sma, Start);
        log.At("00:00:00", $"New CPQ ICID 70 interface Management ({smaIp}) address {esaIp} reverse dns host unknown verified no");
        var released = new List<long>();
        long dcid = 800;
        for (int minute = 0; minute <= 60; minute++)
        {
            var t = TimeSpan.FromMinutes(minute);
            if (minute % 3 == 0 && minute <= 45)
            {
                long mid = 5000 + minute;
                log.At(t, $"Start MID {mid} ICID 70")
                    .At(t, $"MID {mid} ICID 70 From: <payroll@partner.example>")
                    .At(t, $"MID {mid} ICID 70 RID 0 To: <finance@corp.example>")
                    .At(t, $"MID {mid} Message-ID '<r{mid}@partner.example>'")
                    .At(t, $"MID {mid} quarantined to \"Policy\" (content filter:exe)")
                    .At(t.Add(TimeSpan.FromSeconds(10)), $"MID {mid} released from quarantine \"Policy\" (manual) t=10")
                    .At(t.Add(TimeSpan.FromSeconds(10)), $"MID {mid} released from all quarantines");
                released.Add(mid);
            }
            if (minute % 5 != 0 || released.Count == 0) continue;
            var at = t.Add(TimeSpan.FromSeconds(20));
            dcid++;
            if (minute < 40)
            {
                log.At(at, $"Connection Error: DCID {dcid} domain: the.cpq.release.host IP: {esaIp} port: 7025 details: [Errno 111] Connection refused interface: {smaIp} reason: network error");
                continue;
            }
            log.At(at, $"New SMTP DCID {dcid} interface {smaIp} address {esaIp} port 7025")
                .At(at, $"DCID {dcid} TLS success protocol TLSv1.2 cipher AES256-SHA the.cpq.release.host");
            foreach (var mid in released)
                log.At(at, $"Delivery start DCID {dcid} MID {mid} to RID [0]")
                    .At(at, $"Message done DCID {dcid} MID {mid} to RID [0]")
                    .At(at, $"MID {mid} RID [0] Response 'ok:  Message {mid - 3000} accepted'")
                    .At(at, $"Message finished MID {mid} done");
            released.Clear();
        }
        return log;
    }
}
