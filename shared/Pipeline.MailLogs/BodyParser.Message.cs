namespace Pipeline.MailLogs;

/// <summary>The <c>MID m ...</c> dispatch and message reception: envelope, headers, size, policy, MID → MID edges.</summary>
internal static partial class BodyParser
{
    private static Result Mid(ref Cursor c, ParseContext ctx, ref LogEvent e)
    {
        if (!c.Long(out e.Mid)) return Malformed;
        if (c.Lit(","u8)) return ScanningProblem(ref c, ref e);
        if (c.Lit(":"u8)) return ScanSkipped(ref c, ref e);
        if (!c.Blanks()) return Malformed;
        switch (c.Line[c.Pos])
        {
            case (byte)'I':
                if (c.Lit("ICID "u8)) return MidIcid(ref c, ref e);
                if (c.Lit("IncomingRelay("u8)) return IncomingRelay(ref c, ref e);
                break;
            case (byte)'M':
                if (c.Lit("Message-ID"u8))
                {
                    e.Type = LineType.MessageIdHeader;
                    c.SkipBlanks();
                    e.MessageId = StripAngles(c.Line, c.RestUnquoted());
                    return Ok;
                }
                break;
            case (byte)'S':
                if (c.Lit("Subject"u8))
                {
                    e.Type = LineType.MessageSubject;
                    c.SkipBlanks();
                    e.Subject = c.RestUnquoted();
                    return Ok;
                }
                if (c.Lit("SPF:"u8)) return SenderAuth(ref c, ref e, 3);
                if (c.Lit("SDR:"u8)) return Sdr(ref c, ref e);
                if (c.Lit("SHA "u8)) return FileAnalysisQueued(ref c, ref e);
                break;
            case (byte)'D':
                if (c.Lit("DKIM:"u8)) return SenderAuth(ref c, ref e, 4);
                if (c.Lit("DomainKeys:"u8)) return SenderAuth(ref c, ref e, 10);
                if (c.Lit("DMARC:"u8)) return SenderAuth(ref c, ref e, 5);
                if (c.Lit("DLP violation."u8)) return DlpViolation(ref c, ref e);
                break;
            case (byte)'r':
                if (c.Lit("ready "u8)) return Ready(ref c, ref e);
                if (c.Lit("rewritten to "u8)) return Rewritten(ref c, ref e);
                if (c.Lit("received from the SMA "u8)) return ReleaseReceived(ref c, ref e);
                if (c.Lit("released "u8)) return Released(ref c, ref e);
                break;
            case (byte)'a':
                if (c.Remaining.StartsWith("attachment types "u8)) return Unknown; // a 4.5 wording of unknown meaning: a note
                if (c.Lit("attachment"u8))
                {
                    e.Type = LineType.MessageAttachment;
                    c.SkipBlanks();
                    e.Name = c.RestUnquoted();
                    return Ok;
                }
                if (c.Lit("antivirus "u8)) return Antivirus(ref c, ref e);
                break;
            case (byte)'m':
                if (c.Lit("matched "u8)) return PolicyMatch(ref c, ref e);
                if (c.Lit("masquerading "u8)) return Masquerading(ref c, ref e);
                break;
            case (byte)'i':
                if (c.Lit("interim verdict using engine:"u8)) return EngineVerdict(ref c, ref e, LineType.EngineInterimVerdict);
                if (c.Lit("interim AV verdict using "u8)) return EngineVerdict(ref c, ref e, LineType.AntivirusInterimVerdict);
                break;
            case (byte)'u':
                if (c.Lit("using engine:"u8)) return EngineVerdict(ref c, ref e, LineType.EngineVerdict);
                break;
            case (byte)'O':
                if (c.Lit("Outbreak Filters: verdict"u8))
                {
                    e.Type = LineType.OutbreakVerdict;
                    c.SkipBlanks();
                    e.Verdict = c.Rest();
                    return Ok;
                }
                break;
            case (byte)'w':
                if (c.Lit("was "u8)) return Was(ref c, ref e);
                break;
            case (byte)'g':
                if (c.Lit("generated "u8)) return Generated(ref c, ref e); // the wording before AsyncOS 5.0: no "was"
                break;
            case (byte)'q':
                if (c.Lit("queued for delivery"u8)) { e.Type = LineType.MessageQueued; return Ok; }
                if (c.Lit("quarantined to "u8)) return QuarantineAction(ref c, ref e, LineType.Quarantined);
                if (c.Lit("quarantine "u8)) return QuarantineReasonChanged(ref c, ref e);
                break;
            case (byte)'R':
                if (c.Lit("RID"u8)) return Response(ref c, ref e);
                break;
            case (byte)'t':
                if (c.Word("to"u8)) return Pending(ref c, ctx, ref e);
                break;
            case (byte)'d':
                if (c.Lit("deleted from "u8)) return Deleted(ref c, ref e);
                break;
            case (byte)'e':
                if (c.Lit("enqueued for transfer to centralized quarantine "u8))
                    return QuarantineAction(ref c, ref e, LineType.CpqEnqueued);
                break;
            case (byte)'A':
                if (c.Lit("AMP file reputation verdict"u8))
                {
                    e.Type = LineType.AmpVerdict;
                    c.SkipBlanks();
                    c.Lit(":"u8);
                    c.SkipBlanks();
                    e.Verdict = c.Rest();
                    return Ok;
                }
                break;
            case (byte)'C':
                if (c.Lit("Custom Log Entry:"u8))
                {
                    e.Type = LineType.CustomLogEntry;
                    c.SkipBlanks();
                    e.Detail = c.Rest();
                    return Ok;
                }
                break;
            case (byte)'U':
                if (c.Lit("URL "u8)) return UrlReputation(ref c, ref e);
                break;
            case (byte)'F':
                if (c.Lit("From:"u8)) return SystemMessage(ref c, ref e);
                break;
            case (byte)'n':
                if (c.Lit("not completely scanned by "u8)) return ScanIncomplete(ref c, ref e);
                break;
            case (byte)'V':
                if (c.Lit("Virus Threat Level="u8))
                {
                    e.Type = LineType.OutbreakThreatLevel;
                    e.Score = c.Rest();
                    return e.Score.HasValue ? Ok : Malformed;
                }
                break;
        }
        return Unknown;
    }

