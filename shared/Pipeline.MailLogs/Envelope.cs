using System.Runtime.CompilerServices;

namespace Pipeline.MailLogs;

/// <summary>
/// Reads the prefix of a line (docs/logformat.md, "Envelopes"): the appliance's file format
/// (<c>Wed Nov 19 09:16:38 2014 Info: </c>), RFC 3164 syslog (optional <c>&lt;PRI&gt;</c>, a space after it, year,
/// weekday and host; any tag), RFC 5424 syslog, the appliance's own line nested in a relay's syslog envelope (the inner
/// time is the event time), a relay's year-first layout, and a file-format line whose first characters were cut off.
/// Fills time, level, host, tag and body.
/// </summary>
internal static class Envelope
{
    /// <summary>How far into a line a level marker or a time still marks a record start (docs/logformat.md, "Folding").</summary>
    private const int RecordStartWindow = 96;

    /// <summary>How far after the host a relay's own fields may reach before the level (<c>mail [info] tag:nopid Info:</c>).</summary>
    private const int RelayFieldsWindow = 64;

    /// <summary>A time read from a line (positions into the line; <see cref="Stamp.Year"/> 0 when the stamp has none).</summary>
    private struct Stamp
    {
        public int Start, End, Year, Month, Day, Hour, Minute, Second;
        public bool Weekday;
    }

    /// <summary>
    /// The folding rule of the line reader: does this physical line start a record of its own? True for every
    /// envelope the parser reads and for any line with a level marker (<c>Info:</c>...) or a time near its start;
    /// only a line with neither is a wrapped tail of the line before it.
    /// </summary>
    public static bool IsLineStart(ReadOnlySpan<byte> line)
    {
        int p = 0;
        if (line.Length > 0 && line[0] == (byte)'<')
        {
            if (SkipPri(line, ref p))
            {
                if (p + 1 < line.Length && line[p] == (byte)'1' && line[p + 1] == (byte)' ') return true; // RFC 5424
                if (p < line.Length && line[p] == (byte)' ') p++;
            }
            else p = 0;
        }
        if (TryReadStamp(line, p, out _)) return true;
        return HasRecordMarker(line);
    }

    /// <summary>A level marker (<c>Info:</c> at the start or after a blank) or a time form within the first bytes.</summary>
    private static bool HasRecordMarker(ReadOnlySpan<byte> line)
    {
        var head = line.Length > RecordStartWindow ? line[..RecordStartWindow] : line;
        for (int at = head.IndexOf((byte)':'); at >= 0;)
        {
            int start = at;
            while (start > 0 && IsLetter(head[start - 1])) start--;
            if ((start == 0 || head[start - 1] == (byte)' ') && LevelAt(line, start) != MailLogLevel.Unknown) return true;
            int next = head[(at + 1)..].IndexOf((byte)':');
            at = next < 0 ? -1 : at + 1 + next;
        }
        for (int i = 0; i + 15 <= head.Length; i++)
        {
            if ((i == 0 || head[i - 1] == (byte)' ' || head[i - 1] == (byte)'>') && Month(line, i, out _)
                && ReadDayTime(line, i + 3, out _, out _, out _, out _, out _)) return true;
            if (IsIsoTime(head, i)) return true;
        }
        return false;
    }

    private static bool IsIsoTime(ReadOnlySpan<byte> s, int p) =>
        p + 19 <= s.Length && s[p + 4] == (byte)'-' && s[p + 7] == (byte)'-' && (s[p + 10] == (byte)'T' || s[p + 10] == (byte)'t')
        && s[p + 13] == (byte)':' && s[p + 16] == (byte)':' && Two(s, p, out _) && Two(s, p + 2, out _) && Two(s, p + 11, out _);

