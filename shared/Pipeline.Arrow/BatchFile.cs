using Apache.Arrow;
using Apache.Arrow.Ipc;

namespace Pipeline.Arrow;

/// <summary>
/// An Arrow IPC file being written batch by batch: the writers add their columns, append rows, and call
/// <see cref="EndRow"/>; a record batch goes out whenever <see cref="BatchSize"/> rows (or
/// <see cref="MaxBatchStringBytes"/> bytes of text) are pending, and at <see cref="Finish"/>, which then writes the footer.
/// </summary>
internal sealed class BatchFile : IDisposable
{
    /// <summary>A batch is cut early once its text reaches this size: utf8 offsets are int32, and memory stays bounded.</summary>
    public const long DefaultMaxBatchStringBytes = 256L << 20;

    private readonly List<Column> _columns = [];
    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private ArrowFileWriter? _writer;
    private int _pending;
    private bool _finished;
    private bool _disposed;

    public BatchFile(Stream stream, int batchSize, bool leaveOpen)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _stream = stream;
        _leaveOpen = leaveOpen;
        BatchSize = batchSize;
    }

    /// <summary>Counts the pending batch's text.</summary>
    public ByteCounter Counter { get; } = new();

    /// <summary>Rows per record batch.</summary>
    public int BatchSize { get; }

    /// <summary>Text bytes (all string columns together) at which a batch is written before it has <see cref="BatchSize"/> rows.</summary>
    public long MaxBatchStringBytes { get; set; } = DefaultMaxBatchStringBytes;

    /// <summary>The schema, once <see cref="Open"/> was called.</summary>
    public Schema Schema { get; private set; } = null!;

    /// <summary>Rows appended so far (written or pending).</summary>
    public long Rows { get; private set; }

    /// <summary>Record batches written so far.</summary>
    public int Batches { get; private set; }

    /// <summary>Adds a top-level column (before <see cref="Open"/>).</summary>
    public T Add<T>(T column) where T : Column
    {
        if (_writer is not null) throw new InvalidOperationException("columns are added before the file is opened");
        _columns.Add(column);
        return column;
    }

    /// <summary>A utf8 column counted against the batch's text budget (top-level or a child).</summary>
    public StringColumn String(string name, bool nullable) => new(name, nullable, Counter);

    /// <summary>Fixes the schema and writes the file's magic (the schema message follows with the first batch, or at the end).</summary>
    public void Open(string document)
    {
        var b = new Schema.Builder();
        foreach (var c in _columns) b.Field(c.Field);
        b.Metadata("pipeline.document", document);
        b.Metadata("pipeline.schema_version", ArrowOutput.SchemaVersion);
        Schema = b.Build();
        try
        {
            // The file format needs a seekable stream (the footer indexes batches by position).
            _writer = new ArrowFileWriter(_stream, Schema, _leaveOpen);
            _writer.WriteStart();
        }
        catch
        {
            if (!_leaveOpen) _stream.Dispose();
            throw;
        }
    }

    /// <summary>Counts the row just appended to every column; writes a batch when it is full.</summary>
    public void EndRow()
    {
        ObjectDisposedException.ThrowIf(_finished || _disposed, this);
        _pending++;
        Rows++;
        if (_pending >= BatchSize || Counter.Bytes >= MaxBatchStringBytes) Flush();
    }

    /// <summary>Writes the pending rows as one record batch, if there are any.</summary>
    public void Flush()
    {
        if (_pending == 0 || _writer is null) return;
        var arrays = new IArrowArray[_columns.Count];
        try
        {
            for (int i = 0; i < arrays.Length; i++)
            {
                arrays[i] = _columns[i].Build();
                if (arrays[i].Length != _pending)
                    throw new InvalidOperationException($"column {_columns[i].Field.Name} has {arrays[i].Length} rows, the batch {_pending}");
            }
            using var batch = new RecordBatch(Schema, arrays, _pending);
            arrays = [];
            _writer.WriteRecordBatch(batch);
        }
        finally
        {
            foreach (var a in arrays) a?.Dispose();
        }
        foreach (var c in _columns) c.Clear();
        _pending = 0;
        Counter.Bytes = 0;
        Batches++;
    }

    /// <summary>Writes the last batch and the footer. Further rows are refused.</summary>
    public void Finish()
    {
        if (_finished || _writer is null) return;
        Flush();
        _writer.WriteEnd();
        _stream.Flush();
        _finished = true;
    }

    /// <summary>Finishes the file (if not done) and closes the stream unless it is left open.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        try { Finish(); }
        finally
        {
            _disposed = true;
            _writer?.Dispose();
        }
    }
}
