using Pipeline.MailLogs;
using Pipeline.Simulation;

namespace Pipeline.Simulation.Tests;

/// <summary>Checks that truth.json describes what the log lines themselves show.</summary>
public static class TruthChecks
{
    public static readonly HashSet<string> FinalStates = ["delivered", "bounced", "aborted", "quarantined", "in_transfer", "released", "deleted", "open"];

    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(1); // lines may be out of order by up to a second

    private static bool Near(DateTime a, DateTime b) => (a - b).Duration() <= Slack;

    /// <summary>Every CPQ link in the truth is visible in the lines, on both appliances.</summary>
    public static void CpqLinksAreVisible(TempEstate estate)
    {
        var truth = estate.Truth;
        var logs = estate.Logs;
        var ips = truth.Appliances.ToDictionary(a => a.Name, a => a.Ip);
        var responses = Index(logs, LineType.DeliveryResponse);
        var starts = Index(logs, LineType.MessageStart);
        var quarantined = Index(logs, LineType.Quarantined);
        var released = Index(logs, LineType.QuarantineReleased);
        var deleted = Index(logs, LineType.QuarantineDeleted);
        var received = logs.ByAppliance.Values.SelectMany(l => l).Where(l => l.Type == LineType.CpqReleaseReceived)
            .ToDictionary(l => (l.Appliance, l.ChildMid));
        int checkedLinks = 0, checkedReleases = 0;
        foreach (var m in truth.Messages.Where(m => m.Cpq is not null))
        {
            var c = m.Cpq!;
            if (c.SmaMid is long smaMid)
            {
                checkedLinks++;
                var accepted = responses[(c.Esa, c.EsaMid)].Where(r => r.AcceptedMid == smaMid).ToList();
                Assert.True(accepted.Count == 1, $"{m.Id}: {c.Esa} should show Response 'ok:  Message {smaMid} accepted' for MID {c.EsaMid}");
                Assert.True(Near(accepted[0].Utc, c.TransferredAt!.Value), $"{m.Id}: transferred_at {c.TransferredAt:o} vs line {accepted[0].Utc:o}");
                Assert.True(starts.Contains((c.Sma, smaMid)), $"{m.Id}: {c.Sma} should show Start MID {smaMid}");
                var q = quarantined[(c.Sma, smaMid)].ToList();
                Assert.True(q.Count == 1 && q[0].Quarantine == c.Quarantine, $"{m.Id}: {c.Sma} should show MID {smaMid} quarantined to \"{c.Quarantine}\"");
                if (c.ReleasedAt is { } rel)
                {
                    var r = released[(c.Sma, smaMid)].Single();
                    Assert.True(Near(r.Utc, rel));
                    Assert.Equal(c.ReleaseReason, r.Reason);
                }
                else Assert.Empty(released[(c.Sma, smaMid)]);
                if (c.DeletedAt is { } del)
                {
                    var d = deleted[(c.Sma, smaMid)].Single();
                    Assert.True(Near(d.Utc, del));
                    Assert.Equal(c.DeleteReason, d.Reason);
                }
                else Assert.Empty(deleted[(c.Sma, smaMid)]);
                if (c.ReleaseEsaMid is long back)
                {
                    checkedReleases++;
                    Assert.True(received.TryGetValue((c.Esa, back), out var line), $"{m.Id}: {c.Esa} should show MID {back} received from the SMA");
                    Assert.Equal(c.EsaMid, line!.ParentMid);
                    Assert.Equal(ips[c.Sma], line.RemoteIp);
                    Assert.True(Near(line.Utc, c.ReturnedAt!.Value));
                    Assert.Contains(responses[(c.Sma, smaMid)], r => r.AcceptedMid == back);
                }
            }
            else
            {
                Assert.Null(c.TransferredAt);
                Assert.DoesNotContain(responses[(c.Esa, c.EsaMid)], r => r.AcceptedMid >= 0);
            }
        }
        Assert.True(checkedLinks > 20, $"only {checkedLinks} CPQ links");
        Assert.True(checkedReleases > 5, $"only {checkedReleases} releases came back");

        // And the other way: every CPQ hand-off and every quarantined MID in the lines is in the truth.
        var byEsa = truth.Messages.Where(m => m.Cpq is not null).ToDictionary(m => (m.Cpq!.Esa, m.Cpq.EsaMid));
        var bySma = truth.Messages.Where(m => m.Cpq?.SmaMid is not null).ToDictionary(m => (m.Cpq!.Sma, m.Cpq.SmaMid!.Value));
        foreach (var (app, lines) in logs.ByAppliance)
        {
            foreach (var l in lines)
            {
                if (l.Type == LineType.MessageDone && l.Destination == QuarantineDestination.CentralizedPolicy)
                    Assert.True(byEsa.ContainsKey((app, l.Mid)), $"{app} MID {l.Mid} went to the CPQ but is not in the truth");
                if (l.Type == LineType.Quarantined)
                    Assert.True(bySma.ContainsKey((app, l.Mid)), $"{app} MID {l.Mid} was quarantined but is not in the truth");
            }
        }
    }