    private static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    /// <summary>Parses the envelope into <paramref name="e"/>; returns the position of the body, or -1.</summary>
    public static int Parse(ReadOnlySpan<byte> line, ParseContext ctx, ref LogEvent e)
    {
        int p = 0;
        bool hasPri = false;
        if (line.Length > 0 && line[0] == (byte)'<')
        {
            if (!SkipPri(line, ref p)) return -1;
            hasPri = true;
            if (p + 1 < line.Length && line[p] == (byte)'1' && line[p + 1] == (byte)' ')
                return Parse5424(line, p + 2, ctx, ref e);
            if (p < line.Length && line[p] == (byte)' ') p++; // "<111> Dec  1 ...": a relay's space after the priority
        }

        EnvelopeKind kind;
        if (TryReadStamp(line, p, out var stamp))
            kind = stamp.Weekday && stamp.Year > 0 && !hasPri ? EnvelopeKind.File : EnvelopeKind.Syslog3164;
        else if (!hasPri && TryReadYearFirst(line, out stamp)) kind = EnvelopeKind.Relay;
        else if (!hasPri && TryReadCutWeekday(line, out stamp)) kind = EnvelopeKind.Truncated;
        else return -1;

        e.Envelope = kind;
        int body = AfterStamp(line, SkipSpaces(line, stamp.End), kind, ref stamp, ref e);
        SetTime(line[stamp.Start..stamp.End], stamp, ctx, ref e);
        return body;
    }

    /// <summary>
    /// What follows the time: the level; or a host and a tag, then the level; or the appliance's own line nested in a
    /// relay's envelope (its time replaces the relay's: it is the event time); or a relay's own fields before the level.
    /// </summary>
    private static int AfterStamp(ReadOnlySpan<byte> line, int p, EnvelopeKind kind, ref Stamp stamp, ref LogEvent e)
    {
        bool nested = false;
        while (true)
        {
            if (LevelAt(line, p) != MailLogLevel.Unknown) return Level(line, p, ref e);
            if (!nested && TryReadStamp(line, p, out var inner))
            {
                // "... mail_logs: Mon Aug 10 10:00:24 2020 Info: ...": the appliance's file-format line inside syslog.
                nested = true;
                stamp = inner;
                p = SkipSpaces(line, inner.End);
                kind = inner.Weekday && inner.Year > 0 ? EnvelopeKind.File : EnvelopeKind.Syslog3164;
                continue;
            }
            int q = HostAndTag(line, p, requireLevel: kind is EnvelopeKind.File or EnvelopeKind.Truncated, ref e);
            if (LevelAt(line, q) != MailLogLevel.Unknown) return Level(line, q, ref e);
            if (!nested && q > p && TryReadStamp(line, q, out inner))
            {
                // "... app: Aug  2 23:59:52 10.0.1.1 MAIL_SecurityAudit: Info: ...": a syslog line inside a relay's.
                nested = true;
                stamp = inner;
                p = SkipSpaces(line, inner.End);
                kind = inner.Weekday && inner.Year > 0 ? EnvelopeKind.File : EnvelopeKind.Syslog3164;
                continue;
            }
            if (kind != EnvelopeKind.File && e.Host.HasValue && RelayFields(line, q, ref e) is var level and >= 0)
                return Level(line, level, ref e);
            return Level(line, q, ref e);
        }
    }

    /// <summary>
    /// A relay's own fields between the host and the level (<c>mail [info] splunk_maillogs:nopid Info:</c>): the
    /// position of the level if one follows within a few words, its last word before the level taken as the tag.
    /// </summary>
    private static int RelayFields(ReadOnlySpan<byte> line, int p, ref LogEvent e)
    {
        int limit = Math.Min(line.Length, p + RelayFieldsWindow);
        for (int q = p; q < limit; q++)
        {
            if (line[q] != (byte)' ' || LevelAt(line, q + 1) == MailLogLevel.Unknown) continue;
            int tagEnd = q;
            while (tagEnd > p && line[tagEnd - 1] == (byte)' ') tagEnd--;
            int tagStart = tagEnd;
            while (tagStart > p && line[tagStart - 1] != (byte)' ') tagStart--;
            if (tagEnd > tagStart && line[tagEnd - 1] == (byte)':') tagEnd--;
            if (tagEnd > tagStart) e.Tag = new TextRange(tagStart, tagEnd - tagStart);
            return q + 1;
        }
        return -1;
    }

    private static int SkipSpaces(ReadOnlySpan<byte> line, int p)
    {
        while (p < line.Length && line[p] == (byte)' ') p++;
        return p;
    }

