using Pipeline.Correlation.Model;

namespace Pipeline.Correlation.Tests;

/// <summary>Memory stays bounded: what waits past the horizon is handed on as it stands, before the end of the input.</summary>
public class HorizonTests
{
    private static readonly CorrelationOptions OneHour = new() { Horizon = TimeSpan.FromHours(1) };

    [Fact]
    public void A_message_that_never_finishes_is_handed_on_at_the_horizon_and_its_late_end_is_a_new_flow()
    {
        var esa = new ApplianceLog("esa01", Scenarios.Start);
        esa.At("00:00:00", "Start MID 1 ICID 0")
            .At("00:00:00", "MID 1 ICID 0 From: <a@example.org>")
            .At("00:00:00", "MID 1 ICID 0 RID 0 To: <b@corp.example>");
        // Other mail keeps the appliance's clock moving for four hours.
        for (int i = 0; i < 48; i++)
        {
            var t = TimeSpan.FromMinutes(5 * i + 1);
            esa.At(t, $"Start MID {100 + i} ICID 0").At(t, $"Message finished MID {100 + i} done");
        }
        var run = new EngineRun(OneHour).Feed(esa);

        // Before the end of the input: MID 1 left the stitcher and the joiner, as an open flow.
        var open = run.FlowWithHop("esa01", 1);
        Assert.Equal(FlowStates.Open, open.State);
        Assert.Equal((1, 0), (run.Engine.OpenMessages, run.Engine.HeldHops)); // only the last message, within its lateness

        // Its end, logged hours later, starts a new flow under the same MID.
        run.Feed("esa01", [esa.Lines[^1].Replace("Message finished MID 147 done", "Message finished MID 1 done")]).Complete();
        Assert.Equal(2, run.Flows.Count(f => f.Hops.Any(h => h.Appliance == "esa01" && h.Mid == 1)));
    }

    [Fact]
    public void Hand_offs_to_an_sma_whose_logs_are_missing_are_handed_on_at_the_horizon()
    {
        // Only the ESA's logs: its CPQ hand-offs name an address no appliance in the input owns. The horizon is
        // longer than the two hours MID 1001 spends in the quarantine before its release comes back.
        var (esa, _) = Scenarios.RoundTrip();
        var run = new EngineRun(new CorrelationOptions { Horizon = TimeSpan.FromMinutes(150) }).Feed(esa);

        // Three hours of the ESA later, the hand-offs of 00:00 are out, before the end of the input.
        foreach (var mid in new long[] { 1002, 1003 })
        {
            var flow = run.FlowWithHop("esa01", mid);
            Assert.Equal(FlowStates.Quarantined, flow.State);
            Assert.Equal(Scenarios.SmaIp, flow.Cpq!.Sma);
        }
        Assert.DoesNotContain(run.Flows, f => f.Hops.Any(h => h.Mid == 1001)); // joined to its release at 02:00: still recent

        // The result at the end is the one without a horizon.
        run.Complete();
        var reference = new EngineRun().Feed(esa).Complete();
        Assert.Equal(reference.FlowJson.Order(), run.FlowJson.Order());
    }
}
