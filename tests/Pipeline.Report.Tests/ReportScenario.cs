using Pipeline.Correlation;
using Pipeline.Correlation.Model;

namespace Pipeline.Report.Tests;

/// <summary>
/// A small estate in the wordings of LOGFORMAT.md section 4, run through the real correlation engine and gathered
/// into a <see cref="ReportData"/> the way <c>pipeline analyze</c> does (queue series derived from the flows):
/// <list type="bullet">
/// <item>esa01 ⇄ sma01: a CPQ round trip (esa01 MID 1001 → sma01 MID 5001 → released → esa01 MID 1050, delivered),
/// a message left in the quarantine, one deleted, plain deliveries.</item>
/// <item>esa02 → sma01: a steady stream of CPQ hand-offs; TLS fails (anonymous cipher) from 00:40 to 01:20 and again
/// from 02:15 to the end: a resolved and an open <c>cpq_queue_stuck</c> / <c>cpq_tls_failure</c>.</item>
/// <item>sma02 → esa01: releases refused until 00:40 (<c>cpq_release_stuck</c>, resolved).</item>
/// <item>Hostile strings in a flow and an alert, to prove the page escapes them.</item>
/// </list>
/// </summary>
internal static class ReportScenario
{
    public static readonly DateTime Start = new(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc);
    public const string Esa01Ip = "10.0.1.10", Esa02Ip = "10.0.1.11", Sma01Ip = "10.0.9.5", Sma02Ip = "10.0.9.6";

    /// <summary>The Message-ID of the round trip (three hops: esa01 → sma01 → esa01).</summary>
    public const string RoundTripMessageId = "m1001@example.org";
    public const string HostileSubject = "</script><script>alert(1)</script>";
    public const string HostileMessageId = "evil</script><!--x@example.org";
    public const string HostileError = "<img src=x onerror=alert(2)>";
    public const string HostileHint = "Check <b>sma01</b> & run \"telnet 10.0.9.5 7025\" <!-- --> </script>";
    public const string Title = "Mail estate — Acme & Co (incident 2026-03-10)";

    private static readonly Lazy<(ReportData Data, EngineRun Run)> Built = new(Build);

    public static ReportData Data => Built.Value.Data;
    public static EngineRun Run => Built.Value.Run;

    private static (ReportData, EngineRun) Build()
    {
        var (esa01, sma01) = RoundTrip();
        var esa02 = Esa02WithOutages(sma01);
        var sma02 = Sma02ReleaseRefused();
        var logs = new[] { esa01.Sorted(), sma01.Sorted(), esa02.Sorted(), sma02.Sorted() };
        var run = new EngineRun(null, e =>
        {
            e.Directory.ConfigureIp("esa01", Esa01Ip);
            e.Directory.ConfigureIp("esa02", Esa02Ip);
            e.Directory.ConfigureIp("sma01", Sma01Ip);
            e.Directory.ConfigureIp("sma02", Sma02Ip);
            e.Directory.ConfigureRole("sma01", ApplianceRole.Sma);
            e.Directory.ConfigureRole("sma02", ApplianceRole.Sma);
        }).Feed(logs).Complete();

        var flows = run.Flows.OrderBy(f => f.Start).ThenBy(f => f.Id, StringComparer.Ordinal).ToList();
        var hostile = HostileFlow();
        flows.Add(hostile);
        var alerts = run.Alerts.ToList();
        alerts.Add(HostileAlert());

        var data = new ReportData
        {
            Title = Title,
            DataStart = logs.Min(l => l.Times.Min()),
            DataEnd = logs.Max(l => l.Times.Max()),
            Files = logs.Length,
            Lines = logs.Sum(l => l.Lines.Count),
            Unparsed = 0,
            Appliances = [.. logs.Select(l => new ApplianceSummary
            {
                Name = l.Name,
                Role = run.Engine.Directory.RoleName(l.Name),
                Lines = l.Lines.Count,
                FirstLine = l.Times.Min(),
                LastLine = l.Times.Max(),
                Ips = [.. run.Engine.Directory.IpsOf(l.Name)],
            })],
            Messages = flows.Count,
            FlowsByState = FlowStates.All.ToDictionary(s => s, s => (long)flows.Count(f => f.State == s)),
            CpqTransfers = flows.Count(f => f.Cpq is not null),
            CpqReleases = flows.Count(f => f.Cpq?.ReleasedAt is not null),
            CpqDeleted = flows.Count(f => f.Cpq?.DeletedAt is not null),
            QuarantineDwellSeconds = [.. flows.Where(f => f.Cpq?.TransferredAt is not null && (f.Cpq.ReleasedAt ?? f.Cpq.DeletedAt) is not null)
                .Select(f => (long)((f.Cpq!.ReleasedAt ?? f.Cpq.DeletedAt)!.Value - f.Cpq.TransferredAt!.Value).TotalSeconds)],
            Queues = QueueSeriesFrom(flows),
            Alerts = alerts,
            Flows = flows,
            FlowsTotal = flows.Count,
        };
        data.OldestStuck = [.. flows.Where(f => f.State is FlowStates.InTransfer or FlowStates.Released or FlowStates.Quarantined)
            .Where(f => f != hostile).OrderBy(StuckSince).Take(24).Append(hostile)];
        return (data, run);
    }

