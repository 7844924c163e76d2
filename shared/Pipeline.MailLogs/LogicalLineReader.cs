namespace Pipeline.MailLogs;

/// <summary>One logical line: a physical line that starts a record plus any wrapped tails.</summary>
public readonly ref struct LogicalLine
{
    /// <summary>The text, tails joined, without line terminators. Valid until the next read.</summary>
    public readonly ReadOnlySpan<byte> Text;
    /// <summary>1-based number of the first physical line.</summary>
    public readonly long LineNumber;
    /// <summary>How many physical lines were joined (1 when not wrapped).</summary>
    public readonly int PhysicalLines;
    /// <summary>Byte offset of the first physical line in the stream.</summary>
    public readonly long Offset;
    /// <summary>0 for a whole line; 1, 2, ... for the pieces of a physical line longer than the reader's limit.</summary>
    public readonly int Piece;

    internal LogicalLine(ReadOnlySpan<byte> text, long lineNumber, int physicalLines, long offset, int piece)
    {
        Text = text;
        LineNumber = lineNumber;
        PhysicalLines = physicalLines;
        Offset = offset;
        Piece = piece;
    }
}

/// <summary>
/// Reads a mail_logs stream into logical lines (docs/logformat.md, "Folding"). Physical lines end at <c>\n</c>,
/// <c>\r\n</c> or a lone <c>\r</c>. A physical line with no record start of its own (no envelope, no level marker,
/// no time near its start) continues the previous one: it is joined with one space, or as is when it starts with a
/// blank (an embedded newline). Blank lines are counted and skipped. A physical line longer than the limit is
/// cut into pieces, each returned with <see cref="LogicalLine.Piece"/> set, so that nothing is lost.
/// Joins are done in place in the read buffer, so unwrapped lines are never copied.
/// </summary>
public sealed class LogicalLineReader : IDisposable
{
    /// <summary>Default limit for one logical line.</summary>
    public const int DefaultMaxLineBytes = 4 * 1024 * 1024;

    private const int ReadSize = 256 * 1024;

    private readonly Stream _stream;
    private readonly bool _leaveOpen;
    private readonly int _maxLine;
    private byte[] _buf;
    private byte[]? _spare;      // the look-ahead's second buffer (see PeekAhead)
    private long _bufBase;       // stream offset of _buf[0] (of the unread bytes: _bufBase + _scan is where they start)
    private int _dataEnd;        // valid bytes in _buf
    private int _scan;           // start of the next unread physical line
    private bool _eof;

    // The logical line being assembled (it cannot be returned until the next physical line is seen).
    private int _pendStart = -1;
    private int _pendLength;
    private long _pendOffset;
    private long _pendLineNumber;
    private int _pendPhysical;
    private int _pendPiece;

    private long _lineNumber;    // physical lines consumed
    private int _nextPiece;      // > 0 while cutting an over-long physical line

    /// <summary>Reads from <paramref name="stream"/>.</summary>
    public LogicalLineReader(Stream stream, int maxLineBytes = DefaultMaxLineBytes, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        _stream = stream;
        _leaveOpen = leaveOpen;
        _maxLine = maxLineBytes;
        _buf = new byte[Math.Min(ReadSize * 2, maxLineBytes + ReadSize)];
    }

    /// <summary>Physical lines read so far (including blank ones and wrapped tails).</summary>
    public long PhysicalLines => _lineNumber;

    /// <summary>Blank physical lines skipped.</summary>
    public long BlankLines { get; private set; }

    /// <summary>Logical lines returned.</summary>
    public long LogicalLines { get; private set; }

    /// <summary>Physical lines that continued a previous line.</summary>
    public long WrappedLines { get; private set; }

    /// <summary>Memory held by the read buffers (for tests of bounded memory).</summary>
    internal int BufferBytes => _buf.Length + (_spare?.Length ?? 0);

    /// <summary>Bytes consumed from the stream.</summary>
    public long BytesRead => _bufBase + _scan;

    /// <summary>
    /// The lines after the one just returned, as raw bytes (the next line, already read to see whether it continues
    /// the returned one, comes first), reading more first if fewer than <paramref name="atLeast"/> bytes are buffered
    /// (and the stream has more). Does not consume them.
    /// </summary>
    public ReadOnlySpan<byte> PeekAhead(int atLeast)
    {
        while (_dataEnd - _scan < atLeast && !_eof)
        {
            // Never move bytes within this buffer: the caller may still hold the line just returned. Move what is
            // still needed into the spare buffer instead, and swap; the caller's span stays valid in the old one.
            if (_buf.Length - _dataEnd < ReadSize / 4)
            {
                int live = (_pendStart >= 0 ? _pendLength + 1 : 0) + _dataEnd - _scan;
                if (_spare is null || _spare.Length < live + ReadSize) _spare = new byte[Math.Max(_buf.Length, live + ReadSize * 2)];
                Compact(_spare);
                (_buf, _spare) = (_spare, _buf);
            }
            int n = _stream.Read(_buf, _dataEnd, _buf.Length - _dataEnd);
            if (n <= 0) _eof = true;
            else _dataEnd += n;
        }
        int from = _pendStart >= 0 ? _pendStart : _scan;
        return _buf.AsSpan(from, _dataEnd - from);
    }

