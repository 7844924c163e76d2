using Apache.Arrow;

namespace Pipeline.Arrow;

/// <summary>
/// What the event, flow and alert writers share: one Arrow IPC file written in record batches, its counters, and
/// how it is finished and closed. Each writer declares its columns and appends its own documents.
/// </summary>
public abstract class ArrowDocumentWriter : IDisposable
{
    private protected ArrowDocumentWriter(Stream stream, int batchSize, bool leaveOpen) =>
        Output = new BatchFile(stream, batchSize, leaveOpen);

    /// <summary>The file the columns are added to and the rows end in.</summary>
    private protected BatchFile Output { get; }

    /// <summary>The file's schema (columns in order; metadata <c>pipeline.document</c> names the document: event, flow or alert).</summary>
    public Schema Schema => Output.Schema;

    /// <summary>Rows per record batch.</summary>
    public int BatchSize => Output.BatchSize;

    /// <summary>Rows appended so far (written or pending).</summary>
    public long Rows => Output.Rows;

    /// <summary>Record batches written so far.</summary>
    public int Batches => Output.Batches;

    /// <summary>Writes the pending rows and the file footer; the file is complete afterwards and no rows may follow.</summary>
    public void Finish() => Output.Finish();

    /// <summary>Finishes the file (when <see cref="Finish"/> was not called) and closes the stream unless left open.</summary>
    public void Dispose()
    {
        Output.Dispose();
        GC.SuppressFinalize(this);
    }
}
