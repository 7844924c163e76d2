namespace Pipeline.MailLogs;

/// <summary>Security verdicts on a message: engines, anti-virus, SDR, URL reputation, DLP, file analysis, AMP, filters.</summary>
internal static partial class BodyParser
{
    private static Result Antivirus(ref Cursor c, ref LogEvent e)
    {
        if (!c.Token(out e.Verdict)) return Malformed;
        e.Type = LineType.AntivirusVerdict;
        c.SkipBlanks();
        if (!c.AtEnd) e.Detail = c.RestUnquoted();
        return Ok;
    }

    /// <summary><c>[interim] ... using engine: CASE spam negative</c> or <c>interim AV verdict using Sophos CLEAN</c>.</summary>
    private static Result EngineVerdict(ref Cursor c, ref LogEvent e, LineType type)
    {
        c.SkipBlanks();
        if (!c.Token(out e.Engine)) return Malformed;
        e.Type = type;
        c.SkipBlanks();
        e.Verdict = c.Rest();
        return Ok;
    }

    /// <summary>
    /// <c>SDR: Consolidated Sender Threat Level: L, Threat Category: C, Suspected Domain(s) : S (...). Sender Maturity:
    /// M for domain: d</c>; <c>SDR: Domains for which SDR is requested: reverse DNS host: h, helo: h, env-from: d, ...</c>;
    /// <c>SDR: Tracker Header : value</c>. The sender's host (the verdict's domain, the reverse DNS host) is
    /// <see cref="LogEvent.RemoteHost"/>: it is the sender's side, written as <c>source.domain</c>.
    /// </summary>
    private static Result Sdr(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (c.Lit("Consolidated Sender Threat Level:"u8))
        {
            e.Type = LineType.SdrVerdict;
            c.SkipBlanks();
            if (!c.Until(","u8, out e.Verdict)) { e.Verdict = c.Rest(); return Ok; }
            c.SkipBlanks();
            if (c.Lit("Threat Category:"u8)) { c.SkipBlanks(); c.Until(","u8, out e.Category); c.SkipBlanks(); }
            if (c.Lit("Suspected Domain(s)"u8))
            {
                c.SkipBlanks();
                c.Lit(":"u8);
                c.SkipBlanks();
                if (!c.Until(". Sender Maturity:"u8, out e.Detail)) { e.Detail = c.Rest(); return Ok; }
                c.SkipBlanks();
                if (c.UntilLast(" for domain:"u8, out e.Reason)) { c.SkipBlanks(); e.RemoteHost = c.Rest(); }
                else e.Reason = c.Rest();
            }
            return Ok;
        }
        if (c.Lit("Domains for which SDR is requested:"u8))
        {
            e.Type = LineType.SdrDomains;
            c.SkipBlanks();
            e.Detail = c.Remaining.IsEmpty ? default : new TextRange(c.Pos, c.End - c.Pos);
            e.RemoteHost = LabelValue(ref c, "reverse DNS host:"u8);
            e.Helo = LabelValue(ref c, "helo:"u8);
            c.Pos = c.End;
            return Ok;
        }
        if (c.Lit("Tracker Header"u8))
        {
            e.Type = LineType.SdrTrackerHeader;
            c.SkipBlanks();
            c.Lit(":"u8);
            c.SkipBlanks();
            e.Detail = c.Rest();
            return Ok;
        }
        return Unknown;
    }

    /// <summary>The value after <paramref name="label"/> (found from here on) up to the next <c>", "</c>, or empty.</summary>
    private static TextRange LabelValue(ref Cursor c, ReadOnlySpan<byte> label)
    {
        int at = c.Remaining.IndexOf(label);
        if (at < 0) return default;
        int start = c.Pos + at + label.Length;
        var rest = c.Line[start..c.End];
        int comma = rest.IndexOf(", "u8);
        var value = c.Trim(start, comma < 0 ? c.End : start + comma);
        c.Pos = comma < 0 ? c.End : start + comma + 2;
        return value;
    }

    /// <summary><c>URL u has reputation 3.0 matched Condition: URL Reputation Rule</c> (the URL may hold any byte but a blank).</summary>
    private static Result UrlReputation(ref Cursor c, ref LogEvent e)
    {
        int at = c.Remaining.LastIndexOf(" has reputation "u8);
        if (at <= 0) return Unknown;
        e.Type = LineType.UrlReputation;
        e.Url = c.Trim(c.Pos, c.Pos + at);
        c.Pos += at + 16;
        c.Token(out e.Score);
        c.SkipBlanks();
        if (c.Lit("matched Condition:"u8)) { c.SkipBlanks(); e.Name = c.Rest(); }
        return Ok;
    }

    /// <summary><c>DLP violation. Severity: LOW (Risk Factor: 15). DLP policy match: 'PCI-DSS ...'.</c></summary>
    private static Result DlpViolation(ref Cursor c, ref LogEvent e)
    {
        e.Type = LineType.DlpViolation;
        c.SkipBlanks();
        if (c.Lit("Severity:"u8)) { c.SkipBlanks(); c.Token(out e.Verdict); c.SkipBlanks(); }
        if (c.Lit("(Risk Factor:"u8)) { c.SkipBlanks(); c.TokenUntil((byte)')', out e.Score); c.Until("."u8, out _); c.SkipBlanks(); }
        if (c.Lit("DLP policy match:"u8))
        {
            c.SkipBlanks();
            var policy = c.Rest();
            if (policy.Length > 1 && c.Line[policy.Start + policy.Length - 1] == (byte)'.') policy = new TextRange(policy.Start, policy.Length - 1);
            e.Name = Unquote(c.Line, policy);
        }
        return Ok;
    }

