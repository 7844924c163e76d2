using System.CommandLine;
using Pipeline.Cli.Output;
using Pipeline.Simulation;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline demo</c>: a simulated estate with a the.cpq.host outage that recovers and a release path that stays
/// blocked, analyzed end to end, on one machine with no servers.
/// </summary>
public static class DemoCommand
{
    /// <summary>The faults of the demo estate.</summary>
    public static readonly string[] Faults =
    [
        "tls-anon:esa01@9h-10h30m",         // esa01 offers an anonymous cipher: the.cpq.host backs up, then drains
        "listener-suspended:esa02@20h-",    // esa02's cpq_listener is suspended until the end: releases cannot come back
    ];

    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var outDir = new Option<string>("--out", "-o")
        {
            Description = "Folder for the demo: logs/ (the simulated mail_logs and truth.json) and analysis/ (the outputs and report.html).",
            DefaultValueFactory = _ => "pipeline-demo",
            HelpName = "DIR",
        };
        var seed = new Option<ulong>("--seed") { Description = "Simulation seed.", DefaultValueFactory = _ => 1 };
        var json = new Option<bool>("--json") { Description = "Print the analysis summary as JSON." };
        var hours = new Option<int>("--hours")
        {
            Description = "Simulated hours (the faults are at 09:00-10:30 and from 20:00; fewer than 21 hours leaves the second out).",
            DefaultValueFactory = _ => 24,
        };
        var command = new Command("demo", """
            Simulate a small estate (three ESAs and one SMA, one day of mail) in which esa01's hand-offs to the
            centralized quarantine fail for 90 minutes (anonymous cipher: the.cpq.host backs up, then recovers) and
            esa02's cpq_listener is suspended from 20:00 to the end (releases from the SMA cannot come back), then
            analyze it and print the summary and where the report is. No servers needed.
            """)
        {
            outDir, seed, json, hours,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            return CommandErrors.Run("demo", parse.InvocationConfiguration.Error, () => Run(parse, stdout));
        });
        return command;

        int Run(ParseResult parse, TextWriter stdout)
        {
            string dir = Path.GetFullPath(parse.GetValue(outDir)!);
            var (logs, analysis) = WorkFolders.Fresh(dir);
            bool asJson = parse.GetValue(json);

            var options = new EstateOptions { Esa = 3, Sma = 1, Duration = TimeSpan.FromHours(Math.Clamp(parse.GetValue(hours), 1, 24 * 7)), Rate = 0.6, Seed = parse.GetValue(seed) };
            // A shorter demo keeps the faults that start within it.
            foreach (var (f, startsAt) in Faults.Zip([9, 20]))
                if (startsAt < options.Duration.TotalHours) options.Faults.Add(FaultSpec.Parse(f, options.Start, options.End));
            if (!asJson) stdout.WriteLine($"Simulating esa01..esa03 and sma01 for {options.Duration.TotalHours:0} h from {options.Start:yyyy-MM-dd HH:mm}Z with faults: {string.Join(", ", options.Faults.Select(f => f.Spec.EndsWith('-') ? f.Spec + " (to the end)" : f.Spec))}");
            var generated = EstateSimulator.Generate(options, logs);
            if (!asJson) stdout.WriteLine($"  {generated.Lines:N0} lines in {generated.Files.Count} files under {logs}");

            var summary = AnalyzeConsole.RunAndPrint(new AnalyzeSettings { Inputs = [logs], OutDir = analysis }, stdout, asJson);
            if (asJson) return 0;

            stdout.WriteLine();
            stdout.WriteLine($"Report: {Path.Combine(analysis, "report.html")} (open it in a browser: no network needed)");
            stdout.WriteLine($"Ground truth of the simulation: {Path.Combine(logs, "truth.json")}");
            if (summary.OldestStuck.FirstOrDefault() is { } stuck)
            {
                var hop = stuck.Hops[^1];
                stdout.WriteLine($"The message stuck longest ({stuck.State}): pipeline trace --in {analysis} --appliance {hop.Appliance} --mid {hop.Mid}");
            }
            return 0;
        }
    }
}