    /// <summary>
    /// A time at <paramref name="p"/>: an optional weekday, the month, the day (space-padded or not), <c>HH:MM:SS</c>
    /// and an optional year. No side effects: the caller decides which of several stamps is the event time.
    /// </summary>
    private static bool TryReadStamp(ReadOnlySpan<byte> line, int p, out Stamp stamp)
    {
        stamp = default;
        stamp.Start = p;
        if (Weekday(line, p))
        {
            stamp.Weekday = true;
            p += 4;
        }
        if (!Month(line, p, out stamp.Month)) return false;
        if (!ReadDayTime(line, p + 3, out stamp.Day, out stamp.Hour, out stamp.Minute, out stamp.Second, out p)) return false;
        if (p + 4 <= line.Length && Cursor.IsDigit(line[p]) && Cursor.IsDigit(line[p + 1]) && Cursor.IsDigit(line[p + 2])
            && Cursor.IsDigit(line[p + 3]) && (p + 4 == line.Length || line[p + 4] == (byte)' '))
        {
            stamp.Year = FourDigits(line, p);
            p += 4;
        }
        stamp.End = p;
        return true;
    }

    private static int FourDigits(ReadOnlySpan<byte> s, int p) =>
        (s[p] - '0') * 1000 + (s[p + 1] - '0') * 100 + (s[p + 2] - '0') * 10 + (s[p + 3] - '0');

    /// <summary>A relay's year-first time: <c>2019 Sep 28 16:13:51</c>.</summary>
    private static bool TryReadYearFirst(ReadOnlySpan<byte> line, out Stamp stamp)
    {
        stamp = default;
        if (line.Length < 25 || line[4] != (byte)' ' || !Cursor.IsDigit(line[0]) || !Cursor.IsDigit(line[1])
            || !Cursor.IsDigit(line[2]) || !Cursor.IsDigit(line[3])) return false;
        if (!TryReadStamp(line, 5, out stamp) || stamp.Weekday || stamp.Year != 0) return false;
        stamp.Year = FourDigits(line, 0);
        stamp.Start = 0;
        return true;
    }

    /// <summary>A file-format line whose weekday was cut: 1-3 letters, a space, then <c>Sep  8 10:11:12 2023</c>.</summary>
    private static bool TryReadCutWeekday(ReadOnlySpan<byte> line, out Stamp stamp)
    {
        stamp = default;
        int p = 0;
        while (p < line.Length && p < 3 && IsLetter(line[p])) p++;
        if (p == 0 || p >= line.Length || line[p] != (byte)' ') return false;
        return TryReadStamp(line, p + 1, out stamp) && !stamp.Weekday && stamp.Year > 0;
    }

    private static int Parse5424(ReadOnlySpan<byte> line, int p, ParseContext ctx, ref LogEvent e)
    {
        e.Envelope = EnvelopeKind.Syslog5424;
        var c = new Cursor(line, p);
        if (!c.Token(out var stamp)) return -1;
        if (!ParseIsoTime(stamp.Of(line), out long local, out long utc)) return -1;
        e.LocalTicks = local;
        e.UtcTicks = utc;
        c.SkipBlanks();
        if (!c.Token(out var host)) return -1;
        if (!IsNil(line, host)) e.Host = host;
        c.SkipBlanks();
        if (!c.Token(out var app)) return -1;
        if (!IsNil(line, app)) e.Tag = app;
        c.SkipBlanks();
        if (!c.Token(out _)) return -1; // procid
        c.SkipBlanks();
        if (!c.Token(out _)) return -1; // msgid
        c.SkipBlanks();
        // Structured data: "-" or one or more [id k="v" ...] elements; ']' may be escaped inside values.
        if (c.Pos < line.Length && line[c.Pos] == (byte)'[')
        {
            int q = c.Pos;
            while (q < line.Length && line[q] == (byte)'[')
            {
                q++;
                bool inQuotes = false;
                while (q < line.Length)
                {
                    byte b = line[q];
                    if (b == (byte)'\\') { q += 2; continue; }
                    if (b == (byte)'"') inQuotes = !inQuotes;
                    else if (b == (byte)']' && !inQuotes) break;
                    q++;
                }
                q++;
            }
            c.Pos = Math.Min(q, line.Length);
        }
        else if (!c.Lit("-"u8)) return -1;
        c.SkipBlanks();
        c.Lit([0xEF, 0xBB, 0xBF]); // BOM before a UTF-8 MSG
        int body = c.Pos;
        // The MSG may repeat the subscription tag ("mail_logs: Info: ...").
        int afterTag = SkipTag(line, body);
        if (afterTag > 0 && LevelAt(line, afterTag) != MailLogLevel.Unknown)
        {
            if (!e.Tag.HasValue) e.Tag = new TextRange(body, IndexOfColon(line, body) - body);
            body = afterTag;
        }
        return Level(line, body, ref e);
    }

