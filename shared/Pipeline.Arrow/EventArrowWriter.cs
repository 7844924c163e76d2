using System.Text;
using Apache.Arrow;
using Pipeline.MailLogs;

namespace Pipeline.Arrow;

/// <summary>
/// Writes event documents (one per parsed line) to an Arrow IPC file (<c>events.arrow</c>): the same information as
/// <see cref="EventJsonWriter"/>, as typed columns named by the JSON dotted paths (docs/schemas.md). Rows accumulate
/// in column buffers and a record batch is written each time <see cref="ArrowDocumentWriter.BatchSize"/> rows are pending, and at
/// <see cref="ArrowDocumentWriter.Finish"/> or <see cref="ArrowDocumentWriter.Dispose"/>, which then write the file footer. Memory is bounded by one batch.
/// Not thread-safe.
/// </summary>
public sealed class EventArrowWriter : ArrowDocumentWriter
{
    private readonly TimestampColumn _timestamp;
    private readonly StringColumn _hostname, _version, _serial;
    private readonly StringColumn _action, _eventId, _reason;
    private readonly StringColumn _level, _path;
    private readonly Int64Column _lineNumber, _offset;
    private readonly StringColumn _syslogHost, _syslogApp;
    private readonly Int64Column _mid, _icid, _dcid, _rcid, _rid;
    private readonly ListColumn<Int64Column> _rids;
    private readonly Int64Column _parentMid, _childMid;
    private readonly StringColumn _from, _to, _messageId, _subject, _attachment;
    private readonly Int64Column _size;
    private readonly StringColumn _sourceIp, _sourceDomain, _sourceCountry, _destinationIp, _destinationDomain;
    private readonly Int32Column _port;
    private readonly StringColumn _tlsVersion, _tlsCipher, _tlsPeer, _error;
    private readonly StringColumn _url, _fileName, _fileSha256, _userName;
    private readonly StringColumn _listenerType, _interfaceName;
    private readonly BoolColumn _rdnsVerified;
    private readonly StringColumn _policy, _destinationProfile, _senderGroup, _name;
    private readonly StringColumn _engine, _verdict, _sbrs, _score, _category, _helo, _target, _authMechanism;
    private readonly StringColumn _hatMatch, _detail, _esaReason, _quarantine;
    private readonly Int64Column _dwell;
    private readonly Int32Column _percentFull;
    private readonly StringColumn _destination, _response;
    private readonly Int64Column _acceptedMid;
    private readonly StringColumn _statusCode;
    private readonly TimestampColumn _pendingTill;
    private readonly Int32Column _utcOffset;
    private readonly StringColumn _message;


