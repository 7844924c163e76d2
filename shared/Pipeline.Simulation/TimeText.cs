using System.Globalization;

namespace Pipeline.Simulation;

/// <summary>Durations (<c>24h</c>, <c>2h30m</c>, <c>90m</c>, <c>45s</c>, <c>1d</c>), sizes and UTC times as given on the command line.</summary>
public static class TimeText
{
    /// <summary>Parses a duration made of number+unit parts (d, h, m, s, ms), e.g. <c>2h30m</c>; a bare number is seconds.</summary>
    public static bool TryParseDuration(string? text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double bare))
        {
            if (bare < 0 || double.IsNaN(bare) || bare > 1e9) return false;
            duration = TimeSpan.FromSeconds(bare);
            return true;
        }
        if (TimeSpan.TryParseExact(s, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out duration)) return true;
        double total = 0;
        int i = 0;
        bool any = false;
        while (i < s.Length)
        {
            int start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.')) i++;
            if (i == start) return false;
            if (!double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double v)) return false;
            int u = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            double unit = s.AsSpan(u, i - u) switch
            {
                "d" => 86400, "h" => 3600, "m" or "min" => 60, "s" => 1, "ms" => 0.001, _ => double.NaN,
            };
            if (double.IsNaN(unit)) return false;
            total += v * unit;
            any = true;
        }
        if (!any || total > 1e9) return false;
        duration = TimeSpan.FromSeconds(total);
        return true;
    }

    /// <summary>Parses a duration or throws <see cref="FormatException"/>.</summary>
    public static TimeSpan ParseDuration(string text) =>
        TryParseDuration(text, out var d) ? d : throw new FormatException($"not a duration: '{text}' (use e.g. 24h, 2h30m, 90m, 45s)");

    /// <summary>Parses an ISO-8601 time; without a zone it is taken as UTC. The result is UTC.</summary>
    public static bool TryParseTime(string? text, out DateTime utc)
    {
        utc = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim();
        // Only ISO-like forms (a date with dashes), so that "2h" is never read as a time.
        if (s.Length < 10 || s[4] != '-' || s[7] != '-') return false;
        if (!DateTime.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out utc))
            return false;
        utc = DateTime.SpecifyKind(utc, DateTimeKind.Utc);
        return true;
    }

    /// <summary>Parses a size: bytes, or with a KB/MB/GB suffix (powers of 1024).</summary>
    public static bool TryParseSize(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var s = text.Trim().ToUpperInvariant();
        long mult = 1;
        foreach (var (suffix, m) in new[] { ("KB", 1024L), ("MB", 1024L * 1024), ("GB", 1024L * 1024 * 1024), ("K", 1024L), ("M", 1024L * 1024), ("G", 1024L * 1024 * 1024), ("B", 1L) })
        {
            if (s.EndsWith(suffix, StringComparison.Ordinal))
            {
                mult = m;
                s = s[..^suffix.Length].Trim();
                break;
            }
        }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || v < 0 || v * mult > long.MaxValue / 2) return false;
        bytes = (long)(v * mult);
        return true;
    }

    /// <summary>ISO-8601 UTC with Z and whole seconds, as truth.json writes times.</summary>
    public static string Iso(DateTime utc) => utc.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
