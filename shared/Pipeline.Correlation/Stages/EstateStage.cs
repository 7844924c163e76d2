using Pipeline.Correlation.Detection;
using Pipeline.Correlation.Model;
using Pipeline.Protocol;
using Pipeline.Protocol.Serialization;

namespace Pipeline.Correlation.Stages;

/// <summary>What the estate stage knows of one appliance.</summary>
/// <param name="Name">Appliance name.</param>
/// <param name="Role">Its role.</param>
/// <param name="Lines">Lines stitched.</param>
/// <param name="MinTime">Oldest line (UTC ticks), 0 if none.</param>
/// <param name="MaxTime">Newest line.</param>
/// <param name="OpenMessages">Messages in progress when it last reported.</param>
/// <param name="Ips">Its addresses.</param>
public sealed record ApplianceView(string Name, ApplianceRole Role, long Lines, long MinTime, long MaxTime, int OpenMessages, IReadOnlyList<string> Ips);

/// <summary>A CPQ queue's backlog series.</summary>
/// <param name="Appliance">The appliance holding the queue.</param>
/// <param name="Kind">The alert kind it raises (<see cref="AlertKinds.CpqQueueStuck"/> or <see cref="AlertKinds.CpqReleaseStuck"/>).</param>
/// <param name="Peer">The receiving peer, named when known.</param>
/// <param name="Points">The series.</param>
public sealed record QueueSeriesView(string Appliance, string Kind, string? Peer, IReadOnlyList<BacklogPoint> Points);

/// <summary>
/// The estate stage (one instance; docs/architecture.md): every appliance's alerts, addresses, activity, gaps and
/// queue series in, the estate's alerts out. It names peers, finds silent appliances (which only a view of the whole
/// estate can), and turns alerts into documents with their hints. Receives messages of every source in any
/// interleaving; the result depends only on what each source sent.
/// </summary>
public sealed class EstateStage
{
    private const byte SnapshotVersion = 1;

