using System.Text;
using Pipeline.MailLogs;

namespace Pipeline.Benchmarks;

/// <summary>
/// Keeps the comparison fair: before anything is measured, the naive baseline must classify every corpus line of
/// the common types (<see cref="Corpus.CommonTypes"/>) exactly as the product parser does, in both directions, on
/// every corpus file and on the envelope variants used by the benchmarks. Other disagreements are reported.
/// </summary>
internal static class SanityCheck
{
    private static readonly Lazy<string> Report = new(Run);

    /// <summary>Runs the check once per process; throws when the common types disagree.</summary>
    public static string Ensure() => Report.Value;

    private static string Run()
    {
        var naive = new NaiveRegexParser();
        var sb = new StringBuilder();
        var perType = new SortedDictionary<string, (int Lines, int Agree)>(StringComparer.Ordinal);
        var commonFailures = new List<string>();
        var otherDisagreements = new List<string>();
        int total = 0, agree = 0;

        var inputs = Corpus.FileNames.Select(f => (Name: f, Lines: Corpus.LogicalLines(Corpus.ReadFile(f))))
            .Append(("esa-mailtext as RFC 3164", Corpus.WithEnvelope(EnvelopeKind.Syslog3164)))
            .Append(("esa-mailtext as RFC 5424", Corpus.WithEnvelope(EnvelopeKind.Syslog5424)));

        foreach (var (name, lines) in inputs)
        {
            var types = Corpus.Classify(lines);
            for (int i = 0; i < lines.Length; i++)
            {
                var text = Encoding.UTF8.GetString(lines[i]);
                var real = types[i];
                var n = naive.Parse(text);
                var naiveType = LineTypes.TryParseAction(n.Type, out var t) ? t : LineType.Unparsed;
                bool same = naiveType == real;
                total++;
                if (same) agree++;
                var key = real.ActionName();
                var (l, a) = perType.GetValueOrDefault(key);
                perType[key] = (l + 1, a + (same ? 1 : 0));
                if (same) continue;
                var msg = $"{name} line {i + 1}: parser {real.ActionName()}, naive {n.Type}: {text}";
                if (Corpus.IsCommon(real) || Corpus.IsCommon(naiveType)) commonFailures.Add(msg);
                else otherDisagreements.Add(msg);
            }
        }

        sb.AppendLine($"Sanity check: naive regex baseline vs MailLogParser on {total} corpus lines: {agree} classified alike.");
        sb.AppendLine("| line type (parser) | lines | naive agrees | common |");
        sb.AppendLine("|---|---:|---:|:---:|");
        foreach (var (type, (lines, ok)) in perType)
        {
            bool common = LineTypes.TryParseAction(type, out var lt) && Corpus.IsCommon(lt);
            sb.AppendLine($"| {type} | {lines} | {ok} | {(common ? "yes" : "")} |");
        }
        foreach (var d in otherDisagreements.Take(20)) sb.AppendLine("  (other type, not required) " + d);
        if (commonFailures.Count > 0)
        {
            foreach (var f in commonFailures.Take(20)) sb.AppendLine("  MISMATCH " + f);
            throw new InvalidOperationException(
                $"The naive regex baseline disagrees with MailLogParser on {commonFailures.Count} line(s) of the common types; " +
                "the comparison would not be fair.\n" + sb);
        }
        return sb.ToString();
    }
}
