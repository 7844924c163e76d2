namespace Pipeline.MailLogs;

/// <summary>
/// Parses one logical mail_logs line into a <see cref="LogEvent"/>. Never throws on input and allocates nothing
/// for the common line types. A line of unknown family that names an id becomes a generic note
/// (<see cref="LineTypes.IsNote"/>) that keeps its ids; anything else it cannot classify comes back as
/// <see cref="LineType.Unparsed"/> with a reason, and the raw line stays with the caller.
/// </summary>
public static class MailLogParser
{
    /// <summary>Parses <paramref name="line"/> (one logical line, without its newline) into <paramref name="e"/>.</summary>
    /// <param name="line">The logical line (wrapped tails already joined).</param>
    /// <param name="context">The stream's context; header lines update it.</param>
    /// <param name="e">Filled in place.</param>
    /// <returns>The line type (also in <see cref="LogEvent.Type"/>).</returns>
    public static LineType Parse(ReadOnlySpan<byte> line, ParseContext context, ref LogEvent e)
    {
        e.Reset();
        int body = Envelope.Parse(line, context, ref e);
        if (body < 0)
        {
            e.Envelope = EnvelopeKind.None;
            e.Body = new TextRange(0, line.Length);
            return Unparsed(ref e, UnparsedReasons.NoEnvelope);
        }
        if (e.UtcTicks == 0) return Unparsed(ref e, UnparsedReasons.BadTimestamp);

        var c = new Cursor(line, body);
        c.SkipBlanks(); // "Info:  File reputation query ...": some lines carry more than one blank after the level
        var result = BodyParser.Parse(ref c, context, ref e);
        if (result == BodyParser.Result.Unknown)
        {
            KeepEnvelopeOnly(ref e);
            return IdNotes.TryNote(line, body, ref e) ? e.Type : Unparsed(ref e, UnparsedReasons.UnknownLineType);
        }
        if (result == BodyParser.Result.Malformed) return Unparsed(ref e, UnparsedReasons.MalformedFields);
        return e.Type;
    }

    /// <summary>Convenience overload for strings (tests, tools); encodes to UTF-8 first.</summary>
    public static LogEvent Parse(string line, ParseContext? context = null) => Parse(line, context, out _);

    /// <summary>Parses a string; returns the event and the UTF-8 bytes its ranges refer to.</summary>
    public static LogEvent Parse(string line, ParseContext? context, out byte[] utf8)
    {
        utf8 = System.Text.Encoding.UTF8.GetBytes(line);
        var e = LogEvent.Empty;
        Parse(utf8, context ?? new ParseContext(), ref e);
        return e;
    }

    /// <summary>True when a physical line starts a new logical line (otherwise it continues the previous one).</summary>
    public static bool IsLineStart(ReadOnlySpan<byte> physicalLine) => Envelope.IsLineStart(physicalLine);

    private static LineType Unparsed(ref LogEvent e, string reason)
    {
        KeepEnvelopeOnly(ref e);
        e.Type = LineType.Unparsed;
        e.UnparsedReason = reason;
        return LineType.Unparsed;
    }

    /// <summary>Keeps the envelope facts (time, host, body) but no half-read fields: they would be misleading.</summary>
    private static void KeepEnvelopeOnly(ref LogEvent e)
    {
        var (envelope, level, utc, local, host, tag, body) = (e.Envelope, e.Level, e.UtcTicks, e.LocalTicks, e.Host, e.Tag, e.Body);
        e.Reset();
        (e.Envelope, e.Level, e.UtcTicks, e.LocalTicks, e.Host, e.Tag, e.Body) = (envelope, level, utc, local, host, tag, body);
    }
}
