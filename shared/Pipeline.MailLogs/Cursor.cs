using System.Runtime.CompilerServices;

namespace Pipeline.MailLogs;

/// <summary>
/// A forward-only reader over one logical line. Every method either advances and returns true, or leaves the
/// position unchanged and returns false, so that alternatives can be tried in turn. Ranges are relative to the
/// whole line.
/// </summary>
internal ref struct Cursor
{
    public readonly ReadOnlySpan<byte> Line;
    public int Pos;
    /// <summary>End of the meaningful text (trailing spaces and tabs excluded).</summary>
    public readonly int End;

    public Cursor(ReadOnlySpan<byte> line, int pos)
    {
        Line = line;
        Pos = pos;
        int end = line.Length;
        while (end > pos && IsBlank(line[end - 1])) end--;
        End = end;
    }

    public readonly bool AtEnd => Pos >= End;
    public readonly ReadOnlySpan<byte> Remaining => Pos < End ? Line[Pos..End] : default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsBlank(byte b) => b == (byte)' ' || b == (byte)'\t';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    /// <summary>Matches a literal exactly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Lit(ReadOnlySpan<byte> s)
    {
        if (Pos + s.Length > End || !Line.Slice(Pos, s.Length).SequenceEqual(s)) return false;
        Pos += s.Length;
        return true;
    }

    /// <summary>Matches a literal followed by at least one blank (or the end), then skips the blanks.</summary>
    public bool Word(ReadOnlySpan<byte> s)
    {
        int save = Pos;
        if (!Lit(s)) return false;
        if (Pos < End && !IsBlank(Line[Pos])) { Pos = save; return false; }
        SkipBlanks();
        return true;
    }

    /// <summary>Requires at least one blank and skips them all (tolerates the double spaces of some versions).</summary>
    public bool Blanks()
    {
        if (Pos >= End || !IsBlank(Line[Pos])) return false;
        SkipBlanks();
        return true;
    }

    public void SkipBlanks()
    {
        while (Pos < End && IsBlank(Line[Pos])) Pos++;
    }

    /// <summary>Reads an unsigned decimal integer (up to 18 digits).</summary>
    public bool Long(out long value)
    {
        value = 0;
        int p = Pos;
        while (p < End && IsDigit(Line[p]) && p - Pos < 18) value = value * 10 + (Line[p++] - '0');
        if (p == Pos || (p < End && IsDigit(Line[p]))) { value = 0; return false; }
        Pos = p;
        return true;
    }

    /// <summary>Reads an optionally negative decimal integer.</summary>
    public bool SignedLong(out long value)
    {
        int save = Pos;
        bool neg = Lit("-"u8);
        if (!neg) Lit("+"u8);
        if (!Long(out value)) { Pos = save; return false; }
        if (neg) value = -value;
        return true;
    }

    /// <summary>Reads a run of non-blank bytes.</summary>
    public bool Token(out TextRange range)
    {
        int p = Pos;
        while (p < End && !IsBlank(Line[p])) p++;
        range = new TextRange(Pos, p - Pos);
        if (p == Pos) return false;
        Pos = p;
        return true;
    }

    /// <summary>Reads a run of non-blank bytes that stops before <paramref name="stop"/>.</summary>
    public bool TokenUntil(byte stop, out TextRange range)
    {
        int p = Pos;
        while (p < End && !IsBlank(Line[p]) && Line[p] != stop) p++;
        range = new TextRange(Pos, p - Pos);
        if (p == Pos) return false;
        Pos = p;
        return true;
    }

    /// <summary>Everything up to the end of the line (trailing blanks excluded).</summary>
    public TextRange Rest()
    {
        var r = Pos < End ? new TextRange(Pos, End - Pos) : default;
        Pos = End;
        return r;
    }

    /// <summary>
    /// Finds <paramref name="s"/> from here; returns the text before it (blank-trimmed) and moves past it.
    /// </summary>
    public bool Until(ReadOnlySpan<byte> s, out TextRange before)
    {
        int i = Pos < End ? Line[Pos..End].IndexOf(s) : -1;
        if (i < 0) { before = default; return false; }
        before = Trim(Pos, Pos + i);
        Pos += i + s.Length;
        return true;
    }

    /// <summary>Like <see cref="Until"/> but finds the last occurrence before the end.</summary>
    public bool UntilLast(ReadOnlySpan<byte> s, out TextRange before)
    {
        int i = Pos < End ? Line[Pos..End].LastIndexOf(s) : -1;
        if (i < 0) { before = default; return false; }
        before = Trim(Pos, Pos + i);
        Pos += i + s.Length;
        return true;
    }

    /// <summary>Reads <c>&lt;addr&gt;</c> (the brackets are not part of the range; <c>&lt;&gt;</c> gives an empty range).</summary>
    public bool Angle(out TextRange addr)
    {
        addr = default;
        if (Pos >= End || Line[Pos] != (byte)'<') return false;
        int close = Line[(Pos + 1)..End].IndexOf((byte)'>');
        if (close < 0) return false;
        addr = new TextRange(Pos + 1, close);
        Pos += close + 2;
        return true;
    }

    /// <summary>Reads a quoted name <c>"x"</c> or <c>'x'</c> that ends at the next matching quote.</summary>
    public bool Quoted(out TextRange value)
    {
        value = default;
        if (Pos >= End) return false;
        byte q = Line[Pos];
        if (q != (byte)'"' && q != (byte)'\'') return false;
        int close = Line[(Pos + 1)..End].IndexOf(q);
        if (close < 0) return false;
        value = new TextRange(Pos + 1, close);
        Pos += close + 2;
        return true;
    }

    /// <summary>The rest of the line as a value whose outer quotes (if matching) are removed.</summary>
    public TextRange RestUnquoted()
    {
        var r = Rest();
        if (r.Length >= 2)
        {
            byte a = Line[r.Start], b = Line[r.Start + r.Length - 1];
            if ((a == (byte)'\'' || a == (byte)'"') && a == b) return new TextRange(r.Start + 1, r.Length - 2);
        }
        return r;
    }

    /// <summary>A parenthesised group <c>(x)</c> with nesting; the range excludes the parentheses.</summary>
    public bool Parens(out TextRange inner)
    {
        inner = default;
        if (Pos >= End || Line[Pos] != (byte)'(') return false;
        int depth = 0;
        for (int p = Pos; p < End; p++)
        {
            if (Line[p] == (byte)'(') depth++;
            else if (Line[p] == (byte)')' && --depth == 0)
            {
                inner = new TextRange(Pos + 1, p - Pos - 1);
                Pos = p + 1;
                return true;
            }
        }
        return false;
    }

    /// <summary>Reads <c>[ ... ]</c>; the range is the inside.</summary>
    public bool Brackets(out TextRange inner)
    {
        inner = default;
        if (Pos >= End || Line[Pos] != (byte)'[') return false;
        int close = Line[(Pos + 1)..End].IndexOf((byte)']');
        if (close < 0) return false;
        inner = new TextRange(Pos + 1, close);
        Pos += close + 2;
        return true;
    }

    public readonly TextRange Trim(int start, int end)
    {
        if (end < start) end = start;
        while (start < end && IsBlank(Line[start])) start++;
        while (end > start && IsBlank(Line[end - 1])) end--;
        return new TextRange(start, end - start);
    }
}