    /// <summary><c>SHA h filename f queued for possible file analysis upload</c> (the name may hold blanks).</summary>
    private static Result FileAnalysisQueued(ref Cursor c, ref LogEvent e)
    {
        if (!c.Token(out e.Sha256) || !c.Blanks() || !c.Word("filename"u8)) return Malformed;
        if (!c.UntilLast(" queued for possible file analysis upload"u8, out e.FileName)) return Unknown;
        e.Type = LineType.FileAnalysisQueued;
        return Ok;
    }

    /// <summary>
    /// The value of an AMP <c>Key = value</c> field, from after <paramref name="key"/> up to <c>", "</c> (or the end); the
    /// cursor moves past it. The file name is not read with this: it may hold commas.
    /// </summary>
    private static TextRange AmpField(ref Cursor c, ReadOnlySpan<byte> key)
    {
        int at = c.Remaining.IndexOf(key);
        if (at < 0) return default;
        int start = c.Pos + at + key.Length;
        while (start < c.End && Cursor.IsBlank(c.Line[start])) start++;
        int comma = c.Line[start..c.End].IndexOf((byte)',');
        int end = comma < 0 ? c.End : start + comma;
        c.Pos = end;
        return c.Trim(start, end);
    }

    /// <summary>The file name between <c>File Name = </c> (or <c>FileName = </c>) and <c>, MID = m</c>; reads the MID.</summary>
    private static bool AmpFileAndMid(ref Cursor c, ref LogEvent e)
    {
        int name = c.Remaining.IndexOf("Name = "u8);
        int mid = c.Remaining.IndexOf(", MID = "u8);
        if (name < 0 || mid < name) return false;
        e.FileName = Unquote(c.Line, c.Trim(c.Pos + name + 7, c.Pos + mid));
        c.Pos += mid + 8;
        return c.Long(out e.Mid);
    }

    /// <summary><c>File reputation query initiating. File Name = 'f', MID = m, File Size = n bytes, File Type = t</c>.</summary>
    private static Result AmpFileQuery(ref Cursor c, ref LogEvent e)
    {
        if (!AmpFileAndMid(ref c, ref e)) return Malformed;
        e.Type = LineType.AmpFileQuery;
        var size = AmpField(ref c, "File Size = "u8);
        if (size.HasValue)
        {
            var s = size.Of(c.Line);
            int blank = s.IndexOf((byte)' ');
            if (TryInt(blank < 0 ? s : s[..blank], out int n)) e.Size = n;
        }
        e.Detail = AmpField(ref c, "File Type = "u8);
        c.Pos = c.End;
        return Ok;
    }

    /// <summary>
    /// <c>Response received for file reputation query from Cloud. File Name = 'f', MID = m, Disposition = D, Malware = M,
    /// Reputation Score = 73, sha256 = h, upload_action = 2</c> (also <c>from Cache</c>, <c>FileName =</c>, <c>Analysis Score</c>).
    /// </summary>
    private static Result AmpFileReputation(ref Cursor c, ref LogEvent e)
    {
        if (!c.TokenUntil((byte)'.', out e.Engine)) return Malformed;
        if (!AmpFileAndMid(ref c, ref e)) return Malformed;
        e.Type = LineType.AmpFileReputation;
        e.Verdict = AmpField(ref c, "Disposition = "u8);
        e.Detail = AmpField(ref c, "Malware = "u8);
        e.Score = AmpField(ref c, "Score = "u8);
        int sha = c.Remaining.IndexOf("sha256 ="u8);
        if (sha >= 0)
        {
            c.Pos += sha + 8;
            c.SkipBlanks();
            c.TokenUntil((byte)',', out e.Sha256);
        }
        c.Pos = c.End;
        return Ok;
    }

    /// <summary><c>not completely scanned by SDS. Error: reason</c>.</summary>
    private static Result ScanIncomplete(ref Cursor c, ref LogEvent e)
    {
        if (!c.TokenUntil((byte)'.', out e.Engine)) return Malformed;
        e.Type = LineType.ScanIncomplete;
        c.Lit("."u8);
        c.SkipBlanks();
        if (c.Lit("Error:"u8)) c.SkipBlanks();
        e.Error = c.Rest();
        return Ok;
    }

    /// <summary><c>MID m: Skip AMP Engine check</c> (trace level).</summary>
    private static Result ScanSkipped(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!c.Lit("Skip "u8)) return Unknown;
        e.Type = LineType.ScanSkipped;
        if (!c.UntilLast(" check"u8, out e.Engine)) e.Engine = c.Rest();
        return Ok;
    }

    /// <summary>
    /// After <c>was dropped</c> / <c>was bounced</c>: <c>by content filter 'f' in the inbound table</c> or
    /// <c>by policy P in the T table</c>. The verdict is the action, the engine the kind of rule.
    /// </summary>
    private static Result FilterAction(ref Cursor c, ref LogEvent e)
    {
        if (!c.Word("by"u8)) return Unknown;
        int kind = c.Pos;
        if (!c.Lit("content filter "u8) && !c.Lit("policy "u8)) return Unknown;
        e.Engine = c.Trim(kind, c.Pos);
        e.Type = LineType.FilterAction;
        if (c.UntilLast(" in the "u8, out var name))
        {
            e.Name = Unquote(c.Line, name);
            c.UntilLast(" table"u8, out e.Detail);
        }
        else e.Name = Unquote(c.Line, c.Rest());
        return Ok;
    }
}
