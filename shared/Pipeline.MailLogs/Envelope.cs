using System.Runtime.CompilerServices;

namespace Pipeline.MailLogs;

/// <summary>
/// Reads the prefix of a line: the appliance's file format (<c>Wed Nov 19 09:16:38 2014 Info: </c>), RFC 3164 syslog
/// (optional <c>&lt;PRI&gt;</c>, year and host; any tag) and RFC 5424 syslog. Fills time, level, host, tag and body.
/// </summary>
internal static class Envelope
{
    /// <summary>Cheap test used by the line reader: does this physical line start a new logical line?</summary>
    public static bool IsLineStart(ReadOnlySpan<byte> line)
    {
        int p = 0;
        if (line.Length > 0 && line[0] == (byte)'<')
        {
            if (!SkipPri(line, ref p)) return false;
            if (p < line.Length && line[p] == (byte)'1' && p + 1 < line.Length && line[p + 1] == (byte)' ') return true; // RFC 5424
        }
        if (Weekday(line, p)) p += 4;
        return Month(line, p, out _) && ReadDayTime(line, p + 3, out _, out _, out _, out _, out _);
    }

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
        }

        bool file = !hasPri && Weekday(line, p);
        if (file) p += 4;
        if (!Month(line, p, out int month)) return -1;
        int stampStart = p;
        if (!ReadDayTime(line, p + 3, out int day, out int h, out int mi, out int s, out p)) return -1;

        int year = 0;
        if (p + 5 <= line.Length && Cursor.IsDigit(line[p]) && Cursor.IsDigit(line[p + 1]) && Cursor.IsDigit(line[p + 2])
            && Cursor.IsDigit(line[p + 3]) && (p + 4 == line.Length || line[p + 4] == (byte)' '))
        {
            year = (line[p] - '0') * 1000 + (line[p + 1] - '0') * 100 + (line[p + 2] - '0') * 10 + (line[p + 3] - '0');
            p += 4;
        }
        else if (file)
        {
            return -1; // the file format always carries a year
        }
        int stampEnd = p;
        while (p < line.Length && line[p] == (byte)' ') p++;

        e.Envelope = file ? EnvelopeKind.File : EnvelopeKind.Syslog3164;
        SetTime(line.Slice(stampStart, stampEnd - stampStart), year, month, day, h, mi, s, ctx, ref e);

        if (!file) p = HostAndTag(line, p, ref e);
        return Level(line, p, ref e);
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

    /// <summary>RFC 3164: after the time come an optional host and a tag ending in ':' (or directly the level).</summary>
    private static int HostAndTag(ReadOnlySpan<byte> line, int p, ref LogEvent e)
    {
        if (LevelAt(line, p) != MailLogLevel.Unknown) return p;
        int afterTag = SkipTag(line, p);
        if (afterTag > 0)
        {
            e.Tag = new TextRange(p, IndexOfColon(line, p) - p);
            return afterTag;
        }
        // A host first.
        int q = p;
        while (q < line.Length && line[q] != (byte)' ') q++;
        if (q == p) return p;
        e.Host = new TextRange(p, q - p);
        while (q < line.Length && line[q] == (byte)' ') q++;
        if (LevelAt(line, q) != MailLogLevel.Unknown) return q;
        afterTag = SkipTag(line, q);
        if (afterTag > 0)
        {
            e.Tag = new TextRange(q, IndexOfColon(line, q) - q);
            return afterTag;
        }
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

    private static void SetTime(ReadOnlySpan<byte> stamp, int year, int month, int day, int h, int mi, int s,
        ParseContext ctx, ref LogEvent e)
    {
        // Consecutive lines usually carry the same second: reuse the last conversion. A year-less stamp equal to
        // the last one is in the same month, so the stream's year inference would give the same year again.
        if (stamp.Length == ctx.CachedStampLength && stamp.SequenceEqual(ctx.CachedStamp.AsSpan(0, stamp.Length)))
        {
            e.LocalTicks = ctx.CachedLocalTicks;
            e.UtcTicks = ctx.CachedUtcTicks;
            return;
        }
        if (year == 0) year = ctx.InferYear(month, day);
        if (!TryTicks(year, month, day, h, mi, s, out long local)) { e.LocalTicks = e.UtcTicks = 0; return; }
        long utc = local - ctx.UtcOffsetSeconds * TimeSpan.TicksPerSecond;
        if (!IsUtcInRange(utc)) { e.LocalTicks = e.UtcTicks = 0; return; }
        e.LocalTicks = local;
        e.UtcTicks = utc;
        if (stamp.Length <= ctx.CachedStamp.Length)
        {
            stamp.CopyTo(ctx.CachedStamp);
            ctx.CachedStampLength = stamp.Length;
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
