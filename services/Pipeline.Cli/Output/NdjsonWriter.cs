using System.Buffers;
using System.Text.Json;
using Pipeline.MailLogs;

namespace Pipeline.Cli.Output;

/// <summary>
/// Writes one JSON document per line to a stream through a single reused <see cref="Utf8JsonWriter"/>, flushing in
/// large blocks. Not thread-safe: one writer per output file.
/// </summary>
public sealed class NdjsonWriter : IDisposable
{
    private readonly Stream _out;
    private readonly bool _leaveOpen;
    private readonly ArrayBufferWriter<byte> _buffer = new(1 << 20);
    private readonly Utf8JsonWriter _json;

    /// <summary>Writes to <paramref name="output"/>.</summary>
    public NdjsonWriter(Stream output, bool leaveOpen = false)
    {
        _out = output;
        _leaveOpen = leaveOpen;
        _json = new Utf8JsonWriter(_buffer, EventJsonWriter.Options);
    }

    /// <summary>The buffer for a document written directly as bytes (the event emitter); then <see cref="EndDocument"/>.</summary>
    public IBufferWriter<byte> Buffer => _buffer;

    /// <summary>The writer for the next document; call <see cref="EndDocument"/> after writing exactly one value.</summary>
    public Utf8JsonWriter Json => _json;

    /// <summary>Ends the current document with a newline.</summary>
    public void EndDocument()
    {
        _json.Flush();
        _json.Reset(_buffer);
        _buffer.Write("\n"u8);
        if (_buffer.WrittenCount >= (1 << 20) - 64 * 1024) FlushBuffer();
    }

    private void FlushBuffer()
    {
        _out.Write(_buffer.WrittenSpan);
        _buffer.ResetWrittenCount();
    }

    /// <summary>Writes what is buffered to the stream.</summary>
    public void Flush()
    {
        FlushBuffer();
        _out.Flush();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Flush();
        _json.Dispose();
        if (!_leaveOpen) _out.Dispose();
    }
}
