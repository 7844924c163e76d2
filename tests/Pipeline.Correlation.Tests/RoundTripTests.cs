using Pipeline.Correlation.Model;
using Pipeline.Correlation.Stages;
using Pipeline.Protocol;

namespace Pipeline.Correlation.Tests;

public class RoundTripTests
{
    private static EngineRun Run(bool smaFirst = false)
    {
        var (esa, sma) = Scenarios.RoundTrip();
        var run = new EngineRun();
        return (smaFirst ? run.Feed(sma, esa) : run.Feed(esa, sma)).Complete();
    }

    [Fact]
    public void A_released_cpq_round_trip_is_one_flow_spanning_esa_and_sma()
    {
        var run = Run();
        var flow = run.FlowWithHop("esa01", 1001);
        Assert.Equal("esa01:1001:20260310T090001Z", flow.Id);
        Assert.Equal(FlowStates.Delivered, flow.State);
        Assert.Equal([("esa01", 1001L, "esa"), ("sma01", 5001L, "sma"), ("esa01", 1050L, "esa")], flow.Hops.Select(h => (h.Appliance, h.Mid, h.Role)));
        Assert.Equal(["transferred", "released", "delivered"], flow.Hops.Select(h => h.Outcome));
        Assert.Equal("m1001@example.org", flow.MessageId);
        Assert.Equal("alice@example.org", flow.From);
        Assert.Equal(["bob@corp.example"], flow.To);
        var cpq = flow.Cpq!;
        Assert.Equal(("policy", "esa01", 1001L, "sma01", 5001L, "Policy"), (cpq.Kind, cpq.Esa, cpq.EsaMid!.Value, cpq.Sma, cpq.SmaMid!.Value, cpq.Quarantine));
        Assert.Equal(Scenarios.Start.AddSeconds(2), cpq.EnqueuedAt);
        Assert.Equal(Scenarios.Start.AddSeconds(3), cpq.TransferredAt);
        Assert.Equal(Scenarios.Start.AddHours(2), cpq.ReleasedAt);
        Assert.Equal("manual", cpq.ReleaseReason);
        Assert.Null(cpq.DeletedAt);
        Assert.Equal(1050, cpq.ReleaseEsaMid);
        Assert.Equal(Scenarios.Start.AddHours(2).AddSeconds(5), cpq.ReturnedAt);
        Assert.Contains(flow.Edges, e => e.Kind == "cpq_transfer" && e.From == "esa01:1001" && e.To == "sma01:5001");
        Assert.Contains(flow.Edges, e => e.Kind == "cpq_return" && e.From == "sma01:5001" && e.To == "esa01:1050");
        Assert.Contains(flow.Edges, e => e.Kind == "release_received" && e.From == "esa01:1001" && e.To == "esa01:1050");
    }

    [Fact]
    public void Quarantined_deleted_direct_and_rewritten_messages_get_their_states()
    {
        var run = Run();
        var held = run.FlowWithHop("esa01", 1002);
        Assert.Equal(FlowStates.Quarantined, held.State);
        Assert.Equal(5002, held.Cpq!.SmaMid);
        Assert.Null(held.End);

        var deleted = run.FlowWithHop("esa01", 1003);
        Assert.Equal(FlowStates.Deleted, deleted.State);
        Assert.Equal(Scenarios.Start.AddHours(1), deleted.Cpq!.DeletedAt);

        var direct = run.FlowWithHop("esa01", 1004);
        Assert.Equal(FlowStates.Delivered, direct.State);
        Assert.Null(direct.Cpq);
        Assert.Equal(["bob@corp.example", "carol@corp.example"], direct.To);

        var rewritten = run.FlowWithHop("esa01", 1005);
        Assert.Same(rewritten, run.FlowWithHop("esa01", 1006));
        Assert.Equal(FlowStates.Delivered, rewritten.State);
        Assert.Equal("esa01:1005:20260310T091100Z", rewritten.Id);
        Assert.Equal(["rewritten", "delivered"], rewritten.Hops.Select(h => h.Outcome));

        Assert.Equal(5, run.Flows.Count); // 1001 (+5001, 1050), 1002 (+5002), 1003 (+5003), 1004, 1005 (+1006)
        Assert.Equal(3, run.Engine.Stats.CpqTransfers);
        Assert.Empty(run.Alerts);
    }

    [Fact]
    public void Roles_are_inferred_and_ips_learned_from_the_appliances_own_lines()
    {
        var run = Run();
        Assert.Equal(ApplianceRole.Esa, run.Engine.For("esa01").Stitcher.Role);
        Assert.Equal(ApplianceRole.Sma, run.Engine.For("sma01").Stitcher.Role);
        Assert.Equal([ApplianceRole.Esa, ApplianceRole.Sma], run.Engine.Estate.Appliances.Select(a => a.Role));
        Assert.Equal("sma01", run.Engine.Estate.Addresses.ApplianceByIp("10.0.9.5"));
        Assert.Equal("esa01", run.Engine.Estate.Addresses.ApplianceByIp("10.0.1.10"));
        Assert.All(run.Engine.Partitions, p => Assert.Equal(0, p.HeldHops));
    }

    [Fact]
    public void The_result_does_not_depend_on_which_appliance_comes_first()
    {
        var a = Run(smaFirst: false);
        var b = Run(smaFirst: true);
        Assert.Equal(a.FlowJson.Order(), b.FlowJson.Order());
        Assert.Equal(a.AlertJson, b.AlertJson);
    }

    [Fact]
    public void Interleaved_and_hours_late_arrival_gives_the_same_flows()
    {
        var (esa, sma) = Scenarios.RoundTrip();
        var reference = new EngineRun().Feed(esa, sma).Complete();
        // The ESA's first hour, then all of the SMA (hours ahead of the ESA), then the rest of the ESA.
        int split = esa.Lines.FindIndex(l => l.Contains("11:00:05"));
        var late = new EngineRun();
        late.Feed("esa01", esa.Lines.Take(split)).Feed(sma).Feed("esa01", esa.Lines.Skip(split)).Complete();
        Assert.Equal(reference.FlowJson.Order(), late.FlowJson.Order());
    }

    [Fact]
    public void Replaying_the_same_input_gives_identical_output()
    {
        var a = Run();
        var b = Run();
        Assert.Equal(a.FlowJson, b.FlowJson);
        Assert.Equal(a.AlertJson, b.AlertJson);
    }

    [Fact]
    public void Without_the_sma_logs_the_sma_is_named_by_its_address_and_the_message_is_quarantined()
    {
        var (esa, _) = Scenarios.RoundTrip();
        var run = new EngineRun().Feed(esa).Complete();
        var flow = run.FlowWithHop("esa01", 1002);
        Assert.Equal(FlowStates.Quarantined, flow.State);
        Assert.Equal("10.0.9.5", flow.Cpq!.Sma);
        Assert.Equal(5002, flow.Cpq.SmaMid);
        // The released copy still joins its original through "MID originally".
        var released = run.FlowWithHop("esa01", 1050);
        Assert.Contains(released.Hops, h => h.Mid == 1001);
        Assert.Equal(FlowStates.Delivered, released.State);
    }
}