    /// <summary>
    /// <c>MID m ICID i</c> then <c>From: &lt;a&gt;</c>, <c>RID r To: &lt;a&gt;</c>, <c>To: &lt;a&gt; Rejected by RAT</c>,
    /// <c>invalid bounce, ...</c> or <c>TLS read n bytes</c>.
    /// </summary>
    private static Result MidIcid(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Icid) || !c.Blanks()) return Malformed;
        if (c.Lit("From:"u8))
        {
            e.Type = LineType.MessageFrom;
            c.SkipBlanks();
            e.From = Address(ref c);
            e.Detail = c.Rest(); // ESMTP parameters, if any
            return Ok;
        }
        if (c.Lit("RID "u8))
        {
            if (!c.Long(out e.Rid) || !c.Blanks() || !c.Lit("To:"u8)) return Malformed;
            e.Type = LineType.MessageRecipient;
            c.SkipBlanks();
            e.To = Address(ref c);
            e.Detail = c.Rest();
            return Ok;
        }
        if (c.Lit("To:"u8))
        {
            c.SkipBlanks();
            e.To = Address(ref c);
            if (!c.Remaining.StartsWith("Rejected"u8)) return Unknown;
            e.Type = LineType.RecipientRejected;
            e.Reason = c.Rest();
            return Ok;
        }
        if (c.Lit("invalid bounce"u8))
        {
            e.Type = LineType.BounceVerification;
            c.Lit(","u8);
            c.SkipBlanks();
            int start = c.Pos;
            int open = c.Remaining.IndexOf((byte)'<');
            if (open >= 0)
            {
                c.Pos += open;
                c.Angle(out e.To);
            }
            c.Pos = start;
            e.Reason = c.Rest();
            return Ok;
        }
        if (c.Lit("TLS "u8))
        {
            // "TLS read 126 bytes (0.0 seconds)"
            int start = c.Pos;
            if (!c.Token(out _) || !c.Blanks() || !c.Long(out e.Size) || !c.Blanks() || !c.Word("bytes"u8)) return Unknown;
            e.Type = LineType.TlsTrace;
            c.Pos = start;
            e.Detail = c.Rest();
            return Ok;
        }
        return Unknown;
    }

    private static Result SenderAuth(ref Cursor c, ref LogEvent e, int engineLength)
    {
        e.Type = LineType.SenderAuthentication;
        e.Engine = new TextRange(c.Pos - engineLength - 1, engineLength);
        c.SkipBlanks();
        e.Verdict = c.Rest();
        return Ok;
    }

    /// <summary><c>ready 14453 bytes from &lt;a@b&gt;</c>.</summary>
    private static Result Ready(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Size) || !c.Blanks() || !c.Word("bytes"u8)) return Malformed;
        e.Type = LineType.MessageReady;
        if (c.Word("from"u8)) e.From = Address(ref c);
        return Ok;
    }

    /// <summary><c>rewritten to MID b by X</c> or the old <c>rewritten to b by X</c>.</summary>
    private static Result Rewritten(ref Cursor c, ref LogEvent e)
    {
        c.Lit("MID "u8);
        if (!c.Long(out long child)) return Malformed;
        e.Type = LineType.MidRewritten;
        e.ParentMid = e.Mid;
        e.ChildMid = child;
        c.SkipBlanks();
        if (c.Word("by"u8)) e.Reason = c.Rest();
        return Ok;
    }

    /// <summary><c>received from the SMA 10.0.9.5 (MID originally 1001) on release from central quarantine</c> [3P].</summary>
    private static Result ReleaseReceived(ref Cursor c, ref LogEvent e)
    {
        c.TokenUntil((byte)'(', out e.RemoteIp);
        c.SkipBlanks();
        if (!c.Until("MID originally "u8, out _) || !c.Long(out long original)) return Malformed;
        e.Type = LineType.CpqReleaseReceived;
        e.ParentMid = original;
        e.ChildMid = e.Mid;
        c.Lit(")"u8);
        c.SkipBlanks();
        e.Detail = c.Rest();
        return Ok;
    }

    /// <summary><c>matched all recipients for per-recipient policy P in the inbound table</c>.</summary>
    private static Result PolicyMatch(ref Cursor c, ref LogEvent e)
    {
        if (!c.Until("policy "u8, out var who)) return Unknown;
        e.Type = LineType.RecipientPolicyMatch;
        e.Detail = who; // "all recipients for per-recipient" or "RID [0] for per-recipient"
        if (c.UntilLast(" in the "u8, out e.Name))
        {
            c.Token(out e.Verdict); // inbound | outbound
        }
        else e.Name = c.Rest();
        return Ok;
    }

    /// <summary>
    /// The <c>MID m was ...</c> family: too big, generated based on, split, generated for bounce, and the content
    /// filter or policy that dropped or bounced the message.
    /// </summary>
    private static Result Was(ref Cursor c, ref LogEvent e)
    {
        if (c.Lit("too big ("u8))
        {
            int sizes = c.Pos;
            if (!c.Long(out e.Size)) return Malformed;
            c.Pos = sizes; // the detail keeps "size/limit"
            e.Type = LineType.ScanSkippedTooBig;
            c.Until(")"u8, out e.Detail);
            c.SkipBlanks();
            if (c.Lit("for scanning by "u8)) e.Engine = c.Rest();
            return Ok;
        }
        if (c.Lit("generated "u8)) return Generated(ref c, ref e);
        if (c.Lit("split creating MID "u8))
        {
            if (!c.Long(out long child)) return Malformed;
            e.Type = LineType.MidSplit;
            e.ParentMid = e.Mid;
            e.ChildMid = child;
            c.SkipBlanks();
            if (c.Lit("due to "u8)) e.Reason = c.Rest();
            return Ok;
        }
        int action = c.Pos;
        if (c.Word("dropped"u8) || c.Word("bounced"u8))
        {
            e.Verdict = new TextRange(action, 7);
            return FilterAction(ref c, ref e);
        }
        return Unknown;
    }

    /// <summary>
    /// After <c>[was] generated</c>: <c>based on MID a by bcc filter 'X'</c> or <c>for bounce of MID a</c>. Both
    /// wordings (with and without <c>was</c>) give the same type: the new MID comes first, the original second.
    /// </summary>
    private static Result Generated(ref Cursor c, ref LogEvent e)
    {
        if (c.Lit("based on MID "u8))
        {
            if (!c.Long(out long original)) return Malformed;
            e.Type = LineType.MidGenerated;
            e.ParentMid = original;
            e.ChildMid = e.Mid;
            c.SkipBlanks();
            if (c.Word("by"u8)) e.Reason = c.Rest();
            return Ok;
        }
        if (c.Lit("for bounce of MID "u8))
        {
            if (!c.Long(out long original)) return Malformed;
            e.Type = LineType.MidBounceOf;
            e.ParentMid = original;
            e.ChildMid = e.Mid;
            return Ok;
        }
        return Unknown;
    }

    /// <summary>
    /// <c>IncomingRelay(name): Header Received found, IP ip being used, SBRS 6.8 country C</c>; or
    /// <c>Header X not found</c> / <c>Could not find valid IP address in header</c> (the reason).
    /// </summary>
    private static Result IncomingRelay(ref Cursor c, ref LogEvent e)
    {
        if (!c.Until(")"u8, out e.Name)) return Malformed;
        e.Type = LineType.IncomingRelay;
        c.Lit(":"u8);
        c.SkipBlanks();
        int start = c.Pos;
        if (c.Word("Header"u8) && c.Token(out e.Detail) && c.Blanks() && c.Word("found,"u8))
        {
            if (!c.Word("IP"u8) && !c.Word("ip"u8)) return Ok;
            c.Token(out e.RemoteIp);
            int sbrs = c.Remaining.IndexOf("SBRS "u8);
            if (sbrs >= 0)
            {
                c.Pos += sbrs + 5;
                SbrsAndCountry(ref c, ref e);
            }
            return Ok;
        }
        c.Pos = start;
        e.Detail = default;
        e.Reason = c.Rest();
        return Ok;
    }

    /// <summary>After <c>SBRS </c>: the score (<c>-9.5</c>, <c>None</c>, <c>unable to retrieve</c>), then an optional <c>country C</c>.</summary>
    private static void SbrsAndCountry(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        int country = c.Remaining.LastIndexOf(" country "u8);
        if (country >= 0)
        {
            e.Score = c.Trim(c.Pos, c.Pos + country);
            c.Pos += country + 9;
            c.SkipBlanks();
            e.Country = c.Rest();
        }
        else e.Score = c.Rest();
    }

    /// <summary>
    /// <c>masquerading envelope sender from 'a' to 'b'</c> or <c>masquerading header 'To' from 'a' to 'b'</c>: what
    /// was masqueraded is the name, the old value the detail, the new value the target.
    /// </summary>
    private static Result Masquerading(ref Cursor c, ref LogEvent e)
    {
        if (!c.Until(" from "u8, out e.Name)) return Unknown;
        e.Type = LineType.Masquerading;
        int to = c.Remaining.LastIndexOf(" to "u8);
        if (to < 0)
        {
            e.Detail = Unquote(c.Line, c.Rest()); // a value broken across lines: keep what there is
            return Ok;
        }
        e.Detail = Unquote(c.Line, c.Trim(c.Pos, c.Pos + to));
        c.Pos += to + 4;
        e.Target = Unquote(c.Line, c.Rest());
        return Ok;
    }

    /// <summary><c>Alias match: MID m RID r recipient a mapped to [...]</c>.</summary>
    private static Result AliasMatch(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Mid) || !c.Blanks() || !c.Word("RID"u8) || !c.Long(out e.Rid) || !c.Blanks()) return Malformed;
        if (!c.Word("recipient"u8) || !c.Until(" mapped to "u8, out e.To)) return Unknown;
        e.Type = LineType.AliasMatch;
        e.Target = c.Rest();
        return Ok;
    }

    /// <summary><c>MID m From: &lt;a&gt; To: &lt;b&gt;, ... 1 total recipients</c>: a message the appliance generates (alerts, reports).</summary>
    private static Result SystemMessage(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        e.From = Address(ref c);
        if (!c.Lit("To:"u8)) return Unknown;
        c.SkipBlanks();
        c.Angle(out e.To);
        c.Lit(","u8);
        c.SkipBlanks();
        e.Type = LineType.SystemMessage;
        e.Detail = c.Rest();
        return Ok;
    }

    /// <summary><c>MID m, Message Scanning Problem: reason</c>.</summary>
    private static Result ScanningProblem(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!c.Lit("Message Scanning Problem:"u8)) return Unknown;
        e.Type = LineType.MessageScanningProblem;
        c.SkipBlanks();
        e.Reason = c.Rest();
        return Ok;
    }

    private static Result Start(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Mid) || !c.Blanks() || !c.Lit("ICID "u8) || !c.Long(out e.Icid)) return Malformed;
        e.Type = LineType.MessageStart;
        c.SkipBlanks();
        if (!c.AtEnd) e.Detail = c.Rest();
        return Ok;
    }
}
