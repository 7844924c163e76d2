namespace Pipeline.Report;

/// <summary>The distribution of quarantine dwell times shown by the report.</summary>
public sealed class DwellSummary
{
    /// <summary>Upper bounds (exclusive, seconds) of the histogram buckets; the last bucket is open-ended.</summary>
    public static readonly long[] BucketBounds = [60, 300, 900, 3600, 4 * 3600, 12 * 3600, 86400, 3 * 86400, 7 * 86400];

    /// <summary>Labels of the buckets, one more than <see cref="BucketBounds"/>.</summary>
    public static readonly string[] BucketLabels = ["<1m", "1–5m", "5–15m", "15m–1h", "1–4h", "4–12h", "12h–1d", "1–3d", "3–7d", "≥7d"];

    /// <summary>Number of dwell times.</summary>
    public int Count { get; init; }
    /// <summary>Median (nearest rank), seconds; null without data.</summary>
    public long? Median { get; init; }
    /// <summary>90th percentile (nearest rank), seconds; null without data.</summary>
    public long? P90 { get; init; }
    /// <summary>Longest, seconds; null without data.</summary>
    public long? Max { get; init; }
    /// <summary>Count per bucket of <see cref="BucketLabels"/>.</summary>
    public long[] Buckets { get; init; } = new long[BucketLabels.Length];

    /// <summary>Summarises dwell times in seconds (negative values count as 0).</summary>
    public static DwellSummary Of(IReadOnlyCollection<long> seconds)
    {
        ArgumentNullException.ThrowIfNull(seconds);
        var buckets = new long[BucketLabels.Length];
        if (seconds.Count == 0) return new DwellSummary { Buckets = buckets };
        var sorted = seconds.Select(s => Math.Max(0, s)).ToArray();
        Array.Sort(sorted);
        foreach (var s in sorted)
        {
            int b = 0;
            while (b < BucketBounds.Length && s >= BucketBounds[b]) b++;
            buckets[b]++;
        }
        return new DwellSummary
        {
            Count = sorted.Length,
            Median = Rank(sorted, 0.5),
            P90 = Rank(sorted, 0.9),
            Max = sorted[^1],
            Buckets = buckets,
        };
    }

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    private static long Rank(long[] sorted, double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
}
