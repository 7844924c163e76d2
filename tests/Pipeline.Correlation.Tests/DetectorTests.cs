using Pipeline.Correlation.Model;
using Pipeline.Protocol;

namespace Pipeline.Correlation.Tests;

/// <summary>The detectors on hand-written fault scenarios (the seed's failure wordings, LOGFORMAT.md section 4).</summary>
public class DetectorTests
{
    private static readonly DateTime T0 = Scenarios.Start;
    private const string EsaIp = Scenarios.EsaIp;
    private const string SmaIp = Scenarios.SmaIp;

    private static EngineRun NewRun(CorrelationOptions? options = null) => new((options ?? new CorrelationOptions()) with
    {
        Addresses = new Dictionary<string, string> { [SmaIp] = "sma01", [EsaIp] = "esa01" },
        Roles = new Dictionary<string, ApplianceRole> { ["sma01"] = ApplianceRole.Sma },
    });

    /// <summary>
    /// esa01 queues a message for the CPQ every 2 minutes. Each 5 minutes it tries the.cpq.host: until
    /// <paramref name="healthyFrom"/> the attempt fails with <paramref name="fail"/>; after that it hands over
    /// everything waiting (oldest first) in one connection.
    /// </summary>
    internal static ApplianceLog EsaWithCpqFault(TimeSpan healthyFrom, TimeSpan until, Action<ApplianceLog, TimeSpan, long> fail)
    {
        var esa = new ApplianceLog("esa01", T0);
        var waiting = new List<long>();
        long mid = 1000, dcid = 500, smaMid = 9000;
        for (var t = TimeSpan.Zero; t <= until; t += TimeSpan.FromMinutes(1))
        {
            if (t.TotalMinutes % 2 == 0)
            {
                mid++;
                esa.At(t, $"Start MID {mid} ICID 0")
                    .At(t, $"MID {mid} ICID 0 From: <alerts@corp.example>")
                    .At(t, $"MID {mid} ICID 0 RID 0 To: <user{mid}@corp.example>")
                    .At(t, $"MID {mid} enqueued for transfer to centralized quarantine \"Policy\" (content filter:exe)");
                waiting.Add(mid);
            }
            if (t.TotalMinutes % 5 != 0 || waiting.Count == 0) continue;
            var at = t.Add(TimeSpan.FromSeconds(30));
            dcid++;
            if (t < healthyFrom)
            {
                fail(esa, at, dcid);
                continue;
            }
            esa.At(at, $"New SMTP DCID {dcid} interface {EsaIp} address {SmaIp} port 7025")
                .At(at, $"DCID {dcid} TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 the.cpq.host");
            foreach (var m in waiting)
            {
                esa.At(at, $"Delivery start DCID {dcid} MID {m} to RID [0] to Centralized Policy Quarantine")
                    .At(at, $"Message done DCID {dcid} MID {m} to RID [0] (centralized policy quarantine)")
                    .At(at, $"MID {m} RID [0] Response 'ok:  Message {++smaMid} accepted'")
                    .At(at, $"Message finished MID {m} done");
            }
            esa.At(at, $"DCID {dcid} close");
            waiting.Clear();
        }
        return esa;
    }

    internal static void TlsAnon(ApplianceLog esa, TimeSpan at, long dcid) =>
        esa.At(at, $"New SMTP DCID {dcid} interface {EsaIp} address {SmaIp} port 7025")
            .At(at, $"DCID {dcid} TLS failed: verify error: no certificate from server")
            .At(at, $"DCID {dcid} TLS was required but could not be successfully negotiated")
            .At(at, $"DCID {dcid} close");

    private static void PortBlocked(ApplianceLog esa, TimeSpan at, long dcid) =>
        esa.At(at, $"Connection Error: DCID {dcid} domain: the.cpq.host IP: {SmaIp} port: 7025 details: timed out interface: {EsaIp} reason: network error");

