using System.Text.Json;

namespace Pipeline.Cli.Tests;

/// <summary>generate → analyze → trace on a simulated estate, and the demo.</summary>
public class TraceAndDemoTests
{
    [Fact]
    public void Trace_follows_a_released_message_across_esa_and_sma_with_its_lines()
    {
        var dir = CliRunner.TempDir();
        string logs = Path.Combine(dir, "logs"), analysis = Path.Combine(dir, "analysis");
        var gen = CliRunner.Run("generate", "--out", logs, "--esa", "2", "--sma", "1", "--duration", "3h", "--rate", "1", "--seed", "5");
        Assert.True(gen.Exit == 0, gen.Err);
        var an = CliRunner.Run("analyze", "--out", analysis, logs);
        Assert.True(an.Exit == 0, an.Err);

        // A released round trip, picked from the flows file.
        var flow = File.ReadLines(Path.Combine(analysis, "flows.ndjson")).Select(l => JsonDocument.Parse(l).RootElement)
            .First(f => f.GetProperty("cpq") is { ValueKind: JsonValueKind.Object } c && c.GetProperty("release_esa_mid").ValueKind == JsonValueKind.Number
                        && c.GetProperty("returned_at").ValueKind == JsonValueKind.String);
        string messageId = flow.GetProperty("email").GetProperty("message_id").GetString()!;
        var hops = flow.GetProperty("hops").EnumerateArray().Select(h => (h.GetProperty("appliance").GetString()!, h.GetProperty("mid").GetInt64())).ToList();
        Assert.Equal(3, hops.Count);

        var byId = CliRunner.Run("trace", "--in", analysis, "--message-id", "<" + messageId + ">");
        Assert.True(byId.Exit == 0, byId.Err);
        Assert.Contains($"flow {flow.GetProperty("flow").GetProperty("id").GetString()}", byId.Out);
        Assert.Contains($"back on the ESA as MID {hops[2].Item2}", byId.Out);
        foreach (var (appliance, mid) in hops)
        {
            Assert.Contains($"{appliance}  MID {mid}", byId.Out);
            Assert.Contains($"Start MID {mid} ICID", byId.Out); // each hop's own log lines
        }
        Assert.Contains("cpq_release_received", byId.Out);
        Assert.Contains("quarantine_released", byId.Out);

        // The same flow by any of its hops.
        var byHop = CliRunner.Run("trace", "--in", analysis, "--appliance", hops[1].Item1, "--mid", hops[1].Item2.ToString(), "--no-lines");
        Assert.True(byHop.Exit == 0, byHop.Err);
        Assert.Contains($"flow {flow.GetProperty("flow").GetProperty("id").GetString()}", byHop.Out);
        Assert.DoesNotContain("Start MID", byHop.Out);

        // A line longer than trace's read buffer ahead of the flow does not hide it.
        var padded = Path.Combine(dir, "padded");
        Directory.CreateDirectory(padded);
        File.Copy(Path.Combine(analysis, "events.ndjson"), Path.Combine(padded, "events.ndjson"));
        File.WriteAllText(Path.Combine(padded, "flows.ndjson"), "{\"pad\":\"" + new string('x', 3 << 20) + "\"}\n"
            + File.ReadAllText(Path.Combine(analysis, "flows.ndjson")));
        var again = CliRunner.Run("trace", "--in", padded, "--message-id", messageId);
        Assert.Equal(byId, again);

        var missing = CliRunner.Run("trace", "--in", analysis, "--message-id", "no-such-id@example.com");
        Assert.Equal(1, missing.Exit);
        Assert.Contains("no flow with Message-ID", missing.Err);
        var wrong = CliRunner.Run("trace", "--in", analysis, "--appliance", "esa01");
        Assert.Equal(2, wrong.Exit);
        Assert.Contains("give either --message-id", wrong.Err);
    }

    [Fact]
    public void Demo_simulates_analyzes_and_shows_the_stuck_queue_that_recovers()
    {
        var dir = CliRunner.TempDir();
        var (exit, output, err) = CliRunner.Run("demo", "--out", dir, "--hours", "12", "--json");
        Assert.True(exit == 0, err);
        var summary = JsonDocument.Parse(output).RootElement;
        var alerts = summary.GetProperty("alerts").EnumerateArray().Select(a => a.GetProperty("alert")).ToList();
        var stuck = alerts.Single(a => a.GetProperty("kind").GetString() == "cpq_queue_stuck");
        Assert.Equal("esa01", stuck.GetProperty("appliance").GetString());
        Assert.Equal("sma01", stuck.GetProperty("peer").GetString());
        Assert.Equal(JsonValueKind.String, stuck.GetProperty("resolved_at").ValueKind); // it recovers
        Assert.Contains(alerts, a => a.GetProperty("kind").GetString() == "cpq_tls_failure" && a.GetProperty("hint").GetString()!.Contains(":-aNULL"));
        Assert.True(File.Exists(Path.Combine(dir, "analysis", "report.html")));
        Assert.True(File.Exists(Path.Combine(dir, "logs", "truth.json")));
    }
}