    private static bool IsNil(ReadOnlySpan<byte> line, TextRange r) => r.Length == 1 && line[r.Start] == (byte)'-';

    private static int IndexOfColon(ReadOnlySpan<byte> line, int from)
    {
        int i = line[from..].IndexOf((byte)':');
        return i < 0 ? line.Length : from + i;
    }

    /// <summary>If a <c>tag: </c> starts at <paramref name="p"/>, the position after it; else -1.</summary>
    private static int SkipTag(ReadOnlySpan<byte> line, int p)
    {
        int q = p;
        while (q < line.Length && line[q] != (byte)' ' && line[q] != (byte)':') q++;
        if (q == p || q >= line.Length || line[q] != (byte)':') return -1;
        q++;
        if (q < line.Length && line[q] != (byte)' ') return -1;
        while (q < line.Length && line[q] == (byte)' ') q++;
        return q;
    }

    /// <summary>
    /// After the time come an optional host and a tag ending in ':' (or directly the level). With
    /// <paramref name="requireLevel"/> (the file format, which has neither) they are taken only when the level follows.
    /// </summary>
    private static int HostAndTag(ReadOnlySpan<byte> line, int p, bool requireLevel, ref LogEvent e)
    {
        if (LevelAt(line, p) != MailLogLevel.Unknown) return p;
        int afterTag = SkipTag(line, p);
        if (afterTag > 0)
        {
            if (requireLevel && LevelAt(line, afterTag) == MailLogLevel.Unknown) return p;
            e.Tag = new TextRange(p, IndexOfColon(line, p) - p);
            return afterTag;
        }
        // A host first.
        int q = p;
        while (q < line.Length && line[q] != (byte)' ') q++;
        if (q == p) return p;
        var host = new TextRange(p, q - p);
        q = SkipSpaces(line, q);
        if (LevelAt(line, q) != MailLogLevel.Unknown)
        {
            e.Host = host;
            return q;
        }
        afterTag = SkipTag(line, q);
        if (afterTag > 0 && (!requireLevel || LevelAt(line, afterTag) != MailLogLevel.Unknown))
        {
            e.Host = host;
            e.Tag = new TextRange(q, IndexOfColon(line, q) - q);
            return afterTag;
        }
        if (requireLevel) return p;
        e.Host = host;
        return q;
    }

