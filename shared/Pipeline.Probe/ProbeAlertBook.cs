using System.Globalization;
using Pipeline.Correlation.Model;

namespace Pipeline.Probe;

/// <summary>Alert kinds the probe raises besides <see cref="AlertKinds.ProbeFailed"/>.</summary>
public static class ProbeAlertKinds
{
    /// <summary>A CPQ listener's certificate expires soon (a warning; the listener still works).</summary>
    public const string CertificateExpiring = "probe_certificate_expiring";
}

/// <summary>
/// Turns probe results into alert documents with the correlator's shape and id rule (kind + appliance + peer +
/// opened_at): a failing target opens <c>probe_failed</c>, further failures update it (evidence: failed probes in a
/// row, how long, the last error), a working probe resolves it; a certificate close to expiry opens a warning that a
/// renewed certificate resolves. The appliance is the listener's owner (or its host when unnamed), the peer its
/// <c>host:port</c>. Driven by the results' own times, so the same results give the same documents.
/// </summary>
public sealed class ProbeAlertBook
{
    private readonly ProbeOptions _options;
    private readonly Dictionary<string, AlertDocument> _open = new(StringComparer.Ordinal);

    /// <summary>A book with the given warning threshold.</summary>
    public ProbeAlertBook(ProbeOptions options) => _options = options;

    /// <summary>Open alerts, by kind and endpoint.</summary>
    public IReadOnlyCollection<AlertDocument> Open => _open.Values;

    /// <summary>Takes back alerts that were open before a restart (e.g. the last version of each in an alerts file).</summary>
    public void Restore(IEnumerable<AlertDocument> open)
    {
        foreach (var a in open)
            if (a.ResolvedAt is null && a.Kind is AlertKinds.ProbeFailed or ProbeAlertKinds.CertificateExpiring && a.Peer is not null)
                _open[Key(a.Kind, a.Peer)] = a;
    }

    /// <summary>The alert versions that one result changes (new, updated or resolved), in that order.</summary>
    public IReadOnlyList<AlertDocument> Observe(ProbeResult r)
    {
        var changed = new List<AlertDocument>(2);
        string endpoint = r.Target.Endpoint;
        var failedKey = Key(AlertKinds.ProbeFailed, endpoint);
        if (!r.Succeeded)
        {
            var a = Upsert(failedKey, AlertKinds.ProbeFailed, r);
            a.Evidence.Messages++;
            a.Evidence.LastError = r.Error;
            a.Hint = ProbeHints.For(r);
            a.Summary = $"probe of {a.Appliance}'s CPQ listener {endpoint} fails ({a.Evidence.Messages} in a row): {r.Error}";
            changed.Add(Copy(a));
        }
        else if (_open.Remove(failedKey, out var failed))
        {
            Touch(failed, r.StartedAt);
            failed.ResolvedAt = r.StartedAt;
            failed.Summary = $"probe of {failed.Appliance}'s CPQ listener {endpoint} works again (failed {failed.Evidence.Messages} times)";
            changed.Add(Copy(failed));
        }

        var expiryKey = Key(ProbeAlertKinds.CertificateExpiring, endpoint);
        if (r.Certificate is { } c && c.NotAfter - r.StartedAt < _options.CertificateWarning)
        {
            bool known = _open.TryGetValue(expiryKey, out var existing);
            var a = Upsert(expiryKey, ProbeAlertKinds.CertificateExpiring, r);
            string days = (c.NotAfter - r.StartedAt).TotalDays.ToString("0.#", CultureInfo.InvariantCulture);
            a.Evidence.Messages = 1;
            a.Evidence.LastError = c.NotAfter <= r.StartedAt ? $"certificate {c.Subject} expired {c.NotAfter:yyyy-MM-dd HH:mm}Z"
                : $"certificate {c.Subject} expires {c.NotAfter:yyyy-MM-dd HH:mm}Z (in {days} days)";
            a.Hint = ProbeHints.ForExpiry(r, c);
            a.Summary = $"CPQ listener {endpoint} of {a.Appliance}: {a.Evidence.LastError}";
            // A warning is news when it opens or its certificate changes, not on every round.
            if (!known || existing!.Evidence.LastError != a.Evidence.LastError) changed.Add(Copy(a));
        }
        else if (r.Certificate is not null && _open.Remove(expiryKey, out var expiring))
        {
            Touch(expiring, r.StartedAt);
            expiring.ResolvedAt = r.StartedAt;
            expiring.Summary = $"CPQ listener {endpoint} of {expiring.Appliance} has a certificate valid until {r.Certificate.NotAfter:yyyy-MM-dd}";
            changed.Add(Copy(expiring));
        }
        return changed;
    }

    private AlertDocument Upsert(string key, string kind, ProbeResult r)
    {
        if (_open.TryGetValue(key, out var a))
        {
            Touch(a, r.StartedAt);
            return a;
        }
        a = new AlertDocument
        {
            Kind = kind,
            Appliance = r.Target.Name,
            Peer = r.Target.Endpoint,
            OpenedAt = r.StartedAt,
            LastUpdatedAt = r.StartedAt,
        };
        a.Id = Id(kind, a.Appliance, a.Peer, a.OpenedAt);
        _open[key] = a;
        return a;
    }

    private static void Touch(AlertDocument a, DateTime at)
    {
        if (at > a.LastUpdatedAt) a.LastUpdatedAt = at;
        a.Evidence.OldestAgeSeconds = (long)(a.LastUpdatedAt - a.OpenedAt).TotalSeconds;
    }

    /// <summary>The alert id rule of the correlator (kind:appliance:peer:opened_at to the second).</summary>
    public static string Id(string kind, string appliance, string? peer, DateTime openedAt) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}:{appliance}:{peer ?? "-"}:{openedAt:yyyyMMdd'T'HHmmss'Z'}");

    private static string Key(string kind, string endpoint) => kind + "|" + endpoint;

    /// <summary>A snapshot: the book keeps changing its own documents, callers keep what they were given.</summary>
    private static AlertDocument Copy(AlertDocument a) => new()
    {
        Id = a.Id, Kind = a.Kind, Appliance = a.Appliance, Peer = a.Peer, OpenedAt = a.OpenedAt, ResolvedAt = a.ResolvedAt,
        LastUpdatedAt = a.LastUpdatedAt, Hint = a.Hint, Summary = a.Summary,
        Evidence = new AlertEvidence
        {
            Messages = a.Evidence.Messages, OldestAgeSeconds = a.Evidence.OldestAgeSeconds, LastError = a.Evidence.LastError,
            SampleMids = [.. a.Evidence.SampleMids],
        },
    };
}
