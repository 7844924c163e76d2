using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Pipeline.Notifier;

/// <summary>Email through SMTP with MailKit: STARTTLS or implicit TLS, AUTH, a text and an HTML part.</summary>
public sealed class EmailChannel : INotificationChannel
{
    private readonly EmailChannelOptions _options;
    private readonly NotificationText _text;
    private readonly NotifierOptions _notifier;
    private readonly SecretScrubber _scrubber;
    private readonly string? _password;

    /// <summary>A channel; the password is read once here (from its file or environment variable).</summary>
    public EmailChannel(EmailChannelOptions options, NotifierOptions notifier, NotificationText text, SecretScrubber scrubber)
    {
        _options = options;
        _notifier = notifier;
        _text = text;
        _scrubber = scrubber;
        if (options.Username is not null)
        {
            _password = options.Password.Resolve($"email channel {options.Name} password");
            scrubber.Add(_password);
        }
        if (options.To.Count == 0 && notifier.Groups.All(g => g.EmailTo.Count == 0))
            throw new InvalidOperationException($"email channel {options.Name}: no recipients (To, or EmailTo of a group)");
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>The message for a notification (also used by tests and previews).</summary>
    public MimeMessage Compose(Notification n)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(_options.From));
        var group = _notifier.Groups.FirstOrDefault(g => g.Name == n.Group);
        foreach (var to in group is { EmailTo.Count: > 0 } ? group.EmailTo : _options.To) message.To.Add(MailboxAddress.Parse(to));
        message.Subject = _text.Subject(n, _options.SubjectPrefix);
        // The same notification always has the same Message-ID: a relay or mailbox that saw it can tell a duplicate.
        message.MessageId = $"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(n.Key)))[..32]}@pipeline.notifier";
        message.Headers.Add("X-Pipeline-Alert-Id", n.Alert.Id);
        message.Headers.Add("X-Pipeline-Transition", n.Key[(n.Key.LastIndexOf('/') + 1)..]);
        var body = new BodyBuilder { TextBody = _text.TextBody(n), HtmlBody = _text.HtmlBody(n) };
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <inheritdoc />
    public async Task SendAsync(Notification notification, CancellationToken cancel)
    {
        var message = Compose(notification);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(_options.Timeout);
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds, CheckCertificateRevocation = false };
        if (_options.AcceptInvalidCertificate) client.ServerCertificateValidationCallback = (_, _, _, _) => true;
        var security = _options.Security switch
        {
            SmtpSecurity.Implicit => SecureSocketOptions.SslOnConnect,
            SmtpSecurity.Auto => SecureSocketOptions.StartTlsWhenAvailable,
            SmtpSecurity.None => SecureSocketOptions.None,
            _ => SecureSocketOptions.StartTls,
        };
        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, security, timeout.Token).ConfigureAwait(false);
            if (_options.Username is not null) await client.AuthenticateAsync(_options.Username, _password!, timeout.Token).ConfigureAwait(false);
            await client.SendAsync(message, timeout.Token).ConfigureAwait(false);
            await client.DisconnectAsync(true, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancel.IsCancellationRequested)
        {
            string why = ex is OperationCanceledException ? $"no answer within {_options.Timeout.TotalSeconds:0} s" : ex.Message;
            throw new DeliveryException(_scrubber.Scrub($"SMTP {_options.Host}:{_options.Port}: {why}"), ex);
        }
    }
}
