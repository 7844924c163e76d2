namespace Pipeline.MailLogs;

/// <summary>
/// Generic events for lines of unknown family that name a MID, ICID, DCID or RCID (docs/logformat.md, "Notes"):
/// every id the text names is kept, so the line stays with its message or connection, and the text is the detail.
/// The type follows the most specific id: a MID, else a DCID, else an ICID, else an RCID. <c>MID 0</c> names no
/// message (the AMP log writes <c>MID = 0</c> for files outside any message).
/// </summary>
internal static class IdNotes
{
    /// <summary>Fills ids, type and detail from the body at <paramref name="body"/>; false when it names no id.</summary>
    public static bool TryNote(ReadOnlySpan<byte> line, int body, ref LogEvent e)
    {
        var text = line[body..];
        // Ids are written "MID 5", "MID: 5" and "MID = 5"; the word must start the text or follow a blank or '('.
        for (int at = text.IndexOfAny("MIDR"u8); at >= 0;)
        {
            int skip = Id(text, at, ref e);
            int from = at + Math.Max(skip, 1);
            int next = from < text.Length ? text[from..].IndexOfAny("MIDR"u8) : -1;
            at = next < 0 ? -1 : from + next;
        }
        if (e.Mid < 0 && e.Icid < 0 && e.Dcid < 0 && e.Rcid < 0) return false; // a RID alone names no message
        e.Type = e.Mid >= 0 ? LineType.MidNote : e.Dcid >= 0 ? LineType.DcidNote : e.Icid >= 0 ? LineType.IcidNote : LineType.RcidNote;
        int end = line.Length;
        while (end > body && Cursor.IsBlank(line[end - 1])) end--;
        e.Detail = new TextRange(body, end - body);
        e.UnparsedReason = UnparsedReasons.UnknownFamily;
        return true;
    }

    /// <summary>Reads an id word at <paramref name="at"/> and its number (first of each kind wins); returns the bytes read, or 0.</summary>
    private static int Id(ReadOnlySpan<byte> text, int at, ref LogEvent e)
    {
        if (at > 0 && text[at - 1] != (byte)' ' && text[at - 1] != (byte)'(' && text[at - 1] != (byte)'\t') return 0;
        var s = text[at..];
        int word;
        ref long id = ref e.Mid;
        if (s.StartsWith("MID"u8)) word = 3;
        else if (s.StartsWith("ICID"u8)) { word = 4; id = ref e.Icid; }
        else if (s.StartsWith("DCID"u8)) { word = 4; id = ref e.Dcid; }
        else if (s.StartsWith("RCID"u8)) { word = 4; id = ref e.Rcid; }
        else if (s.StartsWith("RID"u8)) { word = 3; id = ref e.Rid; }
        else return 0;
        int p = word;
        if (p < s.Length && s[p] == (byte)':') p++;
        else if (p + 2 < s.Length && s[p] == (byte)' ' && s[p + 1] == (byte)'=') p += 2;
        if (p >= s.Length || s[p] != (byte)' ') return 0;
        p++;
        int digits = p;
        long value = 0;
        while (p < s.Length && Cursor.IsDigit(s[p]) && p - digits < 18) value = value * 10 + (s[p++] - '0');
        if (p == digits || (p < s.Length && (Cursor.IsDigit(s[p]) || IsWordByte(s[p])))) return 0;
        if (id < 0 && !(word == 3 && value == 0 && s[0] == (byte)'M')) id = value; // "MID = 0" (AMP) names no message
        return p;
    }

    private static bool IsWordByte(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a' || b == (byte)'_';
}