    [Fact]
    public void Anonymous_cipher_opens_tls_failure_and_stuck_queue_with_the_aNULL_hint_and_both_resolve()
    {
        var esa = EsaWithCpqFault(TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(90), TlsAnon);
        var run = NewRun().Feed(esa).Complete();
        Assert.Equal(2, run.Alerts.Count);

        var tls = run.Alerts.Single(a => a.Kind == AlertKinds.CpqTlsFailure);
        Assert.Equal(("esa01", "sma01"), (tls.Appliance, tls.Peer));
        Assert.Equal(T0.AddMinutes(5).AddSeconds(30), tls.OpenedAt);   // the second failed attempt
        Assert.Equal(T0.AddMinutes(60).AddSeconds(30), tls.ResolvedAt); // the first TLS success
        Assert.Equal("verify error: no certificate from server", tls.Evidence.LastError);
        Assert.Contains(":-aNULL", tls.Hint);
        Assert.Equal("cpq_tls_failure:esa01:sma01:20260310T090530Z", tls.Id);

        var stuck = run.Alerts.Single(a => a.Kind == AlertKinds.CpqQueueStuck);
        Assert.Equal(("esa01", "sma01"), (stuck.Appliance, stuck.Peer));
        Assert.Equal(T0.AddMinutes(10), stuck.OpenedAt);                 // the first message waited 10 minutes
        Assert.Equal(T0.AddMinutes(60).AddSeconds(30), stuck.ResolvedAt); // the queue drained
        Assert.Equal(31, stuck.Evidence.Messages);                       // 00:00..01:00, one every 2 minutes
        Assert.Equal(3630, stuck.Evidence.OldestAgeSeconds);                // queued 00:00:00, handed over 01:00:30
        Assert.Equal([1001L, 1002, 1003, 1004, 1005], stuck.Evidence.SampleMids);
        Assert.Contains(":-aNULL", stuck.Hint);
        // The backlog series of the.cpq.host on esa01 climbs to 30 and falls back to 0 when the queue drains.
        // (The estate stage names the peer from the configured addresses.)
        var queue = run.Engine.Estate.Queues.Single(q => q.Appliance == "esa01" && q.Kind == AlertKinds.CpqQueueStuck && q.Peer == "sma01");
        Assert.Equal(30, queue.Points.Max(p => p.Waiting)); // sampled at minute starts: 00:00..00:58 before 01:00 enqueues
        Assert.Equal(0, queue.Points[^1].Waiting);
        Assert.True(queue.Points.Max(p => p.OldestAge) >= TimeSpan.FromMinutes(59).Ticks);
        // Every message still arrives: 46 flows, all transferred.
        Assert.Equal(46, run.Flows.Count);
        Assert.All(run.Flows, f => Assert.Equal(FlowStates.Quarantined, f.State));
    }

    [Fact]
    public void Blocked_port_opens_connect_failure_with_the_telnet_hint()
    {
        var esa = EsaWithCpqFault(TimeSpan.FromMinutes(30), TimeSpan.FromMinutes(45), PortBlocked);
        var run = NewRun().Feed(esa).Complete();
        var connect = run.Alerts.Single(a => a.Kind == AlertKinds.CpqConnectFailure);
        Assert.Equal(("esa01", "sma01"), (connect.Appliance, connect.Peer));
        Assert.Equal(T0.AddMinutes(5).AddSeconds(30), connect.OpenedAt);
        Assert.Equal(T0.AddMinutes(30).AddSeconds(30), connect.ResolvedAt);
        Assert.Contains($"telnet {SmaIp} 7025", connect.Hint);
        Assert.Contains("220", connect.Hint);
        var stuck = run.Alerts.Single(a => a.Kind == AlertKinds.CpqQueueStuck);
        Assert.Equal(T0.AddMinutes(10), stuck.OpenedAt);
        Assert.Equal(T0.AddMinutes(30).AddSeconds(30), stuck.ResolvedAt);
        Assert.Contains("telnet", stuck.Hint);
        Assert.Equal(2, run.Alerts.Count);
    }

    [Fact]
    public void A_queue_that_keeps_moving_does_not_alert()
    {
        // Hand-offs every 5 minutes: the oldest message never waits 10 minutes.
        var esa = EsaWithCpqFault(TimeSpan.Zero, TimeSpan.FromMinutes(120), TlsAnon);
        var run = NewRun().Feed(esa).Complete();
        Assert.Empty(run.Alerts);
    }

