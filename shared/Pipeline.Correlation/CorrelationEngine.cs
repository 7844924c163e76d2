using Pipeline.Correlation.Detection;
using Pipeline.Correlation.Joining;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.State;
using Pipeline.Correlation.Stitching;
using Pipeline.MailLogs;

namespace Pipeline.Correlation;

/// <summary>Counters of a correlation run.</summary>
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
    /// <summary>Hops per appliance-to-appliance link kind.</summary>
    public long CrossApplianceFlows { get; set; }
}

/// <summary>
/// The pure correlation core: per-appliance stitchers, the cross-appliance joiner and the detectors, driven by
/// event time only (no wall clock), so replaying the same input gives the same output. Feed lines with
/// <see cref="Observe"/> (each appliance's lines in its own order; appliances in any order), then call
/// <see cref="Complete"/>. Flows are handed to <see cref="FlowCompleted"/> as soon as they are complete.
/// </summary>
public sealed class CorrelationEngine
{
    private readonly Dictionary<string, ApplianceStitcher> _stitchers = new(StringComparer.Ordinal);
    private readonly FlowJoiner _joiner;

    /// <summary>Creates an engine.</summary>
    public CorrelationEngine(CorrelationOptions? options = null) : this(options, new CorrelationStats()) { }

    private CorrelationEngine(CorrelationOptions? options, CorrelationStats stats)
    {
        Stats = stats;
        Options = options ?? new CorrelationOptions();
        Directory = new ApplianceDirectory();
        Alerts = new AlertBook();
        _joiner = new FlowJoiner(Directory, Options, OnFlow);
    }

