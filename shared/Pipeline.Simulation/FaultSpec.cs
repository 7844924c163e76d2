namespace Pipeline.Simulation;

/// <summary>The faults the simulator can inject (see <see cref="FaultSpec"/>).</summary>
public enum FaultKind
{
    /// <summary><c>tls-anon:ESA</c>: the ESA offers an anonymous cipher to its SMA; certificate verification fails.</summary>
    TlsAnon,
    /// <summary><c>port-blocked:ESA</c>: the ESA's connections to port 7025 of its SMA time out.</summary>
    PortBlocked,
    /// <summary><c>listener-suspended:APPLIANCE</c>: the appliance's cpq_listener refuses connections.</summary>
    ListenerSuspended,
    /// <summary><c>sma-app-fault:SMA</c>: an internal fault; the SMA's CPQ listener answers 4xx.</summary>
    SmaAppFault,
    /// <summary><c>quarantine-full:SMA</c>: the SMA's quarantine is full; arrivals cannot be quarantined.</summary>
    QuarantineFull,
    /// <summary><c>silent:APPLIANCE</c>: the appliance is unreachable and frozen; it writes no lines.</summary>
    Silent,
}

/// <summary>
/// One fault: <c>kind:APPLIANCE@FROM-TO</c>. FROM and TO are offsets from the start (<c>2h</c>, <c>2h30m</c>, <c>90m</c>)
/// or ISO-8601 times (<c>2026-03-10T09:00:00Z</c>); an empty TO means the end of the run.
/// </summary>
/// <param name="Spec">The text as given.</param>
/// <param name="Kind">The fault.</param>
/// <param name="Appliance">The appliance's name (esa01, sma01...).</param>
/// <param name="From">Start of the window (UTC).</param>
/// <param name="To">End of the window (UTC, exclusive).</param>
public sealed record FaultSpec(string Spec, FaultKind Kind, string Appliance, DateTime From, DateTime To)
{
    /// <summary>The help text for the syntax.</summary>
    public const string SyntaxHelp =
        "kind:APPLIANCE@FROM-TO, kinds: tls-anon (ESA), port-blocked (ESA), listener-suspended (ESA or SMA), sma-app-fault (SMA), " +
        "quarantine-full (SMA), silent (ESA or SMA). FROM/TO: offsets from --start (2h, 2h30m, 90m, 45s) or ISO times " +
        "(2026-03-10T09:00:00Z); an empty TO means the end. Example: tls-anon:esa01@2h-3h30m";

    /// <summary>The spec's kind name (<c>tls-anon</c>...).</summary>
    public static string KindName(FaultKind kind) => kind switch
    {
        FaultKind.TlsAnon => "tls-anon",
        FaultKind.PortBlocked => "port-blocked",
        FaultKind.ListenerSuspended => "listener-suspended",
        FaultKind.SmaAppFault => "sma-app-fault",
        FaultKind.QuarantineFull => "quarantine-full",
        FaultKind.Silent => "silent",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses a kind name.</summary>
    public static bool TryParseKind(string name, out FaultKind kind)
    {
        foreach (var k in Enum.GetValues<FaultKind>())
        {
            if (string.Equals(KindName(k), name, StringComparison.OrdinalIgnoreCase))
            {
                kind = k;
                return true;
            }
        }
        kind = default;
        return false;
    }

    /// <summary>Parses <paramref name="spec"/>; offsets are relative to <paramref name="start"/>, an empty TO is <paramref name="end"/>.</summary>
    /// <exception cref="FormatException">The spec is malformed.</exception>
    public static FaultSpec Parse(string spec, DateTime start, DateTime end)
    {
        ArgumentNullException.ThrowIfNull(spec);
        string s = spec.Trim();
        int colon = s.IndexOf(':');
        int at = s.IndexOf('@');
        if (colon <= 0 || at < colon + 2) throw new FormatException($"fault '{spec}': expected {SyntaxHelp}");
        var kindName = s[..colon];
        if (!TryParseKind(kindName, out var kind))
            throw new FormatException($"fault '{spec}': unknown kind '{kindName}' (tls-anon, port-blocked, listener-suspended, sma-app-fault, quarantine-full, silent)");
        var appliance = s[(colon + 1)..at].Trim().ToLowerInvariant();
        var window = s[(at + 1)..].Trim();
        // Split FROM-TO at the first '-' where both sides parse (ISO times contain dashes themselves).
        for (int i = window.IndexOf('-'); i >= 0; i = window.IndexOf('-', i + 1))
        {
            if (!TryPoint(window[..i], start, out var from)) continue;
            var rest = window[(i + 1)..];
            DateTime to;
            if (rest.Length == 0) to = end;
            else if (!TryPoint(rest, start, out to)) continue;
            if (to <= from) throw new FormatException($"fault '{spec}': the window ends before it starts");
            return new FaultSpec(spec, kind, appliance, from, to);
        }
        throw new FormatException($"fault '{spec}': cannot read the window '{window}' (use FROM-TO, e.g. 2h-3h30m or 2026-03-10T09:00:00Z-2026-03-10T10:00:00Z)");
    }

    private static bool TryPoint(string text, DateTime start, out DateTime t)
    {
        if (TimeText.TryParseTime(text, out t)) return true;
        if (TimeText.TryParseDuration(text, out var d))
        {
            t = start + d;
            return true;
        }
        return false;
    }
}
