using System.Globalization;
using System.Text;
using Pipeline.Correlation;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Stages;
using Pipeline.Protocol;
using Pipeline.MailLogs;

namespace Pipeline.Arrow.Tests;

/// <summary>One parsed line, kept with a copy of its bytes (the event's ranges point into them).</summary>
internal sealed record ParsedLine(string Appliance, byte[] Line, LogEvent Event, string EventId, string? Path, long LineNumber, long Offset)
{
    public string Json => Documents.EventJson(Appliance, Line, Event, EventId, Path, LineNumber, Offset);
}

/// <summary>Inputs of the tests: the corpus log, a small ESA/SMA estate with a CPQ round trip and a fault, and hand-built documents.</summary>
internal static class TestData
{
    public static readonly string CorpusLog = Path.Combine(AppContext.BaseDirectory, "corpus", "esa-mailtext-2014-sanitized.log");

    /// <summary>Parses a file like <c>pipeline analyze</c> does (wrapped lines joined, occurrence-numbered event ids).</summary>
    public static List<ParsedLine> ParseFile(string appliance, string path)
    {
        var result = new List<ParsedLine>();
        var occurrences = new Dictionary<ulong, int>();
        using var stream = new MailLogStream(File.OpenRead(path), new ParseContext());
        var e = LogEvent.Empty;
        while (stream.TryRead(out var line, ref e))
        {
            ulong hash = EventId.Hash(appliance, line.Text);
            int n = occurrences[hash] = occurrences.TryGetValue(hash, out var seen) ? seen + 1 : 0;
            result.Add(new ParsedLine(appliance, line.Text.ToArray(), e, EventId.Format(hash, n), path, line.LineNumber, line.Offset));
        }
        return result;
    }

    /// <summary>Parses lines given as text (no file: no path, line numbers from 1, no offsets).</summary>
    public static List<ParsedLine> ParseLines(string appliance, IEnumerable<byte[]> lines)
    {
        var ctx = new ParseContext();
        var result = new List<ParsedLine>();
        long n = 0;
        foreach (var bytes in lines)
        {
            var e = LogEvent.Empty;
            MailLogParser.Parse(bytes, ctx, ref e);
            result.Add(new ParsedLine(appliance, bytes, e, EventId.Format(EventId.Hash(appliance, bytes), 0), null, ++n, -1));
        }
        return result;
    }

    /// <summary>Runs the correlation engine over parsed lines (in order) and returns its flows and alerts.</summary>
    public static (List<FlowDocument> Flows, IReadOnlyList<AlertDocument> Alerts) Correlate(IEnumerable<ParsedLine> lines, CorrelationOptions? options = null)
    {
        var engine = new EstatePipeline(options);
        var flows = new List<FlowDocument>();
        engine.FlowCompleted += flows.Add;
        foreach (var l in lines) engine.Observe(l.Appliance, l.Event, l.Line);
        var alerts = engine.Complete();
        return (flows, alerts);
    }

    public static readonly DateTime T0 = new(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc);
    private const string EsaIp = "10.0.1.10", SmaIp = "10.0.9.5";