    private static DateTime StuckSince(FlowDocument f) => f.State switch
    {
        FlowStates.InTransfer => f.Cpq?.EnqueuedAt ?? f.Start,
        FlowStates.Released => f.Cpq?.ReleasedAt ?? f.Start,
        _ => f.Cpq?.TransferredAt ?? f.Start,
    };

    /// <summary>
    /// The backlog per queue as <c>pipeline analyze</c> reports it: a message waits in the.cpq.host from enqueued to
    /// transferred, and in the.cpq.release.host from released to its return (or the end of the SMA hop that delivered it).
    /// One sample per minute at most, at the last change in that minute.
    /// </summary>
    internal static List<QueueSeries> QueueSeriesFrom(IEnumerable<FlowDocument> flows)
    {
        var stays = new Dictionary<(string Queue, string From, string To), List<(DateTime In, DateTime? Out)>>();
        void Add(string q, string from, string to, DateTime @in, DateTime? @out)
        {
            if (!stays.TryGetValue((q, from, to), out var list)) stays[(q, from, to)] = list = [];
            list.Add((@in, @out));
        }
        var list0 = flows.ToList();
        // A message still waiting has no SMA yet: its ESA's usual SMA is the peer (analyze knows it from the DCID address).
        var usualSma = list0.Where(f => f.Cpq?.Esa is not null && f.Cpq.Sma is not null).GroupBy(f => f.Cpq!.Esa!)
            .ToDictionary(g => g.Key, g => g.GroupBy(f => f.Cpq!.Sma!).OrderByDescending(x => x.Count()).First().Key);
        foreach (var f in list0)
        {
            if (f.Cpq is not { } c) continue;
            if (c.Esa is not null && c.EnqueuedAt is { } enq) Add("the.cpq.host", c.Esa, c.Sma ?? usualSma.GetValueOrDefault(c.Esa, "?"), enq, c.TransferredAt);
            if (c.Sma is not null && c.ReleasedAt is { } rel)
            {
                var smaHop = f.Hops.FirstOrDefault(h => h.Role == "sma" && h.Mid == c.SmaMid);
                Add("the.cpq.release.host", c.Sma, c.Esa ?? "?", rel, c.ReturnedAt ?? smaHop?.End);
            }
        }
        var result = new List<QueueSeries>();
        foreach (var ((queue, from, to), list) in stays.OrderBy(k => k.Key.Queue).ThenBy(k => k.Key.From).ThenBy(k => k.Key.To))
        {
            var times = list.Select(s => s.In).Concat(list.Where(s => s.Out is not null).Select(s => s.Out!.Value)).Distinct().Order().ToList();
            var points = new List<QueuePoint>();
            foreach (var t in times)
            {
                var waiting = list.Where(s => s.In <= t && (s.Out is null || s.Out > t)).ToList();
                var p = new QueuePoint(t, waiting.Count, waiting.Count == 0 ? 0 : (long)(t - waiting.Min(s => s.In)).TotalSeconds);
                if (points.Count > 0 && points[^1].Time.Ticks / TimeSpan.TicksPerMinute == t.Ticks / TimeSpan.TicksPerMinute) points[^1] = p;
                else points.Add(p);
            }
            result.Add(new QueueSeries { Queue = queue, Appliance = from, Peer = to, Points = points });
        }
        return result;
    }

