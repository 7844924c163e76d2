namespace Pipeline.Simulation;

/// <summary>The envelope an appliance writes its lines in.</summary>
public enum LogFormat
{
    /// <summary>The appliance's own file format: <c>Wed Nov 19 09:16:38 2014 Info: ...</c>.</summary>
    File,
    /// <summary>RFC 3164 syslog as pushed by the appliance (variants with and without PRI, year and host).</summary>
    Syslog,
    /// <summary>Some appliances in each format (even appliances file, odd ones syslog).</summary>
    Mixed,
}

/// <summary>What to simulate: the estate, the time span, the traffic, the envelopes and the faults.</summary>
public sealed class EstateOptions
{
    /// <summary>The default start of a batch run (a fixed time, so that runs are reproducible).</summary>
    public static readonly DateTime DefaultStart = new(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Number of ESAs (named esa01, esa02, ...).</summary>
    public int Esa { get; set; } = 4;

    /// <summary>Number of SMAs (sma01, ...); ESA i uses SMA i mod M for its centralized quarantines.</summary>
    public int Sma { get; set; } = 1;

    /// <summary>Start of the simulated time span (UTC).</summary>
    public DateTime Start { get; set; } = DefaultStart;

    /// <summary>Length of the simulated time span.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromHours(24);

    /// <summary>New messages per second over the whole estate (daily mean; the load follows a day curve). Null: 2 per ESA.</summary>
    public double? Rate { get; set; }

    /// <summary>Seed of every random choice.</summary>
    public ulong Seed { get; set; } = 1;

    /// <summary>Envelope of the appliances' lines.</summary>
    public LogFormat Format { get; set; } = LogFormat.File;

    /// <summary>Probability that a long line is wrapped onto two physical lines (file output only).</summary>
    public double WrapRate { get; set; }

    /// <summary>Probability that a line is written after the next one (lines slightly out of order, at most a second apart).</summary>
    public double DisorderRate { get; set; } = 0.002;

    /// <summary>Faults to inject.</summary>
    public List<FaultSpec> Faults { get; } = [];

    /// <summary>A log file is rolled over when it reaches this size (bytes).</summary>
    public long RotateBytes { get; set; } = 10L * 1024 * 1024;

    /// <summary>Interval of the per-appliance <c>Status:</c> lines; zero disables them.</summary>
    public TimeSpan StatusInterval { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Write every message's journey to truth.json (false: appliances and faults only, for load tests).</summary>
    public bool TruthMessages { get; set; } = true;

    /// <summary>The rate in use: <see cref="Rate"/>, or 2 messages per second per ESA.</summary>
    public double EffectiveRate => Rate ?? 2.0 * Esa;

    /// <summary>End of the simulated time span.</summary>
    public DateTime End => Start + Duration;

    /// <summary>Checks the options; throws <see cref="ArgumentException"/> with a readable message.</summary>
    public void Validate()
    {
        if (Esa < 1 || Esa > 9999) throw new ArgumentException("--esa must be between 1 and 9999");
        if (Sma < 1 || Sma > 99) throw new ArgumentException("--sma must be between 1 and 99");
        if (Duration <= TimeSpan.Zero) throw new ArgumentException("--duration must be positive");
        if (Duration > TimeSpan.FromDays(366)) throw new ArgumentException("--duration must be at most 366 days");
        if (EffectiveRate <= 0 || EffectiveRate > 1_000_000) throw new ArgumentException("--rate must be positive (and at most 1,000,000)");
        if (WrapRate is < 0 or > 1) throw new ArgumentException("--wrap-rate must be between 0 and 1");
        if (DisorderRate is < 0 or > 0.5) throw new ArgumentException("--disorder-rate must be between 0 and 0.5");
        if (RotateBytes < 4096) throw new ArgumentException("--rotate-size must be at least 4096 bytes");
        if (Start.Kind != DateTimeKind.Utc) throw new ArgumentException("the start time must be UTC");
        if (StatusInterval < TimeSpan.Zero) throw new ArgumentException("--status-interval must not be negative");
    }
}
