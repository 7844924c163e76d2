using System.Globalization;
using System.Text;

namespace Pipeline.Benchmarks;

/// <summary>
/// <c>--summary [results folder]</c>: reads the CSV reports BenchmarkDotNet wrote in this run and prints the summary
/// table of docs/benchmarks.md: per workload, lines/s per core (the targets are checked on the Mean, the
/// conservative figure on a shared machine), exact bytes allocated per line, the speed-up over the
/// naive regex baseline and the cost relative to the plain read/copy lower bound, all from the same run.
/// </summary>
internal static class SummaryReport
{
    private const double TargetLinesPerSecond = 2_000_000;

    public static int Print(string folder)
    {
        var files = Directory.GetFiles(folder, "Pipeline.Benchmarks.*-report.csv").Order(StringComparer.Ordinal).ToList();
        if (files.Count == 0)
        {
            Console.Error.WriteLine($"no Pipeline.Benchmarks.*-report.csv in {folder}");
            return 1;
        }
        var sb = new StringBuilder();
        sb.AppendLine("| Benchmark | Workload | Implementation | Mean ns/line | Median ns/line | Lines/s (1 core, from Mean) | Lines/s (from Median) | MB/s (from Mean) | B/line | Speed-up vs naive regex | × plain lower bound | Target |");
        sb.AppendLine("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var file in files)
        {
            var name = Path.GetFileName(file)["Pipeline.Benchmarks.".Length..^"-report.csv".Length];
            var rows = ReadCsv(file);
            if (rows.Count == 0 || !rows[0].ContainsKey("B/line")) continue; // not a parser report (the correlation benchmarks)
            string param = name switch { "Envelopes" => "Envelope", "PerLineType" => "Type", _ => "" };
            foreach (var row in rows)
            {
                string group = param.Length > 0 && row.TryGetValue(param, out var pv) ? pv : "";
                var peers = rows.Where(r => param.Length == 0 || r.GetValueOrDefault(param) == group).ToList();
                double mean = Nanoseconds(row["Mean"]);
                double median = Nanoseconds(row["Median"]);
                var naive = peers.FirstOrDefault(r => r["Method"].Contains("NaiveRegex", StringComparison.Ordinal));
                var plain = peers.FirstOrDefault(r => r["Method"].StartsWith("'Plain", StringComparison.Ordinal) || r["Method"].StartsWith("Plain", StringComparison.Ordinal));
                string speedup = naive is null || naive == row ? (naive == row ? "1.0× (baseline)" : "-") : $"{Nanoseconds(naive["Mean"]) / mean:N1}×";
                string vsPlain = plain is null ? "-" : plain == row ? "1.00 (lower bound)" : $"{mean / Nanoseconds(plain["Mean"]):N2}";
                double linesPerSecond = 1e9 / mean;
                double bytesPerLine = double.Parse(row["B/line"], CultureInfo.InvariantCulture);
                string target = "";
                if (row["Method"].Contains("MailLogParser", StringComparison.Ordinal) || row["Method"].Contains("MailLogStream", StringComparison.Ordinal))
                {
                    target = linesPerSecond >= TargetLinesPerSecond ? "≥ 2M lines/s: met" : "≥ 2M lines/s: MISSED";
                    if (name is "CommonTypes" or "PerLineType")
                        target += bytesPerLine == 0 ? "; 0 B/line: met" : "; 0 B/line: MISSED";
                }
                sb.AppendLine(CultureInfo.InvariantCulture,
                    $"| {name} | {(group.Length > 0 ? group : Workload(name))} | {row["Method"].Trim('\'')} | {mean:N1} | {median:N1} | {linesPerSecond:N0} | {1e9 / median:N0} | {row["MB/s"]} | {bytesPerLine:0.000} | {speedup} | {vsPlain} | {target} |");
            }
        }
        Console.Write(sb.ToString());
        return 0;
    }

    private static string Workload(string benchmark) => benchmark switch
    {
        "CorpusLines" => "all 1000 corpus lines",
        "CommonTypes" => "common types (1000)",
        "Stream50MB" => "corpus ×560 stream",
        "PublishedLines" => "published lines, all families (1000)",
        _ => benchmark,
    };

    private static double Nanoseconds(string value)
    {
        var parts = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double v = double.Parse(parts[0], NumberStyles.Float | NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
        return (parts.Length > 1 ? parts[1] : "ns") switch
        {
            "ns" => v,
            "μs" or "us" => v * 1e3,
            "ms" => v * 1e6,
            "s" => v * 1e9,
            var u => throw new FormatException($"unknown time unit '{u}' in '{value}'"),
        };
    }

    private static List<Dictionary<string, string>> ReadCsv(string path)
    {
        var lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToList();
        var header = SplitCsv(lines[0]);
        return [.. lines.Skip(1).Select(l =>
        {
            var cells = SplitCsv(l);
            var row = new Dictionary<string, string>(StringComparer.Ordinal);
            for (int i = 0; i < header.Count && i < cells.Count; i++) row[header[i]] = cells[i];
            return row;
        })];
    }

    private static List<string> SplitCsv(string line)
    {
        var cells = new List<string>();
        var cur = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"') { cur.Append('"'); i++; }
                else if (ch == '"') quoted = false;
                else cur.Append(ch);
            }
            else if (ch == '"') quoted = true;
            else if (ch == ',') { cells.Add(cur.ToString()); cur.Clear(); }
            else cur.Append(ch);
        }
        cells.Add(cur.ToString());
        return cells;
    }
}