    /// <summary>Every hop's MID appears in its appliance's lines at its start time; ended hops have their Message finished line.</summary>
    public static void HopsAreVisible(TempEstate estate)
    {
        var logs = estate.Logs;
        var first = new Dictionary<(string, long), DateTime>();
        var finished = new Dictionary<(string, long), DateTime>();
        foreach (var (app, lines) in logs.ByAppliance)
        {
            foreach (var l in lines)
            {
                foreach (var mid in new[] { l.Mid, l.ChildMid })
                {
                    if (mid < 0) continue;
                    if (!first.TryGetValue((app, mid), out var t) || l.Utc < t) first[(app, mid)] = l.Utc;
                }
                if (l.Type == LineType.MessageFinished) finished[(app, l.Mid)] = l.Utc;
            }
        }
        var spamAccepted = logs.ByAppliance.SelectMany(kv => kv.Value).Where(l => l.Type == LineType.DeliveryResponse && l.AcceptedMid >= 0)
            .Select(l => (l.Appliance, l.Mid, l.AcceptedMid)).ToHashSet();
        int hops = 0;
        foreach (var m in estate.Truth.Messages)
        {
            Assert.NotEmpty(m.Hops);
            if (m.SpamQuarantine is { } sq)
                Assert.True(spamAccepted.Contains((m.Hops[^1].Appliance, m.Hops[^1].Mid, sq.AcceptedMid)), $"{m.Id}: no 'Message {sq.AcceptedMid} accepted' from the spam quarantine");
            Assert.Contains(m.FinalState, FinalStates);
            for (int i = 1; i < m.Hops.Count; i++) Assert.True(m.Hops[i].Start >= m.Hops[i - 1].Start, $"{m.Id}: hops not ordered by start");
            foreach (var h in m.Hops)
            {
                hops++;
                Assert.True(first.TryGetValue((h.Appliance, h.Mid), out var seen), $"{m.Id}: MID {h.Mid} never appears on {h.Appliance}");
                Assert.True(Near(seen, h.Start), $"{m.Id}: {h.Appliance} MID {h.Mid} starts {h.Start:o} but first appears {seen:o}");
                if (h.End is { } end)
                {
                    Assert.True(finished.TryGetValue((h.Appliance, h.Mid), out var fin), $"{m.Id}: {h.Appliance} MID {h.Mid} has an end but no Message finished line");
                    Assert.True(Near(fin, end), $"{m.Id}: {h.Appliance} MID {h.Mid} ends {end:o}, finished line {fin:o}");
                }
                else Assert.False(finished.ContainsKey((h.Appliance, h.Mid)), $"{m.Id}: {h.Appliance} MID {h.Mid} is open in the truth but finished in the logs");
            }
        }
        Assert.True(hops > 1000);
    }

