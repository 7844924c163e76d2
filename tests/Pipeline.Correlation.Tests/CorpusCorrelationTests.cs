using System.Text.RegularExpressions;
using Pipeline.Correlation.Model;

namespace Pipeline.Correlation.Tests;

/// <summary>
/// The real ESA log of the corpus. Every expectation is counted here from the raw text with regular expressions,
/// independently of the parser and the engine, following the documented state rules: aborted (a "Message aborted"
/// line or "finished ... aborted") over quarantined (a hand-off to a quarantine) over delivered ("Message done", or
/// "Message finished ... done") over open.
/// </summary>
public class CorpusCorrelationTests
{
    private static readonly string PathToLog = Path.Combine(AppContext.BaseDirectory, "corpus", "esa-mailtext-2014-sanitized.log");
    private static readonly string[] Lines = File.ReadAllLines(PathToLog);

    private static EngineRun Run() => new EngineRun().FeedFile("esa", PathToLog).Complete();

    private static IEnumerable<long> All(string pattern) =>
        Lines.Select(l => Regex.Match(l, pattern)).Where(m => m.Success).Select(m => long.Parse(m.Groups[1].Value));

    [Fact]
    public void Messages_per_final_state_match_an_independent_count()
    {
        // Every MID a line is about (the first one), and the children that edges create.
        var mids = All(@"Info: (?:Start |Message \w+ (?:DCID \d+ )?|ISQ: Tagging )?MID (\d+)").Concat(All(@"split creating MID (\d+)")).ToHashSet();
        var aborted = All(@"Message aborted MID (\d+)").Concat(All(@"Message finished MID (\d+) aborted")).ToHashSet();
        var quarantined = All(@"Message done DCID \d+ MID (\d+) to RID \[[\d, ]+\] \((?:external|centralized policy) quarantine\)").ToHashSet();
        var delivered = All(@"Message done DCID \d+ MID (\d+)").Concat(All(@"Message finished MID (\d+) done")).ToHashSet();
        var expected = new Dictionary<string, int>
        {
            [FlowStates.Aborted] = mids.Count(aborted.Contains),
            [FlowStates.Quarantined] = mids.Count(m => !aborted.Contains(m) && quarantined.Contains(m)),
            [FlowStates.Delivered] = mids.Count(m => !aborted.Contains(m) && !quarantined.Contains(m) && delivered.Contains(m)),
            [FlowStates.Open] = mids.Count(m => !aborted.Contains(m) && !quarantined.Contains(m) && !delivered.Contains(m)),
        };
        Assert.Equal(22, expected[FlowStates.Aborted]);
        Assert.Equal(7, expected[FlowStates.Quarantined]);

        var run = Run();
        Assert.Equal(mids.Count, run.Flows.Count);
        foreach (var (state, count) in expected)
            Assert.True(count == run.Flows.Count(f => f.State == state), $"{state}: expected {count}, got {run.Flows.Count(f => f.State == state)}");
        Assert.Equal(0, run.Flows.Count(f => f.State is FlowStates.Bounced or FlowStates.Released or FlowStates.Deleted or FlowStates.InTransfer));
        // One appliance, no rewrites: one hop per flow, and each MID in exactly one flow.
        Assert.All(run.Flows, f => Assert.Single(f.Hops));
        Assert.Equal(mids.Order(), run.Flows.Select(f => f.Hops[0].Mid).Order());
    }

    [Fact]
    public void Mid_to_mid_edges_are_all_found_with_their_direction()
    {
        var generated = Lines.Select(l => Regex.Match(l, @"MID (\d+) was generated based on MID (\d+)")).Where(m => m.Success)
            .Select(m => ($"esa:{m.Groups[2].Value}", $"esa:{m.Groups[1].Value}")).ToHashSet(); // original -> copy
        var split = Lines.Select(l => Regex.Match(l, @"MID (\d+) was split creating MID (\d+)")).Where(m => m.Success)
            .Select(m => ($"esa:{m.Groups[1].Value}", $"esa:{m.Groups[2].Value}")).ToHashSet(); // parent -> child
        Assert.Equal(30, generated.Count);
        Assert.Equal(2, split.Count);

        var run = Run();
        var edges = run.Flows.SelectMany(f => f.Edges).ToList();
        Assert.Equal(generated, edges.Where(e => e.Kind == "generated").Select(e => (e.From, e.To)).ToHashSet());
        Assert.Equal(split, edges.Where(e => e.Kind == "split").Select(e => (e.From, e.To)).ToHashSet());
        // Copies and split children are flows of their own that name their parent's flow.
        foreach (var (parent, child) in generated.Concat(split))
        {
            var childFlow = run.Flows.Single(f => f.Hops.Any(h => $"esa:{h.Mid}" == child));
            Assert.Equal(parent, childFlow.ParentHop);
            var parentFlow = run.Flows.Single(f => f.Hops.Any(h => $"esa:{h.Mid}" == parent));
            Assert.Equal(parentFlow.Id, childFlow.ParentId);
        }
    }

    [Fact]
    public void Off_box_quarantine_hand_offs_carry_the_sma_mid_from_message_n_accepted()
    {
        var expected = Lines.Select(l => Regex.Match(l, @"MID (\d+) RID \[0\] Response 'ok:  Message (\d+) accepted'")).Where(m => m.Success)
            .Select(m => (long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value))).OrderBy(x => x).ToList();
        Assert.Equal(7, expected.Count);

        var run = Run();
        var handOffs = run.Flows.Where(f => f.Cpq is not null).Select(f => (f.Cpq!.EsaMid!.Value, f.Cpq.SmaMid!.Value)).OrderBy(x => x).ToList();
        Assert.Equal(expected, handOffs);
        Assert.All(run.Flows.Where(f => f.Cpq is not null), f =>
        {
            Assert.Equal("spam", f.Cpq!.Kind); // "(external quarantine)": the off-box spam quarantine
            Assert.Equal(FlowStates.Quarantined, f.State);
            Assert.NotNull(f.Cpq.TransferredAt);
        });
        Assert.Equal(7, run.Engine.Stats.CpqTransfers);
    }

    [Fact]
    public void Envelope_fields_come_from_the_message_lines()
    {
        var run = Run();
        // MID 1416566008-style full story in this file: MID 24611490 has From, To, Message-ID.
        var flow = run.FlowWithHop("esa", 24611490);
        Assert.Equal("1252449561.424324393.1416410152132.JavaMail.root@abmas01.marketo.org", flow.MessageId);
        Assert.Contains("user1@mycompany.com", flow.To);
        Assert.Empty(run.Alerts);
    }
}
