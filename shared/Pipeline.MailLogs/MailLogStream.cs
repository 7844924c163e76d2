namespace Pipeline.MailLogs;

/// <summary>
/// Reads and parses one mail_logs stream (a file, stdin, a syslog source): logical lines from
/// <see cref="LogicalLineReader"/>, events from <see cref="MailLogParser"/>, with the stream's own
/// <see cref="ParseContext"/>. Pieces of an over-long line after the first become <see cref="LineType.Unparsed"/>.
/// </summary>
public sealed class MailLogStream : IDisposable
{
    private readonly LogicalLineReader _reader;

    /// <summary>Reads <paramref name="stream"/> with <paramref name="context"/>.</summary>
    public MailLogStream(Stream stream, ParseContext context, int maxLineBytes = LogicalLineReader.DefaultMaxLineBytes, bool leaveOpen = false)
    {
        _reader = new LogicalLineReader(stream, maxLineBytes, leaveOpen);
        Context = context;
    }

    /// <summary>The stream's parse context (time offset, year reference, identity).</summary>
    public ParseContext Context { get; }

    /// <summary>Line counters of the underlying reader.</summary>
    public LogicalLineReader Reader => _reader;

    /// <summary>Reads and parses the next logical line; false at the end.</summary>
    public bool TryRead(out LogicalLine line, ref LogEvent e)
    {
        if (!_reader.TryRead(out line)) return false;
        if (line.Piece >= 2)
        {
            e.Reset();
            e.Body = new TextRange(0, line.Text.Length);
            e.UnparsedReason = UnparsedReasons.LineTooLong;
            return true;
        }
        MailLogParser.Parse(line.Text, Context, ref e);
        // A file starts with "Begin Logfile" and "Version:" before "Time offset from UTC:": look ahead for the
        // offset so that the header lines are in UTC too, not just the lines after them.
        if (e.Type == LineType.LogfileBegin)
        {
            var ahead = _reader.PeekAhead(4096);
            if (ahead.Length > 4096) ahead = ahead[..4096];
            if (FindOffsetHeader(ahead, Context.ReferenceTimeUtc) is { } seconds && seconds != Context.UtcOffsetSeconds)
            {
                Context.SetHeaderOffset(seconds);
                MailLogParser.Parse(line.Text, Context, ref e);
            }
        }
        return true;
    }

    /// <summary>
    /// The offset of the <c>Time offset from UTC</c> line among the header lines that follow (<c>Version:</c>,
    /// <c>Logfile rolled over</c>...), or null when a line of another kind comes first. The lines are read by the
    /// parser itself (in a scratch context), so the look-ahead and the header line agree on what they accept.
    /// </summary>
    private static int? FindOffsetHeader(ReadOnlySpan<byte> ahead, DateTime referenceTimeUtc)
    {
        var scratch = new ParseContext(referenceTimeUtc: referenceTimeUtc);
        var e = LogEvent.Empty;
        for (int lines = 0; ahead.Length > 0 && lines < 8; lines++)
        {
            int nl = ahead.IndexOfAny((byte)'\n', (byte)'\r');
            var line = nl < 0 ? ahead : ahead[..nl];
            int next = nl < 0 ? ahead.Length : nl + (ahead[nl] == (byte)'\r' && nl + 1 < ahead.Length && ahead[nl + 1] == (byte)'\n' ? 2 : 1);
            ahead = ahead[next..];
            if (line.IsEmpty) continue;
            switch (MailLogParser.Parse(line, scratch, ref e))
            {
                case LineType.TimeOffset: return e.UtcOffsetSeconds;
                case LineType.LogfileBegin or LineType.ApplianceVersion or LineType.LogfileRolledOver or LineType.LogfileEnd: continue;
                default: return null; // the offset belongs to this file's header block only
            }
        }
        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();
}