    /// <summary>Starts an events file on <paramref name="stream"/> (writable and seekable: the footer indexes the batches by position).</summary>
    /// <param name="stream">Where the file goes; closed at <see cref="ArrowDocumentWriter.Dispose"/> unless <paramref name="leaveOpen"/>.</param>
    /// <param name="batchSize">Rows per record batch (a batch is also cut early at 256 MiB of text).</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open after <see cref="ArrowDocumentWriter.Dispose"/>.</param>
    public EventArrowWriter(Stream stream, int batchSize = ArrowOutput.DefaultBatchSize, bool leaveOpen = false)
        : base(stream, batchSize, leaveOpen)
    {
        var f = Output;
        _timestamp = f.Add(new TimestampColumn("@timestamp", true));
        _hostname = f.Add(f.String("observer.hostname", false));
        _version = f.Add(f.String("observer.version", true));
        _serial = f.Add(f.String("observer.serial_number", true));
        _action = f.Add(f.String("event.action", false));
        _eventId = f.Add(f.String("event.id", true));
        _reason = f.Add(f.String("event.reason", true));
        _level = f.Add(f.String("log.level", true));
        _path = f.Add(f.String("log.file.path", true));
        _lineNumber = f.Add(new Int64Column("log.file.line", true));
        _offset = f.Add(new Int64Column("log.offset", true));
        _syslogHost = f.Add(f.String("log.syslog.hostname", true));
        _syslogApp = f.Add(f.String("log.syslog.appname", true));
        _mid = f.Add(new Int64Column("mid", true));
        _icid = f.Add(new Int64Column("icid", true));
        _dcid = f.Add(new Int64Column("dcid", true));
        _rcid = f.Add(new Int64Column("rcid", true));
        _rid = f.Add(new Int64Column("rid", true));
        _rids = f.Add(new ListColumn<Int64Column>("rids", true, new Int64Column("item", false)));
        _parentMid = f.Add(new Int64Column("edge.parent_mid", true));
        _childMid = f.Add(new Int64Column("edge.child_mid", true));
        _from = f.Add(f.String("email.from.address", true));
        _to = f.Add(f.String("email.to.address", true));
        _messageId = f.Add(f.String("email.message_id", true));
        _subject = f.Add(f.String("email.subject", true));
        _attachment = f.Add(f.String("email.attachments.file.name", true));
        _size = f.Add(new Int64Column("email.size", true));
        _sourceIp = f.Add(f.String("source.ip", true));
        _sourceDomain = f.Add(f.String("source.domain", true));
        _sourceCountry = f.Add(f.String("source.geo.country_name", true));
        _destinationIp = f.Add(f.String("destination.ip", true));
        _destinationDomain = f.Add(f.String("destination.domain", true));
        _port = f.Add(new Int32Column("destination.port", true));
        _tlsVersion = f.Add(f.String("tls.version", true));
        _tlsCipher = f.Add(f.String("tls.cipher", true));
        _tlsPeer = f.Add(f.String("tls.peer", true));
        _error = f.Add(f.String("error.message", true));
        _url = f.Add(f.String("url.full", true));
        _fileName = f.Add(f.String("file.name", true));
        _fileSha256 = f.Add(f.String("file.hash.sha256", true));
        _userName = f.Add(f.String("user.name", true));
        _listenerType = f.Add(f.String("esa.listener_type", true));
        _interfaceName = f.Add(f.String("esa.interface.name", true));
        _rdnsVerified = f.Add(new BoolColumn("esa.rdns_verified", true));
        _policy = f.Add(f.String("esa.policy", true));
        _destinationProfile = f.Add(f.String("esa.destination_profile", true));
        _senderGroup = f.Add(f.String("esa.sender_group", true));
        _name = f.Add(f.String("esa.name", true));
        _engine = f.Add(f.String("esa.engine", true));
        _verdict = f.Add(f.String("esa.verdict", true));
        _sbrs = f.Add(f.String("esa.sbrs", true));
        _score = f.Add(f.String("esa.score", true));
        _category = f.Add(f.String("esa.category", true));
        _helo = f.Add(f.String("esa.helo", true));
        _target = f.Add(f.String("esa.target", true));
        _authMechanism = f.Add(f.String("esa.auth_mechanism", true));
        _hatMatch = f.Add(f.String("esa.hat_match", true));
        _detail = f.Add(f.String("esa.detail", true));
        _esaReason = f.Add(f.String("esa.reason", true));
        _quarantine = f.Add(f.String("esa.quarantine.name", true));
        _dwell = f.Add(new Int64Column("esa.quarantine.dwell_s", true));
        _percentFull = f.Add(new Int32Column("esa.quarantine.percent_full", true));
        _destination = f.Add(f.String("esa.destination", true));
        _response = f.Add(f.String("esa.response", true));
        _acceptedMid = f.Add(new Int64Column("esa.accepted_mid", true));
        _statusCode = f.Add(f.String("esa.status_code", true));
        _pendingTill = f.Add(new TimestampColumn("esa.pending_till", true));
        _utcOffset = f.Add(new Int32Column("esa.utc_offset_s", true));
        _message = f.Add(f.String("message", false));
        f.Open("event");
    }

    /// <summary>Text bytes at which a batch is cut early (256 MiB; lowered by tests).</summary>
    internal long MaxBatchStringBytes { get => Output.MaxBatchStringBytes; set => Output.MaxBatchStringBytes = value; }

    /// <summary>Appends the event of one logical line.</summary>
    /// <param name="appliance">The appliance name (<c>observer.hostname</c>).</param>
    /// <param name="line">The logical line that <paramref name="e"/>'s ranges refer to (<c>message</c>).</param>
    /// <param name="e">The parsed event.</param>
    /// <param name="eventId">The deterministic event id (<c>event.id</c>).</param>
    /// <param name="path">The file (<c>log.file.path</c>), or null.</param>
    /// <param name="lineNumber">First physical line number in the file (<c>log.file.line</c>), or 0 when unknown.</param>
    /// <param name="offset">Byte offset of the line in the file (<c>log.offset</c>), or -1 when unknown.</param>
    public void Append(string appliance, ReadOnlySpan<byte> line, in LogEvent e, string eventId, string? path,
        long lineNumber, long offset = -1) =>
        Append(new EventOrigin(appliance, path), line, e, Encoding.UTF8.GetBytes(eventId), lineNumber, offset);