    /// <summary>
    /// esa01 queues a message for the centralized quarantine on sma01 every 2 minutes; TLS to the.cpq.host fails until
    /// 00:30 (opens cpq_tls_failure and cpq_queue_stuck, both resolved at 00:30:30), then everything waiting is handed
    /// over. The SMA quarantines the first message (5001) and releases it at 01:00; it comes back to esa01 as MID 1050
    /// and is delivered. Lines of both appliances in time order.
    /// </summary>
    public static List<ParsedLine> Estate()
    {
        var esa = new List<(TimeSpan, string)>();
        var sma = new List<(TimeSpan, string)>();
        var waiting = new List<long>();
        long mid = 1000, dcid = 500, smaMid = 5000;
        for (var t = TimeSpan.Zero; t <= TimeSpan.FromMinutes(40); t += TimeSpan.FromMinutes(1))
        {
            if (t.TotalMinutes % 2 == 0)
            {
                mid++;
                esa.Add((t, $"Start MID {mid} ICID 0"));
                esa.Add((t, $"MID {mid} ICID 0 From: <alerts@corp.example>"));
                esa.Add((t, $"MID {mid} ICID 0 RID 0 To: <user{mid}@corp.example>"));
                esa.Add((t, $"MID {mid} ICID 0 RID 1 To: <copy{mid}@corp.example>"));
                esa.Add((t, $"MID {mid} Message-ID '<m{mid}@corp.example>'"));
                esa.Add((t, $"MID {mid} Subject 'Report {mid}'"));
                esa.Add((t, $"MID {mid} ready 4096 bytes from <alerts@corp.example>"));
                esa.Add((t, $"MID {mid} enqueued for transfer to centralized quarantine \"Policy\" (content filter:exe)"));
                waiting.Add(mid);
            }
            if (t.TotalMinutes % 5 != 0 || waiting.Count == 0) continue;
            var at = t.Add(TimeSpan.FromSeconds(30));
            dcid++;
            esa.Add((at, $"New SMTP DCID {dcid} interface {EsaIp} address {SmaIp} port 7025"));
            if (t < TimeSpan.FromMinutes(30))
            {
                esa.Add((at, $"DCID {dcid} TLS failed: verify error: no certificate from server"));
                esa.Add((at, $"DCID {dcid} TLS was required but could not be successfully negotiated"));
                esa.Add((at, $"DCID {dcid} close"));
                continue;
            }
            esa.Add((at, $"DCID {dcid} TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 the.cpq.host"));
            sma.Add((at, $"New CPQ ICID {dcid + 100} interface Management ({SmaIp}) address {EsaIp} reverse dns host unknown verified no"));
            foreach (var m in waiting)
            {
                long sm = ++smaMid;
                esa.Add((at, $"Delivery start DCID {dcid} MID {m} to RID [0, 1] to Centralized Policy Quarantine"));
                esa.Add((at, $"Message done DCID {dcid} MID {m} to RID [0, 1] (centralized policy quarantine)"));
                esa.Add((at, $"MID {m} RID [0, 1] Response 'ok:  Message {sm} accepted'"));
                esa.Add((at, $"Message finished MID {m} done"));
                sma.Add((at, $"Start MID {sm} ICID {dcid + 100}"));
                sma.Add((at, $"MID {sm} ICID {dcid + 100} From: <alerts@corp.example>"));
                sma.Add((at, $"MID {sm} ICID {dcid + 100} RID 0 To: <user{m}@corp.example>"));
                sma.Add((at, $"MID {sm} ICID {dcid + 100} RID 1 To: <copy{m}@corp.example>"));
                sma.Add((at, $"MID {sm} Message-ID '<m{m}@corp.example>'"));
                sma.Add((at, $"MID {sm} ready 4200 bytes from <alerts@corp.example>"));
                sma.Add((at, $"MID {sm} quarantined to \"Policy\" (content filter:exe)"));
            }
            esa.Add((at, $"DCID {dcid} close"));
            waiting.Clear();
        }
        // The first message is released on the SMA and comes back to esa01 as MID 1050.
        var r = TimeSpan.FromHours(1);
        sma.Add((r, "MID 5001 released from quarantine \"Policy\" (manual) t=1770"));
        sma.Add((r, "MID 5001 released from all quarantines"));
        sma.Add((r + TimeSpan.FromSeconds(4), $"New SMTP DCID 900 interface {SmaIp} address {EsaIp} port 7025"));
        sma.Add((r + TimeSpan.FromSeconds(4), "DCID 900 TLS success protocol TLSv1.2 cipher ECDHE-RSA-AES256-GCM-SHA384 the.cpq.release.host"));
        sma.Add((r + TimeSpan.FromSeconds(5), "Delivery start DCID 900 MID 5001 to RID [0, 1]"));
        sma.Add((r + TimeSpan.FromSeconds(5), "Message done DCID 900 MID 5001 to RID [0, 1]"));
        sma.Add((r + TimeSpan.FromSeconds(5), "MID 5001 RID [0, 1] Response 'ok:  Message 1050 accepted'"));
        sma.Add((r + TimeSpan.FromSeconds(5), "Message finished MID 5001 done"));
        esa.Add((r + TimeSpan.FromSeconds(5), $"New CPQ ICID 200 interface Data 1 ({EsaIp}) address {SmaIp} reverse dns host unknown verified no"));
        esa.Add((r + TimeSpan.FromSeconds(5), "Start MID 1050 ICID 200"));
        esa.Add((r + TimeSpan.FromSeconds(5), "MID 1050 received from the SMA 10.0.9.5 (MID originally 1001) on release from central quarantine"));
        esa.Add((r + TimeSpan.FromSeconds(5), "MID 1050 ICID 200 From: <alerts@corp.example>"));
        esa.Add((r + TimeSpan.FromSeconds(5), "MID 1050 ICID 200 RID 0 To: <user1001@corp.example>"));
        esa.Add((r + TimeSpan.FromSeconds(5), "MID 1050 ICID 200 RID 1 To: <copy1001@corp.example>"));
        esa.Add((r + TimeSpan.FromSeconds(5), "MID 1050 queued for delivery"));
        esa.Add((r + TimeSpan.FromSeconds(6), $"New SMTP DCID 600 interface {EsaIp} address 192.0.2.25 port 25"));
        esa.Add((r + TimeSpan.FromSeconds(6), "Delivery start DCID 600 MID 1050 to RID [0, 1]"));
        esa.Add((r + TimeSpan.FromSeconds(7), "Message done DCID 600 MID 1050 to RID [0, 1]"));
        esa.Add((r + TimeSpan.FromSeconds(7), "Message finished MID 1050 done"));
        esa.Add((TimeSpan.FromHours(2), "Status: CPULd 1 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 1051"));
        sma.Add((TimeSpan.FromHours(2), "Status: CPULd 1 DskIO 0 RAMUtil 5 QKUsd 0 QKFre 8388608 CrtMID 5100"));

        var lines = esa.Select(x => (x.Item1, "esa01", x.Item2)).Concat(sma.Select(x => (x.Item1, "sma01", x.Item2)))
            .OrderBy(x => x.Item1).ToList(); // stable: a second's lines keep their order
        var ctx = new ParseContext();
        var result = new List<ParsedLine>();
        var counts = new Dictionary<string, long>();
        foreach (var (at, appliance, text) in lines)
        {
            var bytes = Encoding.UTF8.GetBytes($"{(T0 + at).ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture)} Info: {text}");
            var e = LogEvent.Empty;
            MailLogParser.Parse(bytes, ctx, ref e);
            Assert.True(e.Type != LineType.Unparsed, "scenario line does not parse: " + text);
            long n = counts[appliance] = counts.GetValueOrDefault(appliance) + 1;
            result.Add(new ParsedLine(appliance, bytes, e, EventId.Format(EventId.Hash(appliance, bytes), 0), $"/logs/{appliance}/mail_logs", n, -1));
        }
        return result;
    }

