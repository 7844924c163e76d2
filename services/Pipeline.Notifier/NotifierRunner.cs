namespace Pipeline.Notifier;

/// <summary>What one run (one call of the runner) did.</summary>
public sealed record NotifyRunSummary
{
    /// <summary>Alert versions read.</summary>
    public int AlertsRead { get; init; }
    /// <summary>Notifications decided (before channels).</summary>
    public int Notifications { get; init; }
    /// <summary>Deliveries made.</summary>
    public int Sent { get; init; }
    /// <summary>Failed attempts (each retried, unless given up).</summary>
    public int FailedAttempts { get; init; }
    /// <summary>Deliveries given up after the last retry.</summary>
    public int GivenUp { get; init; }
    /// <summary>Deliveries still waiting, with why (kept in the checkpoint for the next run).</summary>
    public IReadOnlyList<string> Waiting { get; init; } = [];
    /// <summary>Lines that were not alert documents.</summary>
    public IReadOnlyList<string> Problems { get; init; } = [];
}

/// <summary>
/// Drives a <see cref="NotifierCore"/> with an alert source, channels and a store: read, decide, checkpoint, deliver,
/// checkpoint after every delivery outcome, so that a restart resumes from the position and never resends what went
/// out. One-shot (<see cref="RunOnceAsync"/>) or following the source (<see cref="FollowAsync"/>) until cancelled.
/// </summary>
public sealed class NotifierRunner
{
    private readonly IAlertSource _source;
    private readonly Dictionary<string, INotificationChannel> _channels;
    private readonly INotifierStore _store;
    private readonly TimeProvider _clock;
    private readonly Action<string> _log;
    private int _read, _notifications, _sent, _failed, _givenUp;
    private readonly List<string> _problems = [];

    /// <summary>A runner; <paramref name="log"/> gets one line per event (never a secret).</summary>
    public NotifierRunner(NotifierOptions options, IAlertSource source, IReadOnlyList<INotificationChannel> channels, INotifierStore store,
        TimeProvider? clock = null, Action<string>? log = null)
    {
        _source = source;
        _channels = channels.ToDictionary(c => c.Name, StringComparer.Ordinal);
        _store = store;
        _clock = clock ?? TimeProvider.System;
        _log = log ?? (_ => { });
        Core = new NotifierCore(options, [.. _channels.Keys], _clock, store.Load());
    }

    /// <summary>The decisions and state.</summary>
    public NotifierCore Core { get; }

    /// <summary>Reads what is new, delivers, and keeps delivering what becomes due within <paramref name="wait"/> (retries); the rest waits in the checkpoint.</summary>
    public async Task<NotifyRunSummary> RunOnceAsync(TimeSpan wait, CancellationToken cancel = default)
    {
        ResetCounts();
        var deadline = _clock.GetUtcNow().UtcDateTime + wait;
        try
        {
            await PollAsync(cancel).ConfigureAwait(false);
            await DeliverDueAsync(cancel).ConfigureAwait(false);
            while (Core.NextWake() is { } next && next <= deadline && !cancel.IsCancellationRequested)
            {
                await DelayUntil(next, cancel).ConfigureAwait(false);
                await DeliverDueAsync(cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { }
        return Summary();
    }

    /// <summary>Reads new alert versions every <paramref name="poll"/> and delivers as they become due, until cancelled.</summary>
    public async Task<NotifyRunSummary> FollowAsync(TimeSpan poll, CancellationToken cancel)
    {
        ResetCounts();
        try
        {
            while (!cancel.IsCancellationRequested)
            {
                await PollAsync(cancel).ConfigureAwait(false);
                await DeliverDueAsync(cancel).ConfigureAwait(false);
                var now = _clock.GetUtcNow().UtcDateTime;
                var until = now + poll;
                if (Core.NextWake() is { } next && next < until) until = next > now ? next : now + TimeSpan.FromMilliseconds(50);
                await DelayUntil(until, cancel).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested) { }
        return Summary();
    }

    private Task DelayUntil(DateTime at, CancellationToken cancel)
    {
        var delay = at - _clock.GetUtcNow().UtcDateTime;
        return delay > TimeSpan.Zero ? Task.Delay(delay, _clock, cancel) : Task.CompletedTask;
    }

    private async Task PollAsync(CancellationToken cancel)
    {
        var batch = await _source.ReadAsync(Core.State.Position, cancel).ConfigureAwait(false);
        foreach (var p in batch.Problems)
        {
            _problems.Add(p);
            _log("skipped: " + p);
        }
        foreach (var alert in batch.Alerts)
        {
            _read++;
            foreach (var n in Core.Observe(alert))
            {
                _notifications++;
                _log($"{NotificationText.Title(n)} ({n.Key})");
            }
        }
        Core.State.Position = batch.Position;
        Core.Forget();
        // The decisions are saved before anything is sent: a crash from here on resumes with them.
        _store.Save(Core.State);
    }

    private async Task DeliverDueAsync(CancellationToken cancel)
    {
        foreach (var d in Core.Due())
        {
            cancel.ThrowIfCancellationRequested();
            if (!_channels.TryGetValue(d.Channel, out var channel))
            {
                Core.Failed(d, $"no channel named {d.Channel} is configured");
                continue;
            }
            try
            {
                await channel.SendAsync(d.Notification, cancel).ConfigureAwait(false);
                Core.Sent(d);
                _sent++;
                _log($"sent via {d.Channel}: {NotificationText.Title(d.Notification)}");
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancel.IsCancellationRequested)
            {
                string error = ex is DeliveryException ? ex.Message : $"{d.Channel}: {ex.GetType().Name}";
                _failed++;
                if (Core.Failed(d, error))
                {
                    _givenUp++;
                    _log($"GIVEN UP after {d.Attempts} attempts via {d.Channel}: {NotificationText.Title(d.Notification)}: {error}");
                }
                else _log($"failed via {d.Channel} (attempt {d.Attempts}, next at {d.NotBefore:HH:mm:ss}Z): {error}");
            }
            _store.Save(Core.State);
        }
    }

    private void ResetCounts()
    {
        _read = _notifications = _sent = _failed = _givenUp = 0;
        _problems.Clear();
    }

    private NotifyRunSummary Summary() => new()
    {
        AlertsRead = _read,
        Notifications = _notifications,
        Sent = _sent,
        FailedAttempts = _failed,
        GivenUp = _givenUp,
        Waiting = [.. Core.State.Pending.Select(d => $"{NotificationText.Title(d.Notification)} via {d.Channel}: {Core.WaitReason(d)}")],
        Problems = [.. _problems],
    };
}