    /// <summary>esa01 ⇄ sma01 as in the correlation tests' round-trip scenario.</summary>
    private static (ApplianceLog Esa, ApplianceLog Sma) RoundTrip()
    {
        var esa = new ApplianceLog("esa01", Start);
        var sma = new ApplianceLog("sma01", Start);
        sma.At("00:00:02", $"New CPQ ICID 777 interface Management ({Sma01Ip}) address {Esa01Ip} reverse dns host unknown verified no");
        esa.At("00:00:00", $"New SMTP ICID 100 interface Data 1 ({Esa01Ip}) address 203.0.113.7 reverse dns host mx.example.org verified yes")
            .At("00:00:00", "ICID 100 ACCEPT SG UNKNOWNLIST match sbrs[-0.5:10.0] SBRS 3.5");
        foreach (var (mid, smaMid, rcpt) in new[] { (1001L, 5001L, "bob"), (1002L, 5002L, "carol"), (1003L, 5003L, "dave") })
        {
            esa.At("00:00:01", $"Start MID {mid} ICID 100")
                .At("00:00:01", $"MID {mid} ICID 100 From: <alice@example.org>")
                .At("00:00:01", $"MID {mid} ICID 100 RID 0 To: <{rcpt}@corp.example>")
                .At("00:00:01", $"MID {mid} Message-ID '<m{mid}@example.org>'")
                .At("00:00:01", $"MID {mid} Subject 'Invoice {mid}'")
                .At("00:00:01", $"MID {mid} ready 5000 bytes from <alice@example.org>")
                .At("00:00:02", $"MID {mid} enqueued for transfer to centralized quarantine \"Policy\" (content filter:block_exe)");
            sma.At("00:00:03", $"Start MID {smaMid} ICID 777")
                .At("00:00:03", $"MID {smaMid} ICID 777 From: <alice@example.org>")
                .At("00:00:03", $"MID {smaMid} ICID 777 RID 0 To: <{rcpt}@corp.example>")
                .At("00:00:03", $"MID {smaMid} Message-ID '<m{mid}@example.org>'")
                .At("00:00:03", $"MID {smaMid} ready 5100 bytes from <alice@example.org>")
                .At("00:00:03", $"MID {smaMid} quarantined to \"Policy\" (content filter:block_exe)");
        }
        esa.At("00:00:02", $"New SMTP DCID 555 interface {Esa01Ip} address {Sma01Ip} port 7025")
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

        esa.At("00:10:00", $"New SMTP ICID 101 interface Data 1 ({Esa01Ip}) address 198.51.100.9 reverse dns host mail.example.net verified yes")
            .At("00:10:00", "Start MID 1004 ICID 101")
            .At("00:10:00", "MID 1004 ICID 101 From: <news@example.net>")
            .At("00:10:00", "MID 1004 ICID 101 RID 0 To: <bob@corp.example>")
            .At("00:10:00", "MID 1004 ICID 101 RID 1 To: <carol@corp.example>")
            .At("00:10:00", "MID 1004 Message-ID '<n1004@example.net>'")
            .At("00:10:00", "MID 1004 Subject 'March newsletter'")
            .At("00:10:00", "MID 1004 queued for delivery")
            .At("00:10:01", $"New SMTP DCID 556 interface {Esa01Ip} address 192.0.2.25 port 25")
            .At("00:10:01", "Delivery start DCID 556 MID 1004 to RID [0, 1]")
            .At("00:10:02", "Message done DCID 556 MID 1004 to RID [0, 1]")
            .At("00:10:02", "MID 1004 RID [0, 1] Response '2.0.0 Ok: queued as QQ1'")
            .At("00:10:02", "Message finished MID 1004 done")
            .At("00:11:02", "DCID 556 close");

        sma.At("01:00:00", "MID 5003 deleted from quarantine \"Policy\" (expired)")
            .At("01:00:00", "Message finished MID 5003 done")
            .At("02:00:00", "MID 5001 released from quarantine \"Policy\" (manual) t=7197")
            .At("02:00:00", "MID 5001 released from all quarantines")
            .At("02:00:04", $"New SMTP DCID 900 interface {Sma01Ip} address {Esa01Ip} port 7025")
            .At("02:00:04", "DCID 900 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 the.cpq.release.host")
            .At("02:00:05", "Delivery start DCID 900 MID 5001 to RID [0]")
            .At("02:00:05", "Message done DCID 900 MID 5001 to RID [0]")
            .At("02:00:05", "MID 5001 RID [0] Response 'ok:  Message 1050 accepted'")
            .At("02:00:05", "Message finished MID 5001 done")
            .At("02:00:06", "DCID 900 close")
            .At("03:00:00", "Status: CPULd 1 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 5004");
        esa.At("02:00:05", $"New CPQ ICID 200 interface Data 1 ({Esa01Ip}) address {Sma01Ip} reverse dns host unknown verified no")
            .At("02:00:05", "Start MID 1050 ICID 200")
            .At("02:00:05", $"MID 1050 received from the SMA {Sma01Ip} (MID originally 1001) on release from central quarantine")
            .At("02:00:05", "MID 1050 ICID 200 From: <alice@example.org>")
            .At("02:00:05", "MID 1050 ICID 200 RID 0 To: <bob@corp.example>")
            .At("02:00:05", "MID 1050 Message-ID '<m1001@example.org>'")
            .At("02:00:05", "MID 1050 queued for delivery")
            .At("02:00:06", $"New SMTP DCID 600 interface {Esa01Ip} address 192.0.2.25 port 25")
            .At("02:00:06", "Delivery start DCID 600 MID 1050 to RID [0]")
            .At("02:00:07", "Message done DCID 600 MID 1050 to RID [0]")
            .At("02:00:07", "MID 1050 RID [0] Response '2.0.0 Ok: queued as ABC'")
            .At("02:00:07", "Message finished MID 1050 done")
            .At("03:00:00", "Status: CPULd 1 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 1051");
        for (int i = 0; i <= 36; i++)
        {
            var t = TimeSpan.FromMinutes(5 * i).Add(TimeSpan.FromSeconds(30));
            esa.At(t, $"New SMTP ICID {300 + i} interface Data 1 ({Esa01Ip}) address 192.0.2.{i + 1} reverse dns host unknown verified no")
                .At(t, $"ICID {300 + i} REJECT SG BLACKLIST match sbrs[-10.0:-2.5] SBRS -9.0")
                .At(t, $"ICID {300 + i} close");
        }
        return (esa, sma);
    }

