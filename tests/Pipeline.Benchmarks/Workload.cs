using Pipeline.MailLogs;

namespace Pipeline.Benchmarks;

/// <summary>The loops the benchmark classes time, written once: the product parser, the naive baseline, the plain lower bound.</summary>
internal static class Workload
{
    /// <summary>Parses every line with one reused event and context; returns a checksum so that nothing is optimised away.</summary>
    public static long Parse(byte[][] lines, ParseContext context)
    {
        var e = LogEvent.Empty;
        long sum = 0;
        foreach (var line in lines)
            sum += (long)MailLogParser.Parse(line, context, ref e) + e.Mid;
        return sum;
    }

    /// <summary>The naive Regex-per-line-type parser over the same lines as strings.</summary>
    public static long Naive(string[] lines, NaiveRegexParser naive)
    {
        long sum = 0;
        foreach (var line in lines)
            sum += naive.Parse(line).Fields.Count;
        return sum;
    }
}

/// <summary>The lower bounds shared by the classes: only find line boundaries and copy the bytes.</summary>
internal static class Plain
{
    /// <summary>Finds every newline of <paramref name="text"/> and copies each line into <paramref name="scratch"/>; returns the line count.</summary>
    public static long SplitAndCopy(ReadOnlySpan<byte> text, byte[] scratch)
    {
        long lines = 0;
        while (!text.IsEmpty)
        {
            int nl = text.IndexOf((byte)'\n');
            var line = nl < 0 ? text : text[..nl];
            line.CopyTo(scratch);
            lines++;
            text = nl < 0 ? default : text[(nl + 1)..];
        }
        return lines;
    }
}
