using Pipeline.Protocol;

namespace Pipeline.Correlation;

/// <summary>Thresholds and settings of the correlation engine. The defaults suit a production estate.</summary>
public sealed record CorrelationOptions
{
    /// <summary>TCP port of the centralized quarantine listeners (both directions).</summary>
    public int CpqPort { get; init; } = 7025;

    /// <summary>How late a line may arrive (behind the newest line of its appliance) and still be stitched in order.</summary>
    public TimeSpan AllowedLateness { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// A message that has not finished after this long (event time) is emitted as it stands (open, quarantined,
    /// in transfer) and its memory freed; so is a flow that waited this long for a half that never came (an
    /// appliance whose logs are not in the input). Later lines about such a message start a new flow under the same
    /// appliance and MID.
    /// </summary>
    public TimeSpan Horizon { get; init; } = TimeSpan.FromDays(7);

    /// <summary>A CPQ queue is stuck when its oldest waiting message is this old and nothing was handed off for as long.</summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>A stuck-queue alert resolves when the queue is empty or its oldest waiting message is younger than this.</summary>
    public TimeSpan DrainedBelow { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// An alert whose condition returns within this time after it cleared continues (it is not resolved and
    /// re-opened): no flapping. The resolve time is when the condition cleared last.
    /// </summary>
    public TimeSpan ReopenWithin { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>TLS or connection failures to a CPQ peer within <see cref="FailureWindow"/> that open an alert.</summary>
    public int FailureThreshold { get; init; } = 2;

    /// <summary>Window for <see cref="FailureThreshold"/>.</summary>
    public TimeSpan FailureWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>An appliance is silent after this long without lines while the rest of the estate logs.</summary>
    public TimeSpan SilentAfter { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A gap only counts as silence when the appliance's own average rate would have written at least this many
    /// lines in it: a quiet SMA or a night-time lull is not an outage.
    /// </summary>
    public int SilentMinExpectedLines { get; init; } = 20;

    /// <summary>Quarantine fill level (percent) from which a <c>Quarantine "X" is N% full</c> line opens an alert.</summary>
    public int QuarantineFullPercent { get; init; } = 90;

    /// <summary>Time window for the Message-ID fallback join between an ESA hand-off and an SMA arrival.</summary>
    public TimeSpan JoinWindow { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Sample MIDs kept as alert evidence.</summary>
    public int SampleMids { get; init; } = 5;

    /// <summary>Roles given by configuration (<c>--role NAME=esa|sma</c>); other appliances' roles are inferred from their lines.</summary>
    public IReadOnlyDictionary<string, ApplianceRole> Roles { get; init; } = new Dictionary<string, ApplianceRole>(StringComparer.Ordinal);

    /// <summary>Appliance addresses given by configuration (address → appliance); they win over the addresses the lines show.</summary>
    public IReadOnlyDictionary<string, string> Addresses { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);
}
