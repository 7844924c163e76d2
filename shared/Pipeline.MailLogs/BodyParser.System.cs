namespace Pipeline.MailLogs;

/// <summary>Appliance-wide lines: file headers, faults, alerts and their internal SMTP, feature keys, service notices.</summary>
internal static partial class BodyParser
{
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

    /// <summary>
    /// <c>Class/Severity alert ... to a@b with subject "S"</c>: the class (<c>System</c>, <c>Anti-Virus</c>) is the
    /// category, the severity the verdict, the alert's recipient <see cref="LogEvent.To"/>. Returns false when the text
    /// is not that shape; <paramref name="to"/> is the words before the recipient (<c>alert was sent to</c>, <c>alert to</c>).
    /// </summary>
    private static bool Alert(ref Cursor c, ref LogEvent e, ReadOnlySpan<byte> to)
    {
        if (!c.TokenUntil((byte)'/', out e.Category) || !c.Lit("/"u8) || !c.Token(out e.Verdict) || !c.Blanks() || !c.Lit(to)) return false;
        c.SkipBlanks();
        if (!c.Until(" with subject"u8, out e.To)) return false;
        WithSubject(ref c, ref e, out _);
        return true;
    }

    /// <summary><c>A System/Warning alert was sent to a@b with subject "..."</c>.</summary>
    private static Result AlertSent(ref Cursor c, ref LogEvent e)
    {
        if (!Alert(ref c, ref e, "alert was sent to"u8)) return Unknown;
        e.Type = LineType.AlertSent;
        return Ok;
    }

    /// <summary><c>Error while sending alert: Unable to send System/Warning alert to a@b with subject "..."</c>.</summary>
    private static Result AlertSendFailed(ref Cursor c, ref LogEvent e)
    {
        c.SkipBlanks();
        if (!c.Lit("Unable to send "u8) || !Alert(ref c, ref e, "alert to"u8)) return Unknown;
        e.Type = LineType.AlertSendFailed;
        return Ok;
    }

    /// <summary>
    /// After <c>Internal SMTP </c>: <c>system successfully sent a message to a with subject 'S'.</c>, <c>giving up on
    /// message to a with subject 'S': reason</c>, <c>Error: Failed to send message to host ip:port for recipient a: reason</c>.
    /// </summary>
    private static Result InternalSmtp(ref Cursor c, ref LogEvent e)
    {
        if (c.Lit("system successfully sent a message to "u8))
        {
            if (!c.Until(" with subject"u8, out e.To)) return Unknown;
            e.Type = LineType.InternalSmtpSent;
            WithSubject(ref c, ref e, out _);
            return Ok;
        }
        if (c.Lit("giving up on message to "u8))
        {
            if (!c.Until(" with subject"u8, out e.To)) return Unknown;
            e.Type = LineType.InternalSmtpGaveUp;
            WithSubject(ref c, ref e, out var tail);
            var t = tail.Of(c.Line);
            int skip = 0;
            while (skip < t.Length && (t[skip] == (byte)':' || t[skip] == (byte)' ')) skip++;
            int end = t.Length;
            if (end > skip && t[end - 1] == (byte)'.') end--;
            if (end > skip) e.Error = new TextRange(tail.Start + skip, end - skip);
            return Ok;
        }
        if (c.Lit("Error:"u8))
        {
            e.Type = LineType.InternalSmtpError;
            c.SkipBlanks();
            int start = c.Pos;
            if (c.Until(" to host "u8, out _) && c.TokenUntil((byte)':', out e.RemoteIp))
            {
                if (c.Lit(":"u8) && c.Long(out long port) && port <= 65535) e.Port = (int)port;
                c.SkipBlanks();
                if (c.Lit("for recipient "u8)) c.Until(": "u8, out e.To);
            }
            c.Pos = start;
            e.Error = c.Rest();
            return Ok;
        }
        return Unknown;
    }

    /// <summary><c>Your "IronPort Anti-Spam" key will expire in under 60 day(s). Please contact ...</c>: the feature is the name.</summary>
    private static Result FeatureKeyExpiring(ref Cursor c, ref LogEvent e)
    {
        if (!c.Quoted(out e.Name) || !c.Blanks() || !c.Word("key"u8) || !c.Remaining.StartsWith("will expire"u8)) return Unknown;
        e.Type = LineType.FeatureKeyExpiring;
        e.Detail = c.Rest();
        return Ok;
    }

    /// <summary>A component's service notice: its name (<c>URL_REP_CLIENT</c>, <c>graymail</c>) is the engine, the rest the detail.</summary>
    private static Result ServiceStatus(ref Cursor c, ref LogEvent e, int nameLength)
    {
        e.Type = LineType.ServiceStatus;
        int nameEnd = c.Line[c.Pos + nameLength - 1] == (byte)':' ? nameLength - 1 : nameLength;
        e.Engine = new TextRange(c.Pos, nameEnd);
        c.Pos += nameLength;
        c.SkipBlanks();
        e.Detail = c.Rest();
        return Ok;
    }

    /// <summary><c>SenderBase upload: 734 hosts totaling 201887 bytes</c> (older: <c>totalling</c>): the bytes are the size.</summary>
    private static Result SenderBaseUpload(ref Cursor c, ref LogEvent e)
    {
        e.Type = LineType.SenderBaseUpload;
        c.SkipBlanks();
        e.Detail = new TextRange(c.Pos, c.End - c.Pos);
        int total = c.Remaining.IndexOf(" total"u8);
        if (total >= 0)
        {
            c.Pos += total + 1;
            if (c.Token(out _) && c.Blanks() && c.Long(out long bytes)) e.Size = bytes;
        }
        c.Pos = c.End;
        return Ok;
    }

    /// <summary>
    /// Mailbox Auto Remediation, after <c>Message containing attachment</c>: <c>(s) for which verdict update was(were)
    /// available was not found in the recipient's (&lt;a&gt;) mailbox.</c> The recipient is <see cref="LogEvent.To"/>.
    /// </summary>
    private static Result MailboxRemediation(ref Cursor c, ref LogEvent e)
    {
        if (!ContainsIgnoreCase(c.Remaining, "mailbox"u8)) return Unknown;
        e.Type = LineType.MailboxRemediation;
        int detail = c.Pos - "Message containing attachment"u8.Length; // the whole text is the detail
        int open = c.Remaining.IndexOf("(<"u8);
        if (open >= 0)
        {
            c.Pos += open + 1;
            c.Angle(out e.To);
        }
        c.Pos = detail;
        e.Detail = c.Rest();
        return Ok;
    }
}