    /// <summary>
    /// esa02 quarantines a message every 2 minutes from 00:20 to 03:00 and tries the.cpq.host every 5 minutes; TLS fails
    /// (anonymous cipher) from 00:40 to 01:20 and from 02:15 on. sma01 logs each accepted message and deletes some.
    /// </summary>
    private static ApplianceLog Esa02WithOutages(ApplianceLog sma01)
    {
        var esa = new ApplianceLog("esa02", Start);
        var waiting = new List<long>();
        long mid = 20000, dcid = 700, icid = 4000, smaMid = 9000, smaIcid = 880;
        bool Healthy(int minute) => minute < 40 || (minute >= 80 && minute < 135);
        string[] senders = ["billing@vendor.example", "hr@corp.example", "noreply@shop.example", "scanner@corp.example"];
        for (int minute = 20; minute <= 180; minute++)
        {
            var t = TimeSpan.FromMinutes(minute);
            if (minute % 2 == 0)
            {
                mid++; icid++;
                var from = senders[mid % senders.Length];
                esa.At(t, $"New SMTP ICID {icid} interface Data 1 ({Esa02Ip}) address 198.51.100.{mid % 200} reverse dns host mx{mid % 7}.vendor.example verified yes")
                    .At(t, $"Start MID {mid} ICID {icid}")
                    .At(t, $"MID {mid} ICID {icid} From: <{from}>")
                    .At(t, $"MID {mid} ICID {icid} RID 0 To: <user{mid % 13}@corp.example>")
                    .At(t, $"MID {mid} Message-ID '<q{mid}@vendor.example>'")
                    .At(t, $"MID {mid} Subject 'Statement {mid} (attachment)'")
                    .At(t, $"MID {mid} ready {12000 + mid % 5000} bytes from <{from}>")
                    .At(t, $"MID {mid} enqueued for transfer to centralized quarantine \"Outbreak\" (outbreak filters:virus)")
                    .At(t, $"ICID {icid} close");
                waiting.Add(mid);
            }
            if (minute % 5 != 0 || waiting.Count == 0) continue;
            var at = t.Add(TimeSpan.FromSeconds(30));
            dcid++;
            esa.At(at, $"New SMTP DCID {dcid} interface {Esa02Ip} address {Sma01Ip} port 7025");
            if (!Healthy(minute))
            {
                esa.At(at, $"DCID {dcid} TLS failed: verify error: no certificate from server")
                    .At(at, $"DCID {dcid} TLS was required but could not be successfully negotiated")
                    .At(at, $"DCID {dcid} close");
                continue;
            }
            esa.At(at, $"DCID {dcid} TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 the.cpq.host");
            smaIcid++;
            sma01.At(at, $"New CPQ ICID {smaIcid} interface Management ({Sma01Ip}) address {Esa02Ip} reverse dns host unknown verified no");
            foreach (var m in waiting)
            {
                smaMid++;
                var from = senders[m % senders.Length];
                esa.At(at, $"Delivery start DCID {dcid} MID {m} to RID [0] to Centralized Policy Quarantine")
                    .At(at, $"Message done DCID {dcid} MID {m} to RID [0] (centralized policy quarantine)")
                    .At(at, $"MID {m} RID [0] Response 'ok:  Message {smaMid} accepted'")
                    .At(at, $"Message finished MID {m} done");
                sma01.At(at, $"Start MID {smaMid} ICID {smaIcid}")
                    .At(at, $"MID {smaMid} ICID {smaIcid} From: <{from}>")
                    .At(at, $"MID {smaMid} ICID {smaIcid} RID 0 To: <user{m % 13}@corp.example>")
                    .At(at, $"MID {smaMid} Message-ID '<q{m}@vendor.example>'")
                    .At(at, $"MID {smaMid} ready {12100 + m % 5000} bytes from <{from}>")
                    .At(at, $"MID {smaMid} quarantined to \"Outbreak\" (outbreak filters:virus)");
                if (smaMid % 3 == 0)
                {
                    var gone = at.Add(TimeSpan.FromMinutes(3 + smaMid % 11 * (smaMid % 2 == 0 ? 9 : 1)));
                    if (gone < TimeSpan.FromHours(3))
                        sma01.At(gone, $"MID {smaMid} deleted from quarantine \"Outbreak\" (manual)")
                            .At(gone, $"Message finished MID {smaMid} done");
                }
            }
            esa.At(at, $"DCID {dcid} close");
            sma01.At(at, $"ICID {smaIcid} close");
            waiting.Clear();
        }
        esa.At("03:00:00", "Status: CPULd 3 DskIO 0 RAMUtil 9 QKUsd 0 QKFre 8388608 CrtMID 20100");
        return esa;
    }

