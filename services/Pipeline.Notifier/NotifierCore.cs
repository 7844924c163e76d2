using Pipeline.Correlation.Model;

namespace Pipeline.Notifier;

/// <summary>
/// The notifier's decisions, with no I/O: alert versions in (<see cref="Observe"/>), deliveries out
/// (<see cref="Due"/>), outcomes back (<see cref="Sent"/>, <see cref="Failed"/>). It decides the transitions
/// (opened, escalated by level, resolved) and deduplicates them by alert id + transition, routes each to its appliance
/// group's channels, holds deliveries through quiet hours, the per-appliance rate limit and retry backoff, and keeps
/// all of it in one <see cref="NotifierState"/> that a store checkpoints. Time comes from the injected clock only.
/// Hosts (the <c>pipeline notify</c> folder follower, later a Kafka consumer inside an Akka cluster singleton) feed it
/// and carry out its deliveries.
/// </summary>
public sealed class NotifierCore
{
    private readonly NotifierOptions _options;
    private readonly TimeProvider _clock;
    private readonly IReadOnlyList<string> _channels;
    private readonly HashSet<string> _sentKeys;

    /// <summary>The state to checkpoint (live: save it after every change).</summary>
    public NotifierState State { get; }

    /// <summary>A core over the given channel names, resuming from <paramref name="restored"/> when given.</summary>
    public NotifierCore(NotifierOptions options, IReadOnlyList<string> channels, TimeProvider clock, NotifierState? restored = null)
    {
        _options = options;
        _channels = channels;
        _clock = clock;
        State = restored ?? new NotifierState();
        _sentKeys = new HashSet<string>(State.Sent.Select(s => s.Key).Concat(State.GivenUp.Select(g => g.Key)), StringComparer.Ordinal);
    }

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    /// <summary>Takes one alert version; returns the notifications it causes (none for a version already told).</summary>
    public IReadOnlyList<Notification> Observe(AlertDocument alert)
    {
        if (!State.Alerts.TryGetValue(alert.Id, out var progress)) State.Alerts[alert.Id] = progress = new AlertProgress();
        progress.LastSeen = Now;
        var result = new List<Notification>(1);
        int level = Level(alert);
        if (alert.ResolvedAt is not null)
        {
            if (progress.Resolved) return result;
            progress.Resolved = progress.Announced = true;
            result.Add(Queue(alert, Transition.Resolved, progress.Level));
        }
        else if (!progress.Announced)
        {
            progress.Announced = true;
            progress.Level = level;
            result.Add(Queue(alert, Transition.Opened, level));
        }
        else if (level > progress.Level && !progress.Resolved)
        {
            progress.Level = level;
            result.Add(Queue(alert, Transition.Escalated, level));
        }
        return result;
    }

    /// <summary>Forgets resolved alerts not seen for <see cref="NotifierOptions.ForgetResolvedAfter"/> (nothing of theirs may still wait).</summary>
    public int Forget()
    {
        var cutoff = Now - _options.ForgetResolvedAfter;
        var old = State.Alerts.Where(kv => kv.Value.Resolved && kv.Value.LastSeen < cutoff && !State.Pending.Any(d => d.Notification.Alert.Id == kv.Key))
            .Select(kv => kv.Key).ToList();
        foreach (var id in old) State.Alerts.Remove(id);
        return old.Count;
    }

    /// <summary>The escalation level: how many steps of messages or age the alert has crossed (the larger).</summary>
    public int Level(AlertDocument a)
    {
        int byMessages = _options.Escalation.Messages.Count(step => a.Evidence.Messages >= step);
        var age = TimeSpan.FromSeconds(Math.Max(a.Evidence.OldestAgeSeconds, (long)(a.LastUpdatedAt - a.OpenedAt).TotalSeconds));
        int byAge = _options.Escalation.Age.Count(step => age >= step);
        return Math.Max(byMessages, byAge);
    }

    private Notification Queue(AlertDocument alert, Transition transition, int level)
    {
        var group = GroupOf(alert.Appliance);
        var n = new Notification
        {
            Key = transition == Transition.Escalated ? $"{alert.Id}/escalated-{level}" : $"{alert.Id}/{transition.ToString().ToLowerInvariant()}",
            Transition = transition,
            Level = level,
            Alert = alert,
            Group = group?.Name ?? "default",
            CreatedAt = Now,
        };
        var channels = group is { Channels.Count: > 0 } ? group.Channels.Where(_channels.Contains) : _channels;
        foreach (var channel in channels)
        {
            // A newer transition of the same alert makes a waiting escalation on that channel stale: send the news, not the history.
            State.Pending.RemoveAll(d => d.Channel == channel && d.Notification.Alert.Id == alert.Id && d.Notification.Transition == Transition.Escalated);
            var delivery = new Delivery { Notification = n, Channel = channel, NotBefore = n.CreatedAt };
            if (!_sentKeys.Contains(delivery.Key)) State.Pending.Add(delivery);
        }
        return n;
    }

