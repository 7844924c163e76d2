namespace Pipeline.MailLogs;

/// <summary>
/// Classifies the message text after <c>Level: </c> and extracts its fields. Dispatch is on the first bytes, then
/// each line type matches its stable words and keeps the variable parts as ranges (LOGFORMAT.md sections 3-4).
/// Wordings marked [3P]/[GUESS] in LOGFORMAT.md match only their stable part.
/// </summary>
internal static class BodyParser
{
    internal enum Result : byte { Ok, Unknown, Malformed }

    private const Result Ok = Result.Ok;
    private const Result Unknown = Result.Unknown;
    private const Result Malformed = Result.Malformed;

    public static Result Parse(ref Cursor c, ParseContext ctx, ref LogEvent e)
    {
        if (c.AtEnd) return Unknown;
        switch (c.Line[c.Pos])
        {
            case (byte)'M':
                if (c.Lit("MID "u8)) return Mid(ref c, ctx, ref e);
                if (c.Lit("Message "u8)) return MessageLine(ref c, ref e);
                break;
            case (byte)'S':
                if (c.Lit("Start MID "u8)) return Start(ref c, ref e);
                if (c.Lit("Status:"u8)) return Set(ref e, LineType.Status, ref c);
                break;
            case (byte)'D':
                if (c.Lit("Delivery start "u8)) return DeliveryStart(ref c, ref e);
                if (c.Lit("DCID "u8)) return Dcid(ref c, ref e);
                if (c.Lit("Delayed:"u8)) return DelayedOrBounced(ref c, ctx, ref e, LineType.DeliveryDelayed);
                break;
            case (byte)'N':
                if (c.Lit("New "u8)) return New(ref c, ref e);
                break;
            case (byte)'I':
                if (c.Lit("ICID "u8)) return Icid(ref c, ref e);
                if (c.Lit("ISQ: Tagging MID "u8)) return IsqTag(ref c, ref e);
                break;
            case (byte)'B':
                if (c.Lit("Bounced:"u8)) return DelayedOrBounced(ref c, ctx, ref e, LineType.DeliveryBounced);
                if (c.Lit("Begin Logfile"u8)) return Set(ref e, LineType.LogfileBegin, ref c);
                break;
            case (byte)'C':
                if (c.Lit("Connection Error:"u8)) return ConnectionError(ref c, ref e);
                if (c.Lit("CASE cache status:"u8)) return Set(ref e, LineType.CaseCacheStatus, ref c);
                break;
            case (byte)'E':
                if (c.Lit("EUQ: Reinjected MID "u8)) return EuqReinjected(ref c, ref e);
                if (c.Lit("End Logfile"u8)) return Set(ref e, LineType.LogfileEnd, ref c);
                break;
            case (byte)'V':
                if (c.Lit("Version: "u8)) return Version(ref c, ctx, ref e);
                break;
            case (byte)'T':
                if (c.Lit("Time offset from UTC:"u8)) return TimeOffset(ref c, ctx, ref e);
                break;
            case (byte)'L':
                if (c.Lit("Logfile rolled over"u8)) return Set(ref e, LineType.LogfileRolledOver, ref c);
                break;
            case (byte)'u':
                if (c.Lit("unable to quarantine MID "u8)) return QuarantineUnavailable(ref c, ref e);
                break;
            case (byte)'Q':
                if (c.Lit("Quarantine"u8)) return QuarantineSystem(ref c, ref e);
                break;
            case (byte)'A':
                if (c.Lit("An application fault occurred"u8)) return ApplicationFault(ref c, ref e);
                break;
        }
        return Unknown;
    }

    /// <summary>A line known by its first words: the rest is its detail.</summary>
    private static Result Set(ref LogEvent e, LineType type, ref Cursor c)
    {
        e.Type = type;
        c.SkipBlanks();
        e.Detail = c.Rest();
        return Ok;
    }

    // ---------------------------------------------------------------- MID m ...