    /// <summary>sma02 releases a message every 3 minutes; the.cpq.release.host to esa01 is refused until 00:40.</summary>
    private static ApplianceLog Sma02ReleaseRefused()
    {
        var sma = new ApplianceLog("sma02", Start);
        sma.At("00:00:00", $"New CPQ ICID 70 interface Management ({Sma02Ip}) address {Esa01Ip} reverse dns host unknown verified no");
        var released = new List<long>();
        long dcid = 800;
        for (int minute = 0; minute <= 60; minute++)
        {
            var t = TimeSpan.FromMinutes(minute);
            if (minute % 3 == 0 && minute <= 45)
            {
                long mid = 5000 + minute;
                sma.At(t, $"Start MID {mid} ICID 70")
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
                sma.At(at, $"Connection Error: DCID {dcid} domain: the.cpq.release.host IP: {Esa01Ip} port: 7025 details: [Errno 111] Connection refused interface: {Sma02Ip} reason: network error");
                continue;
            }
            sma.At(at, $"New SMTP DCID {dcid} interface {Sma02Ip} address {Esa01Ip} port 7025")
                .At(at, $"DCID {dcid} TLS success protocol TLSv1.2 cipher AES256-SHA the.cpq.release.host");
            foreach (var mid in released)
                sma.At(at, $"Delivery start DCID {dcid} MID {mid} to RID [0]")
                    .At(at, $"Message done DCID {dcid} MID {mid} to RID [0]")
                    .At(at, $"MID {mid} RID [0] Response 'ok:  Message {mid - 3000} accepted'")
                    .At(at, $"Message finished MID {mid} done");
            released.Clear();
        }
        for (int minute = 65; minute <= 180; minute += 5)
            sma.At(TimeSpan.FromMinutes(minute), $"Status: CPULd 1 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 5046");
        return sma;
    }

