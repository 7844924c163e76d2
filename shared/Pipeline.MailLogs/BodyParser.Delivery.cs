namespace Pipeline.MailLogs;

/// <summary>Delivery: <c>DCID</c> lines, delivery start/done/response, delays, bounces, retries, connection errors.</summary>
internal static partial class BodyParser
{
    /// <summary><c>Message done ...</c>, <c>Message finished ...</c>, <c>Message aborted ...</c>, <c>Message m to RID [0] pending till ...</c>.</summary>
    private static Result MessageLine(ref Cursor c, ParseContext ctx, ref LogEvent e)
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
        if (c.Lit("containing attachment"u8)) return MailboxRemediation(ref c, ref e);
        if (c.Long(out e.Mid))
        {
            // "Message 4 to RID [0] pending till ...": the older wording of a pending retry.
            if (!c.Blanks() || !c.Word("to"u8)) return Unknown;
            return Pending(ref c, ctx, ref e);
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

    /// <summary>
    /// <c>Delayed:</c> / <c>Bounced:</c> in their wordings:
    /// <c>DCID 8413617 MID 19338947 From: &lt;..&gt; To: &lt;..&gt; RID 0 - 5.4.7 - text</c>,
    /// <c>DCID 0 MID 8 to RID 0 - text</c>, and the old <c>DCID: 1911 Message 3993 to 0 - text</c>.
    /// </summary>
    private static Result DelayedOrBounced(ref Cursor c, ref LogEvent e, LineType type)
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
        RecipientAfterTo(ref c, ref e);
        StatusAndReason(ref c, ref e);
        return Ok;
    }

    /// <summary><c>[to] [RID] 0</c> or <c>[to] [RID] [0, 1]</c>: one recipient or a list.</summary>
    private static void RecipientAfterTo(ref Cursor c, ref LogEvent e)
    {
        c.Word("to"u8);
        if (c.Lit("RID"u8)) c.SkipBlanks();
        if (c.Brackets(out e.Rids)) { }
        else if (c.Long(out long rid)) e.Rid = rid;
    }

    /// <summary><c>Double bounce: Message 8963393 to 0 - 5.1.1 - Bad destination email address</c> (or <c>MID m</c>).</summary>
    private static Result DoubleBounce(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!(c.Lit("MID "u8) || c.Lit("Message "u8))) return Unknown;
        if (!c.Long(out e.Mid)) return Malformed;
        e.Type = LineType.DoubleBounce;
        c.SkipBlanks();
        RecipientAfterTo(ref c, ref e);
        StatusAndReason(ref c, ref e);
        return Ok;
    }

    /// <summary><c>Deleted: MID 3 to [0]</c>.</summary>
    private static Result RecipientsDeleted(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Mid)) return Malformed;
        e.Type = LineType.RecipientsDeleted;
        c.SkipBlanks();
        RecipientAfterTo(ref c, ref e);
        return Ok;
    }

    /// <summary><c>Possible Delivery: DCID: 4641294 MID 8956463 to [0]</c>.</summary>
    private static Result PossibleDelivery(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!c.Lit("DCID"u8)) return Unknown;
        c.Lit(":"u8);
        c.SkipBlanks();
        if (!c.Long(out e.Dcid) || !c.Blanks() || !c.Lit("MID "u8) || !c.Long(out e.Mid)) return Malformed;
        e.Type = LineType.PossibleDelivery;
        c.SkipBlanks();
        RecipientAfterTo(ref c, ref e);
        return Ok;
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

    /// <summary>
    /// After <c>MID m to</c> or <c>Message m to</c>: <c>RID [0] pending till Wed Jul 20 10:15:41 2005 [Default]</c>
    /// (<c>RID</c> and the destination profile may be absent).
    /// </summary>
    private static Result Pending(ref Cursor c, ParseContext ctx, ref LogEvent e)
    {
        if (c.Lit("RID"u8)) c.SkipBlanks();
        if (!c.Brackets(out e.Rids)) return Unknown;
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

    /// <summary>
    /// <c>Connection Error: DCID 63 domain: example.com IP: 10.13.101.31 port: 25 details: [Errno 0] Error
    /// interface: 10.10.192.50 reason: network error</c>, and the older <c>Connection Error: connection timed out DCID:
    /// 2804 IP: ip details: timeout interface: ip</c> (the reason first). Labels are found from the right where values
    /// are free text.
    /// </summary>
    private static Result ConnectionError(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        TextRange reasonFirst = default;
        if (!c.Lit("DCID"u8))
        {
            int dcid = c.Remaining.IndexOf(" DCID"u8);
            if (dcid <= 0) return Unknown;
            reasonFirst = c.Trim(c.Pos, c.Pos + dcid);
            c.Pos += dcid + 5;
        }
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
        e.Reason = values[5].HasValue ? values[5] : reasonFirst;
        c.Pos = end;
        return Ok;
    }

    private static Result Dcid(ref Cursor c, ref LogEvent e)
    {
        if (!c.Long(out e.Dcid)) return Malformed;
        if (!c.Blanks()) return Unknown;
        if (c.Lit("close"u8)) { e.Type = LineType.DcidClose; return Ok; }
        if (c.Lit("IP"u8))
        {
            c.Lit(":"u8); // "IP 204.15.82.140" (TLS lines) or "IP: 10.0.2.9" (SMTP authentication)
            c.SkipBlanks();
            c.Token(out e.RemoteIp);
            c.SkipBlanks();
        }
        if (c.Lit("TLS was required but could not be successfully negotiated"u8))
        {
            e.Type = LineType.DcidTlsRequiredFailed;
            return Ok;
        }
        if (c.Lit("TLS "u8)) return Tls(ref c, ref e, LineType.DcidTlsSuccess, LineType.DcidTlsFailed);
        if (c.Lit("SMTP authentication using the profile "u8))
        {
            // "... using the profile out_auth succeeded."
            if (!c.Token(out e.Name) || !c.Blanks()) return Malformed;
            e.Type = LineType.DcidSmtpAuth;
            c.TokenUntil((byte)'.', out e.Verdict);
            return Ok;
        }
        return Unknown;
    }
}
