using Pipeline.Correlation.Model;

namespace Pipeline.Report;

/// <summary>One ESA ↔ SMA pair: its the.cpq.host and the.cpq.release.host series, either of which may be missing.</summary>
internal sealed class QueueLink
{
    public required string Esa { get; init; }
    public required string Sma { get; init; }
    public QueueSeries? Transfer { get; set; }
    public QueueSeries? Release { get; set; }
    /// <summary>Index of the transfer series in the page's JSON, or -1.</summary>
    public int TransferIndex { get; set; } = -1;
    /// <summary>Index of the release series in the page's JSON, or -1.</summary>
    public int ReleaseIndex { get; set; } = -1;
    public int OpenAlerts { get; set; }
    public int Alerts { get; set; }
}

/// <summary>A stuck message as the "oldest stuck" table shows it.</summary>
internal sealed record StuckRow(FlowDocument Flow, DateTime Since, long AgeSeconds, string Where, string WhereQuery, string Detail);

/// <summary>What the page derives from <see cref="ReportData"/> before writing it.</summary>
internal sealed class ReportView
{
    public const string TransferQueue = "the.cpq.host";
    public const string ReleaseQueue = "the.cpq.release.host";

    /// <summary>At most this many points per queue series go into the page (peaks kept).</summary>
    public const int MaxChartPoints = 1500;

    public ReportData Data { get; }
    public DateTime? Start { get; }
    public DateTime? End { get; }
    public List<QueueLink> Links { get; } = [];
    /// <summary>The series in page order (the order of <see cref="Links"/>, transfer then release).</summary>
    public List<QueueSeries> Series { get; } = [];
    public List<AlertDocument> Alerts { get; }
    public int OpenAlerts { get; }
    public DwellSummary Dwell { get; }
    public List<StuckRow> Stuck { get; }

    public ReportView(ReportData data)
    {
        Data = data;
        (Start, End) = Range(data);
        Alerts = [.. (data.Alerts ?? []).OrderBy(a => a.OpenedAt).ThenBy(a => a.Kind, StringComparer.Ordinal).ThenBy(a => a.Appliance, StringComparer.Ordinal)];
        OpenAlerts = Alerts.Count(a => a.ResolvedAt is null);
        Dwell = DwellSummary.Of(data.QuarantineDwellSeconds ?? []);
        BuildLinks(data.Queues ?? []);
        var end = End ?? DateTime.UnixEpoch;
        Stuck = [.. (data.OldestStuck ?? []).Select(f => StuckOf(f, end))];
    }

    private static (DateTime?, DateTime?) Range(ReportData d)
    {
        DateTime? start = d.DataStart, end = d.DataEnd;
        if (start is not null && end is not null) return (ReportFormat.Utc(start.Value), ReportFormat.Utc(end.Value));
        var times = new List<DateTime>();
        foreach (var a in d.Appliances ?? []) { if (a.FirstLine is { } f) times.Add(f); if (a.LastLine is { } l) times.Add(l); }
        foreach (var q in d.Queues ?? []) foreach (var p in q.Points) times.Add(p.Time);
        foreach (var a in d.Alerts ?? []) { times.Add(a.OpenedAt); times.Add(a.ResolvedAt ?? a.LastUpdatedAt); }
        foreach (var f in d.Flows ?? []) { times.Add(f.Start); if (f.End is { } e) times.Add(e); }
        if (times.Count == 0) return (start, end);
        start ??= times.Min();
        end ??= times.Max();
        return (ReportFormat.Utc(start.Value), ReportFormat.Utc(end.Value));
    }

    private void BuildLinks(List<QueueSeries> queues)
    {
        var byKey = new Dictionary<(string, string), QueueLink>();
        var order = new List<QueueLink>();
        foreach (var q in queues)
        {
            bool release = string.Equals(q.Queue, ReleaseQueue, StringComparison.OrdinalIgnoreCase);
            var peer = string.IsNullOrEmpty(q.Peer) ? "?" : q.Peer;
            var key = release ? (peer, q.Appliance) : (q.Appliance, peer);
            if (!byKey.TryGetValue(key, out var link) || (release ? link.Release : link.Transfer) is not null)
            {
                link = new QueueLink { Esa = key.Item1, Sma = key.Item2 };
                byKey[key] = link;
                order.Add(link);
            }
            if (release) link.Release = q; else link.Transfer = q;
        }
        foreach (var link in order)
        {
            foreach (var a in Alerts)
            {
                bool on = (a.Appliance == link.Esa && (a.Peer is null || a.Peer == link.Sma))
                    || (a.Appliance == link.Sma && (a.Peer is null || a.Peer == link.Esa));
                if (!on) continue;
                link.Alerts++;
                if (a.ResolvedAt is null) link.OpenAlerts++;
            }
        }
        // Problems first (open alerts, then any alert), then by name: during an incident the broken link is on top.
        Links.AddRange(order.OrderByDescending(l => l.OpenAlerts > 0).ThenByDescending(l => l.Alerts > 0)
            .ThenBy(l => l.Esa, StringComparer.OrdinalIgnoreCase).ThenBy(l => l.Sma, StringComparer.OrdinalIgnoreCase));
        foreach (var link in Links)
        {
            if (link.Transfer is not null) { link.TransferIndex = Series.Count; Series.Add(link.Transfer); }
            if (link.Release is not null) { link.ReleaseIndex = Series.Count; Series.Add(link.Release); }
        }
    }

