using System.Globalization;
using System.Reflection;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;
using Perfolizer.Metrology;

namespace Pipeline.Benchmarks;

/// <summary>
/// The job every benchmark class uses: one process, 12 warmup and 10 measured iterations of ~250 ms, times in ns per
/// line (every benchmark sets OperationsPerInvoke to the number of lines it handles), allocations in bytes per line
/// (exact, <see cref="ExactAllocatedPerLineColumn"/>), plus the median, lines/s, MB/s and the ratio to the plain
/// read/copy lower bound measured in the same class.
/// <para>
/// "One core": every benchmark runs its workload on one thread (BenchmarkDotNet's default), so lines/s is per core.
/// The process is deliberately NOT pinned to one CPU (no affinity): pinned, the tiered JIT's background compiler
/// shares that CPU with the measured thread, tier-1 code arrives seconds later and short warmups measure tier-0 code
/// (seen on this machine: ~360 ns/line pinned vs ~65 ns/line unpinned for the same loop). Once warm, nothing else
/// runs: the parser allocates nothing, so there is no GC work to move to the other core either.
/// </para>
/// <para>
/// Warmup is long on purpose (~3 s): with the runtime's default tiered compilation and dynamic PGO, the parser's
/// methods reach their final (tier-1) code only ~1.5-2 s into a fresh process on this machine; the 3 warmups of
/// 250 ms first tried measured half-tiered code (e.g. 275 ns/line falling to 110 ns/line within one run).
/// </para>
/// </summary>
public class BenchConfig : ManualConfig
{
    public BenchConfig() : this(warmup: 12, iterations: 10, iterationMs: 250) { }

    protected BenchConfig(int warmup, int iterations, int iterationMs)
    {
        AddJob(Job.Default
            .WithId("OneCore")
            .WithLaunchCount(1)
            .WithWarmupCount(warmup)
            .WithIterationCount(iterations)
            .WithIterationTime(TimeInterval.FromMilliseconds(iterationMs)));
        AddColumn(StatisticColumn.Median, new LinesPerSecondColumn(), new MegabytesPerSecondColumn(), new RatioToPlainColumn(),
            new ExactAllocatedPerLineColumn());
        SummaryStyle = SummaryStyle.Default.WithTimeUnit(TimeUnit.Nanosecond).WithSizeUnit(SizeUnit.B)
            .WithCultureInfo(CultureInfo.InvariantCulture).WithMaxParameterColumnWidth(32);
    }
}

/// <summary>A lighter job for the per-line-type breakdown (many cases, each a small batch).</summary>
public class LightBenchConfig : BenchConfig
{
    public LightBenchConfig() : base(warmup: 15, iterations: 6, iterationMs: 150) { }
}

/// <summary>
/// Allocated bytes per line with three decimals. BenchmarkDotNet's own Allocated column rounds to whole bytes per
/// operation, which hides e.g. one 100-byte allocation every 1000 lines; this one divides the measured total by the
/// number of operations (lines).
/// </summary>
public sealed class ExactAllocatedPerLineColumn : IColumn
{
    public string Id => "ExactAllocatedPerLine";
    public string ColumnName => "B/line";
    public string Legend => "Managed bytes allocated per line, exact (total allocated / lines; Allocated rounds to whole bytes)";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Metric;
    public int PriorityInCategory => 100;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var gc = summary[benchmarkCase]?.GcStats;
        var total = gc?.GetTotalAllocatedBytes(excludeAllocationQuantumSideEffects: true);
        if (gc is null || total is null || gc.Value.TotalOperations <= 0) return "NA";
        return ((double)total.Value / gc.Value.TotalOperations).ToString("0.000", CultureInfo.InvariantCulture);
    }
}

/// <summary>Base for the derived per-line columns; the mean is per line because OperationsPerInvoke = lines.</summary>
public abstract class PerLineColumn : IColumn
{
    public abstract string Id { get; }
    public abstract string ColumnName { get; }
    public abstract string Legend { get; }
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
    public bool IsAvailable(Summary summary) => true;
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not > 0) return "NA";
        var v = Compute(summary, benchmarkCase, mean.Value);
        return v is null ? "-" : Format(v.Value);
    }

    /// <summary>The value from the mean time per line in nanoseconds, or null when not applicable.</summary>
    protected abstract double? Compute(Summary summary, BenchmarkCase benchmarkCase, double meanNsPerLine);

    protected virtual string Format(double v) => v.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>Lines per second on one core: 1e9 / mean ns per line.</summary>
public sealed class LinesPerSecondColumn : PerLineColumn
{
    public override string Id => "LinesPerSecond";
    public override string ColumnName => "Lines/s";
    public override string Legend => "Lines per second on one core (1e9 / Mean; the Mean is per line)";
    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase, double ns) => 1e9 / ns;
}

/// <summary>
/// Input megabytes (10^6 bytes, one newline per line counted) per second, from the benchmark class's public static
/// <c>InputBytesPerLine(object? parameter)</c>.
/// </summary>
public sealed class MegabytesPerSecondColumn : PerLineColumn
{
    public override string Id => "MegabytesPerSecond";
    public override string ColumnName => "MB/s";
    public override string Legend => "Input MB (10^6 bytes, newlines included) per second on one core";

    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase, double ns)
    {
        var m = benchmarkCase.Descriptor.Type.GetMethod("InputBytesPerLine", BindingFlags.Public | BindingFlags.Static);
        if (m is null) return null;
        object? parameter = benchmarkCase.HasParameters ? benchmarkCase.Parameters.Items[0].Value : null;
        double bytes = (double)m.Invoke(null, [parameter])!;
        return bytes / ns * 1e9 / 1e6;
    }

    protected override string Format(double v) => v.ToString("N1", CultureInfo.InvariantCulture);
}

/// <summary>Mean / mean of the class's <c>Plain*</c> lower-bound benchmark with the same parameters.</summary>
public sealed class RatioToPlainColumn : PerLineColumn
{
    public override string Id => "RatioToPlain";
    public override string ColumnName => "vs Plain";
    public override string Legend => "Mean / Mean of the plain read/copy lower bound in the same class (1.00 = as fast as just reading)";

    protected override double? Compute(Summary summary, BenchmarkCase benchmarkCase, double ns)
    {
        var plain = summary.BenchmarksCases.FirstOrDefault(c =>
            c.Descriptor.Type == benchmarkCase.Descriptor.Type
            && c.Descriptor.WorkloadMethod.Name.StartsWith("Plain", StringComparison.Ordinal)
            && c.Parameters.ValueInfo == benchmarkCase.Parameters.ValueInfo);
        var plainMean = plain is null ? null : summary[plain]?.ResultStatistics?.Mean;
        return plainMean is > 0 ? ns / plainMean.Value : null;
    }

    protected override string Format(double v) => v.ToString("N2", CultureInfo.InvariantCulture);
}
