using System.Text;

namespace Pipeline.MailLogs;

/// <summary>Which document field the <see cref="LogEvent.Name"/> of a line goes to.</summary>
public enum NameField : byte
{
    /// <summary><c>esa.name</c>.</summary>
    Name,
    /// <summary>Not under <c>esa.*</c>: an attachment's name is <c>email.attachments.file.name</c>.</summary>
    None,
    /// <summary><c>esa.policy</c> (<c>matched the ... RCPT policy</c>).</summary>
    Policy,
    /// <summary><c>esa.destination_profile</c> (<c>pending till ... [Default]</c>).</summary>
    DestinationProfile,
    /// <summary><c>esa.sender_group</c> (the HAT lines: ACCEPT, REJECT, ...).</summary>
    SenderGroup,
}

/// <summary>Which document field the <see cref="LogEvent.Score"/> of a line goes to.</summary>
public enum ScoreField : byte
{
    /// <summary><c>esa.sbrs</c>: a SenderBase reputation score (HAT lines, <c>ICID n SBRS</c>, IncomingRelay).</summary>
    Sbrs,
    /// <summary><c>esa.score</c>: any other score (URL reputation, DLP risk factor, AMP reputation, threat level).</summary>
    Score,
}

/// <summary>
/// How a <see cref="LogEvent"/> maps onto the event document (docs/schemas.md), in one place: the JSON writer
/// (<see cref="EventJsonWriter"/>) and the Arrow writer make the same choices from here.
/// </summary>
public static class EventFields
{
    private static readonly byte[][] ActionNames = Enum.GetValues<LineType>().Select(t => Encoding.UTF8.GetBytes(t.ActionName())).ToArray();
    private static readonly byte[][] LevelNames = Enum.GetValues<MailLogLevel>().Select(l => Encoding.UTF8.GetBytes(LevelName(l))).ToArray();

    /// <summary><c>event.action</c> as UTF-8.</summary>
    public static ReadOnlySpan<byte> ActionUtf8(LineType type) => ActionNames[(int)type];

    /// <summary>The lower-case level name (<c>log.level</c>).</summary>
    public static string LevelName(MailLogLevel level) => level switch
    {
        MailLogLevel.Trace => "trace",
        MailLogLevel.Debug => "debug",
        MailLogLevel.Info => "info",
        MailLogLevel.Warning => "warning",
        MailLogLevel.Critical => "critical",
        _ => "unknown",
    };

    /// <summary><see cref="LevelName"/> as UTF-8.</summary>
    public static ReadOnlySpan<byte> LevelUtf8(MailLogLevel level) => LevelNames[(int)level];

    /// <summary>The line has a peer or an interface: it fills <c>source.*</c> and <c>destination.*</c>.</summary>
    public static bool HasEndpoints(in LogEvent e) =>
        e.RemoteIp.HasValue || e.RemoteHost.HasValue || e.InterfaceIp.HasValue || e.Port >= 0 || e.Domain.HasValue || e.Country.HasValue;

    /// <summary>
    /// ECS direction: on an inbound connection (an ICID line; the relay of an IncomingRelay line; the sender's host of
    /// an SDR line) the peer is the source and the interface the destination; on a delivery it is the other way round.
    /// </summary>
    public static bool IsInbound(in LogEvent e) =>
        (e.Icid >= 0 && e.Dcid < 0) || e.Type is LineType.IncomingRelay or LineType.SdrVerdict or LineType.SdrDomains;

    /// <summary>Where the line's <see cref="LogEvent.Score"/> goes.</summary>
    public static ScoreField ScoreFieldOf(LineType type) =>
        IsHat(type) || type is LineType.IcidSbrs or LineType.IncomingRelay ? ScoreField.Sbrs : ScoreField.Score;

    /// <summary>A HAT line (ACCEPT, REJECT, TCPREFUSE, ...): its detail is <c>esa.hat_match</c>, not <c>esa.detail</c>.</summary>
    public static bool IsHat(LineType type) => type is >= LineType.IcidAccept and <= LineType.IcidContinue;

    /// <summary>Where the line's <see cref="LogEvent.Name"/> goes.</summary>
    public static NameField NameFieldOf(LineType type) => type switch
    {
        LineType.MessageAttachment => NameField.None,
        LineType.RecipientPolicyMatch => NameField.Policy,
        LineType.DeliveryPending => NameField.DestinationProfile,
        LineType.DlpViolation => NameField.Policy,
        _ when IsHat(type) => NameField.SenderGroup,
        _ => NameField.Name,
    };

    /// <summary><c>esa.destination</c> of a quarantine hand-off, empty when there is none.</summary>
    public static ReadOnlySpan<byte> DestinationUtf8(QuarantineDestination d) => d switch
    {
        QuarantineDestination.CentralizedPolicy => "centralized_policy_quarantine"u8,
        QuarantineDestination.ExternalSpam => "external_quarantine"u8,
        QuarantineDestination.LocalSpam => "local_spam_quarantine"u8,
        _ => default,
    };
}
