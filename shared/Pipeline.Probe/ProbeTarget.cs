using System.Globalization;

namespace Pipeline.Probe;

/// <summary>How TLS starts on a listener.</summary>
public enum ProbeTls
{
    /// <summary>Plain SMTP, then STARTTLS (how ESAs and SMAs talk on the CPQ port).</summary>
    StartTls,
    /// <summary>TLS from the first byte (SMTPS).</summary>
    Implicit,
}

/// <summary>One listener to probe: an address and port, and the appliance it belongs to when known.</summary>
/// <param name="Host">Name or address to connect to.</param>
/// <param name="Port">TCP port (the CPQ default is 7025).</param>
/// <param name="Appliance">The appliance that owns the listener; null when only the address is known.</param>
/// <param name="Tls">How TLS starts.</param>
/// <param name="Source">Where the target came from (<c>config</c>, <c>learned</c>, <c>command line</c>), for the report.</param>
public sealed record ProbeTarget(string Host, int Port, string? Appliance = null, ProbeTls Tls = ProbeTls.StartTls, string Source = "config")
{
    /// <summary>The default port of the centralized quarantine listeners.</summary>
    public const int DefaultCpqPort = 7025;

    /// <summary><c>host:port</c> (IPv6 addresses in brackets): the target's identity.</summary>
    public string Endpoint => Host.Contains(':') ? $"[{Host}]:{Port.ToString(CultureInfo.InvariantCulture)}" : $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The appliance name when known, else the host.</summary>
    public string Name => Appliance ?? Host;

    /// <summary>
    /// Parses <c>HOST</c>, <c>HOST:PORT</c>, <c>[IPv6]:PORT</c>, each optionally as <c>NAME=...</c> and optionally with a
    /// <c>tls://</c> (implicit TLS) or <c>smtp://</c> (STARTTLS) prefix.
    /// </summary>
    /// <exception cref="FormatException">The text is not a target.</exception>
    public static ProbeTarget Parse(string text, string source = "config")
    {
        string s = text.Trim();
        string? name = null;
        int eq = s.IndexOf('=');
        if (eq > 0)
        {
            name = s[..eq].Trim();
            s = s[(eq + 1)..].Trim();
        }
        var tls = ProbeTls.StartTls;
        if (s.StartsWith("tls://", StringComparison.OrdinalIgnoreCase)) { tls = ProbeTls.Implicit; s = s[6..]; }
        else if (s.StartsWith("smtp://", StringComparison.OrdinalIgnoreCase)) s = s[7..];

        string host;
        string? port = null;
        if (s.StartsWith('['))
        {
            int close = s.IndexOf(']');
            if (close < 0) throw new FormatException($"'{text}': missing ']' after an IPv6 address");
            host = s[1..close];
            if (close + 1 < s.Length)
            {
                if (s[close + 1] != ':') throw new FormatException($"'{text}': expected ':PORT' after ']'");
                port = s[(close + 2)..];
            }
        }
        else
        {
            int colon = s.LastIndexOf(':');
            if (colon >= 0 && s.IndexOf(':') != colon) { host = s; } // a bare IPv6 address without a port
            else if (colon >= 0) { host = s[..colon]; port = s[(colon + 1)..]; }
            else host = s;
        }
        if (host.Length == 0 || host.Any(char.IsWhiteSpace)) throw new FormatException($"'{text}' is not HOST:PORT");
        int p = DefaultCpqPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out p) || p is < 1 or > 65535))
            throw new FormatException($"'{text}': the port must be a number from 1 to 65535");
        return new ProbeTarget(host, p, string.IsNullOrEmpty(name) ? null : name, tls, source);
    }
}