    /// <summary>The engine's whole state as plain data (see <see cref="EngineSnapshot"/>).</summary>
    public EngineSnapshot Snapshot()
    {
        var index = new Dictionary<AlertState, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < Alerts.Alerts.Count; i++) index[Alerts.Alerts[i]] = i;
        int IndexOf(AlertState? a) => a is null ? -1 : index[a];
        return new EngineSnapshot
        {
            Alerts = [.. Alerts.Alerts],
            Directory = Directory.Snapshot(),
            Stitchers = _stitchers.Values.OrderBy(s => s.Appliance, StringComparer.Ordinal).Select(s => s.Snapshot(IndexOf)).ToList(),
            Joiner = _joiner.Snapshot(),
            Stats = Stats,
        };
    }

    /// <summary>An engine that continues from <paramref name="snapshot"/>; attach <see cref="FlowCompleted"/> handlers again.</summary>
    public static CorrelationEngine Restore(EngineSnapshot snapshot, CorrelationOptions? options = null)
    {
        var engine = new CorrelationEngine(options, snapshot.Stats);
        engine.Directory.Restore(snapshot.Directory);
        engine.Alerts.Restore(snapshot.Alerts);
        AlertState? At(int i) => i < 0 ? null : snapshot.Alerts[i];
        foreach (var s in snapshot.Stitchers)
            engine._stitchers[s.Appliance] = ApplianceStitcher.Restore(s, engine.Options, engine._joiner, engine.Directory, engine.Alerts, At);
        engine._joiner.Restore(snapshot.Joiner);
        return engine;
    }

    /// <summary>Options in use.</summary>
    public CorrelationOptions Options { get; }

    /// <summary>The estate: appliance addresses and roles.</summary>
    public ApplianceDirectory Directory { get; }

    /// <summary>Alerts and their lifecycle.</summary>
    public AlertBook Alerts { get; }

    /// <summary>Counters.</summary>
    public CorrelationStats Stats { get; }

    /// <summary>Raised for each complete flow (final state).</summary>
    public event Action<FlowDocument>? FlowCompleted;

    /// <summary>Appliances that sent lines, in name order.</summary>
    public IEnumerable<string> Appliances => _stitchers.Keys.Order(StringComparer.Ordinal);

    /// <summary>Messages in progress over all appliances.</summary>
    public int OpenMessages => _stitchers.Values.Sum(s => s.OpenMessages);

    /// <summary>Hops held by the joiner while their flows complete.</summary>
    public int HeldHops => _joiner.HeldHops;

    /// <summary>The stitcher of an appliance (created on first use).</summary>
    public ApplianceStitcher For(string appliance)
    {
        if (!_stitchers.TryGetValue(appliance, out var s))
            _stitchers[appliance] = s = new ApplianceStitcher(appliance, Options, _joiner, Directory, Alerts);
        return s;
    }

    /// <summary>Feeds one parsed line of <paramref name="appliance"/>.</summary>
    public void Observe(string appliance, in LogEvent e, ReadOnlySpan<byte> line) => For(appliance).Observe(e, line);

    /// <summary>
    /// End of input: flushes every appliance (in name order), joins what only the fallbacks can join, hands on the
    /// remaining flows, evaluates silences, and returns every alert as a document (open ones with no resolve time).
    /// </summary>
    public IReadOnlyList<AlertDocument> Complete()
    {
        foreach (var s in _stitchers.Values.OrderBy(s => s.Appliance, StringComparer.Ordinal)) s.Flush();
        _joiner.Flush();
        DetectSilences();
        Stats.Lines = _stitchers.Values.Sum(s => s.Lines);
        return Alerts.Alerts.Select(ToDocument)
            .OrderBy(a => a.OpenedAt).ThenBy(a => a.Kind, StringComparer.Ordinal)
            .ThenBy(a => a.Appliance, StringComparer.Ordinal).ThenBy(a => a.Peer, StringComparer.Ordinal).ToList();
    }

    private void OnFlow(FlowDocument flow)
    {
        Stats.Flows++;
        Stats.FlowsByState[flow.State]++;
        if (flow.Cpq is { TransferredAt: not null }) Stats.CpqTransfers++;
        if (flow.Cpq is { ReleasedAt: not null }) Stats.CpqReleases++;
        foreach (var h in flow.Hops)
            if (h.Appliance != flow.Hops[0].Appliance) { Stats.CrossApplianceFlows++; break; }
        FlowCompleted?.Invoke(flow);
    }

    /// <summary>
    /// An appliance is silent when it logs nothing for <see cref="CorrelationOptions.SilentAfter"/> while another
    /// appliance logs. Decided from the appliances' own timelines, so arrival order does not matter.
    /// </summary>
    private void DetectSilences()
    {
        var all = _stitchers.Values.Where(s => s.Lines > 0).OrderBy(s => s.Appliance, StringComparer.Ordinal).ToList();
        if (all.Count < 2) return;
        long estateEnd = all.Max(s => s.MaxTime);
        long after = Options.SilentAfter.Ticks;
        foreach (var s in all)
        {
            var gaps = s.Gaps.Select(g => (g.From, g.To, Open: false)).ToList();
            // Trailing silence counts only against appliances that logged alongside this one (the same estate and
            // period), not against logs of another time that happen to be in the same input.
            bool overlaps = all.Any(o => o != s && o.MinTime < s.MaxTime && o.MaxTime > s.MaxTime);
            if (estateEnd - s.MaxTime > after && overlaps) gaps.Add((s.MaxTime, estateEnd, true));
            double perTick = s.Lines / (double)Math.Max(s.MaxTime - s.MinTime, TimeSpan.TicksPerMinute);
            foreach (var (from, to, open) in gaps)
            {
                long silentFrom = from + after;
                if (perTick * (to - from) < Options.SilentMinExpectedLines) continue;
                if (!all.Any(o => o != s && ActiveDuring(o, silentFrom, to))) continue;
                var a = Alerts.Open(AlertKinds.ApplianceSilent, s.Appliance, null, silentFrom);
                a.LastError = $"no lines after {new DateTime(from, DateTimeKind.Utc):yyyy-MM-dd HH:mm:ss}Z";
                a.OldestAge = to - from;
                if (!open) Alerts.Resolve(a, to);
                else Alerts.Updated(a, to);
            }
        }
    }

    private static bool ActiveDuring(ApplianceStitcher s, long from, long to)
    {
        long a = Math.Max(from, s.MinTime), b = Math.Min(to, s.MaxTime);
        if (a >= b) return false;
        return !s.Gaps.Any(g => g.From <= a && g.To >= b);
    }

    private AlertDocument ToDocument(AlertState a)
    {
        string? peer = Directory.PeerName(a.Peer);
        var doc = new AlertDocument
        {
            Kind = a.Kind,
            Appliance = a.Appliance,
            Peer = peer,
            OpenedAt = new DateTime(a.OpenedAt, DateTimeKind.Utc),
            ResolvedAt = a.ResolvedAt > 0 ? new DateTime(a.ResolvedAt, DateTimeKind.Utc) : null,
            LastUpdatedAt = new DateTime(a.UpdatedAt, DateTimeKind.Utc),
            Evidence = new AlertEvidence
            {
                Messages = a.Messages, OldestAgeSeconds = a.OldestAge / TimeSpan.TicksPerSecond, LastError = a.LastError,
                SampleMids = [.. a.SampleMids],
            },
            Hint = Hints.For(a, peer, a.Peer, Options.CpqPort),
        };
        doc.Id = $"{a.Kind}:{a.Appliance}:{peer ?? "-"}:{doc.OpenedAt:yyyyMMdd'T'HHmmss'Z'}";
        doc.Summary = a.Kind switch
        {
            AlertKinds.CpqQueueStuck => $"the.cpq.host on {a.Appliance} → {peer ?? "?"}: {a.Messages} waiting, oldest {Hints.Duration(a.OldestAge)}",
            AlertKinds.CpqReleaseStuck => $"the.cpq.release.host on {a.Appliance} → {peer ?? "?"}: {a.Messages} waiting, oldest {Hints.Duration(a.OldestAge)}",
            AlertKinds.CpqTlsFailure => $"TLS to CPQ {peer} fails from {a.Appliance} ({a.Messages} attempts): {a.LastError}",
            AlertKinds.CpqConnectFailure => $"cannot connect from {a.Appliance} to CPQ {peer} ({a.Messages} attempts): {a.LastError}",
            AlertKinds.QuarantineUnavailable => $"quarantine problem on {a.Appliance} ({a.Cause}): {a.LastError}",
            AlertKinds.ApplianceSilent => $"{a.Appliance} silent for {Hints.Duration(a.OldestAge)} ({a.LastError})",
            _ => a.Kind,
        };
        return doc;
    }
}