    /// <summary>The points of a series as the page charts them: time order, at most <see cref="MaxChartPoints"/>, peaks kept.</summary>
    public static List<QueuePoint> ChartPoints(QueueSeries s)
    {
        var points = s.Points.OrderBy(p => p.Time).ToList();
        if (points.Count <= MaxChartPoints) return points;
        long t0 = ReportFormat.Epoch(points[0].Time), t1 = ReportFormat.Epoch(points[^1].Time);
        double width = Math.Max(1.0, (t1 - t0 + 1) / (double)(MaxChartPoints - 1));
        var result = new List<QueuePoint>(MaxChartPoints + 1);
        int i = 0;
        while (i < points.Count)
        {
            long bucket = (long)((ReportFormat.Epoch(points[i].Time) - t0) / width);
            var first = points[i];
            int waiting = first.Waiting;
            long age = first.OldestAgeSeconds;
            int j = i + 1;
            while (j < points.Count && (long)((ReportFormat.Epoch(points[j].Time) - t0) / width) == bucket)
            {
                waiting = Math.Max(waiting, points[j].Waiting);
                age = Math.Max(age, points[j].OldestAgeSeconds);
                j++;
            }
            result.Add(new QueuePoint(first.Time, waiting, age));
            i = j;
        }
        // The chart ends on the real last state.
        if (result[^1] != points[^1]) result.Add(points[^1]);
        return result;
    }

    /// <summary>
    /// Since when a stuck message has waited: queued for the.cpq.host, released into the.cpq.release.host, or (any
    /// other unfinished message) since its last hop began.
    /// </summary>
    internal static DateTime StuckSince(FlowDocument f) => f.State switch
    {
        FlowStates.InTransfer => f.Cpq?.EnqueuedAt ?? f.Start,
        FlowStates.Released => f.Cpq?.ReleasedAt ?? f.Cpq?.TransferredAt ?? f.Start,
        _ => f.Hops.Count > 0 ? f.Hops[^1].Start : f.Start,
    };

    private static StuckRow StuckOf(FlowDocument f, DateTime end)
    {
        var c = f.Cpq;
        var last = f.Hops.Count > 0 ? f.Hops[^1] : null;
        string where, query, detail;
        switch (f.State)
        {
            case FlowStates.InTransfer:
                where = HopName(c?.Esa, c?.EsaMid, last);
                query = HopQuery(c?.Esa, c?.EsaMid, last);
                detail = $"{TransferQueue} → {c?.Sma ?? "SMA"}" + (c?.Quarantine is { } q1 ? $" (\"{q1}\")" : "");
                break;
            case FlowStates.Released:
                where = HopName(c?.Sma, c?.SmaMid, last);
                query = HopQuery(c?.Sma, c?.SmaMid, last);
                detail = $"{ReleaseQueue} → {c?.Esa ?? "ESA"}" + (c?.ReleaseReason is { } r ? $" (released: {r})" : "");
                break;
            default:
                where = HopName(null, null, last);
                query = HopQuery(null, null, last);
                detail = f.State;
                break;
        }
        var since = ReportFormat.Utc(StuckSince(f));
        long age = Math.Max(0, ReportFormat.Epoch(end) - ReportFormat.Epoch(since));
        return new StuckRow(f, since, age, where, query, detail);
    }

    private static string HopName(string? appliance, long? mid, FlowHop? last) =>
        appliance is not null && mid is not null ? $"{appliance} MID {mid}" : last is null ? "—" : $"{last.Appliance} MID {last.Mid}";

    private static string HopQuery(string? appliance, long? mid, FlowHop? last) =>
        appliance is not null && mid is not null ? $"{appliance}:{mid}" : last is null ? "" : $"{last.Appliance}:{last.Mid}";
}
