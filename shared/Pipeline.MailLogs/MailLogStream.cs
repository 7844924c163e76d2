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
            if (FindOffsetHeader(ahead) is { } seconds && seconds != Context.UtcOffsetSeconds)
            {
                Context.SetHeaderOffset(seconds);
                MailLogParser.Parse(line.Text, Context, ref e);
            }
        }
        return true;
    }

    /// <summary>The N of the first <c>Time offset from UTC: N seconds</c> among the next few lines, or null.</summary>
    private static int? FindOffsetHeader(ReadOnlySpan<byte> ahead)
    {
        int lines = 0;
        while (ahead.Length > 0 && lines++ < 8)
        {
            int nl = ahead.IndexOf((byte)'\n');
            var line = nl < 0 ? ahead : ahead[..nl];
            int at = line.IndexOf("Time offset from UTC: "u8);
            if (at >= 0)
            {
                var num = line[(at + 22)..];
                bool neg = num.Length > 0 && num[0] == (byte)'-';
                if (neg) num = num[1..];
                int i = 0;
                long v = 0;
                while (i < num.Length && i < 6 && (uint)(num[i] - '0') <= 9) v = v * 10 + (num[i++] - '0');
                if (i > 0 && v <= 18 * 3600) return (int)(neg ? -v : v);
                return null;
            }
            // Stop at the first line that is not a header: the offset belongs to this file's header block only.
            if (line.IndexOf("Begin Logfile"u8) < 0 && line.IndexOf("Version: "u8) < 0 && line.IndexOf("Logfile rolled over"u8) < 0
                && line.IndexOf("End Logfile"u8) < 0) return null;
            if (nl < 0) break;
            ahead = ahead[(nl + 1)..];
        }
        return null;
    }

    /// <inheritdoc />
    public void Dispose() => _reader.Dispose();
}
