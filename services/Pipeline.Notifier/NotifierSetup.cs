using Microsoft.Extensions.Configuration;

namespace Pipeline.Notifier;

/// <summary>Configuration and channels: a JSON file plus <c>PIPELINE_NOTIFY_</c> environment variables (<c>__</c> separates levels).</summary>
public static class NotifierSetup
{
    /// <summary>The environment variable prefix.</summary>
    public const string EnvironmentPrefix = "PIPELINE_NOTIFY_";

    /// <summary>Loads the options.</summary>
    /// <exception cref="InvalidOperationException">The file is missing or a value does not bind.</exception>
    public static NotifierOptions Load(string? jsonFile)
    {
        var builder = new ConfigurationBuilder();
        if (jsonFile is not null)
        {
            if (!File.Exists(jsonFile)) throw new InvalidOperationException($"configuration file {jsonFile} does not exist");
            builder.AddJsonFile(Path.GetFullPath(jsonFile), optional: false, reloadOnChange: false);
        }
        builder.AddEnvironmentVariables(EnvironmentPrefix);
        var options = new NotifierOptions();
        var config = builder.Build();
        // The binder adds configured list items to a list's default items; a configured list replaces the default.
        if (config.GetSection("Escalation:Messages").Exists()) options.Escalation.Messages = [];
        if (config.GetSection("Escalation:Age").Exists()) options.Escalation.Age = [];
        try
        {
            config.Bind(options);
        }
        catch (Exception ex) when (ex is InvalidOperationException or FormatException)
        {
            throw new InvalidOperationException("configuration: " + ex.Message, ex);
        }
        return options;
    }

    /// <summary>The channels the options name; every group's channel names must exist.</summary>
    /// <exception cref="InvalidOperationException">No channel, an unknown channel name, or a secret that cannot be read.</exception>
    public static IReadOnlyList<INotificationChannel> Channels(NotifierOptions options, NotificationText text, SecretScrubber scrubber, HttpClient? http = null)
    {
        var channels = new List<INotificationChannel>();
        if (options.Email is { } email) channels.Add(new EmailChannel(email, options, text, scrubber));
        foreach (var hook in options.Webhooks) channels.Add(new WebhookChannel(hook, text, scrubber, http));
        if (channels.Count == 0) throw new InvalidOperationException("configuration: no channel (give Email or Webhooks)");
        var names = channels.Select(c => c.Name).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count) throw new InvalidOperationException("configuration: two channels have the same Name");
        foreach (var g in options.Groups)
            foreach (var c in g.Channels)
                if (!names.Contains(c)) throw new InvalidOperationException($"configuration: group {g.Name} names channel {c}, which is not configured ({string.Join(", ", names)})");
        return channels;
    }
}