    /// <summary>The estate's addresses and the SMA's role, as configuration.</summary>
    public static CorrelationOptions ConfigureEstate => new()
    {
        Addresses = new Dictionary<string, string> { [EsaIp] = "esa01", [SmaIp] = "sma01" },
        Roles = new Dictionary<string, ApplianceRole> { ["sma01"] = ApplianceRole.Sma },
    };

    /// <summary>Flows built by hand: every cpq field set, sub-second times, no recipients, odd text.</summary>
    public static List<FlowDocument> HandBuiltFlows() =>
    [
        new FlowDocument
        {
            Id = "esa01:1:20260310T090000Z", State = FlowStates.Delivered, MessageId = "a@b", From = "a@example.org",
            To = ["x@corp.example", "y@corp.example"], Subject = "Grüße \u2603 – ünïcödé", Size = 12345,
            Start = T0, End = T0.AddMinutes(90).AddMilliseconds(250),
            Hops =
            [
                new FlowHop("esa01", "esa", 1, T0, T0.AddSeconds(3), "transferred"),
                new FlowHop("sma01", "sma", 5001, T0.AddSeconds(3), T0.AddMinutes(60), "released"),
                new FlowHop("esa01", "esa", 1050, T0.AddMinutes(60).AddSeconds(5), T0.AddMinutes(90).AddMilliseconds(250), "delivered"),
            ],
            Cpq = new CpqLeg
            {
                Kind = "policy", Esa = "esa01", EsaMid = 1, Sma = "sma01", SmaMid = 5001, Quarantine = "Policy",
                EnqueuedAt = T0.AddSeconds(1), TransferredAt = T0.AddSeconds(3), ReleasedAt = T0.AddMinutes(60),
                ReleaseReason = "manual", DeletedAt = null, ReleaseEsaMid = 1050, ReturnedAt = T0.AddMinutes(60).AddSeconds(5),
            },
            Edges = [new FlowEdge("cpq_transfer", "esa01:1", "sma01:5001"), new FlowEdge("cpq_return", "sma01:5001", "esa01:1050")],
            ParentId = null, ParentHop = "esa01:0", ParentKind = "split", Partial = false, LastError = "4.4.1 - timeout",
        },
        new FlowDocument
        {
            Id = "esa01:2:20260310T090001Z", State = FlowStates.Open, Start = T0.AddSeconds(1),
            Hops = [new FlowHop("esa01", "esa", 2, T0.AddSeconds(1), null, "open")], Partial = true,
        },
        new FlowDocument
        {
            Id = "esa01:3:20260310T090002Z", State = FlowStates.Deleted, Start = T0.AddSeconds(2), End = T0.AddDays(14),
            Hops = [new FlowHop("esa01", "esa", 3, T0.AddSeconds(2), T0.AddDays(14), "deleted")],
            Cpq = new CpqLeg { Kind = "policy", Esa = "esa01", EsaMid = 3, Sma = "10.0.9.5", EnqueuedAt = T0.AddSeconds(2), TransferredAt = T0.AddSeconds(4), DeletedAt = T0.AddDays(14) },
        },
    ];

    /// <summary>Alerts built by hand: open and resolved, with and without a peer, empty and long sample lists.</summary>
    public static List<AlertDocument> HandBuiltAlerts() =>
    [
        new AlertDocument
        {
            Id = "cpq_queue_stuck:esa01:sma01:20260310T091000Z", Kind = AlertKinds.CpqQueueStuck, Appliance = "esa01", Peer = "sma01",
            OpenedAt = T0.AddMinutes(10), ResolvedAt = null, LastUpdatedAt = T0.AddMinutes(40),
            Evidence = new AlertEvidence { Messages = 16, OldestAgeSeconds = 1830, LastError = "verify error: no certificate from server", SampleMids = [1001, 1002, 1003, 1004, 1005] },
            Hint = "Check the cipher list.", Summary = "16 messages wait",
        },
        new AlertDocument
        {
            Id = "appliance_silent:sma01::20260310T100000Z", Kind = AlertKinds.ApplianceSilent, Appliance = "sma01", Peer = null,
            OpenedAt = T0.AddHours(1), ResolvedAt = T0.AddHours(2), LastUpdatedAt = T0.AddHours(2),
            Evidence = new AlertEvidence(), Hint = "Check log forwarding.", Summary = "no lines for 60 minutes",
        },
    ];
}
