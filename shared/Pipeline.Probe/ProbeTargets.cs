using Pipeline.Correlation.Stages;

namespace Pipeline.Probe;

/// <summary>Where probe targets come from; asked again before every round, so learned addresses join as they appear.</summary>
public interface IProbeTargetSource
{
    /// <summary>The targets now.</summary>
    IReadOnlyList<ProbeTarget> Targets();
}

/// <summary>A CPQ listener learned from the logs: an appliance, one of its addresses, and a CPQ port seen for it.</summary>
/// <param name="Appliance">The appliance name.</param>
/// <param name="Address">One of its addresses.</param>
/// <param name="Port">A CPQ port seen in deliveries to it (or the configured CPQ port).</param>
public sealed record LearnedCpqListener(string Appliance, string Address, int Port);

/// <summary>
/// The CPQ listeners the correlator has learned (appliance addresses from their own <c>interface ... (ip)</c> lines,
/// CPQ ports seen in deliveries). <see cref="EstateListeners"/> serves what an <see cref="EstateStage"/> learned.
/// </summary>
public interface ILearnedCpqListeners
{
    /// <summary>The listeners known now.</summary>
    IReadOnlyList<LearnedCpqListener> Listeners();
}

/// <summary>Every address of every appliance the estate stage knows, on one CPQ port.</summary>
public sealed class EstateListeners(EstateStage estate, int cpqPort = ProbeTarget.DefaultCpqPort) : ILearnedCpqListeners
{
    /// <inheritdoc />
    public IReadOnlyList<LearnedCpqListener> Listeners() =>
        [.. estate.Appliances.SelectMany(a => a.Ips.Select(ip => new LearnedCpqListener(a.Name, ip, cpqPort)))];
}

/// <summary>Targets given in configuration or on the command line.</summary>
public sealed class ConfiguredTargets(IReadOnlyList<ProbeTarget> targets) : IProbeTargetSource
{
    /// <summary>Parses each entry with <see cref="ProbeTarget.Parse"/>.</summary>
    /// <exception cref="FormatException">An entry is not a target.</exception>
    public static ConfiguredTargets Parse(IEnumerable<string> entries, string source = "config") =>
        new([.. entries.Select(e => ProbeTarget.Parse(e, source))]);

    /// <inheritdoc />
    public IReadOnlyList<ProbeTarget> Targets() => targets;
}

/// <summary>Adapts learned listeners to targets (STARTTLS, source <c>learned</c>).</summary>
public sealed class LearnedTargets(ILearnedCpqListeners learned) : IProbeTargetSource
{
    /// <inheritdoc />
    public IReadOnlyList<ProbeTarget> Targets() =>
        [.. learned.Listeners().Select(l => new ProbeTarget(l.Address, l.Port, l.Appliance, ProbeTls.StartTls, "learned"))];
}
