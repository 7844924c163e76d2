namespace Pipeline.Correlation.Model;

/// <summary>Counters of a correlation run, tallied from the flows as they are handed on.</summary>
public sealed class CorrelationStats
{
    /// <summary>Lines stitched.</summary>
    public long Lines { get; set; }
    /// <summary>Flows handed on.</summary>
    public long Flows { get; set; }
    /// <summary>Flows per final state.</summary>
    public Dictionary<string, long> FlowsByState { get; set; } = FlowStates.All.ToDictionary(s => s, _ => 0L, StringComparer.Ordinal);
    /// <summary>Flows with a CPQ (or off-box spam quarantine) hand-off.</summary>
    public long CpqTransfers { get; set; }
    /// <summary>Flows whose quarantined message was released.</summary>
    public long CpqReleases { get; set; }
    /// <summary>Flows with hops on more than one appliance.</summary>
    public long CrossApplianceFlows { get; set; }

    /// <summary>Counts one flow.</summary>
    public void Add(FlowDocument flow)
    {
        Flows++;
        FlowsByState[flow.State]++;
        if (flow.Cpq is { TransferredAt: not null }) CpqTransfers++;
        if (flow.Cpq is { ReleasedAt: not null }) CpqReleases++;
        foreach (var h in flow.Hops)
            if (h.Appliance != flow.Hops[0].Appliance) { CrossApplianceFlows++; break; }
    }
}
