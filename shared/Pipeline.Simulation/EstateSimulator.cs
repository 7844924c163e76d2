using System.Diagnostics;

namespace Pipeline.Simulation;

/// <summary>What a run wrote.</summary>
public sealed class GenerationResult
{
    /// <summary>Logical lines written (headers included).</summary>
    public long Lines { get; init; }
    /// <summary>Physical lines written (a wrapped line counts twice).</summary>
    public long PhysicalLines { get; init; }
    /// <summary>Logical lines that were wrapped onto two physical lines.</summary>
    public long WrappedLines { get; init; }
    /// <summary>Bytes written.</summary>
    public long Bytes { get; init; }
    /// <summary>Message journeys (flows).</summary>
    public long Messages { get; init; }
    /// <summary>Lines an appliance would have written while silent (dropped; 0 unless a bug).</summary>
    public long SuppressedLines { get; init; }
    /// <summary>Where the simulated time stopped (the end, or earlier when a follow run was cancelled).</summary>
    public DateTime EndUtc { get; init; }
    /// <summary>The log files written (rotated ones and each <c>mail_logs.current</c>).</summary>
    public List<string> Files { get; } = [];
    /// <summary>Path of truth.json, if written.</summary>
    public string? TruthPath { get; set; }
    /// <summary>Wall-clock time of the run.</summary>
    public TimeSpan Elapsed { get; set; }
}

/// <summary>Paces a follow run: simulated time advances with the wall clock, <see cref="Speed"/> times faster.</summary>
public sealed class Pacer
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly long _simStartMs;

    /// <summary>Creates a pacer whose simulated time starts at <paramref name="simStartUtc"/> now.</summary>
    public Pacer(DateTime simStartUtc, double speed)
    {
        if (speed <= 0) throw new ArgumentOutOfRangeException(nameof(speed), "the speed must be positive");
        Speed = speed;
        _simStartMs = Simulator.Ms(simStartUtc);
    }

    /// <summary>Simulated seconds per wall-clock second.</summary>
    public double Speed { get; }

    /// <summary>Waits until simulated time <paramref name="simMs"/> is due; calls <paramref name="flush"/> before sleeping. False when cancelled.</summary>
    internal bool WaitFor(long simMs, Action flush, CancellationToken ct)
    {
        double dueWallMs = (simMs - _simStartMs) / Speed;
        double wait = dueWallMs - _clock.Elapsed.TotalMilliseconds;
        if (wait <= 1) return !ct.IsCancellationRequested;
        flush();
        while (wait > 1)
        {
            if (ct.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(wait, 250)))) return false;
            wait = dueWallMs - _clock.Elapsed.TotalMilliseconds;
        }
        return !ct.IsCancellationRequested;
    }
}

/// <summary>
/// Generates an estate's mail_logs and its truth. Same options and seed, same bytes.
/// <code>
/// var o = new EstateOptions { Esa = 3, Sma = 1, Duration = TimeSpan.FromHours(6), Seed = 42 };
/// o.Faults.Add(FaultSpec.Parse("tls-anon:esa01@2h-3h", o.Start, o.End));
/// var result = EstateSimulator.Generate(o, dir);            // dir/esa01/mail_logs.current ..., dir/truth.json
/// var truth = EstateTruth.Load(result.TruthPath!);
/// </code>
/// </summary>
public static class EstateSimulator
{
    /// <summary>Name of the truth file in the output folder.</summary>
    public const string TruthFileName = "truth.json";

    /// <summary>Writes one folder per appliance (its mail_logs) and truth.json into <paramref name="outDir"/>.</summary>
    /// <exception cref="ArgumentException">Invalid options or a fault naming an unknown appliance.</exception>
    public static GenerationResult Generate(EstateOptions options, string outDir)
    {
        ArgumentNullException.ThrowIfNull(options);
        Directory.CreateDirectory(outDir);
        var sw = Stopwatch.StartNew();
        var truthPath = Path.Combine(outDir, TruthFileName);
        var truth = new FileStream(truthPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        using var sim = Create(options, outDir, null, false, truth);
        sim.Run(null, CancellationToken.None);
        var result = sim.Complete();
        result.Elapsed = sw.Elapsed;
        return WithTruth(result, truthPath);
    }

    /// <summary>Generates without writing anything (lines are formatted and counted): the generator's own speed.</summary>
    public static GenerationResult GenerateToNowhere(EstateOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var sw = Stopwatch.StartNew();
        using var sim = Create(options, null, null, false, null);
        sim.Run(null, CancellationToken.None);
        var result = sim.Complete();
        result.Elapsed = sw.Elapsed;
        return result;
    }

    /// <summary>
    /// Streams the estate in real time (<paramref name="speed"/> times faster): to files in <paramref name="outDir"/>
    /// (appended, rotated, flushed as time passes) or, with <paramref name="syslog"/>, to a syslog target. truth.json is written
    /// to <paramref name="outDir"/> (if given) when the run ends or is cancelled.
    /// </summary>
    public static GenerationResult Follow(EstateOptions options, string? outDir, SyslogTarget? syslog, double speed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (outDir is null && syslog is null) throw new ArgumentException("follow needs an output folder or a syslog target");
        var sw = Stopwatch.StartNew();
        string? truthPath = null;
        FileStream? truth = null;
        if (outDir is not null)
        {
            Directory.CreateDirectory(outDir);
            truthPath = Path.Combine(outDir, TruthFileName);
            truth = new FileStream(truthPath, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
        }
        using var sim = Create(options, syslog is null ? outDir : null, syslog, true, truth);
        sim.Run(new Pacer(options.Start, speed), ct);
        var result = sim.Complete();
        result.Elapsed = sw.Elapsed;
        return truthPath is null ? result : WithTruth(result, truthPath);
    }

    private static Simulator Create(EstateOptions o, string? outDir, SyslogTarget? syslog, bool append, Stream? truth)
    {
        try
        {
            return new Simulator(o, outDir, syslog, append, truth);
        }
        catch
        {
            truth?.Dispose();
            throw;
        }
    }

    private static GenerationResult WithTruth(GenerationResult r, string path)
    {
        r.TruthPath = path;
        return r;
    }
}
