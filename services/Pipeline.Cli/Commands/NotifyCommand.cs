using System.CommandLine;
using Pipeline.Notifier;
using Pipeline.Probe;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline notify</c>: send email and webhook notifications for the alerts of a <c>pipeline analyze</c> (or
/// <c>pipeline probe --out</c>) folder: opened, escalated, resolved, each once, with a checkpoint beside the alerts.
/// </summary>
public static class NotifyCommand
{
    /// <summary>The checkpoint's default file name in the alerts folder.</summary>
    public const string StateFileName = "notify-state.json";

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var defaults = new NotifierOptions();
        var alerts = new Option<string>("--alerts", "-a")
        {
            Description = "The output folder of pipeline analyze or pipeline probe --out (its alerts.ndjson is read).",
            HelpName = "DIR",
            Required = true,
        };
        var config = new Option<string?>("--config", "-c")
        {
            Description = $"JSON configuration: Email, Webhooks, Groups (routing, quiet hours), Escalation, RateLimit, Retry, KibanaUrl; " +
                          $"environment variables {NotifierSetup.EnvironmentPrefix}* override it (__ between levels). Secrets are files or variables (Password.File, Password.Env).",
            HelpName = "FILE",
        };
        var state = new Option<string?>("--state")
        {
            Description = $"The checkpoint (position, what was sent, what waits). Default: DIR/{StateFileName}.",
            HelpName = "FILE",
        };
        var smtp = new Option<string?>("--smtp") { Description = "Email through this server (HOST:PORT; STARTTLS unless --smtp-security says otherwise), instead of or over the configuration's.", HelpName = "HOST:PORT" };
        var security = new Option<SmtpSecurity?>("--smtp-security") { Description = "starttls, implicit, auto or none.", HelpName = "MODE" };
        var from = new Option<string?>("--from") { Description = "Sender address.", HelpName = "ADDRESS" };
        var to = new Option<string[]>("--to") { Description = "Recipient (repeatable).", HelpName = "ADDRESS" };
        var webhook = new Option<string[]>("--webhook") { Description = "A webhook URL (repeatable); prefer the configuration's UrlSecret for URLs that hold a token.", HelpName = "URL" };
        var format = new Option<WebhookFormat>("--webhook-format")
        {
            Description = "Payload of --webhook: generic, slack or teams.",
            DefaultValueFactory = _ => WebhookFormat.Generic,
            HelpName = "FORMAT",
        };
        var kibana = new Option<string?>("--kibana-url") { Description = "Kibana's base URL: notifications link to the alert.", HelpName = "URL" };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep reading alerts.ndjson for new versions of alerts until Ctrl-C or SIGTERM." };
        var poll = new Option<TimeSpan>("--poll")
        {
            Description = "With --follow: how often the file is read.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
            HelpName = "HH:MM:SS",
        };
        var wait = new Option<TimeSpan>("--wait")
        {
            Description = "Without --follow: how long failed deliveries are retried before the command ends (what still waits stays in the checkpoint for the next run).",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(1),
            HelpName = "HH:MM:SS",
        };
        var command = new Command("notify", $"""
            Send notifications for alerts when they open, escalate (messages waiting: {string.Join(", ", defaults.Escalation.Messages)}; age:
            {string.Join(", ", defaults.Escalation.Age)}) and resolve: email through SMTP (text and HTML with the evidence, the messages
            affected, the next step and a Kibana link) and JSON webhooks (generic, Slack, Teams). Each transition is sent once,
            also across restarts (the checkpoint keeps the position and what was sent); at most {defaults.RateLimit.Notifications} per
            appliance per {defaults.RateLimit.Window}; failed deliveries are retried with backoff; quiet hours and routing per appliance group.
            Exits 0 when everything due was sent, 1 when a delivery failed for good or still waits for a retry, 2 on bad arguments or configuration.
            """)
        {
            alerts, config, state, smtp, security, from, to, webhook, format, kibana, follow, poll, wait,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var stdout = parse.InvocationConfiguration.Output;
            string dir = parse.GetValue(alerts)!;
            NotifierRunner runner;
            try
            {
                var options = NotifierSetup.Load(parse.GetValue(config));
                if (parse.GetValue(smtp) is { } server)
                {
                    var target = ProbeTarget.Parse(server);
                    if (!server.TrimEnd().EndsWith($":{target.Port}", StringComparison.Ordinal) || target.Tls != ProbeTls.StartTls || target.Appliance is not null)
                        throw new FormatException($"--smtp takes HOST:PORT, not '{server}'");
                    options.Email ??= new EmailChannelOptions();
                    options.Email.Host = target.Host;
                    options.Email.Port = target.Port;
                }
                if (options.Email is { } email)
                {
                    if (parse.GetValue(security) is { } s) email.Security = s;
                    if (parse.GetValue(from) is { } f) email.From = f;
                    if (parse.GetValue(to) is { Length: > 0 } list) email.To = [.. list];
                }
                foreach (var (url, i) in (parse.GetValue(webhook) ?? []).Select((u, i) => (u, i)))
                    options.Webhooks.Add(new WebhookChannelOptions { Name = i == 0 ? "webhook" : $"webhook{i + 1}", Url = url, Format = parse.GetValue(format) });
                if (parse.GetValue(kibana) is { } k) options.KibanaUrl = k;
                if (!Directory.Exists(dir)) throw new InvalidOperationException($"{dir} is not a folder");
                var scrubber = new SecretScrubber();
                var channels = NotifierSetup.Channels(options, new NotificationText(options, Path.GetFullPath(dir)), scrubber);
                var store = new FileNotifierStore(parse.GetValue(state) ?? Path.Combine(dir, StateFileName));
                runner = new NotifierRunner(options, new NdjsonAlertSource(Path.Combine(dir, "alerts.ndjson")), channels, store, log: line =>
                {
                    lock (stdout) stdout.WriteLine(scrubber.Scrub(line));
                });
            }
            catch (Exception ex) when (ex is InvalidOperationException or FormatException or InvalidDataException)
            {
                stderr.WriteLine($"pipeline notify: {ex.Message}");
                return 2;
            }
            return await Task.Run(() => CommandErrors.Run("notify", stderr, () =>
            {
                var summary = parse.GetValue(follow)
                    ? runner.FollowAsync(parse.GetValue(poll), cancel).GetAwaiter().GetResult()
                    : runner.RunOnceAsync(parse.GetValue(wait), cancel).GetAwaiter().GetResult();
                stdout.WriteLine($"{summary.AlertsRead} alert version(s) read, {summary.Notifications} notification(s), {summary.Sent} sent, " +
                                 $"{summary.FailedAttempts} failed attempt(s), {summary.GivenUp} given up, {summary.Waiting.Count} waiting");
                foreach (var w in summary.Waiting) stdout.WriteLine("  waiting: " + w);
                foreach (var p in summary.Problems) stderr.WriteLine("pipeline notify: skipped " + p);
                bool retrying = runner.Core.State.Pending.Any(d => d.Attempts > 0);
                return summary.GivenUp > 0 || retrying ? 1 : 0;
            }), CancellationToken.None);
        });
        return command;
    }
}
