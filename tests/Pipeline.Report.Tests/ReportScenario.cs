using Pipeline.Correlation;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Stages;
using Pipeline.Protocol;
using Pipeline.Correlation.TestKit;

namespace Pipeline.Report.Tests;

/// <summary>
/// A small estate in the wordings of LOGFORMAT.md section 4, run through the real correlation engine and gathered
/// into a <see cref="ReportData"/> by the <see cref="ReportCollector"/> of <c>pipeline analyze</c>:
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
    public static readonly DateTime Start = Scenarios.Start;
    public const string Esa01Ip = Scenarios.EsaIp, Esa02Ip = "10.0.1.11", Sma01Ip = Scenarios.SmaIp, Sma02Ip = "10.0.9.6";

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
        var (esa01, sma01) = Scenarios.RoundTrip();
        var esa02 = Esa02WithOutages(sma01);
        var sma02 = Scenarios.ReleasesRefusedUntil40("sma02", Sma02Ip, Esa01Ip);
        for (int minute = 65; minute <= 180; minute += 5)
            sma02.At(TimeSpan.FromMinutes(minute), "Status: CPULd 1 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 5046");
        var logs = new[] { esa01, sma01.Sorted(), esa02.Sorted(), sma02.Sorted() };
        // What pipeline analyze does: every completed flow goes to the report collector, which builds the data at the end.
        var collector = new ReportCollector();
        var options = new CorrelationOptions
        {
            Addresses = new Dictionary<string, string> { [Esa01Ip] = "esa01", [Esa02Ip] = "esa02", [Sma01Ip] = "sma01", [Sma02Ip] = "sma02" },
            Roles = new Dictionary<string, ApplianceRole> { ["sma01"] = ApplianceRole.Sma, ["sma02"] = ApplianceRole.Sma },
        };
        var run = new EngineRun(options, e => e.FlowCompleted += collector.Add).Feed(logs).Complete();

        var data = collector.Build(run.Engine.Estate, run.Engine.Stats, run.Alerts, logs.Length, logs.Sum(l => l.Lines.Count), unparsed: 0);
        data.Title = Title;
        var hostile = HostileFlow();
        data.Flows.Add(hostile);
        data.FlowsTotal++;
        data.OldestStuck.Add(hostile);
        data.Alerts.Add(HostileAlert());
        return (data, run);
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
