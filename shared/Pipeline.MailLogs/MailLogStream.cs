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
            e = LogEvent.Empty;
            e.Body = new TextRange(0, line.Text.Length);
            e.UnparsedReason = UnparsedReasons.LineTooLong;
            return true;
        }
        MailLogParser.Parse(line.Text, Context, ref e);
        return true;
    }

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();
}