    [Fact]
    public void A_queue_that_keeps_crossing_the_threshold_is_one_alert_not_a_flapping_series()
    {
        // With the threshold lowered to 4 minutes, hand-offs every 5 minutes leave the oldest message waiting
        // up to 4.5 minutes: the condition clears at each hand-off and returns minutes later. That is one slow
        // queue, so it is one alert, resolved when the queue last drained.
        var esa = EsaWithCpqFault(TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(60), TlsAnon);
        var run = NewRun(new CorrelationOptions { StuckAfter = TimeSpan.FromMinutes(4), FailureThreshold = 100 }).Feed(esa).Complete();
        var stuck = Assert.Single(run.Alerts);
        Assert.Equal(AlertKinds.CpqQueueStuck, stuck.Kind);
        Assert.Equal(T0.AddMinutes(4), stuck.OpenedAt);
        Assert.Equal(T0.AddMinutes(60).AddSeconds(30), stuck.ResolvedAt);
    }

    [Fact]
    public void Two_outages_far_apart_are_two_alerts()
    {
        // TLS fails until 00:30 and again from 01:00 to 01:30; hand-offs work in between and after.
        var healthy = new HashSet<int>(Enumerable.Range(30, 30));
        var two = new ApplianceLog("esa01", T0);
        var waiting = new List<long>();
        long mid = 1000, dcidNo = 500, smaMid = 9000;
        for (int minute = 0; minute <= 120; minute++)
        {
            var t = TimeSpan.FromMinutes(minute);
            if (minute % 2 == 0)
            {
                mid++;
                two.At(t, $"Start MID {mid} ICID 0").At(t, $"MID {mid} enqueued for transfer to centralized quarantine \"Policy\" (content filter:exe)");
                waiting.Add(mid);
            }
            if (minute % 5 != 0) continue;
            var at = t.Add(TimeSpan.FromSeconds(30));
            dcidNo++;
            bool ok = healthy.Contains(minute) || minute >= 90;
            if (!ok) { TlsAnon(two, at, dcidNo); continue; }
            two.At(at, $"New SMTP DCID {dcidNo} interface {EsaIp} address {SmaIp} port 7025")
                .At(at, $"DCID {dcidNo} TLS success protocol TLSv1.2 cipher AES256-SHA the.cpq.host");
            foreach (var m in waiting)
                two.At(at, $"Delivery start DCID {dcidNo} MID {m} to RID [0] to Centralized Policy Quarantine")
                    .At(at, $"MID {m} RID [0] Response 'ok:  Message {++smaMid} accepted'")
                    .At(at, $"Message finished MID {m} done");
            waiting.Clear();
        }
        var run = NewRun().Feed(two).Complete();
        var stuck = run.Alerts.Where(a => a.Kind == AlertKinds.CpqQueueStuck).ToList();
        Assert.Equal(2, stuck.Count);
        Assert.Equal((T0.AddMinutes(10), T0.AddMinutes(30).AddSeconds(30)), (stuck[0].OpenedAt, stuck[0].ResolvedAt!.Value));
        // The last hand-off before the second outage was at 00:55:30; the oldest message since then was queued at 00:56.
        Assert.Equal((T0.AddMinutes(66), T0.AddMinutes(90).AddSeconds(30)), (stuck[1].OpenedAt, stuck[1].ResolvedAt!.Value));
        Assert.Equal(2, run.Alerts.Count(a => a.Kind == AlertKinds.CpqTlsFailure));
    }

