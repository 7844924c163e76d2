using System.CommandLine;
using Pipeline.Cli.Commands;

namespace Pipeline.Cli;

/// <summary>The <c>pipeline</c> command.</summary>
public static class Program
{
    /// <summary>Builds the command tree (also used by the tests).</summary>
    public static RootCommand BuildRoot()
    {
        var root = new RootCommand("""
            pipeline: Cisco ESA/SMA mail_logs analysis for mail-security teams.
            Stitches each message's log lines into one story, links the ESA and SMA halves of centralized
            quarantine (PVO/CPQ) round trips, and finds stuck the.cpq.host / the.cpq.release.host queues.
            """)
        {
            DemoCommand.Create(),
            AnalyzeCommand.Create(),
            TraceCommand.Create(),
            ParseCommand.Create(),
            GenerateCommand.Create(),
            BenchCommand.Create(),
            ProbeCommand.Create(),
            NotifyCommand.Create(),
        };
        return root;
    }

    /// <summary>Entry point.</summary>
    public static int Main(string[] args) => BuildRoot().Parse(args).Invoke();
}
