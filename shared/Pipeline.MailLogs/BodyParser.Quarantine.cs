namespace Pipeline.MailLogs;

/// <summary>Quarantines: local and centralized policy quarantines, the spam quarantine (ISQ/EUQ) and its RPC hand-off.</summary>
internal static partial class BodyParser
{
    /// <summary>
    /// After <c>MID m released </c>: <c>from quarantine "Policy" (manual) t=190</c>, <c>from all quarantines</c>,
    /// and both with <c>(attachments stripped)</c> first (the verdict).
    /// </summary>
    private static Result Released(ref Cursor c, ref LogEvent e)
    {
        if (c.Parens(out e.Verdict)) c.SkipBlanks(); // "(attachments stripped)"
        if (!c.Lit("from "u8)) return Unknown;
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

    /// <summary><c>MID m quarantine "Outbreak" new reason (VOF rule:OUTBREAK_0000231)</c>.</summary>
    private static Result QuarantineReasonChanged(ref Cursor c, ref LogEvent e)
    {
        if (!c.Quoted(out e.Quarantine) || !c.Blanks() || !c.Word("new"u8) || !c.Word("reason"u8)) return Unknown;
        e.Type = LineType.QuarantineReasonChanged;
        if (c.Parens(out var reason)) e.Reason = reason;
        else e.Reason = c.Rest();
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

    /// <summary>
    /// The spam quarantine, after <c>ISQ: </c> (or <c>EUQ: </c> before AsyncOS 5.0): <c>Tagging MID m for quarantine</c>,
    /// <c>Quarantined MID m</c>, <c>Reinjected MID a as MID b</c>.
    /// </summary>
    private static Result SpamQuarantine(ref Cursor c, ref LogEvent e)
    {
        if (c.Lit("Tagging MID "u8))
        {
            if (!c.Long(out e.Mid)) return Malformed;
            e.Type = LineType.SpamQuarantineTag;
            c.SkipBlanks();
            e.Detail = c.Rest();
            return Ok;
        }
        if (c.Lit("Quarantined MID "u8))
        {
            if (!c.Long(out e.Mid)) return Malformed;
            e.Type = LineType.SpamQuarantined;
            return Ok;
        }
        if (c.Lit("Reinjected MID "u8))
        {
            if (!c.Long(out e.Mid) || !c.Blanks() || !c.Lit("as MID "u8) || !c.Long(out long child)) return Malformed;
            e.Type = LineType.EuqReinjected;
            e.ParentMid = e.Mid;
            e.ChildMid = child;
            return Ok;
        }
        return Unknown;
    }

    /// <summary>
    /// The RPC hand-off to the spam quarantine: <c>Delivery start RCID r MID m to local IronPort Spam Quarantine</c>,
    /// <c>Message done RCID r MID m</c>, <c>Message rejected RCID r MID m</c>, <c>connection to host failed RCID r MID m (reason)</c>.
    /// </summary>
    private static Result Rpc(ref Cursor c, ref LogEvent e)
    {
        LineType type =
            c.Lit("Delivery start RCID "u8) ? LineType.RpcDeliveryStart :
            c.Lit("Message done RCID "u8) ? LineType.RpcMessageDone :
            c.Lit("Message rejected RCID "u8) ? LineType.RpcMessageRejected : LineType.Unparsed;
        if (type == LineType.Unparsed)
        {
            if (!c.Lit("connection to "u8) || !c.Token(out e.Domain) || !c.Blanks() || !c.Lit("failed RCID "u8)) return Unknown;
            type = LineType.RpcConnectionFailed;
        }
        if (!c.Long(out e.Rcid) || !c.Blanks() || !c.Lit("MID "u8) || !c.Long(out e.Mid)) return Malformed;
        e.Type = type;
        c.SkipBlanks();
        if (type == LineType.RpcConnectionFailed)
        {
            if (c.Parens(out var error)) e.Error = error;
            else e.Error = c.Rest();
            return Ok;
        }
        if (!c.AtEnd)
        {
            e.Detail = c.Rest();
            if (type == LineType.RpcDeliveryStart && ContainsIgnoreCase(e.Detail.Of(c.Line), "spam quarantine"u8))
                e.Destination = QuarantineDestination.LocalSpam;
        }
        return Ok;
    }
}
