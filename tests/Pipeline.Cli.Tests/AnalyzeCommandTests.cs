using System.Text.Json;

namespace Pipeline.Cli.Tests;

public class AnalyzeCommandTests
{
    private static string[] Corpus() =>
    [
        CliRunner.Corpus("esa-mailtext-2014-sanitized.log"), CliRunner.Corpus("seed-technote-examples.log"),
        CliRunner.Corpus("esa-syslog-2011-examples.log"),
    ];

    [Fact]
    public void Writes_events_flows_and_alerts_and_a_summary()
    {
        var dir = CliRunner.TempDir();
        var (exit, output, err) = CliRunner.Run(["analyze", "--out", dir, "--appliance", "esa-a=**/esa-mailtext-*", "--appliance", "esa-seed=**/seed-*", .. Corpus()]);
        Assert.True(exit == 0, err);
        var events = File.ReadAllLines(Path.Combine(dir, "events.ndjson"));
        Assert.Equal(1000 + 8 + 18, events.Length);
        var first = JsonDocument.Parse(events[3]).RootElement;
        Assert.Equal("esa-a", first.GetProperty("observer").GetProperty("hostname").GetString());
        Assert.Matches("^[0-9a-f]{16}(-[0-9]+)?$", first.GetProperty("event").GetProperty("id").GetString()!);
        Assert.Equal(events.Length, events.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("event").GetProperty("id").GetString()).Distinct().Count());

        var flows = File.ReadAllLines(Path.Combine(dir, "flows.ndjson")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Contains(flows, f => f.GetProperty("flow").GetProperty("id").GetString()!.StartsWith("esa-a:"));
        Assert.Contains(flows, f => f.GetProperty("hops")[0].GetProperty("appliance").GetString() == "mx07.lnh.mail.rcn.net");
        Assert.All(flows, f => Assert.Contains(f.GetProperty("flow").GetProperty("state").GetString(),
            new[] { "delivered", "bounced", "aborted", "quarantined", "in_transfer", "released", "deleted", "open" }));
        // The seed's failed CPQ delivery and the spam-quarantine hand-offs are there.
        Assert.Equal(7, flows.Count(f => f.GetProperty("cpq").ValueKind == JsonValueKind.Object
                                         && f.GetProperty("cpq").GetProperty("kind").GetString() == "spam"));
        Assert.True(File.Exists(Path.Combine(dir, "alerts.ndjson")));
        Assert.Contains("messages (flows):", output);
        Assert.Contains("appliances: esa-a (esa), esa-seed (esa), mx07.lnh.mail.rcn.net (esa)", output);
    }

    [Fact]
    public void Replaying_the_same_input_gives_byte_identical_outputs()
    {
        var a = CliRunner.TempDir();
        var b = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run(["analyze", "-o", a, .. Corpus()]).Exit);
        Assert.Equal(0, CliRunner.Run(["analyze", "-o", b, .. Corpus()]).Exit);
        foreach (var name in new[] { "events.ndjson", "flows.ndjson", "alerts.ndjson" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(a, name)), File.ReadAllBytes(Path.Combine(b, name)));
    }

    [Fact]
    public void Bad_role_and_appliance_options_are_clear_errors()
    {
        var dir = CliRunner.TempDir();
        var (exit, _, err) = CliRunner.Run(["analyze", "-o", dir, "--role", "esa01=router", .. Corpus()]);
        Assert.Equal(2, exit);
        Assert.Contains("--role takes NAME=esa or NAME=sma", err);

        (exit, _, err) = CliRunner.Run(["analyze", "-o", dir, "--appliance", "noequals", .. Corpus()]);
        Assert.Equal(2, exit);
        Assert.Contains("--appliance takes NAME=GLOB", err);

        (exit, _, err) = CliRunner.Run(["analyze", "-o", dir, "--role", "ghost=sma", .. Corpus()]);
        Assert.Equal(2, exit);
        Assert.Contains("ghost", err);
        Assert.Contains("appliances found:", err);

        (exit, _, err) = CliRunner.Run(["analyze", "-o", dir, "/no/such/dir"]);
        Assert.Equal(2, exit);
        Assert.Contains("no such file or folder: /no/such/dir", err);

        (exit, _, err) = CliRunner.Run(["analyze", CliRunner.Corpus("seed-technote-examples.log")]);
        Assert.NotEqual(0, exit);
        Assert.Contains("--out", err);
    }
}
