using System.Collections.Concurrent;
using Pipeline.Arrow;
using Pipeline.Correlation.Model;
using Pipeline.MailLogs;

namespace Pipeline.Cli.Output;

/// <summary>
/// Writes every event to events.ndjson and events.arrow on two threads of their own, so that parsing and stitching
/// (on the caller's thread) overlap with formatting and writing. Completed flows ride along with the batches and are
/// handed to a flow sink on the NDJSON thread (in order), which has the most slack. Events travel in batches (line bytes copied into
/// the batch); a small pool of batches bounds memory and slows the reader down when the writers fall behind.
/// The files are identical to writing inline: each writer sees every event in order.
/// </summary>
public sealed class EventOutputs : IDisposable
{
    private const int BatchEvents = 4096;
    private const int PoolSize = 6;

    private sealed class Batch
    {
        public byte[] Bytes = new byte[BatchEvents * 256];
        public int Used;
        public int Count;
        public readonly int[] Start = new int[BatchEvents];
        public readonly int[] Length = new int[BatchEvents];
        public readonly LogEvent[] Events = new LogEvent[BatchEvents];
        public readonly EventOrigin[] Origin = new EventOrigin[BatchEvents];
        public readonly byte[] Ids = new byte[BatchEvents * EventId.MaxLength];
        public readonly byte[] IdLength = new byte[BatchEvents];

        public ReadOnlySpan<byte> Id(int i) => Ids.AsSpan(i * EventId.MaxLength, IdLength[i]);
        public readonly long[] LineNumber = new long[BatchEvents];
        public readonly long[] Offset = new long[BatchEvents];
        public readonly List<FlowDocument> Flows = [];
        public int Pending; // writers that have not finished with it

        public ReadOnlySpan<byte> Line(int i) => Bytes.AsSpan(Start[i], Length[i]);

        public void Reset()
        {
            Used = 0;
            Count = 0;
            Flows.Clear();
        }
    }

    // Plain blocking queues between dedicated threads: no thread-pool hops on the hot path. The pool of batches bounds
    // memory; taking a free batch blocks when the writers are behind (back-pressure).
    private readonly BlockingCollection<Batch> _free = new(new ConcurrentQueue<Batch>());
    private readonly BlockingCollection<Batch> _toJson = new(new ConcurrentQueue<Batch>());
    private readonly BlockingCollection<Batch> _toArrow = new(new ConcurrentQueue<Batch>());
    private readonly Task _json;
    private readonly Task _arrow;
    private readonly Action<FlowDocument> _flowSink;
    private Batch? _current; // null once published until a free batch is taken (only when a writer failed)
    private bool _completed;

    /// <summary>Creates both files and starts their writers; <paramref name="flowSink"/> runs on the NDJSON thread.</summary>
    public EventOutputs(string ndjsonPath, string arrowPath, Action<FlowDocument> flowSink)
    {
        _flowSink = flowSink;
        for (int i = 0; i < PoolSize; i++) _free.Add(new Batch());
        _current = _free.Take();
        var ndjson = new NdjsonWriter(DirectFile.Create(ndjsonPath));
        var arrow = new EventArrowWriter(DirectFile.Create(arrowPath));
        _json = Task.Factory.StartNew(() => WriteJson(ndjson), TaskCreationOptions.LongRunning);
        _arrow = Task.Factory.StartNew(() => WriteArrow(arrow), TaskCreationOptions.LongRunning);
    }

    /// <summary>Queues a completed flow for the flow sink.</summary>
    public void AddFlow(FlowDocument flow) => _current!.Flows.Add(flow);

    /// <summary>Queues one event (the line is copied).</summary>
    public void Add(ReadOnlySpan<byte> line, in LogEvent e, EventOrigin origin, ulong idHash, int occurrence, long lineNumber, long offset)
    {
        var b = _current!;
        if (b.Count == BatchEvents || b.Used + line.Length > b.Bytes.Length)
        {
            if (b.Count > 0 || b.Flows.Count > 0) Publish();
            b = _current!;
            if (line.Length > b.Bytes.Length) b.Bytes = new byte[Math.Max(line.Length, b.Bytes.Length * 2)];
        }
        int i = b.Count++;
        line.CopyTo(b.Bytes.AsSpan(b.Used));
        b.Start[i] = b.Used;
        b.Length[i] = line.Length;
        b.Used += line.Length;
        b.Events[i] = e;
        b.Origin[i] = origin;
        // Formatted once here, for both writers.
        b.IdLength[i] = (byte)EventId.Format(idHash, occurrence, b.Ids.AsSpan(i * EventId.MaxLength, EventId.MaxLength));
        b.LineNumber[i] = lineNumber;
        b.Offset[i] = offset;
    }

    private void Publish()
    {
        Send(_current!);
        _current = null; // sent: Complete must not send it again if a writer's failure is thrown below
        Batch? next;
        while (!_free.TryTake(out next, 200)) ThrowIfFailed();
        _current = next;
    }

    private void Send(Batch b)
    {
        b.Pending = 2;
        _toJson.Add(b);
        _toArrow.Add(b);
    }

    private void ThrowIfFailed()
    {
        if (_json.IsFaulted) _json.GetAwaiter().GetResult();
        if (_arrow.IsFaulted) _arrow.GetAwaiter().GetResult();
    }

    private void Done(Batch b)
    {
        if (Interlocked.Decrement(ref b.Pending) != 0) return;
        b.Reset();
        _free.Add(b);
    }

    private void WriteJson(NdjsonWriter writer)
    {
        using (writer)
        {
            foreach (var b in _toJson.GetConsumingEnumerable())
            {
                for (int i = 0; i < b.Count; i++)
                {
                    EventJsonWriter.Write(writer.Buffer, b.Line(i), b.Events[i], b.Origin[i], b.LineNumber[i], b.Offset[i], b.Id(i));
                    writer.EndDocument();
                }
                foreach (var flow in b.Flows) _flowSink(flow);
                Done(b);
            }
        }
    }

    private void WriteArrow(EventArrowWriter writer)
    {
        using (writer)
        {
            foreach (var b in _toArrow.GetConsumingEnumerable())
            {
                for (int i = 0; i < b.Count; i++)
                    writer.Append(b.Origin[i], b.Line(i), b.Events[i], b.Id(i), b.LineNumber[i], b.Offset[i]);
                Done(b);
            }
        }
    }

    /// <summary>Writes what is queued, closes both files, and rethrows a writer's failure.</summary>
    public void Complete()
    {
        if (_completed) return;
        _completed = true;
        if (_current is { } b && (b.Count > 0 || b.Flows.Count > 0)) Send(b);
        _current = null;
        _toJson.CompleteAdding();
        _toArrow.CompleteAdding();
        // Both threads end and close their files before a failure of either is rethrown.
        Task.WhenAll(_json, _arrow).GetAwaiter().GetResult();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        // On the normal path Complete was called (and reported any failure); here we only make sure the threads end.
        try { Complete(); }
        catch (Exception) when (_json.IsFaulted || _arrow.IsFaulted) { }
    }
}