    /// <summary>Reads <c>Level: </c> at <paramref name="p"/> if present; sets the body range; returns the body start.</summary>
    private static int Level(ReadOnlySpan<byte> line, int p, ref LogEvent e)
    {
        var level = LevelAt(line, p);
        if (level != MailLogLevel.Unknown)
        {
            e.Level = level;
            p = IndexOfColon(line, p) + 1;
            if (p < line.Length && line[p] == (byte)' ') p++;
        }
        e.Body = new TextRange(p, line.Length - p);
        return p;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static MailLogLevel LevelAt(ReadOnlySpan<byte> line, int p)
    {
        if (p >= line.Length) return MailLogLevel.Unknown;
        var s = line[p..];
        switch (s[0])
        {
            case (byte)'I': return s.StartsWith("Info:"u8) ? MailLogLevel.Info : MailLogLevel.Unknown;
            case (byte)'W': return s.StartsWith("Warning:"u8) ? MailLogLevel.Warning : MailLogLevel.Unknown;
            case (byte)'C': return s.StartsWith("Critical:"u8) ? MailLogLevel.Critical : MailLogLevel.Unknown;
            case (byte)'D': return s.StartsWith("Debug:"u8) ? MailLogLevel.Debug : MailLogLevel.Unknown;
            case (byte)'T': return s.StartsWith("Trace:"u8) ? MailLogLevel.Trace : MailLogLevel.Unknown;
            default: return MailLogLevel.Unknown;
        }
    }

    private static bool SkipPri(ReadOnlySpan<byte> line, ref int p)
    {
        int q = 1;
        while (q < line.Length && q <= 4 && Cursor.IsDigit(line[q])) q++;
        if (q == 1 || q >= line.Length || line[q] != (byte)'>') return false;
        p = q + 1;
        return true;
    }

    private static bool Weekday(ReadOnlySpan<byte> s, int p)
    {
        if (p + 4 > s.Length || s[p + 3] != (byte)' ') return false;
        int key = s[p] << 16 | s[p + 1] << 8 | s[p + 2];
        return key switch
        {
            'M' << 16 | 'o' << 8 | 'n' or 'T' << 16 | 'u' << 8 | 'e' or 'W' << 16 | 'e' << 8 | 'd'
                or 'T' << 16 | 'h' << 8 | 'u' or 'F' << 16 | 'r' << 8 | 'i' or 'S' << 16 | 'a' << 8 | 't'
                or 'S' << 16 | 'u' << 8 | 'n' => true,
            _ => false,
        };
    }

    private static bool Month(ReadOnlySpan<byte> s, int p, out int month)
    {
        month = 0;
        if (p + 4 > s.Length || s[p + 3] != (byte)' ') return false;
        int key = s[p] << 16 | s[p + 1] << 8 | s[p + 2];
        month = key switch
        {
            'J' << 16 | 'a' << 8 | 'n' => 1, 'F' << 16 | 'e' << 8 | 'b' => 2, 'M' << 16 | 'a' << 8 | 'r' => 3,
            'A' << 16 | 'p' << 8 | 'r' => 4, 'M' << 16 | 'a' << 8 | 'y' => 5, 'J' << 16 | 'u' << 8 | 'n' => 6,
            'J' << 16 | 'u' << 8 | 'l' => 7, 'A' << 16 | 'u' << 8 | 'g' => 8, 'S' << 16 | 'e' << 8 | 'p' => 9,
            'O' << 16 | 'c' << 8 | 't' => 10, 'N' << 16 | 'o' << 8 | 'v' => 11, 'D' << 16 | 'e' << 8 | 'c' => 12,
            _ => 0,
        };
        return month != 0;
    }

    /// <summary>At <paramref name="p"/> (just after the month): <c> d</c> or <c>  d</c> or <c> dd</c>, then <c> HH:MM:SS </c>.</summary>
    private static bool ReadDayTime(ReadOnlySpan<byte> s, int p, out int day, out int h, out int mi, out int sec, out int end)
    {
        day = h = mi = sec = 0;
        end = p;
        // Space-padded day ("Sep  6"); copies often collapse it to one space.
        if (p >= s.Length || s[p] != (byte)' ') return false;
        p++;
        if (p < s.Length && s[p] == (byte)' ') p++;
        if (p >= s.Length || !Cursor.IsDigit(s[p])) return false;
        day = s[p++] - '0';
        if (p < s.Length && Cursor.IsDigit(s[p])) day = day * 10 + (s[p++] - '0');
        if (p + 10 > s.Length || s[p] != (byte)' ' || s[p + 3] != (byte)':' || s[p + 6] != (byte)':' || s[p + 9] != (byte)' ') return false;
        if (!Two(s, p + 1, out h) || !Two(s, p + 4, out mi) || !Two(s, p + 7, out sec)) return false;
        end = p + 10;
        return true;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Two(ReadOnlySpan<byte> s, int p, out int v)
    {
        uint a = (uint)(s[p] - '0'), b = (uint)(s[p + 1] - '0');
        v = (int)(a * 10 + b);
        return a <= 9 && b <= 9;
    }

    private static void SetTime(ReadOnlySpan<byte> text, in Stamp stamp, ParseContext ctx, ref LogEvent e)
    {
        // Consecutive lines usually carry the same second: reuse the last conversion. A year-less stamp equal to
        // the last one is in the same month, so the stream's year inference would give the same year again.
        if (text.Length == ctx.CachedStampLength && text.SequenceEqual(ctx.CachedStamp.AsSpan(0, text.Length)))
        {
            e.LocalTicks = ctx.CachedLocalTicks;
            e.UtcTicks = ctx.CachedUtcTicks;
            return;
        }
        int year = stamp.Year != 0 ? stamp.Year : ctx.InferYear(stamp.Month, stamp.Day);
        if (!TryTicks(year, stamp.Month, stamp.Day, stamp.Hour, stamp.Minute, stamp.Second, out long local)) { e.LocalTicks = e.UtcTicks = 0; return; }
        long utc = local - ctx.UtcOffsetSeconds * TimeSpan.TicksPerSecond;
        if (!IsUtcInRange(utc)) { e.LocalTicks = e.UtcTicks = 0; return; }
        e.LocalTicks = local;
        e.UtcTicks = utc;
        if (text.Length <= ctx.CachedStamp.Length)
        {
            text.CopyTo(ctx.CachedStamp);
            ctx.CachedStampLength = text.Length;
            ctx.CachedLocalTicks = local;
            ctx.CachedUtcTicks = utc;
        }
    }

    /// <summary>
    /// True when UTC ticks are a time <see cref="DateTime"/> can hold: a local time near year 1 or 9999 can leave
    /// that range once its offset is applied, and the writers could not format it.
    /// </summary>
    internal static bool IsUtcInRange(long utcTicks) => utcTicks > 0 && utcTicks <= DateTime.MaxValue.Ticks;

    /// <summary>Ticks of a calendar time, false when it is not a real date.</summary>
    public static bool TryTicks(int year, int month, int day, int h, int mi, int s, out long ticks)
    {
        ticks = 0;
        if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month)
            || h > 23 || mi > 59 || s > 60) return false;
        if (s == 60) s = 59; // a leap second is logged as :60
        ticks = new DateTime(year, month, day, h, mi, s).Ticks;
        return true;
    }

