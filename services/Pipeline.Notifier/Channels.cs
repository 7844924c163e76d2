namespace Pipeline.Notifier;

/// <summary>A way out for notifications (email, a webhook).</summary>
public interface INotificationChannel
{
    /// <summary>The channel's name in routes.</summary>
    string Name { get; }

    /// <summary>Sends one notification; throws <see cref="DeliveryException"/> (or any exception) when it did not go out.</summary>
    Task SendAsync(Notification notification, CancellationToken cancel);
}

/// <summary>A delivery failed; the message is safe to log (secrets removed).</summary>
public sealed class DeliveryException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Removes secret values from text before it is logged or checkpointed.</summary>
public sealed class SecretScrubber
{
    private readonly List<string> _secrets = [];

    /// <summary>Registers a secret value (ignored when short enough to be a false match).</summary>
    public void Add(string? secret)
    {
        if (secret is { Length: >= 4 } && !_secrets.Contains(secret)) _secrets.Add(secret);
        // A URL secret also appears escaped or by its path in exception texts.
        if (secret is not null && Uri.TryCreate(secret, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.PathAndQuery.Length > 4)
            Add(uri.PathAndQuery);
    }

    /// <summary>The text with every secret replaced by <c>***</c>.</summary>
    public string Scrub(string text)
    {
        foreach (var s in _secrets.OrderByDescending(s => s.Length)) text = text.Replace(s, "***", StringComparison.Ordinal);
        return text;
    }
}
