namespace Pipeline.Probe;

/// <summary>One round: every target probed once, and the alert versions the round changed.</summary>
/// <param name="StartedAt">When the round started, UTC.</param>
/// <param name="Results">One result per target, in target order.</param>
/// <param name="Alerts">Alert versions opened, updated or resolved by the round.</param>
public sealed record ProbeRound(DateTime StartedAt, IReadOnlyList<ProbeResult> Results, IReadOnlyList<Pipeline.Correlation.Model.AlertDocument> Alerts)
{
    /// <summary>Whether any target failed.</summary>
    public bool AnyFailed => Results.Any(r => !r.Succeeded);
}

/// <summary>Where rounds go (a console table, NDJSON files, later a Kafka topic of events and alerts).</summary>
public interface IProbeSink
{
    /// <summary>Takes one finished round.</summary>
    ValueTask WriteAsync(ProbeRound round, CancellationToken cancel);
}

/// <summary>
/// Probes every target of its sources, a few at a time: once (<see cref="RunOnceAsync"/>, the CLI) or every
/// <see cref="ProbeOptions.Interval"/> until cancelled (<see cref="RunScheduledAsync"/>, the hosted service and
/// <c>pipeline probe --every</c>). Targets of several sources with the same endpoint are probed once (configuration wins).
/// </summary>
public sealed class ProbeRunner
{
    private readonly CpqProber _prober;
    private readonly IReadOnlyList<IProbeTargetSource> _sources;
    private readonly ProbeOptions _options;
    private readonly TimeProvider _clock;

    /// <summary>The alert lifecycle across rounds.</summary>
    public ProbeAlertBook Alerts { get; }

    /// <summary>A runner over the sources (earlier sources win on the same endpoint).</summary>
    public ProbeRunner(ProbeOptions options, IEnumerable<IProbeTargetSource> sources, TimeProvider? clock = null)
    {
        _options = options;
        _clock = clock ?? TimeProvider.System;
        _prober = new CpqProber(options, _clock);
        _sources = [.. sources];
        Alerts = new ProbeAlertBook(options);
    }

    /// <summary>The targets of every source, one per endpoint.</summary>
    public IReadOnlyList<ProbeTarget> Targets()
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<ProbeTarget>();
        foreach (var source in _sources)
            foreach (var t in source.Targets())
                if (seen.Add(t.Endpoint)) result.Add(t);
        return result;
    }

    /// <summary>Probes every target once.</summary>
    public async Task<ProbeRound> RunOnceAsync(CancellationToken cancel = default)
    {
        var startedAt = _clock.GetUtcNow().UtcDateTime;
        var targets = Targets();
        var results = new ProbeResult[targets.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, targets.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, _options.Concurrency), CancellationToken = cancel },
            async (i, ct) => results[i] = await _prober.ProbeAsync(targets[i], ct).ConfigureAwait(false)).ConfigureAwait(false);
        // The book sees results in target order, so the alert versions do not depend on which probe finished first.
        var alerts = results.SelectMany(Alerts.Observe).ToList();
        return new ProbeRound(startedAt, results, alerts);
    }

    /// <summary>Runs rounds until <paramref name="cancel"/> fires; each round goes to <paramref name="sink"/>. Returns normally on cancellation.</summary>
    public async Task RunScheduledAsync(IProbeSink sink, CancellationToken cancel)
    {
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                var round = await RunOnceAsync(cancel).ConfigureAwait(false);
                await sink.WriteAsync(round, cancel).ConfigureAwait(false);
                await Task.Delay(_options.Interval, _clock, cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { }
    }
}
