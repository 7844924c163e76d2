using System.IO.Compression;
using System.Text;
using Pipeline.Simulation;

namespace Pipeline.Correlation.Tests;

/// <summary>
/// Flows and alerts of simulator estates (every fault kind) and of the corpus, compared with the results recorded
/// before the correlation core was cut into stages (tests/golden). Set PIPELINE_RECORD_GOLDEN=1 to record them again.
/// </summary>
public class GoldenTests
{
    private static readonly string[] Names =
    [
        "healthy", "tls-anon", "port-blocked", "listener-suspended-sma", "listener-suspended-esa", "sma-app-fault",
        "quarantine-full", "silent-esa", "silent-sma", "mixed-wrapped", "two-smas", "corpus-2014", "corpus-syslog-2011", "corpus-seed",
    ];

    private static readonly string GoldenDir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../golden"));

    internal static (List<string> Flows, List<string> Alerts) Results(string name, int joinPartitions = 1)
    {
        EstateScenarioTests.Result run;
        switch (name)
        {
            case "corpus-2014": return Corpus("esa", "esa-mailtext-2014-sanitized.log", joinPartitions);
            case "corpus-syslog-2011": return Corpus("esa", "esa-syslog-2011-examples.log", joinPartitions);
            case "corpus-seed": return Corpus("esa", "seed-technote-examples.log", joinPartitions);
        }
        var estate = name switch
        {
            "healthy" => EstateScenarioTests.Generate(""),
            "tls-anon" => EstateScenarioTests.Generate("tls-anon:esa01@2h-3h30m"),
            "port-blocked" => EstateScenarioTests.Generate("port-blocked:esa02@2h-3h"),
            "listener-suspended-sma" => EstateScenarioTests.Generate("listener-suspended:sma01@2h-3h"),
            "listener-suspended-esa" => EstateScenarioTests.Generate("listener-suspended:esa03@2h-3h30m"),
            "sma-app-fault" => EstateScenarioTests.Generate("sma-app-fault:sma01@2h-3h"),
            "quarantine-full" => EstateScenarioTests.Generate("quarantine-full:sma01@2h-3h"),
            "silent-esa" => EstateScenarioTests.Generate("silent:esa01@2h-3h"),
            "silent-sma" => EstateScenarioTests.Generate("silent:sma01@3h-4h"),
            "mixed-wrapped" => EstateScenarioTests.Generate("tls-anon:esa02@2h-3h", LogFormat.Mixed, wrapRate: 0.02),
            "two-smas" => EstateScenarioTests.Generate("tls-anon:esa01@2h-3h listener-suspended:sma02@3h-4h", esa: 4, sma: 2),
            _ => throw new ArgumentException(name),
        };
        run = EstateScenarioTests.Run(estate, EstateScenarioTests.Whole(estate), joinPartitions);
        return (run.FlowJson.Order(StringComparer.Ordinal).ToList(), run.AlertJson);
    }

    private static (List<string>, List<string>) Corpus(string appliance, string file, int joinPartitions)
    {
        var run = new EngineRun(joinPartitions: joinPartitions).FeedFile(appliance, Path.Combine(AppContext.BaseDirectory, "corpus", file)).Complete();
        return (run.FlowJson.Order(StringComparer.Ordinal).ToList(), run.AlertJson);
    }

    /// <summary>Every case through one join partition and through seven (the join keys must bring each journey's hops together).</summary>
    public static TheoryData<string, int> CasesAndPartitions()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in Names) { data.Add(name, 1); data.Add(name, 7); }
        return data;
    }

    [Theory]
    [MemberData(nameof(CasesAndPartitions))]
    public void Flows_and_alerts_equal_the_recorded_results(string name, int joinPartitions)
    {
        var (flows, alerts) = Results(name, joinPartitions);
        string flowsPath = Path.Combine(GoldenDir, name + ".flows.ndjson.br");
        string alertsPath = Path.Combine(GoldenDir, name + ".alerts.ndjson");
        if (Environment.GetEnvironmentVariable("PIPELINE_RECORD_GOLDEN") == "1" && joinPartitions == 1)
        {
            Directory.CreateDirectory(GoldenDir);
            // Brotli at its highest quality and widest window: the recorded flows take a tenth of their text.
            var text = Encoding.UTF8.GetBytes(string.Concat(flows.Select(f => f + "\n")));
            var packed = new byte[BrotliEncoder.GetMaxCompressedLength(text.Length)];
            if (!BrotliEncoder.TryCompress(text, packed, out int size, quality: 11, window: 24)) throw new InvalidOperationException("brotli");
            File.WriteAllBytes(flowsPath, packed[..size]);
            File.WriteAllText(alertsPath, string.Concat(alerts.Select(a => a + "\n")));
        }
        using var reader = new StreamReader(new BrotliStream(File.OpenRead(flowsPath), CompressionMode.Decompress));
        var expectedFlows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var expectedAlerts = File.ReadAllLines(alertsPath);
        Assert.True(expectedFlows.Length > 0, "the golden file holds flows");
        Assert.Equal(expectedFlows.Length, flows.Count);
        for (int i = 0; i < flows.Count; i++) Assert.Equal(expectedFlows[i], flows[i]);
        Assert.Equal(expectedAlerts, alerts);
    }
}