    private static FlowDocument HostileFlow()
    {
        var t = Start.AddHours(2).AddMinutes(50);
        return new FlowDocument
        {
            Id = "esa02:99999:20260310T115000Z",
            State = FlowStates.InTransfer,
            MessageId = HostileMessageId,
            From = "attacker\"<script>x</script>@evil.example",
            To = ["victim@corp.example", "lone\uD800surrogate@corp.example"],
            Subject = HostileSubject,
            Size = 666,
            Start = t,
            Hops = [new FlowHop("esa02", "esa", 99999, t, null, "in_transfer")],
            Cpq = new CpqLeg { Esa = "esa02", EsaMid = 99999, Sma = "sma01", Quarantine = "Policy<b>x</b>", EnqueuedAt = t },
            LastError = HostileError,
        };
    }

    private static AlertDocument HostileAlert() => new()
    {
        Id = "probe_failed:sma01:7025:20260310T113000Z",
        Kind = AlertKinds.ProbeFailed,
        Appliance = "sma01",
        Peer = null,
        OpenedAt = Start.AddHours(2).AddMinutes(30),
        ResolvedAt = Start.AddHours(2).AddMinutes(41),
        LastUpdatedAt = Start.AddHours(2).AddMinutes(41),
        Evidence = new AlertEvidence { Messages = 3, OldestAgeSeconds = 0, LastError = "421 <sma01> closing </script> & bye", SampleMids = [] },
        Hint = HostileHint,
        Summary = "probe of sma01:7025 failed 3 times",
    };
}