    private readonly CorrelationOptions _options;
    private readonly SourcePositions _applied = new();
    private readonly AddressBook _addresses;
    private readonly List<AlertState> _alerts = [];
    private readonly Dictionary<(string, string, string?, long), int> _alertIndex = [];
    private readonly SortedDictionary<string, ApplianceActivity> _activity = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<(long From, long To)>> _gaps = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Appliance, string Kind, string? Peer), List<BacklogPoint>> _series = [];

    /// <summary>The estate stage.</summary>
    public EstateStage(CorrelationOptions options)
    {
        _options = options;
        _addresses = new AddressBook(options.Addresses);
    }

    /// <summary>The last sequence applied per source.</summary>
    public SourcePositions Applied => _applied;

    /// <summary>Applies one message; false for a repeat or one that is not for the estate.</summary>
    public bool Apply(StageMessage message)
    {
        if (message is not (AlertChanged or AddressLearned or ApplianceActivity or LineGap or QueueSampled) || !_applied.Accept(message)) return false;
        switch (message)
        {
            case AlertChanged m:
                if (_alertIndex.TryGetValue(m.Alert.Identity, out int i)) _alerts[i] = m.Alert;
                else
                {
                    _alertIndex[m.Alert.Identity] = _alerts.Count;
                    _alerts.Add(m.Alert);
                }
                break;
            case AddressLearned m: _addresses.Learn(m.Source, m.Ip); break;
            case ApplianceActivity m: _activity[m.Source] = m; break;
            case LineGap m:
                if (!_gaps.TryGetValue(m.Source, out var gaps)) _gaps[m.Source] = gaps = [];
                gaps.Add((m.From, m.To));
                break;
            case QueueSampled m:
                var key = (m.Source, m.Kind, m.Peer);
                if (!_series.TryGetValue(key, out var points)) _series[key] = points = [];
                points.Add(new BacklogPoint(m.Time, m.Waiting, m.OldestAge));
                break;
        }
        return true;
    }

    /// <summary>Appliances that reported, in name order.</summary>
    public IReadOnlyList<ApplianceView> Appliances => _activity.Values
        .Select(a => new ApplianceView(a.Source, a.Role, a.Lines, a.MinTime, a.MaxTime, a.OpenMessages, _addresses.IpsOf(a.Source).ToList()))
        .ToList();

    /// <summary>The backlog series of every CPQ queue that had messages waiting, by appliance, kind and peer.</summary>
    public IReadOnlyList<QueueSeriesView> Queues => _series
        .OrderBy(kv => kv.Key.Appliance, StringComparer.Ordinal).ThenBy(kv => kv.Key.Kind, StringComparer.Ordinal)
        .ThenBy(kv => kv.Key.Peer, StringComparer.Ordinal)
        .Select(kv => new QueueSeriesView(kv.Key.Appliance, kv.Key.Kind, _addresses.PeerName(kv.Key.Peer), kv.Value)).ToList();

    /// <summary>The addresses every appliance showed.</summary>
    public AddressBook Addresses => _addresses;

    /// <summary>
    /// End of input: finds the silent appliances and returns every alert as a document (open ones with no resolve
    /// time), in a fixed order.
    /// </summary>
    public IReadOnlyList<AlertDocument> Complete()
    {
        var book = new AlertBook();
        var silences = new List<AlertState>();
        book.Changed += (a, change) => { if (change == AlertChange.Opened) silences.Add(a); };
        DetectSilences(book);
        return _alerts.Concat(silences).Select(ToDocument)
            .OrderBy(a => a.OpenedAt).ThenBy(a => a.Kind, StringComparer.Ordinal)
            .ThenBy(a => a.Appliance, StringComparer.Ordinal).ThenBy(a => a.Peer, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// An appliance is silent when it logs nothing for <see cref="CorrelationOptions.SilentAfter"/> while another
    /// appliance logs. Decided from the appliances' own timelines, so arrival order does not matter.
    /// </summary>
    private void DetectSilences(AlertBook book)
    {
        var all = _activity.Values.Where(s => s.Lines > 0).ToList();
        if (all.Count < 2) return;
        long estateEnd = all.Max(s => s.MaxTime);
        long after = _options.SilentAfter.Ticks;
        foreach (var s in all)
        {
            var gaps = GapsOf(s.Source).Select(g => (g.From, g.To, Open: false)).ToList();
            // Trailing silence counts only against appliances that logged alongside this one (the same estate and
            // period), not against logs of another time that happen to be in the same input.
            bool overlaps = all.Any(o => o != s && o.MinTime < s.MaxTime && o.MaxTime > s.MaxTime);
            if (estateEnd - s.MaxTime > after && overlaps) gaps.Add((s.MaxTime, estateEnd, true));
            double perTick = s.Lines / (double)Math.Max(s.MaxTime - s.MinTime, TimeSpan.TicksPerMinute);
            foreach (var (from, to, open) in gaps)
            {
                long silentFrom = from + after;
                if (perTick * (to - from) < _options.SilentMinExpectedLines) continue;
                if (!all.Any(o => o != s && ActiveDuring(o, silentFrom, to))) continue;
                var a = book.Open(AlertKinds.ApplianceSilent, s.Source, null, silentFrom);
                a.LastError = $"no lines after {new DateTime(from, DateTimeKind.Utc):yyyy-MM-dd HH:mm:ss}Z";
                a.OldestAge = to - from;
                if (!open) book.Resolve(a, to);
                else book.Updated(a, to);
            }
        }
    }

    private List<(long From, long To)> GapsOf(string appliance) => _gaps.TryGetValue(appliance, out var g) ? g : [];

    private bool ActiveDuring(ApplianceActivity s, long from, long to)
    {
        long a = Math.Max(from, s.MinTime), b = Math.Min(to, s.MaxTime);
        if (a >= b) return false;
        return !GapsOf(s.Source).Any(g => g.From <= a && g.To >= b);
    }

    private AlertDocument ToDocument(AlertState a)
    {
        string? peer = _addresses.PeerName(a.Peer);
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
            Hint = Hints.For(a, peer, a.Peer, _options.CpqPort),
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

    /// <summary>The estate's state as bytes.</summary>
    public byte[] Snapshot()
    {
        var w = new ProtocolWriter(4096);
        w.Byte(SnapshotVersion);
        _applied.Write(w);
        _addresses.Write(w);
        w.List(_alerts, PayloadCodec.WriteAlert);
        w.List(_activity.Values, static (w, a) =>
        {
            w.String(a.Source);
            w.Varint(a.Sequence);
            w.Byte((byte)a.Role);
            w.Varint(a.Lines);
            w.Varint(a.MinTime);
            w.Varint(a.MaxTime);
            w.Varint(a.OpenMessages);
        });
        w.List(_gaps.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList(), static (w, kv) =>
        {
            w.String(kv.Key);
            w.List(kv.Value, static (w, g) => { w.Varint(g.From); w.Varint(g.To); });
        });
        w.List(_series.ToList(), static (w, kv) =>
        {
            w.String(kv.Key.Appliance);
            w.String(kv.Key.Kind);
            w.String(kv.Key.Peer);
            w.List(kv.Value, static (w, p) => { w.Varint(p.Time); w.Varint(p.Waiting); w.Varint(p.OldestAge); });
        });
        return w.ToArray();
    }

    /// <summary>An estate stage that continues from <paramref name="snapshot"/>.</summary>
    /// <exception cref="ProtocolException">The snapshot is damaged or of another version.</exception>
    public static EstateStage Restore(ReadOnlySpan<byte> snapshot, CorrelationOptions options)
    {
        var r = new ProtocolReader(snapshot);
        byte version = r.Byte();
        if (version != SnapshotVersion) throw new ProtocolException($"estate stage snapshot version {version}; this reader knows {SnapshotVersion}");
        var stage = new EstateStage(options);
        stage._applied.Read(ref r);
        stage._addresses.Read(ref r);
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var a = PayloadCodec.ReadAlert(ref r);
            stage._alertIndex[a.Identity] = stage._alerts.Count;
            stage._alerts.Add(a);
        }
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var a = new ApplianceActivity(r.RequiredString(), r.Varint(), r.Enum<ApplianceRole>(), r.Varint(), r.Varint(), r.Varint(), r.Int());
            stage._activity[a.Source] = a;
        }
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var gaps = stage._gaps[r.RequiredString()] = [];
            for (int j = 0, m = r.Count(); j < m; j++) gaps.Add((r.Varint(), r.Varint()));
        }
        for (int i = 0, n = r.Count(); i < n; i++)
        {
            var points = stage._series[(r.RequiredString(), r.RequiredString(), r.String())] = [];
            for (int j = 0, m = r.Count(); j < m; j++) points.Add(new BacklogPoint(r.Varint(), r.Int(), r.Varint()));
        }
        if (!r.AtEnd) throw new ProtocolException("estate stage snapshot: bytes left after the state");
        return stage;
    }
}
