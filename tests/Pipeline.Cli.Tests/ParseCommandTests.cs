using System.Text.Json;

namespace Pipeline.Cli.Tests;

public class ParseCommandTests
{
    [Fact]
    public void Parses_the_corpus_into_one_json_event_per_logical_line_with_a_summary()
    {
        var dir = CliRunner.TempDir();
        var outFile = Path.Combine(dir, "events.ndjson");
        var (exit, _, err) = CliRunner.Run("parse", "--out", outFile,
            CliRunner.Corpus("esa-mailtext-2014-sanitized.log"), CliRunner.Corpus("seed-technote-examples.log"),
            CliRunner.Corpus("esa-syslog-2011-examples.log"));
        Assert.Equal(0, exit);
        var lines = File.ReadAllLines(outFile);
        Assert.Equal(1000 + 8 + 18, lines.Length);
        Assert.True(err.Contains("1,029 physical lines -> 1,026 logical lines (3 wrapped tails joined"), err);
        Assert.Contains("unparsed: 0", err);
        Assert.Contains("notes (known id, unknown family; kept with their message): 0", err);
        Assert.Contains("67  message_finished", err); // 66 in the mail text file, 1 in the syslog examples

        var docs = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.All(docs, d => Assert.NotEqual("unparsed", d.GetProperty("event").GetProperty("action").GetString()));
        Assert.All(docs, d => Assert.EndsWith("Z", d.GetProperty("@timestamp").GetString()));

        // The first real line of the mail text file: local 09:16:38 at UTC-6, named after the folder.
        var icid = docs[3];
        Assert.Equal("2014-11-19T15:16:38Z", icid.GetProperty("@timestamp").GetString());
        Assert.Equal("corpus", icid.GetProperty("observer").GetProperty("hostname").GetString());
        Assert.Equal("icid_new", icid.GetProperty("event").GetProperty("action").GetString());
        Assert.Equal(60140291, icid.GetProperty("icid").GetInt64());
        Assert.Equal("176.227.203.114", icid.GetProperty("source").GetProperty("ip").GetString());

        // A CPQ hand-off line of the seed, joined from two physical lines.
        var cpq = docs.Single(d => d.GetProperty("event").GetProperty("action").GetString() == "delivery_start"
                                   && d.GetProperty("mid").GetInt64() == 23456);
        Assert.Equal("centralized_policy_quarantine", cpq.GetProperty("esa").GetProperty("destination").GetString());
        Assert.EndsWith("to Centralized Policy Quarantine", cpq.GetProperty("message").GetString());
        Assert.Equal(7, cpq.GetProperty("log").GetProperty("file").GetProperty("line").GetInt64());

        // Syslog lines are named after their host.
        Assert.Contains(docs, d => d.GetProperty("observer").GetProperty("hostname").GetString() == "mx07.lnh.mail.rcn.net");
    }

    [Fact]
    public void Appliance_and_offset_options_apply_to_every_line()
    {
        var dir = CliRunner.TempDir();
        var outFile = Path.Combine(dir, "events.ndjson");
        var (exit, _, _) = CliRunner.Run("parse", "--appliance", "esa-cpq-1", "--utc-offset", "3600", "-o", outFile,
            CliRunner.Corpus("seed-technote-examples.log"));
        Assert.Equal(0, exit);
        var first = JsonDocument.Parse(File.ReadLines(outFile).First()).RootElement;
        Assert.Equal("esa-cpq-1", first.GetProperty("observer").GetProperty("hostname").GetString());
        Assert.Equal("2014-04-01T11:00:00Z", first.GetProperty("@timestamp").GetString());
    }

    [Fact]
    public void Unknown_lines_become_unparsed_events_and_are_counted()
    {
        var dir = CliRunner.TempDir();
        var input = Path.Combine(dir, "odd.log");
        File.WriteAllText(input, "Wed Nov 19 09:16:38 2014 Info: Something new\n\0\0garbage\u00ff\nWed Nov 19 09:16:38 2014 Info: DCID 1 close\n");
        var outFile = Path.Combine(dir, "events.ndjson");
        var (exit, _, err) = CliRunner.Run("parse", "-o", outFile, input);
        Assert.Equal(0, exit);
        Assert.Contains("unparsed: 1", err);
        Assert.Contains("unknown line type", err);
        var docs = File.ReadAllLines(outFile).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(2, docs.Count);
        Assert.Equal("unparsed", docs[0].GetProperty("event").GetProperty("action").GetString());
        Assert.Equal("unknown line type", docs[0].GetProperty("event").GetProperty("reason").GetString());
        Assert.Contains("garbage", docs[0].GetProperty("message").GetString());
    }

