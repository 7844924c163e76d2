namespace Pipeline.Cli.Tests;

/// <summary>Every command turns a path it cannot use, or a damaged input, into one clear line and exit code 2.</summary>
public class CommandErrorTests
{
    [Fact]
    public void A_folder_that_cannot_be_created_is_one_line_on_stderr_in_every_command()
    {
        var dir = CliRunner.TempDir();
        var file = Path.Combine(dir, "a-file");
        File.WriteAllText(file, "not a folder");
        var under = Path.Combine(file, "out"); // a folder below a regular file cannot be created, not even by root

        foreach (var (command, args) in new (string, string[])[]
        {
            ("demo", ["demo", "--out", under, "--hours", "1"]),
            ("bench", ["bench", "--lines", "1000", "--dir", under]),
            ("generate", ["generate", "--out", under, "--duration", "1h"]),
            ("analyze", ["analyze", "--out", under, CliRunner.Corpus("seed-technote-examples.log")]),
            ("parse", ["parse", "--out", under, CliRunner.Corpus("seed-technote-examples.log")]),
        })
        {
            var (exit, _, err) = CliRunner.Run(args);
            Assert.True(exit == 2, $"{command}: exit {exit}\n{err}");
            var last = err.TrimEnd().Split('\n')[^1]; // progress lines (bench) may come before it
            Assert.StartsWith($"pipeline {command}: ", last);
            Assert.Contains(file, last);
            Assert.DoesNotContain("   at ", err); // no stack trace
        }
    }

    [Fact]
    public void A_damaged_gzip_input_is_one_line_on_stderr()
    {
        var dir = CliRunner.TempDir();
        var gz = Path.Combine(dir, "mail_logs.@20260310T090000.s.gz");
        File.WriteAllBytes(gz, [0x1f, 0x8b, 0x08, 0x00, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x03, 0xff, 0xff, 0xff, 0xff]);
        foreach (var args in new[] { new[] { "analyze", "--out", Path.Combine(dir, "out"), gz }, ["parse", "--out", Path.Combine(dir, "events.ndjson"), gz] })
        {
            var (exit, _, err) = CliRunner.Run(args);
            Assert.True(exit == 2, $"{args[0]}: exit {exit}\n{err}");
            Assert.StartsWith($"pipeline {args[0]}: ", err);
            Assert.DoesNotContain("   at ", err);
        }
    }

    [Fact]
    public void Trace_names_the_damaged_line_of_flows_ndjson()
    {
        var dir = CliRunner.TempDir();
        File.WriteAllText(Path.Combine(dir, "flows.ndjson"), "{\"email\":{\"message_id\":\"cut@example.org\"\n");
        var (exit, _, err) = CliRunner.Run("trace", "--in", dir, "--message-id", "cut@example.org");
        Assert.Equal(2, exit);
        Assert.StartsWith("pipeline trace: ", err);
        Assert.Contains("flows.ndjson, line 1: not a JSON document", err);
    }
}