    /// <summary>The group of an appliance (first match), or null.</summary>
    public ApplianceGroupOptions? GroupOf(string appliance) => _options.Groups.FirstOrDefault(g => g.Matches(appliance));

    /// <summary>Deliveries that may go now, oldest first: past their backoff, outside quiet hours, within the rate limit.</summary>
    public IReadOnlyList<Delivery> Due()
    {
        var now = Now;
        var due = new List<Delivery>();
        var budget = new Dictionary<string, int>(StringComparer.Ordinal);
        var counted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in State.Pending.OrderBy(d => d.Notification.CreatedAt).ThenBy(d => d.Notification.Key, StringComparer.Ordinal))
        {
            if (d.NotBefore > now || QuietUntil(d.Notification, now) is not null) continue;
            string appliance = d.Notification.Alert.Appliance;
            if (!budget.TryGetValue(appliance, out int left)) budget[appliance] = left = _options.RateLimit.Notifications - RecentSends(appliance, now).Count;
            // The limit counts notifications, not channels: one notification may go to every channel.
            if (!counted.Contains(d.Notification.Key))
            {
                if (left <= 0) continue;
                budget[appliance] = left - 1;
                counted.Add(d.Notification.Key);
            }
            due.Add(d);
        }
        return due;
    }

    /// <summary>When the next waiting delivery may become due (null when nothing waits).</summary>
    public DateTime? NextWake()
    {
        var now = Now;
        DateTime? next = null;
        foreach (var d in State.Pending)
        {
            var at = d.NotBefore;
            if (QuietUntil(d.Notification, now) is { } quietEnd && quietEnd > at) at = quietEnd;
            var recent = RecentSends(d.Notification.Alert.Appliance, now);
            if (recent.Count >= _options.RateLimit.Notifications && recent[0] + _options.RateLimit.Window > at) at = recent[0] + _options.RateLimit.Window;
            if (next is null || at < next) next = at;
        }
        return next;
    }

    /// <summary>Why a waiting delivery waits, in words (for the summary).</summary>
    public string WaitReason(Delivery d)
    {
        var now = Now;
        if (QuietUntil(d.Notification, now) is { } end) return $"quiet hours of {d.Notification.Group} until {end:yyyy-MM-dd HH:mm}Z";
        if (d.NotBefore > now) return $"retry {d.Attempts + 1} at {d.NotBefore:HH:mm:ss}Z after: {d.LastError}";
        return $"rate limit of {d.Notification.Alert.Appliance} ({_options.RateLimit.Notifications} per {_options.RateLimit.Window})";
    }

    private DateTime? QuietUntil(Notification n, DateTime now)
    {
        var quiet = GroupOf(n.Alert.Appliance)?.QuietHours;
        if (quiet is null || quiet.ExceptKinds.Contains(n.Alert.Kind)) return null;
        return quiet.EndsAfter(new DateTimeOffset(now, TimeSpan.Zero))?.UtcDateTime;
    }

    private List<DateTime> RecentSends(string appliance, DateTime now)
    {
        if (!State.RecentSends.TryGetValue(appliance, out var list)) return [];
        list.RemoveAll(t => t + _options.RateLimit.Window <= now);
        return list;
    }

    /// <summary>A delivery went out: it is never made again.</summary>
    public void Sent(Delivery d)
    {
        var now = Now;
        State.Pending.Remove(d);
        Record(State.Sent, new DeliveryRecord(d.Key, now));
        // One notification counts once against the appliance however many channels carried it.
        bool first = State.Sent.Count(s => s.Key.StartsWith(d.Notification.Key + "@", StringComparison.Ordinal)) == 1;
        if (first)
        {
            if (!State.RecentSends.TryGetValue(d.Notification.Alert.Appliance, out var list)) State.RecentSends[d.Notification.Alert.Appliance] = list = [];
            list.Add(now);
        }
    }

    /// <summary>A delivery failed: retried after a backoff, or given up after the last attempt (returns true then).</summary>
    public bool Failed(Delivery d, string error)
    {
        d.Attempts++;
        d.LastError = error;
        if (d.Attempts >= _options.Retry.MaxAttempts)
        {
            State.Pending.Remove(d);
            Record(State.GivenUp, new DeliveryRecord(d.Key, Now, error));
            return true;
        }
        double factor = Math.Pow(2, d.Attempts - 1);
        var delay = TimeSpan.FromTicks((long)Math.Min(_options.Retry.FirstDelay.Ticks * factor, _options.Retry.MaxDelay.Ticks));
        d.NotBefore = Now + delay;
        return false;
    }

    private void Record(List<DeliveryRecord> list, DeliveryRecord r)
    {
        list.Add(r);
        _sentKeys.Add(r.Key);
        if (list.Count > _options.SentRecords)
        {
            foreach (var old in list.Take(list.Count - _options.SentRecords)) _sentKeys.Remove(old.Key);
            list.RemoveRange(0, list.Count - _options.SentRecords);
        }
    }
}