    /// <summary>
    /// Parses <c>Wed Jul 20 10:15:41 2005</c> (as in <c>pending till</c>) into local ticks.
    /// </summary>
    public static bool TryParseFileTime(ReadOnlySpan<byte> s, out long localTicks)
    {
        localTicks = 0;
        int p = 0;
        if (Weekday(s, p)) p += 4;
        if (!Month(s, p, out int month)) return false;
        if (!ReadDayTime(s, p + 3, out int day, out int h, out int mi, out int sec, out p)) return false;
        if (p + 4 > s.Length) return false;
        int year = 0;
        for (int i = 0; i < 4; i++)
        {
            if (!Cursor.IsDigit(s[p + i])) return false;
            year = year * 10 + (s[p + i] - '0');
        }
        return TryTicks(year, month, day, h, mi, sec, out localTicks);
    }

    /// <summary>ISO-8601 / RFC 3339 time (<c>2026-03-10T09:00:00.123+01:00</c>, <c>...Z</c>).</summary>
    private static bool ParseIsoTime(ReadOnlySpan<byte> s, out long local, out long utc)
    {
        local = utc = 0;
        if (s.Length < 19 || s[4] != (byte)'-' || s[7] != (byte)'-' || (s[10] != (byte)'T' && s[10] != (byte)'t')
            || s[13] != (byte)':' || s[16] != (byte)':') return false;
        if (!Two(s, 0, out int y1) || !Two(s, 2, out int y2) || !Two(s, 5, out int mo) || !Two(s, 8, out int d)
            || !Two(s, 11, out int h) || !Two(s, 14, out int mi) || !Two(s, 17, out int sec)) return false;
        if (!TryTicks(y1 * 100 + y2, mo, d, h, mi, sec, out local)) return false;
        int p = 19;
        if (p < s.Length && s[p] == (byte)'.')
        {
            p++;
            long frac = 0;
            int digits = 0;
            while (p < s.Length && Cursor.IsDigit(s[p]))
            {
                if (digits < 7) { frac = frac * 10 + (s[p] - '0'); digits++; }
                p++;
            }
            while (digits++ < 7) frac *= 10;
            local += frac;
        }
        long offset = 0;
        if (p < s.Length && (s[p] == (byte)'Z' || s[p] == (byte)'z')) p++;
        else if (p + 6 == s.Length && (s[p] == (byte)'+' || s[p] == (byte)'-') && s[p + 3] == (byte)':'
                 && Two(s, p + 1, out int oh) && Two(s, p + 4, out int om))
        {
            offset = (oh * 3600L + om * 60L) * TimeSpan.TicksPerSecond * (s[p] == (byte)'-' ? -1 : 1);
            p += 6;
        }
        else return false;
        if (p != s.Length) return false;
        utc = local - offset;
        return IsUtcInRange(utc);
    }
}
