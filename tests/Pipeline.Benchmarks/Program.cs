using BenchmarkDotNet.Running;

namespace Pipeline.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project tests/Pipeline.Benchmarks -- --filter '*'</c>
/// (any BenchmarkDotNet switch works). <c>--sanity</c> only runs the baseline's classification check;
/// <c>--summary [folder]</c> prints the summary table of docs/benchmarks.md from the CSV reports of a run
/// (default BenchmarkDotNet.Artifacts/results).
/// Results go to BenchmarkDotNet.Artifacts/results; docs/benchmarks.md explains how they are reported.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "--summary")
            return SummaryReport.Print(args.Length > 1 ? args[1] : Path.Combine("BenchmarkDotNet.Artifacts", "results"));
        // The comparison is only fair if the baseline classifies the corpus like the parser: check before measuring.
        Console.WriteLine(SanityCheck.Ensure());
        if (args.Contains("--sanity")) return 0;
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }
}