    /// <summary>Final states agree with the hops and the CPQ fields; parents and edges exist in the lines.</summary>
    public static void StatesAndLinksAreConsistent(TempEstate estate)
    {
        var truth = estate.Truth;
        var ids = truth.Messages.Select(m => m.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        var byId = truth.Messages.ToDictionary(m => m.Id);
        var lines = estate.Logs.ByAppliance.Values.SelectMany(l => l).Where(l => l.Type is LineType.MidSplit or LineType.MidGenerated
            or LineType.MidBounceOf or LineType.MidRewritten).Select(l => (l.Appliance, l.Type, l.ParentMid, l.ChildMid)).ToHashSet();
        var kinds = new Dictionary<string, int>();
        foreach (var m in truth.Messages)
        {
            var last = m.Hops[^1];
            switch (m.FinalState)
            {
                case "delivered" or "bounced" or "aborted":
                    Assert.Equal(m.FinalState, last.Outcome);
                    Assert.NotNull(last.End);
                    break;
                case "in_transfer":
                    Assert.NotNull(m.Cpq);
                    Assert.Null(m.Cpq!.SmaMid);
                    break;
                case "quarantined" when m.SpamQuarantine is not null:
                    Assert.Null(m.Cpq);
                    Assert.Equal("transferred", last.Outcome);
                    Assert.NotNull(last.End);
                    break;
                case "quarantined":
                    Assert.NotNull(m.Cpq!.TransferredAt);
                    Assert.Null(m.Cpq.ReleasedAt);
                    Assert.Null(m.Cpq.DeletedAt);
                    Assert.Equal("quarantined", last.Outcome);
                    break;
                case "released":
                    Assert.NotNull(m.Cpq!.ReleasedAt);
                    Assert.Null(m.Cpq.ReturnedAt);
                    break;
                case "deleted":
                    Assert.NotNull(m.Cpq!.DeletedAt);
                    Assert.Equal("deleted", last.Outcome);
                    break;
                case "open":
                    Assert.Null(last.End);
                    break;
            }
            if (m.Cpq?.ReturnedAt is not null && m.FinalState == "delivered")
            {
                Assert.Equal(m.Cpq.Esa, last.Appliance);
                Assert.Equal(m.Cpq.ReleaseEsaMid, last.Mid);
            }
            if (m.Parent is not null)
            {
                Assert.True(byId.TryGetValue(m.Parent, out var parent), $"{m.Id}: parent {m.Parent} is not in the truth");
                var first = m.Hops[0];
                var type = m.ParentKind switch
                {
                    "split" => LineType.MidSplit,
                    "generated" => LineType.MidGenerated,
                    "bounce_of" => LineType.MidBounceOf,
                    _ => throw new Xunit.Sdk.XunitException($"{m.Id}: unknown parent_kind {m.ParentKind}"),
                };
                Assert.Contains(parent!.Hops, h => h.Appliance == first.Appliance
                    && lines.Contains((first.Appliance, type, h.Mid, first.Mid)));
                kinds[m.ParentKind!] = kinds.GetValueOrDefault(m.ParentKind!) + 1;
            }
            else Assert.Null(m.ParentKind);
            foreach (var e in m.Edges)
            {
                Assert.Equal("rewritten", e.Kind);
                Assert.Contains((e.Appliance, LineType.MidRewritten, e.ParentMid, e.ChildMid), lines);
                kinds["rewritten"] = kinds.GetValueOrDefault("rewritten") + 1;
            }
        }
        foreach (var k in new[] { "split", "generated", "bounce_of", "rewritten" }) Assert.True(kinds.GetValueOrDefault(k) > 0, $"no {k} in the truth");
    }

    private static ILookup<(string, long), Line> Index(EstateLogs logs, LineType type) =>
        logs.ByAppliance.Values.SelectMany(l => l).Where(l => l.Type == type).ToLookup(l => (l.Appliance, l.Mid));
}
