using Apache.Arrow;
using Pipeline.Correlation.Model;

namespace Pipeline.Arrow;

/// <summary>
/// Writes alert documents to an Arrow IPC file (<c>alerts.arrow</c>): the fields of the JSON alert document
/// (<c>DocumentJson.WriteAlert</c>) as typed columns named by their dotted paths, with <c>alert.evidence</c> as a
/// struct holding <c>sample_mids</c> as a list of int64 (docs/schemas.md). Written in record batches of
/// <see cref="ArrowDocumentWriter.BatchSize"/> rows. Not thread-safe.
/// </summary>
public sealed class AlertArrowWriter : ArrowDocumentWriter
{
    private readonly TimestampColumn _timestamp;
    private readonly StringColumn _id, _kind, _appliance, _peer;
    private readonly TimestampColumn _opened, _resolved, _lastUpdated;
    private readonly StringColumn _status;
    private readonly StructColumn _evidence;
    private readonly Int32Column _messages;
    private readonly Int64Column _oldestAge;
    private readonly StringColumn _lastError;
    private readonly ListColumn<Int64Column> _sampleMids;
    private readonly StringColumn _hint, _summary;

    /// <summary>Starts an alerts file on <paramref name="stream"/> (writable and seekable: the footer indexes the batches by position).</summary>
    /// <param name="stream">Where the file goes; closed at <see cref="ArrowDocumentWriter.Dispose"/> unless <paramref name="leaveOpen"/>.</param>
    /// <param name="batchSize">Rows per record batch.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open after <see cref="ArrowDocumentWriter.Dispose"/>.</param>
    public AlertArrowWriter(Stream stream, int batchSize = ArrowOutput.DefaultBatchSize, bool leaveOpen = false)
        : base(stream, batchSize, leaveOpen)
    {
        var f = Output;
        _timestamp = f.Add(new TimestampColumn("@timestamp", false));
        _id = f.Add(f.String("alert.id", false));
        _kind = f.Add(f.String("alert.kind", false));
        _appliance = f.Add(f.String("alert.appliance", false));
        _peer = f.Add(f.String("alert.peer", true));
        _opened = f.Add(new TimestampColumn("alert.opened_at", false));
        _resolved = f.Add(new TimestampColumn("alert.resolved_at", true));
        _lastUpdated = f.Add(new TimestampColumn("alert.last_updated_at", false));
        _status = f.Add(f.String("alert.status", false));
        _evidence = f.Add(new StructColumn("alert.evidence", false,
            _messages = new Int32Column("messages", false),
            _oldestAge = new Int64Column("oldest_age_s", false),
            _lastError = f.String("last_error", true),
            _sampleMids = new ListColumn<Int64Column>("sample_mids", false, new Int64Column("item", false))));
        _hint = f.Add(f.String("alert.hint", false));
        _summary = f.Add(f.String("alert.summary", false));
        f.Open("alert");
    }

    /// <summary>Appends one alert (its state as it is now).</summary>
    public void Append(AlertDocument alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        _timestamp.Append(alert.OpenedAt);
        _id.Append(alert.Id);
        _kind.Append(alert.Kind);
        _appliance.Append(alert.Appliance);
        _peer.Append(alert.Peer);
        _opened.Append(alert.OpenedAt);
        _resolved.Append(alert.ResolvedAt);
        _lastUpdated.Append(alert.LastUpdatedAt);
        _status.Append(alert.Status);
        var ev = alert.Evidence ?? new AlertEvidence();
        _messages.Append(ev.Messages);
        _oldestAge.Append(ev.OldestAgeSeconds);
        _lastError.Append(ev.LastError);
        foreach (var m in ev.SampleMids) _sampleMids.Items.Append(m);
        _sampleMids.EndList();
        _evidence.EndStruct();
        _hint.Append(alert.Hint);
        _summary.Append(alert.Summary);
        Output.EndRow();
    }
}
