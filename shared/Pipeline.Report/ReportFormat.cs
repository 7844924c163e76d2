using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Pipeline.Report;

/// <summary>Text helpers of the report: HTML encoding, UTC ISO times, numbers and durations.</summary>
internal static class ReportFormat
{
    /// <summary>Encodes &lt; &gt; &amp; quotes and control characters; leaves other Unicode text readable.</summary>
    private static readonly HtmlEncoder Html = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>HTML-encodes text for element content and quoted attribute values.</summary>
    public static string E(string? text) => string.IsNullOrEmpty(text) ? "" : Html.Encode(Clean(text));

    /// <summary>Replaces lone UTF-16 surrogates (which no encoder accepts) with U+FFFD.</summary>
    public static string Clean(string text)
    {
        int i = 0;
        for (; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            break;
        }
        if (i >= text.Length) return text;
        var sb = new StringBuilder(text.Length);
        for (int j = 0; j < text.Length; j++)
        {
            char c = text[j];
            if (char.IsHighSurrogate(c) && j + 1 < text.Length && char.IsLowSurrogate(text[j + 1])) { sb.Append(c).Append(text[++j]); }
            else if (char.IsSurrogate(c)) sb.Append('\uFFFD');
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>ISO-8601 UTC with Z, to the second; a dash when unknown.</summary>
    public static string Time(DateTime? t) => t is { } v
        ? Utc(v).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)
        : "—";

    /// <summary>Seconds since the Unix epoch (times without a kind are taken as UTC).</summary>
    public static long Epoch(DateTime t) => (long)Math.Floor((Utc(t) - DateTime.UnixEpoch).TotalSeconds);

    /// <summary>The time as UTC (a time without a kind is taken as UTC).</summary>
    public static DateTime Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Utc => t,
        DateTimeKind.Local => t.ToUniversalTime(),
        _ => DateTime.SpecifyKind(t, DateTimeKind.Utc),
    };

    /// <summary>A count with thousands separators.</summary>
    public static string Num(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>A share in percent with one decimal ("0.0%" when the whole is 0).</summary>
    public static string Pct(long part, long whole) =>
        (whole <= 0 ? 0 : 100.0 * part / whole).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    /// <summary>A duration in the two largest units: <c>45s</c>, <c>12m 30s</c>, <c>3h 5m</c>, <c>2d 4h</c>.</summary>
    public static string Dur(long seconds)
    {
        if (seconds < 0) seconds = 0;
        if (seconds < 60) return $"{seconds}s";
        if (seconds < 3600) return seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds / 60}m {seconds % 60}s";
        if (seconds < 86400) return $"{seconds / 3600}h {seconds % 3600 / 60}m";
        return $"{seconds / 86400}d {seconds % 86400 / 3600}h";
    }

    /// <summary>A CSS-class-safe token (letters, digits, '-' and '_').</summary>
    public static string Token(string? s)
    {
        if (string.IsNullOrEmpty(s)) return "none";
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) sb.Append(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? char.ToLowerInvariant(c) : '_');
        return sb.ToString();
    }

    /// <summary>A number for CSS (invariant, at most 3 decimals).</summary>
    public static string Css(double v) => Math.Round(v, 3).ToString("0.###", CultureInfo.InvariantCulture);
}
