using Apache.Arrow;
using Pipeline.Correlation.Model;

namespace Pipeline.Arrow;

/// <summary>
/// Writes flow documents to an Arrow IPC file (<c>flows.arrow</c>): the fields of the JSON flow document
/// (<c>DocumentJson.WriteFlow</c>) as typed columns named by their dotted paths, with <c>hops</c> and <c>edges</c> as
/// lists of structs, <c>email.to.address</c> as a list of strings and <c>cpq</c> as a nullable struct
/// (docs/schemas.md). Written in record batches of <see cref="ArrowDocumentWriter.BatchSize"/> rows; memory is bounded by one batch.
/// Not thread-safe.
/// </summary>
public sealed class FlowArrowWriter : ArrowDocumentWriter
{
    private readonly TimestampColumn _timestamp;
    private readonly StringColumn _id, _state;
    private readonly TimestampColumn _start, _end;
    private readonly Int64Column _duration;
    private readonly BoolColumn _partial;
    private readonly Int32Column _hopCount;
    private readonly StringColumn _parentId, _parentHop, _parentKind;
    private readonly StringColumn _messageId, _from;
    private readonly ListColumn<StringColumn> _to;
    private readonly StringColumn _subject;
    private readonly Int64Column _size;

    private readonly ListColumn<StructColumn> _hops;
    private readonly StringColumn _hopAppliance, _hopRole, _hopOutcome;
    private readonly Int64Column _hopMid;
    private readonly TimestampColumn _hopStart, _hopEnd;

    private readonly StructColumn _cpq;
    private readonly StringColumn _cpqKind, _cpqEsa, _cpqSma, _cpqQuarantine, _cpqReleaseReason;
    private readonly Int64Column _cpqEsaMid, _cpqSmaMid, _cpqReleaseEsaMid, _cpqTransferWait, _cpqDwell;
    private readonly TimestampColumn _cpqEnqueued, _cpqTransferred, _cpqReleased, _cpqDeleted, _cpqReturned;

    private readonly ListColumn<StructColumn> _edges;
    private readonly StringColumn _edgeKind, _edgeFrom, _edgeTo;
    private readonly StringColumn _error;

    /// <summary>Starts a flows file on <paramref name="stream"/> (writable and seekable: the footer indexes the batches by position).</summary>
    /// <param name="stream">Where the file goes; closed at <see cref="ArrowDocumentWriter.Dispose"/> unless <paramref name="leaveOpen"/>.</param>
    /// <param name="batchSize">Rows per record batch.</param>
    /// <param name="leaveOpen">Leave <paramref name="stream"/> open after <see cref="ArrowDocumentWriter.Dispose"/>.</param>
    public FlowArrowWriter(Stream stream, int batchSize = ArrowOutput.DefaultBatchSize, bool leaveOpen = false)
        : base(stream, batchSize, leaveOpen)
    {
        var f = Output;
        _timestamp = f.Add(new TimestampColumn("@timestamp", false));
        _id = f.Add(f.String("flow.id", false));
        _state = f.Add(f.String("flow.state", false));
        _start = f.Add(new TimestampColumn("flow.start", false));
        _end = f.Add(new TimestampColumn("flow.end", true));
        _duration = f.Add(new Int64Column("flow.duration_s", true));
        _partial = f.Add(new BoolColumn("flow.partial", false));
        _hopCount = f.Add(new Int32Column("flow.hop_count", false));
        _parentId = f.Add(f.String("flow.parent_id", true));
        _parentHop = f.Add(f.String("flow.parent_hop", true));
        _parentKind = f.Add(f.String("flow.parent_kind", true));
        _messageId = f.Add(f.String("email.message_id", true));
        _from = f.Add(f.String("email.from.address", true));
        _to = f.Add(new ListColumn<StringColumn>("email.to.address", false, f.String("item", true)));
        _subject = f.Add(f.String("email.subject", true));
        _size = f.Add(new Int64Column("email.size", true));

        _hops = f.Add(new ListColumn<StructColumn>("hops", false, new StructColumn("item", false,
            _hopAppliance = f.String("appliance", false),
            _hopRole = f.String("role", false),
            _hopMid = new Int64Column("mid", false),
            _hopStart = new TimestampColumn("start", false),
            _hopEnd = new TimestampColumn("end", true),
            _hopOutcome = f.String("outcome", false))));

        // Children of a nullable struct are nullable: a null cpq has nulls in every child.
        _cpq = f.Add(new StructColumn("cpq", true,
            _cpqKind = f.String("kind", true),
            _cpqEsa = f.String("esa", true),
            _cpqEsaMid = new Int64Column("esa_mid", true),
            _cpqSma = f.String("sma", true),
            _cpqSmaMid = new Int64Column("sma_mid", true),
            _cpqQuarantine = f.String("quarantine", true),
            _cpqEnqueued = new TimestampColumn("enqueued_at", true),
            _cpqTransferred = new TimestampColumn("transferred_at", true),
            _cpqReleased = new TimestampColumn("released_at", true),
            _cpqReleaseReason = f.String("release_reason", true),
            _cpqDeleted = new TimestampColumn("deleted_at", true),
            _cpqReleaseEsaMid = new Int64Column("release_esa_mid", true),
            _cpqReturned = new TimestampColumn("returned_at", true),
            _cpqTransferWait = new Int64Column("transfer_wait_s", true),
            _cpqDwell = new Int64Column("dwell_s", true)));

        _edges = f.Add(new ListColumn<StructColumn>("edges", false, new StructColumn("item", false,
            _edgeKind = f.String("kind", false),
            _edgeFrom = f.String("from", false),
            _edgeTo = f.String("to", false))));
        _error = f.Add(f.String("error.message", true));
        f.Open("flow");
    }

