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
    public void Appliance_globs_written_relative_match_the_files_of_a_folder_input()
    {
        var dir = CliRunner.TempDir();
        var logs = Path.Combine(dir, "logs");
        Directory.CreateDirectory(Path.Combine(logs, "box7"));
        File.Copy(CliRunner.Corpus("seed-technote-examples.log"), Path.Combine(logs, "box7", "mail_logs.current"));
        // As a user types it: the folder and the glob relative to the current folder.
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, logs);
        var (exit, output, err) = CliRunner.Run("analyze", "--out", Path.Combine(dir, "out"), "--appliance", $"esa-cpq-1={relative}/box7/*", relative);
        Assert.True(exit == 0, err);
        Assert.Contains("appliances: esa-cpq-1 (esa)", output);

        (exit, _, err) = CliRunner.Run("analyze", "--out", Path.Combine(dir, "out"), "--appliance", "esa-cpq-1=elsewhere/*", relative);
        Assert.Equal(2, exit);
        Assert.Contains("--appliance esa-cpq-1=elsewhere/* matches none of the 1 input file(s)", err);
    }

    [Fact]
    public void Json_summary_is_machine_readable_and_all_outputs_exist()
    {
        var dir = CliRunner.TempDir();
        var (exit, output, err) = CliRunner.Run(["analyze", "-o", dir, "--json", .. Corpus()]);
        Assert.True(exit == 0, err);
        var doc = JsonDocument.Parse(output).RootElement;
        Assert.Equal(1026, doc.GetProperty("lines").GetInt64());
        Assert.Equal(0, doc.GetProperty("unparsed").GetInt64());
        var flows = doc.GetProperty("flows");
        Assert.Equal(flows.GetProperty("total").GetInt64(), flows.GetProperty("by_state").EnumerateObject().Sum(p => p.Value.GetInt64()));
        Assert.Equal(File.ReadAllLines(Path.Combine(dir, "flows.ndjson")).Length, flows.GetProperty("total").GetInt64());
        Assert.Equal(0, doc.GetProperty("alerts").GetArrayLength()); // logs of 2011 and 2014 are not one estate: no silence
        foreach (var name in new[] { "events.ndjson", "flows.ndjson", "alerts.ndjson", "events.arrow", "flows.arrow", "alerts.arrow", "report.html" })
            Assert.Contains(doc.GetProperty("outputs").EnumerateArray(), o => o.GetString() == Path.Combine(dir, name));
        Assert.Equal("ARROW1"u8.ToArray(), File.ReadAllBytes(Path.Combine(dir, "events.arrow"))[..6]);
        Assert.StartsWith("<!DOCTYPE html>", File.ReadAllText(Path.Combine(dir, "report.html")), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Replaying_the_same_input_gives_byte_identical_outputs()
    {
        var a = CliRunner.TempDir();
        var b = CliRunner.TempDir();
        Assert.Equal(0, CliRunner.Run(["analyze", "-o", a, .. Corpus()]).Exit);
        Assert.Equal(0, CliRunner.Run(["analyze", "-o", b, .. Corpus()]).Exit);
        foreach (var name in new[] { "events.ndjson", "flows.ndjson", "alerts.ndjson", "events.arrow", "flows.arrow", "alerts.arrow", "report.html" })
            Assert.True(File.ReadAllBytes(Path.Combine(a, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(b, name))), name + " differs");
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