    /// <summary>Appends one event row: its appliance and file as an <see cref="EventOrigin"/> (encoded once), its id as UTF-8 bytes.</summary>
    public void Append(EventOrigin origin, ReadOnlySpan<byte> line, in LogEvent e, ReadOnlySpan<byte> eventId,
        long lineNumber, long offset = -1)
    {
        ArgumentNullException.ThrowIfNull(origin);
        _timestamp.AppendTicks(e.UtcTicks);

        _hostname.Append(origin.ApplianceUtf8);
        _version.Append(line, e.Version);
        _serial.Append(line, e.Serial);

        _action.Append(EventFields.ActionUtf8(e.Type));
        _eventId.Append(eventId);
        _reason.Append(e.UnparsedReason);

        if (e.Level != MailLogLevel.Unknown) _level.Append(EventFields.LevelUtf8(e.Level));
        else _level.AppendNull();
        if (origin.Path is null)
        {
            _path.AppendNull();
            _lineNumber.AppendNull();
        }
        else
        {
            _path.Append(origin.PathUtf8);
            if (lineNumber > 0) _lineNumber.Append(lineNumber);
            else _lineNumber.AppendNull();
        }
        _offset.AppendOrNullIfNegative(offset);
        _syslogHost.Append(line, e.Host);
        _syslogApp.Append(line, e.Tag);

        _mid.AppendOrNullIfNegative(e.Mid);
        _icid.AppendOrNullIfNegative(e.Icid);
        _dcid.AppendOrNullIfNegative(e.Dcid);
        _rcid.AppendOrNullIfNegative(e.Rcid);
        _rid.AppendOrNullIfNegative(e.Rid);
        if (e.Rids.HasValue)
        {
            foreach (long r in e.RidList(line)) _rids.Items.Append(r);
            _rids.EndList();
        }
        else _rids.AppendNull();
        if (e.ParentMid >= 0)
        {
            _parentMid.Append(e.ParentMid);
            _childMid.Append(e.ChildMid);
        }
        else
        {
            _parentMid.AppendNull();
            _childMid.AppendNull();
        }

        _from.Append(line, e.From);
        _to.Append(line, e.To);
        _messageId.Append(line, e.MessageId);
        _subject.Append(line, e.Subject);
        if (e.Type == LineType.MessageAttachment) _attachment.Append(line, e.Name);
        else _attachment.AppendNull();
        _size.AppendOrNullIfNegative(e.Size);

        if (EventFields.HasEndpoints(e))
        {
            if (EventFields.IsInbound(e))
            {
                _sourceIp.Append(line, e.RemoteIp);
                _sourceDomain.Append(line, e.RemoteHost);
                _destinationIp.Append(line, e.InterfaceIp);
                _destinationDomain.AppendNull();
            }
            else
            {
                _sourceIp.Append(line, e.InterfaceIp);
                _sourceDomain.AppendNull();
                _destinationIp.Append(line, e.RemoteIp);
                _destinationDomain.Append(line, e.Domain);
            }
            _sourceCountry.Append(line, e.Country);
            _port.AppendOrNullIfNegative(e.Port);
        }
        else
        {
            _sourceIp.AppendNull();
            _sourceDomain.AppendNull();
            _sourceCountry.AppendNull();
            _destinationIp.AppendNull();
            _destinationDomain.AppendNull();
            _port.AppendNull();
        }

        _tlsVersion.Append(line, e.TlsProtocol);
        _tlsCipher.Append(line, e.TlsCipher);
        _tlsPeer.Append(line, e.TlsPeer);
        _error.Append(line, e.Error);
        _url.Append(line, e.Url);
        _fileName.Append(line, e.FileName);
        _fileSha256.Append(line, e.Sha256);
        _userName.Append(line, e.UserName);

        AppendEsa(line, e);

        _message.Append(line);
        Output.EndRow();
    }

    /// <summary>The <c>esa.*</c> columns; which column <c>Name</c> and <c>Detail</c> go to is decided by <see cref="EventFields"/>.</summary>
    private void AppendEsa(ReadOnlySpan<byte> line, in LogEvent e)
    {
        _listenerType.Append(line, e.ListenerType);
        _interfaceName.Append(line, e.InterfaceName);
        if (e.Verified >= 0) _rdnsVerified.Append(e.Verified == 1);
        else _rdnsVerified.AppendNull();

        bool hat = EventFields.IsHat(e.Type);
        var field = EventFields.NameFieldOf(e.Type);
        _policy.Append(line, field == NameField.Policy ? e.Name : default);
        _destinationProfile.Append(line, field == NameField.DestinationProfile ? e.Name : default);
        _senderGroup.Append(line, field == NameField.SenderGroup ? e.Name : default);
        _name.Append(line, field == NameField.Name ? e.Name : default);

        _engine.Append(line, e.Engine);
        _verdict.Append(line, e.Verdict);
        bool sbrs = EventFields.ScoreFieldOf(e.Type) == ScoreField.Sbrs;
        _sbrs.Append(line, sbrs ? e.Score : default);
        _score.Append(line, sbrs ? default : e.Score);
        _category.Append(line, e.Category);
        _helo.Append(line, e.Helo);
        _target.Append(line, e.Target);
        _authMechanism.Append(line, e.AuthMechanism);
        _hatMatch.Append(line, hat ? e.Detail : default);
        _detail.Append(line, hat ? default : e.Detail);
        _esaReason.Append(line, e.Reason);
        _quarantine.Append(line, e.Quarantine);
        _dwell.AppendOrNullIfNegative(e.DwellSeconds);
        _percentFull.AppendOrNullIfNegative(e.Percent);
        if (e.Destination != QuarantineDestination.None) _destination.Append(EventFields.DestinationUtf8(e.Destination));
        else _destination.AppendNull();
        _response.Append(line, e.Response);
        _acceptedMid.AppendOrNullIfNegative(e.AcceptedMid);
        _statusCode.Append(line, e.StatusCode);
        _pendingTill.AppendTicks(e.PendingTillUtcTicks);
        if (e.Type == LineType.TimeOffset) _utcOffset.Append(e.UtcOffsetSeconds);
        else _utcOffset.AppendNull();
    }
}