    /// <summary>Appends one flow (its state as it is now: call when the flow is final).</summary>
    public void Append(FlowDocument flow)
    {
        ArgumentNullException.ThrowIfNull(flow);
        _timestamp.Append(flow.Start);
        _id.Append(flow.Id);
        _state.Append(flow.State);
        _start.Append(flow.Start);
        _end.Append(flow.End);
        _duration.Append(flow.DurationSeconds);
        _partial.Append(flow.Partial);
        _hopCount.Append(flow.Hops.Count);
        // As in the JSON: the parent fields exist only when the flow has a parent hop.
        bool parent = flow.ParentHop is not null;
        _parentId.Append(parent ? flow.ParentId : null);
        _parentHop.Append(flow.ParentHop);
        _parentKind.Append(parent ? flow.ParentKind : null);

        _messageId.Append(flow.MessageId);
        _from.Append(flow.From);
        foreach (var t in flow.To) _to.Items.Append(t);
        _to.EndList();
        _subject.Append(flow.Subject);
        _size.Append(flow.Size);

        foreach (var h in flow.Hops)
        {
            _hopAppliance.Append(h.Appliance);
            _hopRole.Append(h.Role);
            _hopMid.Append(h.Mid);
            _hopStart.Append(h.Start);
            _hopEnd.Append(h.End);
            _hopOutcome.Append(h.Outcome);
            _hops.Items.EndStruct();
        }
        _hops.EndList();

        if (flow.Cpq is { } c)
        {
            _cpqKind.Append(c.Kind);
            _cpqEsa.Append(c.Esa);
            _cpqEsaMid.Append(c.EsaMid);
            _cpqSma.Append(c.Sma);
            _cpqSmaMid.Append(c.SmaMid);
            _cpqQuarantine.Append(c.Quarantine);
            _cpqEnqueued.Append(c.EnqueuedAt);
            _cpqTransferred.Append(c.TransferredAt);
            _cpqReleased.Append(c.ReleasedAt);
            _cpqReleaseReason.Append(c.ReleaseReason);
            _cpqDeleted.Append(c.DeletedAt);
            _cpqReleaseEsaMid.Append(c.ReleaseEsaMid);
            _cpqReturned.Append(c.ReturnedAt);
            _cpqTransferWait.Append(c.TransferWaitSeconds);
            _cpqDwell.Append(c.DwellSeconds);
            _cpq.EndStruct();
        }
        else _cpq.AppendNull();

        foreach (var e in flow.Edges)
        {
            _edgeKind.Append(e.Kind);
            _edgeFrom.Append(e.From);
            _edgeTo.Append(e.To);
            _edges.Items.EndStruct();
        }
        _edges.EndList();
        _error.Append(flow.LastError);
        Output.EndRow();
    }
}
