using Pipeline.Correlation.Model;

namespace Pipeline.Notifier;

/// <summary>What happened to an alert that is worth a notification.</summary>
public enum Transition
{
    /// <summary>The alert opened.</summary>
    Opened,
    /// <summary>An open alert got worse (more messages waiting, older).</summary>
    Escalated,
    /// <summary>The alert resolved.</summary>
    Resolved,
}

/// <summary>One notification: an alert version at a transition, for one appliance group.</summary>
public sealed record Notification
{
    /// <summary>Dedup key: alert id + transition (+ level for escalations).</summary>
    public required string Key { get; init; }
    /// <summary>The transition.</summary>
    public required Transition Transition { get; init; }
    /// <summary>Escalation level (0 when the alert opened below every step).</summary>
    public int Level { get; init; }
    /// <summary>The alert version that caused it.</summary>
    public required AlertDocument Alert { get; init; }
    /// <summary>The appliance group (routing, quiet hours).</summary>
    public required string Group { get; init; }
    /// <summary>When the notifier decided it, UTC.</summary>
    public required DateTime CreatedAt { get; init; }
}

/// <summary>A notification on its way through one channel.</summary>
public sealed class Delivery
{
    /// <summary>The notification.</summary>
    public required Notification Notification { get; init; }
    /// <summary>The channel's name.</summary>
    public required string Channel { get; init; }
    /// <summary>Attempts made.</summary>
    public int Attempts { get; set; }
    /// <summary>Not before this time (retry backoff), UTC.</summary>
    public DateTime NotBefore { get; set; }
    /// <summary>The last failure, with secrets removed.</summary>
    public string? LastError { get; set; }
    /// <summary>Dedup key of the delivery: notification key + channel.</summary>
    public string Key => Notification.Key + "@" + Channel;
}

/// <summary>What the notifier has told about one alert.</summary>
public sealed class AlertProgress
{
    /// <summary>An opened (or first) notification was queued.</summary>
    public bool Announced { get; set; }
    /// <summary>Highest escalation level queued.</summary>
    public int Level { get; set; }
    /// <summary>The resolution was queued.</summary>
    public bool Resolved { get; set; }
    /// <summary>Last version seen (to forget resolved alerts after a while).</summary>
    public DateTime LastSeen { get; set; }
}

/// <summary>A delivery that was sent, or given up after the last retry.</summary>
/// <param name="Key">The delivery key.</param>
/// <param name="At">When, UTC.</param>
/// <param name="Error">Null when sent; the last error when given up.</param>
public sealed record DeliveryRecord(string Key, DateTime At, string? Error = null);

/// <summary>
/// Everything the notifier must keep across a restart: the source position, each alert's progress, the deliveries
/// still to make, what was sent (and given up), and the recent sends per appliance for the rate limit.
/// </summary>
public sealed class NotifierState
{
    /// <summary>The alert source's position (opaque to the core: a file offset, Kafka offsets).</summary>
    public string? Position { get; set; }
    /// <summary>Progress per alert id.</summary>
    public Dictionary<string, AlertProgress> Alerts { get; set; } = new(StringComparer.Ordinal);
    /// <summary>Deliveries waiting (for their time, quiet hours, the rate limit or a retry).</summary>
    public List<Delivery> Pending { get; set; } = [];
    /// <summary>Deliveries made, oldest first (bounded).</summary>
    public List<DeliveryRecord> Sent { get; set; } = [];
    /// <summary>Deliveries given up after the last retry.</summary>
    public List<DeliveryRecord> GivenUp { get; set; } = [];
    /// <summary>Send times per appliance inside the rate-limit window.</summary>
    public Dictionary<string, List<DateTime>> RecentSends { get; set; } = new(StringComparer.Ordinal);
}