    [Fact]
    public void Releases_that_cannot_reach_the_esa_open_release_stuck_on_the_sma()
    {
        var sma = Scenarios.ReleasesRefusedUntil40("sma01", SmaIp, EsaIp);
        var run = NewRun().Feed(sma).Complete();
        var stuck = run.Alerts.Single(a => a.Kind == AlertKinds.CpqReleaseStuck);
        Assert.Equal(("sma01", "esa01"), (stuck.Appliance, stuck.Peer));
        Assert.Equal(T0.AddMinutes(10).AddSeconds(10), stuck.OpenedAt);
        Assert.Equal(T0.AddMinutes(40).AddSeconds(20), stuck.ResolvedAt);
        Assert.Contains("Connection refused", stuck.Evidence.LastError);
        Assert.Contains("resume", stuck.Hint);
        var connect = run.Alerts.Single(a => a.Kind == AlertKinds.CpqConnectFailure);
        Assert.Equal(("sma01", "esa01"), (connect.Appliance, connect.Peer));
        Assert.Equal(T0.AddMinutes(40).AddSeconds(20), connect.ResolvedAt);
        // The SMA's own view of each released message: released, waiting for the ESA that is not in the input.
        Assert.All(run.Flows, f => Assert.Equal(FlowStates.Released, f.State));
    }

    [Fact]
    public void Application_faults_on_the_sma_open_quarantine_unavailable_with_the_restart_hint()
    {
        var sma = new ApplianceLog("sma01", T0);
        sma.At("00:00:00", $"New CPQ ICID 70 interface Management ({SmaIp}) address {EsaIp} reverse dns host unknown verified no");
        for (int minute = 10; minute <= 30; minute += 2)
            sma.At(TimeSpan.FromMinutes(minute), "An application fault occurred: ('quarantine/qdb.py _put|88', \"<type 'exceptions.IOError'>\", 'disk error')", "Critical");
        sma.At("00:20:00", "unable to quarantine MID 7001 - quarantine system unavailable")
            .At("00:35:00", "Start MID 7002 ICID 70")
            .At("00:35:00", "MID 7002 quarantined to \"Policy\" (content filter:exe)")
            .At("00:50:00", "Status: CPULd 1");
        var run = NewRun().Feed(sma).Complete();
        var alert = run.Alerts.Single(a => a.Kind == AlertKinds.QuarantineUnavailable);
        Assert.Equal("sma01", alert.Appliance);
        Assert.Equal(T0.AddMinutes(10), alert.OpenedAt);
        Assert.Equal(T0.AddMinutes(35), alert.ResolvedAt); // the first message quarantined after the last fault, and no fault within 10 minutes
        Assert.Contains("restart sma01", alert.Hint);
        Assert.Equal([7001L], alert.Evidence.SampleMids);
    }

    [Fact]
    public void Quarantine_full_warning_names_the_quarantine()
    {
        var sma = new ApplianceLog("sma01", T0);
        sma.At("00:00:00", "Quarantine \"Policy\" is 75% full", "Warning")
            .At("00:05:00", "Quarantine \"Policy\" is 90% full", "Warning")
            .At("00:30:00", "Status: CPULd 1");
        var run = NewRun().Feed(sma).Complete();
        var alert = Assert.Single(run.Alerts);
        Assert.Equal(AlertKinds.QuarantineUnavailable, alert.Kind);
        Assert.Equal(T0.AddMinutes(5), alert.OpenedAt);
        Assert.Null(alert.ResolvedAt); // nothing quarantined since: still open
        Assert.Contains("Quarantine \"Policy\" on sma01 is nearly full", alert.Hint);
    }

    [Fact]
    public void An_appliance_that_stops_logging_while_others_log_is_silent()
    {
        var busy = new ApplianceLog("esa02", T0);
        var quiet = new ApplianceLog("esa01", T0);
        for (int s = 0; s < 7200; s += 10)
        {
            busy.At(TimeSpan.FromSeconds(s), $"ICID {s} close");
            if (s < 1800 || s >= 3600) quiet.At(TimeSpan.FromSeconds(s), $"ICID {s} close");
        }
        var run = NewRun().Feed(quiet, busy).Complete();
        var alert = Assert.Single(run.Alerts);
        Assert.Equal(AlertKinds.ApplianceSilent, alert.Kind);
        Assert.Equal("esa01", alert.Appliance);
        Assert.Equal(T0.AddSeconds(1790).AddMinutes(15), alert.OpenedAt);
        Assert.Equal(T0.AddSeconds(3600), alert.ResolvedAt);
    }
}