    /// <summary>
    /// Copies what is still needed to the start of <paramref name="target"/> (this buffer or the spare): the pending
    /// line, then the unread bytes. Whatever lay between them (terminators, blank lines, the leftovers of joined
    /// tails) is dropped, so a run of blank lines cannot grow the buffer; one newline stands in for it, so that
    /// <see cref="PeekAhead"/> still sees the pending line as a line of its own. (A piece of an over-long line has
    /// nothing between it and the unread bytes, and gets no newline.)
    /// </summary>
    private void Compact(byte[] target)
    {
        int at = 0;
        if (_pendStart >= 0)
        {
            bool gap = _scan > _pendStart + _pendLength;
            Buffer.BlockCopy(_buf, _pendStart, target, 0, _pendLength);
            _pendStart = 0;
            at = _pendLength;
            if (gap) target[at++] = (byte)'\n'; // in place, this byte lies in the gap, before the unread bytes
        }
        int unread = _dataEnd - _scan;
        Buffer.BlockCopy(_buf, _scan, target, at, unread);
        _bufBase += _scan - at;
        _scan = at;
        _dataEnd = at + unread;
    }

    /// <summary>Reads the next logical line; false at the end of the stream.</summary>
    public bool TryRead(out LogicalLine line)
    {
        while (true)
        {
            if (!NextPhysical(out int start, out int length, out int piece))
            {
                if (_pendStart >= 0) return Emit(out line);
                line = default;
                return false;
            }
            if (length == 0 && piece == 0)
            {
                BlankLines++;
                continue;
            }
            var text = _buf.AsSpan(start, length);
            if (_pendStart < 0)
            {
                Pend(start, length, piece);
                continue;
            }
            // A piece of an over-long line, a new prefix, or a tail that would overflow: the pending line is done.
            bool continues = piece <= 1 && _pendPiece == 0 && !MailLogParser.IsLineStart(text)
                             && _pendLength + 1 + length <= _maxLine;
            if (!continues)
            {
                bool result = Emit(out line);
                Pend(start, length, piece);
                return result;
            }
            Join(start, length);
        }
    }

    private void Pend(int start, int length, int piece)
    {
        _pendStart = start;
        _pendLength = length;
        _pendOffset = _bufBase + start;
        _pendLineNumber = _lineNumber;
        _pendPhysical = 1;
        _pendPiece = piece;
    }

    private bool Emit(out LogicalLine line)
    {
        line = new LogicalLine(_buf.AsSpan(_pendStart, _pendLength), _pendLineNumber, _pendPhysical,
            _pendOffset, _pendPiece);
        _pendStart = -1;
        LogicalLines++;
        return true;
    }

    /// <summary>Appends a wrapped tail to the pending line in place (the tail always lies after it in the buffer).</summary>
    private void Join(int start, int length)
    {
        int at = _pendStart + _pendLength;
        byte first = _buf[start];
        bool embedded = first == (byte)' ' || first == (byte)'\t';
        if (!embedded) _buf[at++] = (byte)' ';
        if (at != start) Buffer.BlockCopy(_buf, start, _buf, at, length);
        _pendLength = at + length - _pendStart;
        _pendPhysical++;
        WrappedLines++;
    }

    /// <summary>
    /// The next physical line in the buffer (terminator stripped), reading more when needed. A line ends at
    /// <c>\n</c>, <c>\r\n</c> or a lone <c>\r</c> (old Mac files), in any mix; a <c>\r</c> that ends the buffered
    /// bytes waits for the next read to tell a <c>\r\n</c> from a lone <c>\r</c>.
    /// </summary>
    private bool NextPhysical(out int start, out int length, out int piece)
    {
        while (true)
        {
            int avail = _dataEnd - _scan;
            int end = avail > 0 ? _buf.AsSpan(_scan, avail).IndexOfAny((byte)'\n', (byte)'\r') : -1;
            int terminator = 0;
            if (end >= 0)
            {
                if (_buf[_scan + end] == (byte)'\n') terminator = 1;
                else if (_scan + end + 1 < _dataEnd) terminator = _buf[_scan + end + 1] == (byte)'\n' ? 2 : 1;
                else if (_eof) terminator = 1;
                // else: a CR at the end of what is buffered; read on (unless the line is already too long).
            }
            if (terminator > 0 && end <= _maxLine)
            {
                start = _scan;
                length = end;
                _scan += end + terminator;
                piece = _nextPiece > 0 ? _nextPiece + 1 : 0;
                _nextPiece = 0;
                _lineNumber += piece <= 1 ? 1 : 0;
                return true;
            }
            if ((end < 0 || terminator == 0) && avail > _maxLine || end > _maxLine)
            {
                // Over-long physical line: hand out a piece of it; the next piece continues its numbering.
                start = _scan;
                length = _maxLine;
                _scan += _maxLine;
                _nextPiece++;
                piece = _nextPiece;
                if (piece == 1) _lineNumber++;
                return true;
            }
            if (_eof)
            {
                if (avail == 0) { start = length = piece = 0; return false; }
                start = _scan;
                length = avail;
                _scan = _dataEnd;
                piece = _nextPiece > 0 ? _nextPiece + 1 : 0;
                _nextPiece = 0;
                _lineNumber += piece <= 1 ? 1 : 0;
                return true;
            }
            Fill();
        }
    }

    private void Fill()
    {
        Compact(_buf);
        if (_buf.Length - _dataEnd < ReadSize / 4)
            Array.Resize(ref _buf, _buf.Length * 2);
        int n = _stream.Read(_buf, _dataEnd, _buf.Length - _dataEnd);
        if (n <= 0) _eof = true;
        else _dataEnd += n;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (!_leaveOpen) _stream.Dispose();
    }
}
