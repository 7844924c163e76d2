namespace Pipeline.MailLogs;

/// <summary>The LDAP work queue, after <c>LDAP: </c>: reroutes, requeues and the recipients a query bounces or drops.</summary>
internal static partial class BodyParser
{
    private static Result Ldap(ref Cursor c, ref LogEvent e)
    {
        if (c.Lit("unable to process, MID "u8))
        {
            if (!c.Long(out e.Mid) || !c.Blanks()) return Malformed;
            if (!c.Lit("requeued"u8)) return Unknown;
            e.Type = LineType.LdapRequeued;
            return Ok;
        }
        int verb = c.Pos;
        LineType type;
        if (c.Lit("Reroute query "u8)) type = LineType.LdapReroute;
        else if (c.Lit("Bounce query "u8) || c.Lit("Drop query "u8))
        {
            type = LineType.LdapRecipientRejected;
            e.Verdict = new TextRange(verb, c.Line[verb] == (byte)'B' ? 6 : 4); // Bounce | Drop
        }
        else return Unknown;
        // "Q MID m RID r address a [to [('b', 'host')]]"
        if (!c.Token(out e.Name) || !c.Blanks() || !c.Lit("MID "u8) || !c.Long(out e.Mid) || !c.Blanks()
            || !c.Lit("RID "u8) || !c.Long(out e.Rid) || !c.Blanks() || !c.Word("address"u8) || !c.Token(out e.To)) return Malformed;
        e.Type = type;
        c.SkipBlanks();
        if (type == LineType.LdapReroute && c.Word("to"u8))
        {
            e.Detail = c.Rest();
            // The new address: the first quoted value of the list.
            var list = e.Detail.Of(c.Line);
            int open = list.IndexOfAny((byte)'\'', (byte)'"');
            if (open >= 0)
            {
                int close = list[(open + 1)..].IndexOf(list[open]);
                if (close > 0) e.Target = new TextRange(e.Detail.Start + open + 1, close);
            }
        }
        return Ok;
    }
}