    private static Result Mid(ref Cursor c, ParseContext ctx, ref LogEvent e)
    {
        if (!c.Long(out e.Mid) || !c.Blanks()) return Malformed;
        switch (c.Line[c.Pos])
        {
            case (byte)'I':
                if (c.Lit("ICID "u8)) return FromOrTo(ref c, ref e);
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
                break;
            case (byte)'D':
                if (c.Lit("DKIM:"u8)) return SenderAuth(ref c, ref e, 4);
                if (c.Lit("DomainKeys:"u8)) return SenderAuth(ref c, ref e, 10);
                if (c.Lit("DMARC:"u8)) return SenderAuth(ref c, ref e, 5);
                break;
            case (byte)'r':
                if (c.Lit("ready "u8)) return Ready(ref c, ref e);
                if (c.Lit("rewritten to "u8)) return Rewritten(ref c, ref e);
                if (c.Lit("received from the SMA "u8)) return ReleaseReceived(ref c, ref e);
                if (c.Lit("released from "u8)) return Released(ref c, ref e);
                break;
            case (byte)'a':
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
            case (byte)'q':
                if (c.Lit("queued for delivery"u8)) { e.Type = LineType.MessageQueued; return Ok; }
                if (c.Lit("quarantined to "u8)) return QuarantineAction(ref c, ref e, LineType.Quarantined);
                break;
            case (byte)'R':
                if (c.Lit("RID"u8)) return Response(ref c, ref e);
                break;
            case (byte)'t':
                if (c.Lit("to RID"u8)) return Pending(ref c, ctx, ref e);
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
        }
        return Unknown;
    }