    [Fact]
    public void Summary_counts_unparsed_lines_and_notes_each_with_their_reasons()
    {
        var dir = CliRunner.TempDir();
        var input = Path.Combine(dir, "mixed.log");
        File.WriteAllText(input, string.Join("\n",
            "Wed Nov 19 09:16:38 2014 Info: MID 198579961 Could not convert character set: 136",
            "Wed Nov 19 09:16:39 2014 Info: MID 198579962 Could not convert character set: 204",
            "Wed Nov 19 09:16:39 2014 Info: SMTP server connection killed ICID: 629531",
            "Wed Nov 19 09:16:40 2014 Info: RPC connection RCID 4051 killed",
            "Wed Nov 19 09:16:40 2014 Info: DNS Temporary Failure structure.com MX - ServFail",
            "esa01 Warning: a record start in no known layout",
            "Wed Nov 19 09:16:41 2014 Info: Start MID abc ICID 5",
            "Wed Nov 19 09:16:42 2014 Info: EUQ: Tagging MID 2317877 for quarantine",
            "") );
        var outFile = Path.Combine(dir, "events.ndjson");
        var (exit, _, err) = CliRunner.Run("parse", "-o", outFile, input);
        Assert.Equal(0, exit);
        Assert.Contains("unparsed: 3", err);
        Assert.Contains("1  unknown line type", err);
        Assert.Contains("1  unknown envelope", err);
        Assert.Contains("1  recognised line type with malformed or missing fields", err);
        Assert.Contains("notes (known id, unknown family; kept with their message): 4", err);
        Assert.Contains("2  mid_note: MID # Could not convert character set: ...", err);
        Assert.Contains("1  icid_note: SMTP server connection killed ICID: # ...", err);
        Assert.Contains("1  rcid_note: RPC connection RCID # killed ...", err);
        Assert.Contains("1  spam_quarantine_tag", err);

        var docs = File.ReadAllLines(outFile).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(8, docs.Count);
        var note = docs[0];
        Assert.Equal("mid_note", note.GetProperty("event").GetProperty("action").GetString());
        Assert.Equal("known id, unknown family", note.GetProperty("event").GetProperty("reason").GetString());
        Assert.Equal(198579961, note.GetProperty("mid").GetInt64());
        Assert.Equal("MID 198579961 Could not convert character set: 136", note.GetProperty("esa").GetProperty("detail").GetString());
        Assert.Equal(4051, docs[3].GetProperty("rcid").GetInt64());
    }

    [Fact]
    public void Missing_input_is_a_clear_error()
    {
        var (exit, _, err) = CliRunner.Run("parse", "/nonexistent/mail_logs.current");
        Assert.Equal(2, exit);
        Assert.Contains("pipeline parse: no such file or folder: /nonexistent/mail_logs.current", err);
    }

    [Fact]
    public void Bad_option_values_are_reported()
    {
        var (exit, _, err) = CliRunner.Run("parse", "--reference-time", "yesterday-ish", CliRunner.Corpus("seed-technote-examples.log"));
        Assert.NotEqual(0, exit);
        Assert.Contains("not a time", err);
    }

    [Theory]
    [InlineData("parse", "--utc-offset")]
    public void Help_explains_every_option(string command, string option)
    {
        var (exit, output, _) = CliRunner.Run(command, "--help");
        Assert.Equal(0, exit);
        Assert.Contains(option, output);
        Assert.Contains("Usage:", output);
    }

    [Fact]
    public void Root_help_lists_the_commands()
    {
        var (exit, output, _) = CliRunner.Run("--help");
        Assert.Equal(0, exit);
        Assert.Contains("parse", output);
        Assert.Contains("the.cpq.host", output);
    }
}
