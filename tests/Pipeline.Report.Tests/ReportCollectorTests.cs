using Pipeline.Correlation;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Stages;
using Pipeline.Protocol;

namespace Pipeline.Report.Tests;

/// <summary>What the collector keeps for the report while analyze runs.</summary>
public class ReportCollectorTests
{
    private static readonly DateTime T0 = new(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc);

    private static FlowDocument Flow(string state, int i, DateTime waitingSince) => new()
    {
        Id = $"esa01:{i}:x",
        State = state,
        Start = T0,
        Hops = [new FlowHop("esa01", "esa", i, waitingSince, null, state)],
        Cpq = state switch
        {
            FlowStates.InTransfer => new CpqLeg { Esa = "esa01", EsaMid = i, EnqueuedAt = waitingSince },
            FlowStates.Released => new CpqLeg { Esa = "esa01", EsaMid = i, TransferredAt = T0, ReleasedAt = waitingSince },
            FlowStates.Quarantined => new CpqLeg { Esa = "esa01", EsaMid = i, TransferredAt = waitingSince },
            _ => null,
        },
    };

    [Fact]
    public void Oldest_stuck_keeps_the_fifty_longest_waiting_queue_messages_first()
    {
        var collector = new ReportCollector();
        var random = new Random(7);
        var flows = new List<FlowDocument>();
        string[] states = [FlowStates.InTransfer, FlowStates.Released, FlowStates.Open, FlowStates.Quarantined];
        for (int i = 0; i < 1000; i++) flows.Add(Flow(states[i % 4], i, T0.AddMinutes(random.Next(0, 10_000))));
        foreach (var f in flows.OrderBy(_ => random.Next())) collector.Add(f);

        var stuck = collector.Build(new EstateStage(new CorrelationOptions()), new CorrelationStats(), [], 1, 1, 0).OldestStuck;

        // 250 messages wait in the.cpq.host: the 50 that waited longest are shown, longest first.
        var expected = flows.Where(f => f.State == FlowStates.InTransfer).OrderBy(f => f.Cpq!.EnqueuedAt).ThenBy(f => f.Id, StringComparer.Ordinal)
            .Take(50).Select(f => f.Id);
        Assert.Equal(expected, stuck.Select(f => f.Id));
    }

    [Fact]
    public void Oldest_stuck_orders_the_queues_then_other_unfinished_messages_and_leaves_quarantined_ones_out()
    {
        var collector = new ReportCollector();
        collector.Add(Flow(FlowStates.Open, 1, T0.AddHours(1)));
        collector.Add(Flow(FlowStates.Quarantined, 2, T0));
        collector.Add(Flow(FlowStates.Released, 3, T0.AddHours(3)));
        collector.Add(Flow(FlowStates.InTransfer, 4, T0.AddHours(5)));
        collector.Add(Flow(FlowStates.Released, 5, T0.AddHours(2)));

        var stuck = collector.Build(new EstateStage(new CorrelationOptions()), new CorrelationStats(), [], 1, 1, 0).OldestStuck;

        Assert.Equal(["esa01:4:x", "esa01:5:x", "esa01:3:x", "esa01:1:x"], stuck.Select(f => f.Id));
    }
}
