namespace Pipeline.MailLogs;

/// <summary>Connections: <c>New ... ICID/DCID</c>, the <c>ICID n ...</c> lines (HAT, TLS, sender checks), SMTP AUTH.</summary>
internal static partial class BodyParser
{
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
            if (c.Lit("reverse dns host "u8)) { c.SkipBlanks(); c.Token(out e.RemoteHost); c.SkipBlanks(); }
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
        switch (c.Line[c.Pos])
        {
            case (byte)'T':
                if (c.Lit("TLS was required but remote host did not initiate it"u8)) { e.Type = LineType.IcidTlsRequiredFailed; return Ok; }
                if (c.Lit("TLS "u8)) return Tls(ref c, ref e, LineType.IcidTlsSuccess, LineType.IcidTlsFailed);
                break;
            case (byte)'c':
                if (c.Lit("close"u8)) { e.Type = LineType.IcidClose; return Ok; }
                break;
            case (byte)'l':
                if (c.Lit("lost"u8)) { e.Type = LineType.IcidLost; return Ok; }
                break;
            case (byte)'D':
                if (c.Lit("Delayed HAT REJECT"u8))
                {
                    // "... continuing session for recipient logging (10.8.236.135)"
                    e.Type = LineType.IcidDelayedReject;
                    int open = c.Remaining.LastIndexOf((byte)'(');
                    if (open >= 0) { c.Pos += open; c.Parens(out e.RemoteIp); }
                    return Ok;
                }
                break;
            case (byte)'R':
            case (byte)'I':
                if (c.Lit("Receiving Failed:"u8) || c.Lit("Injection Failed:"u8))
                {
                    e.Type = LineType.IcidReceivingFailed;
                    c.SkipBlanks();
                    e.Reason = c.Rest();
                    return Ok;
                }
                if (c.Remaining.StartsWith("Invalid sender address:"u8)) return InvalidAddress(ref c, ref e, "sender"u8.Length);
                break;
            case (byte)'M':
                // "ICID 3 MID 1 Invalid recipient address: ..."
                if (c.Lit("MID "u8) && c.Long(out e.Mid) && c.Blanks() && c.Remaining.StartsWith("Invalid recipient address:"u8))
                    return InvalidAddress(ref c, ref e, "recipient"u8.Length);
                return Unknown;
            case (byte)'S':
                if (c.Lit("SBRS "u8))
                {
                    e.Type = LineType.IcidSbrs;
                    SbrsAndCountry(ref c, ref e);
                    return Ok;
                }
                break;
            case (byte)'A':
                if (c.Lit("Address:"u8))
                {
                    // "Address: <a@b> sender rejected, envelope sender domain does not exist"
                    e.Type = LineType.IcidSenderVerification;
                    c.SkipBlanks();
                    e.From = Address(ref c);
                    if (c.Until(","u8, out e.Verdict)) { c.SkipBlanks(); e.Reason = c.Rest(); }
                    else e.Verdict = c.Rest();
                    return Ok;
                }
                break;
            case (byte)'d':
                if (c.Lit("disconnected address "u8))
                {
                    e.Type = LineType.IcidDisconnected;
                    c.TokenUntil((byte)',', out e.RemoteIp);
                    c.Lit(","u8);
                    c.SkipBlanks();
                    e.Reason = c.Rest();
                    return Ok;
                }
                break;
            case (byte)'C':
                if (c.Lit("Connection from "u8)) return ConnectionLost(ref c, ref e);
                break;
        }
        return Hat(ref c, ref e);
    }

    /// <summary>The HAT decision: <c>ACCEPT SG GOOD match 205.188.105.0/24</c>, <c>REJECT SG BLACKLIST match sbrs[...] SBRS -9.5</c>.</summary>
    private static Result Hat(ref Cursor c, ref LogEvent e)
    {
        LineType hat =
            c.Word("ACCEPT"u8) ? LineType.IcidAccept :
            c.Word("REJECT"u8) ? LineType.IcidReject :
            c.Word("RELAY"u8) ? LineType.IcidRelay :
            c.Word("TCPREFUSE"u8) ? LineType.IcidTcpRefuse :
            c.Word("CONTINUE"u8) ? LineType.IcidContinue : LineType.Unparsed;
        if (hat == LineType.Unparsed) return Unknown;
        e.Type = hat;
        // "SG GOOD match 205.188.105.0/24", "SG BLACKLIST match sbrs[-10.0:-2.5] SBRS -9.5", "SG TCP-REFUSE match",
        // "SG None SBRS rfc1918" (no match), "... SBRS 3.4 country United States".
        if (c.Word("SG"u8)) { c.Token(out e.Name); c.SkipBlanks(); }
        if (c.Word("match"u8))
        {
            int sbrs = c.Remaining.LastIndexOf(" SBRS "u8);
            if (sbrs >= 0)
            {
                e.Detail = c.Trim(c.Pos, c.Pos + sbrs);
                c.Pos += sbrs + 6;
                SbrsAndCountry(ref c, ref e);
            }
            else if (c.Remaining.StartsWith("SBRS "u8))
            {
                c.Pos += 5;
                SbrsAndCountry(ref c, ref e);
            }
            else e.Detail = c.Rest();
        }
        else if (c.Lit("SBRS "u8)) SbrsAndCountry(ref c, ref e);
        else if (!c.AtEnd) e.Detail = c.Rest();
        return Ok;
    }

    /// <summary><c>Invalid sender address: reason</c> / <c>Invalid recipient address: reason</c>: which address is the verdict.</summary>
    private static Result InvalidAddress(ref Cursor c, ref LogEvent e, int whichLength)
    {
        e.Type = LineType.IcidInvalidAddress;
        e.Verdict = new TextRange(c.Pos + "Invalid "u8.Length, whichLength); // "sender" | "recipient"
        c.Until(" address:"u8, out _);
        c.SkipBlanks();
        e.Reason = c.Rest();
        return Ok;
    }

    /// <summary>
    /// <c>Connection from ip on interface N (ip) lost after 139 seconds (DNS query took 139 seconds), before any
    /// commands were received</c> (the interface part may be absent): the reason is the text from <c>lost</c>.
    /// </summary>
    private static Result ConnectionLost(ref Cursor c, ref LogEvent e)
    {
        c.Token(out e.RemoteIp);
        c.SkipBlanks();
        if (c.Lit("on interface "u8) && c.Until(" ("u8, out e.InterfaceName))
        {
            c.Until(")"u8, out e.InterfaceIp);
            c.SkipBlanks();
        }
        if (!c.Remaining.StartsWith("lost"u8)) return Unknown;
        e.Type = LineType.IcidConnectionLost;
        e.Reason = c.Rest();
        return Ok;
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

    /// <summary>
    /// <c>SMTP Auth (ICID n) succeeded for user: u using AUTH mechanism: LOGIN with profile: p</c> (also written
    /// <c>SMTP Auth: (ICID n) ...</c>, and <c>failed for user:</c>). Other SMTP Auth wordings stay ICID notes.
    /// </summary>
    private static Result SmtpAuth(ref Cursor c, ref LogEvent e)
    {
        c.Lit(":"u8);
        c.SkipBlanks();
        if (!c.Lit("(ICID "u8)) return Unknown;
        if (!c.Long(out e.Icid) || !c.Lit(")"u8)) return Malformed;
        c.SkipBlanks();
        int verdict = c.Pos;
        if (!c.Token(out e.Verdict) || !c.Blanks() || !c.Lit("for user:"u8))
        {
            c.Pos = verdict;
            e.Verdict = default;
            return Unknown;
        }
        e.Type = LineType.IcidSmtpAuth;
        c.SkipBlanks();
        if (c.Until(" using AUTH mechanism:"u8, out e.UserName))
        {
            c.SkipBlanks();
            if (c.Until(" with profile:"u8, out e.AuthMechanism)) { c.SkipBlanks(); e.Name = c.Rest(); }
            else e.AuthMechanism = c.Rest();
        }
        else e.UserName = c.Rest();
        return Ok;
    }
}