    /// <summary><c>ICID i From: &lt;a&gt;</c> or <c>ICID i RID r To: &lt;a&gt;</c>.</summary>
    private static Result FromOrTo(ref Cursor c, ref LogEvent e)
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
        return Unknown;
    }

    /// <summary>An address in angle brackets (or, tolerated, a bare token).</summary>
    private static TextRange Address(ref Cursor c)
    {
        if (c.Angle(out var a)) { c.SkipBlanks(); return a; }
        c.Token(out a);
        c.SkipBlanks();
        return a;
    }

    private static TextRange StripAngles(ReadOnlySpan<byte> line, TextRange r)
    {
        if (r.Length >= 2 && line[r.Start] == (byte)'<' && line[r.Start + r.Length - 1] == (byte)'>')
            return new TextRange(r.Start + 1, r.Length - 2);
        return r;
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

    /// <summary><c>released from quarantine "Policy" (manual) t=190</c> or <c>released from all quarantines</c>.</summary>
    private static Result Released(ref Cursor c, ref LogEvent e)
    {
        if (c.Lit("all quarantines"u8)) { e.Type = LineType.QuarantineReleasedAll; return Ok; }
        if (!c.Lit("quarantine "u8)) return Unknown;
        return QuarantineAction(ref c, ref e, LineType.QuarantineReleased);
    }

    private static Result Deleted(ref Cursor c, ref LogEvent e)
    {
        if (c.Lit("all quarantines"u8))
        {
            e.Type = LineType.QuarantineDeleted;
            c.SkipBlanks();
            if (c.Parens(out var r)) e.Reason = r;
            return Ok;
        }
        if (!c.Lit("quarantine "u8)) return Unknown;
        return QuarantineAction(ref c, ref e, LineType.QuarantineDeleted);
    }

    /// <summary>A quarantine name (quoted, or up to the reason), an optional <c>(reason)</c>, an optional <c>t=N</c>.</summary>
    private static Result QuarantineAction(ref Cursor c, ref LogEvent e, LineType type)
    {
        if (!c.Quoted(out e.Quarantine))
        {
            // Unquoted name: up to " (" or the end.
            if (!c.Until(" ("u8, out e.Quarantine)) { e.Quarantine = c.Rest(); }
            else c.Pos--;
            if (!e.Quarantine.HasValue) return Malformed;
        }
        e.Type = type;
        c.SkipBlanks();
        if (c.Parens(out var reason)) e.Reason = c.Trim(reason.Start, reason.Start + reason.Length);
        c.SkipBlanks();
        if (c.Lit("t="u8) && c.Long(out long t)) e.DwellSeconds = t;
        c.SkipBlanks();
        if (!c.AtEnd) e.Detail = c.Rest();
        return Ok;
    }

    private static Result Antivirus(ref Cursor c, ref LogEvent e)
    {
        if (!c.Token(out e.Verdict)) return Malformed;
        e.Type = LineType.AntivirusVerdict;
        c.SkipBlanks();
        if (!c.AtEnd) e.Detail = c.RestUnquoted();
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

    /// <summary>The <c>MID m was ...</c> family: too big, generated based on, split, generated for bounce.</summary>
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
        if (c.Lit("generated based on MID "u8))
        {
            if (!c.Long(out long original)) return Malformed;
            e.Type = LineType.MidGenerated;
            e.ParentMid = original;
            e.ChildMid = e.Mid;
            c.SkipBlanks();
            if (c.Word("by"u8)) e.Reason = c.Rest();
            return Ok;
        }
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
        if (c.Lit("generated for bounce of MID "u8))
        {
            if (!c.Long(out long original)) return Malformed;
            e.Type = LineType.MidBounceOf;
            e.ParentMid = original;
            e.ChildMid = e.Mid;
            return Ok;
        }
        return Unknown;
    }

    /// <summary><c>RID [0, 1] Response 'ok:  Message 30631618 accepted'</c> (note the double space in some versions).</summary>
    private static Result Response(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!c.Brackets(out e.Rids)) return Malformed;
        c.SkipBlanks();
        if (!c.Lit("Response"u8)) return Unknown;
        e.Type = LineType.DeliveryResponse;
        c.SkipBlanks();
        e.Response = c.RestUnquoted();
        e.AcceptedMid = AcceptedMid(e.Response.Of(c.Line));
        return Ok;
    }

    /// <summary>The N of <c>Message N accepted</c> in an SMTP response (the receiving appliance's MID), or -1.</summary>
    internal static long AcceptedMid(ReadOnlySpan<byte> response)
    {
        int i = response.IndexOf("Message "u8);
        while (i >= 0)
        {
            var rest = response[(i + 8)..];
            int n = 0;
            long v = 0;
            while (n < rest.Length && n < 18 && Cursor.IsDigit(rest[n])) v = v * 10 + (rest[n++] - '0');
            if (n > 0 && rest[n..].StartsWith(" accepted"u8)) return v;
            int next = rest.IndexOf("Message "u8);
            i = next < 0 ? -1 : i + 8 + next;
        }
        return -1;
    }

    /// <summary><c>to RID [0] pending till Wed Jul 20 10:15:41 2005 [Default]</c>.</summary>
    private static Result Pending(ref Cursor c, ParseContext ctx, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!c.Brackets(out e.Rids)) return Malformed;
        c.SkipBlanks();
        if (!c.Lit("pending till "u8)) return Unknown;
        e.Type = LineType.DeliveryPending;
        int start = c.Pos;
        int bracket = c.Remaining.IndexOf((byte)'[');
        var stamp = bracket < 0 ? c.Rest() : c.Trim(start, start + bracket);
        if (Envelope.TryParseFileTime(stamp.Of(c.Line), out long local)
            && local - ctx.UtcOffsetSeconds * TimeSpan.TicksPerSecond is var utc && Envelope.IsUtcInRange(utc))
            e.PendingTillUtcTicks = utc;
        if (bracket >= 0)
        {
            c.Pos = start + bracket;
            if (c.Brackets(out var name)) e.Name = name;
        }
        return Ok;
    }

    // ---------------------------------------------------------------- Message done / finished / aborted

    private static Result MessageLine(ref Cursor c, ref LogEvent e)
    {
        if (c.Lit("done "u8))
        {
            if (!c.Lit("DCID "u8) || !c.Long(out e.Dcid) || !c.Blanks() || !c.Lit("MID "u8) || !c.Long(out e.Mid)) return Malformed;
            e.Type = LineType.MessageDone;
            return RidsAndTrailer(ref c, ref e);
        }
        if (c.Lit("finished MID "u8))
        {
            if (!c.Long(out e.Mid)) return Malformed;
            e.Type = LineType.MessageFinished;
            c.SkipBlanks();
            e.Verdict = c.Rest(); // done | aborted
            return Ok;
        }
        if (c.Lit("aborted MID "u8))
        {
            if (!c.Long(out e.Mid)) return Malformed;
            e.Type = LineType.MessageAborted;
            c.SkipBlanks();
            e.Reason = c.Rest();
            return Ok;
        }
        return Unknown;
    }

    /// <summary><c>Delivery start DCID d MID m to RID [0, 1] [to Centralized Policy Quarantine]</c>.</summary>
    private static Result DeliveryStart(ref Cursor c, ref LogEvent e)
    {
        if (!c.Lit("DCID "u8) || !c.Long(out e.Dcid) || !c.Blanks() || !c.Lit("MID "u8) || !c.Long(out e.Mid)) return Malformed;
        e.Type = LineType.DeliveryStart;
        return RidsAndTrailer(ref c, ref e);
    }

    /// <summary><c> to RID [..] trailer</c>: the trailer says where a quarantine-bound delivery goes.</summary>
    private static Result RidsAndTrailer(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (c.Lit("to RID"u8))
        {
            c.SkipBlanks();
            if (!c.Brackets(out e.Rids)) return Malformed;
        }
        c.SkipBlanks();
        if (c.AtEnd) return Ok;
        e.Detail = c.Rest();
        var t = e.Detail.Of(c.Line);
        if (ContainsIgnoreCase(t, "centralized"u8)) e.Destination = QuarantineDestination.CentralizedPolicy;
        else if (t.SequenceEqual("(external quarantine)"u8)) e.Destination = QuarantineDestination.ExternalSpam;
        return Ok;
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerWord)
    {
        for (int i = 0; i + lowerWord.Length <= text.Length; i++)
        {
            int j = 0;
            while (j < lowerWord.Length && (text[i + j] | 0x20) == lowerWord[j]) j++;
            if (j == lowerWord.Length) return true;
        }
        return false;
    }

    /// <summary>
    /// <c>Delayed:</c> / <c>Bounced:</c> in their wordings:
    /// <c>DCID 8413617 MID 19338947 From: &lt;..&gt; To: &lt;..&gt; RID 0 - 5.4.7 - text</c>,
    /// <c>DCID 0 MID 8 to RID 0 - text</c>, and the old <c>DCID: 1911 Message 3993 to 0 - text</c>.
    /// </summary>
    private static Result DelayedOrBounced(ref Cursor c, ParseContext ctx, ref LogEvent e, LineType type)
    {
        c.SkipBlanks();
        if (!c.Lit("DCID"u8)) return Unknown;
        c.Lit(":"u8);
        c.SkipBlanks();
        if (!c.Long(out e.Dcid) || !c.Blanks()) return Malformed;
        if (!(c.Lit("MID "u8) || c.Lit("Message "u8)) || !c.Long(out e.Mid)) return Malformed;
        e.Type = type;
        c.SkipBlanks();
        if (c.Lit("From:"u8)) { c.SkipBlanks(); e.From = Address(ref c); }
        if (c.Lit("To:"u8)) { c.SkipBlanks(); e.To = Address(ref c); }
        c.Word("to"u8);
        if (c.Lit("RID"u8)) c.SkipBlanks();
        if (c.Brackets(out e.Rids)) { }
        else if (c.Long(out long rid)) e.Rid = rid;
        c.SkipBlanks();
        if (c.Lit("-"u8))
        {
            c.SkipBlanks();
            // Optional enhanced status code "d.d.d - ".
            int save = c.Pos;
            if (c.Token(out var code) && IsStatusCode(code.Of(c.Line)) && c.Blanks() && c.Lit("-"u8))
            {
                e.StatusCode = code;
                c.SkipBlanks();
            }
            else c.Pos = save;
        }
        e.Reason = c.Rest();
        return Ok;
    }

    private static bool IsStatusCode(ReadOnlySpan<byte> s) =>
        s.Length >= 5 && (s[0] == (byte)'2' || s[0] == (byte)'4' || s[0] == (byte)'5') && s[1] == (byte)'.'
        && s[2..].IndexOfAnyExcept("0123456789."u8) < 0;

    /// <summary>
    /// <c>Connection Error: DCID 63 domain: example.com IP: 10.13.101.31 port: 25 details: [Errno 0] Error
    /// interface: 10.10.192.50 reason: network error</c>. Labels are found from the right where values are free text.
    /// </summary>
    private static Result ConnectionError(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!c.Lit("DCID"u8)) return Unknown;
        c.Lit(":"u8);
        c.SkipBlanks();
        if (!c.Long(out e.Dcid)) return Malformed;
        e.Type = LineType.ConnectionError;
        var line = c.Line;
        int start = c.Pos, end = c.End;
        var rest = line[start..end];
        Span<int> labels = stackalloc int[6];
        labels[0] = rest.IndexOf(" domain:"u8);
        labels[1] = rest.IndexOf(" IP:"u8);
        labels[2] = rest.IndexOf(" port:"u8);
        labels[3] = rest.IndexOf(" details:"u8);
        labels[5] = rest.LastIndexOf(" reason:"u8);
        // "details" is free text: interface and reason are the last of their kind, found from the right.
        labels[4] = (labels[5] < 0 ? rest : rest[..labels[5]]).LastIndexOf(" interface:"u8);
        ReadOnlySpan<int> lengths = [8, 4, 6, 9, 11, 8];
        Span<TextRange> values = stackalloc TextRange[6];
        for (int k = 0; k < 6; k++)
        {
            if (labels[k] < 0) continue;
            // A value runs to the next label that follows it.
            int next = rest.Length;
            for (int j = 0; j < 6; j++)
                if (labels[j] > labels[k] && labels[j] < next && (k != 3 || j >= 4)) next = labels[j];
            values[k] = c.Trim(start + labels[k] + lengths[k], start + next);
        }
        e.Domain = values[0];
        e.RemoteIp = values[1];
        if (values[2].HasValue && TryInt(values[2].Of(line), out int p)) e.Port = p;
        e.Error = values[3];
        e.InterfaceIp = values[4];
        e.Reason = values[5];
        c.Pos = end;
        return Ok;
    }

    private static bool TryInt(ReadOnlySpan<byte> s, out int v)
    {
        v = 0;
        if (s.Length == 0 || s.Length > 9) return false;
        foreach (byte b in s)
        {
            if (!Cursor.IsDigit(b)) return false;
            v = v * 10 + (b - '0');
        }
        return true;
    }

    // ---------------------------------------------------------------- Start, New, ICID, DCID

    private static Result Start(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Mid) || !c.Blanks() || !c.Lit("ICID "u8) || !c.Long(out e.Icid)) return Malformed;
        e.Type = LineType.MessageStart;
        c.SkipBlanks();
        if (!c.AtEnd) e.Detail = c.Rest();
        return Ok;
    }

    /// <summary><c>New SMTP ICID ...</c>, <c>New CPQ ICID ...</c>, <c>New SMTP DCID ...</c>.</summary>
    private static Result New(ref Cursor c, ref LogEvent e)
    {
        if (!c.Token(out e.ListenerType) || !c.Blanks()) return Unknown;
        if (c.Lit("ICID "u8))
        {
            if (!c.Long(out e.Icid)) return Malformed;
            e.Type = LineType.IcidNew;
            c.SkipBlanks();
            if (c.Lit("interface "u8))
            {
                // "interface Data 1 (68.232.141.109)": the name may contain spaces.
                if (c.Until(" ("u8, out e.InterfaceName))
                {
                    c.Until(")"u8, out e.InterfaceIp);
                    c.SkipBlanks();
                }
            }
            if (c.Word("address"u8)) { c.Token(out e.RemoteIp); c.SkipBlanks(); }
            if (c.Lit("reverse dns host "u8)) { c.Token(out e.RemoteHost); c.SkipBlanks(); }
            if (c.Word("verified"u8))
            {
                if (c.Lit("yes"u8)) e.Verified = 1;
                else if (c.Lit("no"u8)) e.Verified = 0;
            }
            return Ok;
        }
        if (c.Lit("DCID "u8))
        {
            if (!c.Long(out e.Dcid)) return Malformed;
            e.Type = LineType.DcidNew;
            c.SkipBlanks();
            if (c.Word("interface"u8)) { c.Token(out e.InterfaceIp); c.SkipBlanks(); }
            if (c.Word("address"u8)) { c.Token(out e.RemoteIp); c.SkipBlanks(); }
            if (c.Word("port"u8) && c.Long(out long port) && port <= 65535) e.Port = (int)port;
            return Ok;
        }
        return Unknown;
    }

    private static Result Icid(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Icid)) return Malformed;
        if (!c.Blanks()) return Unknown;
        if (c.Lit("TLS "u8)) return Tls(ref c, ref e, LineType.IcidTlsSuccess, LineType.IcidTlsFailed);
        if (c.Lit("close"u8)) { e.Type = LineType.IcidClose; return Ok; }
        if (c.Lit("lost"u8)) { e.Type = LineType.IcidLost; return Ok; }
        LineType hat =
            c.Word("ACCEPT"u8) ? LineType.IcidAccept :
            c.Word("REJECT"u8) ? LineType.IcidReject :
            c.Word("RELAY"u8) ? LineType.IcidRelay :
            c.Word("TCPREFUSE"u8) ? LineType.IcidTcpRefuse :
            c.Word("CONTINUE"u8) ? LineType.IcidContinue : LineType.Unparsed;
        if (hat == LineType.Unparsed) return Unknown;
        e.Type = hat;
        // "SG GOOD match 205.188.105.0/24", "SG BLACKLIST match sbrs[-10.0:-2.5] SBRS -9.5", "SG TCP-REFUSE match".
        if (c.Word("SG"u8)) { c.Token(out e.Name); c.SkipBlanks(); }
        if (c.Word("match"u8))
        {
            int sbrs = c.Remaining.LastIndexOf(" SBRS "u8);
            if (sbrs >= 0)
            {
                e.Detail = c.Trim(c.Pos, c.Pos + sbrs);
                c.Pos += sbrs + 6;
                c.SkipBlanks();
                e.Score = c.Rest();
            }
            else if (c.Remaining.StartsWith("SBRS "u8))
            {
                c.Pos += 5;
                c.SkipBlanks();
                e.Score = c.Rest();
            }
            else e.Detail = c.Rest();
        }
        else if (!c.AtEnd) e.Detail = c.Rest();
        return Ok;
    }

    private static Result Dcid(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Dcid)) return Malformed;
        if (!c.Blanks()) return Unknown;
        if (c.Lit("close"u8)) { e.Type = LineType.DcidClose; return Ok; }
        if (c.Lit("IP "u8))
        {
            c.Token(out e.RemoteIp);
            c.SkipBlanks();
        }
        if (c.Lit("TLS was required but could not be successfully negotiated"u8))
        {
            e.Type = LineType.DcidTlsRequiredFailed;
            return Ok;
        }
        if (c.Lit("TLS "u8)) return Tls(ref c, ref e, LineType.DcidTlsSuccess, LineType.DcidTlsFailed);
        return Unknown;
    }

    /// <summary><c>TLS success protocol P cipher C [peer]</c> or <c>TLS failed: reason</c>.</summary>
    private static Result Tls(ref Cursor c, ref LogEvent e, LineType success, LineType failed)
    {
        if (c.Lit("success"u8))
        {
            e.Type = success;
            c.SkipBlanks();
            if (c.Word("protocol"u8)) { c.Token(out e.TlsProtocol); c.SkipBlanks(); }
            if (c.Word("cipher"u8)) { c.Token(out e.TlsCipher); c.SkipBlanks(); }
            if (!c.AtEnd) e.TlsPeer = c.Rest();
            return Ok;
        }
        if (c.Lit("failed"u8))
        {
            e.Type = failed;
            c.Lit(":"u8);
            c.SkipBlanks();
            e.Error = c.Rest();
            return Ok;
        }
        return Unknown;
    }

    // ---------------------------------------------------------------- quarantine system, headers, misc

    private static Result IsqTag(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Mid)) return Malformed;
        e.Type = LineType.SpamQuarantineTag;
        c.SkipBlanks();
        e.Detail = c.Rest();
        return Ok;
    }

    private static Result EuqReinjected(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Mid) || !c.Blanks() || !c.Lit("as MID "u8) || !c.Long(out long child)) return Malformed;
        e.Type = LineType.EuqReinjected;
        e.ParentMid = e.Mid;
        e.ChildMid = child;
        return Ok;
    }

    /// <summary><c>unable to quarantine MID m - quarantine system unavailable</c>.</summary>
    private static Result QuarantineUnavailable(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Mid)) return Malformed;
        e.Type = LineType.QuarantineUnavailable;
        c.SkipBlanks();
        if (c.Lit("-"u8)) c.SkipBlanks();
        e.Reason = c.Rest();
        return Ok;
    }

    /// <summary><c>Quarantine "Policy" is 90% full</c> or <c>Quarantine: Failed to connect to quarantine</c>.</summary>
    private static Result QuarantineSystem(ref Cursor c, ref LogEvent e)
    {
        if (c.Lit(":"u8))
        {
            c.SkipBlanks();
            if (!c.Remaining.StartsWith("Failed to connect"u8)) return Unknown;
            e.Type = LineType.QuarantineConnectFailed;
            e.Error = c.Rest();
            return Ok;
        }
        if (!c.Blanks() || !c.Quoted(out e.Quarantine) || !c.Blanks() || !c.Word("is"u8)) return Unknown;
        if (!c.Long(out long pct) || !c.Lit("%"u8)) return Malformed;
        e.Type = LineType.QuarantineFull;
        e.Percent = (int)Math.Min(pct, 1000);
        return Ok;
    }

    private static Result ApplicationFault(ref Cursor c, ref LogEvent e)
    {
        e.Type = LineType.ApplicationFault;
        c.Lit(":"u8);
        c.SkipBlanks();
        e.Error = c.Rest();
        return Ok;
    }

    /// <summary><c>Version: 7.6.3-019 SN: 420D4FEA709365BFB3E3-0AF2EE5E700E</c>.</summary>
    private static Result Version(ref Cursor c, ParseContext ctx, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!c.Token(out e.Version)) return Malformed;
        e.Type = LineType.ApplianceVersion;
        c.SkipBlanks();
        if (c.Word("SN:"u8)) c.Token(out e.Serial);
        ctx.SetIdentity(e.Version.Of(c.Line), e.Serial.Of(c.Line));
        return Ok;
    }

    /// <summary><c>Time offset from UTC: -21600 seconds</c>: later lines of the stream use it.</summary>
    private static Result TimeOffset(ref Cursor c, ParseContext ctx, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!c.SignedLong(out long seconds) || Math.Abs(seconds) > 18 * 3600) return Malformed;
        e.Type = LineType.TimeOffset;
        e.UtcOffsetSeconds = (int)seconds;
        ctx.SetHeaderOffset((int)seconds);
        // The header line itself is local time too: re-base it on the offset it announces (when that stays a real time).
        long utc = e.LocalTicks - seconds * TimeSpan.TicksPerSecond;
        if (Envelope.IsUtcInRange(utc)) e.UtcTicks = utc;
        return Ok;
    }
}
