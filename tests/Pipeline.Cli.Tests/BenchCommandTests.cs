using Pipeline.Cli.Commands;

namespace Pipeline.Cli.Tests;

/// <summary>The bench harness runs and reports; its figures are measurements, not asserted against targets.</summary>
public class BenchCommandTests
{
    [Fact]
    public void Bench_reports_baseline_parse_and_analyze_side_by_side()
    {
        var dir = CliRunner.TempDir();
        var md = Path.Combine(dir, "bench.md");
        var mine = Path.Combine(dir, "work", "mine.txt"); // the user's own file in the work folder
        Directory.CreateDirectory(Path.GetDirectoryName(mine)!);
        File.WriteAllText(mine, "keep me");
        var (exit, output, err) = CliRunner.Run("bench", "--lines", "150000", "--dir", Path.Combine(dir, "work"), "--markdown", md);
        Assert.True(exit == 0, err);
        Assert.Contains("| plain read (baseline: read the files from the page cache, count lines) |", output);
        Assert.Contains("| parse only (reader + parser, 1 thread) |", output);
        Assert.Contains("| pipeline analyze, end to end (child process, all outputs) |", output);
        Assert.Contains("analyze peak memory (VmHWM of the process)", output);
        Assert.Contains("Machine: ", output);
        Assert.Equal(output, File.ReadAllText(md));
        Assert.True(File.Exists(Path.Combine(dir, "work", "analysis", "report.html"))); // --dir keeps the work folder
        Assert.Equal("keep me", File.ReadAllText(mine)); // ...and only logs/ and analysis/ in it are replaced
    }

    [Fact]
    public void Memory_per_open_message_counts_what_the_stitcher_holds()
    {
        long small = BenchCommand.MemoryPerOpenMessage(2_000);
        Assert.True(small > 0);
        // Twice the messages hold about the same per message: the figure is per message, not a fixed cost.
        long large = BenchCommand.MemoryPerOpenMessage(8_000);
        Assert.InRange(large, small / 2, small * 2);
    }
}
