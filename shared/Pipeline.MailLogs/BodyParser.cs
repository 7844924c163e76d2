namespace Pipeline.MailLogs;

/// <summary>
/// Classifies the message text after <c>Level: </c> and extracts its fields (docs/logformat.md, "Line families").
/// Dispatch is on the first bytes, then each line type matches its stable words and keeps the variable parts as
/// ranges; nothing is allocated. One partial file per family: message reception (<c>BodyParser.Message.cs</c>),
/// verdicts (<c>.Verdicts.cs</c>), connections (<c>.Connection.cs</c>), delivery (<c>.Delivery.cs</c>),
/// quarantines (<c>.Quarantine.cs</c>), the LDAP work queue (<c>.Ldap.cs</c>) and appliance-wide lines (<c>.System.cs</c>).
/// </summary>
internal static partial class BodyParser
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
                if (c.Lit("Message "u8)) return MessageLine(ref c, ctx, ref e);
                break;
            case (byte)'S':
                if (c.Lit("Start MID "u8)) return Start(ref c, ref e);
                if (c.Lit("Status:"u8)) return Set(ref e, LineType.Status, ref c);
                if (c.Lit("SMTP Auth"u8)) return SmtpAuth(ref c, ref e);
                if (c.Lit("SenderBase upload:"u8)) return SenderBaseUpload(ref c, ref e);
                break;
            case (byte)'D':
                if (c.Lit("Delivery start "u8)) return DeliveryStart(ref c, ref e);
                if (c.Lit("DCID "u8)) return Dcid(ref c, ref e);
                if (c.Lit("Delayed:"u8)) return DelayedOrBounced(ref c, ref e, LineType.DeliveryDelayed);
                if (c.Lit("Double bounce:"u8)) return DoubleBounce(ref c, ref e);
                if (c.Lit("Deleted: MID "u8)) return RecipientsDeleted(ref c, ref e);
                break;
            case (byte)'N':
                if (c.Lit("New "u8)) return New(ref c, ref e);
                break;
            case (byte)'I':
                if (c.Lit("ICID "u8)) return Icid(ref c, ref e);
                if (c.Lit("ISQ: "u8)) return SpamQuarantine(ref c, ref e);
                if (c.Lit("Internal SMTP "u8)) return InternalSmtp(ref c, ref e);
                break;
            case (byte)'B':
                if (c.Lit("Bounced:"u8)) return DelayedOrBounced(ref c, ref e, LineType.DeliveryBounced);
                if (c.Lit("Begin Logfile"u8)) return Set(ref e, LineType.LogfileBegin, ref c);
                break;
            case (byte)'C':
                if (c.Lit("Connection Error:"u8)) return ConnectionError(ref c, ref e);
                if (c.Lit("CASE cache status:"u8)) return Set(ref e, LineType.CaseCacheStatus, ref c);
                break;
            case (byte)'E':
                if (c.Lit("EUQ: "u8)) return SpamQuarantine(ref c, ref e);
                if (c.Lit("End Logfile"u8)) return Set(ref e, LineType.LogfileEnd, ref c);
                if (c.Lit("Error while sending alert:"u8)) return AlertSendFailed(ref c, ref e);
                break;
            case (byte)'V':
                if (c.Lit("Version: "u8)) return Version(ref c, ctx, ref e);
                break;
            case (byte)'T':
                if (c.Lit("Time offset from UTC:"u8)) return TimeOffset(ref c, ctx, ref e);
                break;
            case (byte)'L':
                if (c.Lit("LDAP: "u8)) return Ldap(ref c, ref e);
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
                if (c.Lit("Alias match: MID "u8)) return AliasMatch(ref c, ref e);
                if (c.Lit("A "u8)) return AlertSent(ref c, ref e);
                break;
            case (byte)'R':
                if (c.Lit("RPC "u8)) return Rpc(ref c, ref e);
                if (c.Lit("Response received for file reputation query from "u8)) return AmpFileReputation(ref c, ref e);
                break;
            case (byte)'F':
                if (c.Lit("File reputation query initiating."u8)) return AmpFileQuery(ref c, ref e);
                break;
            case (byte)'P':
                if (c.Lit("Possible Delivery:"u8)) return PossibleDelivery(ref c, ref e);
                break;
            case (byte)'Y':
                if (c.Lit("Your "u8)) return FeatureKeyExpiring(ref c, ref e);
                break;
            case (byte)'U':
                if (c.Lit("URL category definitions have changed."u8)) return Set(ref e, LineType.UrlCategoriesChanged, ref c);
                if (c.Remaining.StartsWith("URL_REP_CLIENT:"u8)) return ServiceStatus(ref c, ref e, "URL_REP_CLIENT:"u8.Length);
                break;
            case (byte)'g':
                if (c.Remaining.StartsWith("graymail ["u8)) return ServiceStatus(ref c, ref e, "graymail"u8.Length);
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

    /// <summary>A range without one pair of matching outer quotes.</summary>
    private static TextRange Unquote(ReadOnlySpan<byte> line, TextRange r)
    {
        if (r.Length >= 2)
        {
            byte a = line[r.Start], b = line[r.Start + r.Length - 1];
            if ((a == (byte)'\'' || a == (byte)'"') && a == b) return new TextRange(r.Start + 1, r.Length - 2);
        }
        return r;
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

    private static bool IsStatusCode(ReadOnlySpan<byte> s) =>
        s.Length >= 5 && (s[0] == (byte)'2' || s[0] == (byte)'4' || s[0] == (byte)'5') && s[1] == (byte)'.'
        && s[2..].IndexOfAnyExcept("0123456789."u8) < 0;

    /// <summary>Optional <c>- 5.4.7 - </c> then the reason: the tail of Delayed, Bounced and Double bounce lines.</summary>
    private static void StatusAndReason(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (c.Lit("-"u8))
        {
            c.SkipBlanks();
            int save = c.Pos;
            if (c.Token(out var code) && IsStatusCode(code.Of(c.Line)) && c.Blanks() && c.Lit("-"u8))
            {
                e.StatusCode = code;
                c.SkipBlanks();
            }
            else c.Pos = save;
        }
        e.Reason = c.Rest();
    }

    /// <summary><c>... with subject 'S'</c> (or <c>"S"</c>) then an optional tail: the subject goes to <see cref="LogEvent.Subject"/>.</summary>
    private static void WithSubject(ref Cursor c, ref LogEvent e, out TextRange tail)
    {
        tail = default;
        c.SkipBlanks();
        if (c.AtEnd) return;
        byte q = c.Line[c.Pos];
        int close = q is (byte)'\'' or (byte)'"' ? c.Remaining.LastIndexOf(q) : -1;
        if (close > 0)
        {
            e.Subject = new TextRange(c.Pos + 1, close - 1);
            c.Pos += close + 1;
            tail = c.Rest();
            return;
        }
        // Unquoted: up to a final period.
        var rest = c.Rest();
        if (rest.Length > 1 && c.Line[rest.Start + rest.Length - 1] == (byte)'.') rest = new TextRange(rest.Start, rest.Length - 1);
        e.Subject = rest;
    }
}
