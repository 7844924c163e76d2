using System.CommandLine;
using Pipeline.Cli.Input;
using Pipeline.Cli.Output;
using Pipeline.Correlation;
using Pipeline.Correlation.Stages;
using Pipeline.Protocol;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline analyze</c>: stitch, join and detect over a set of mail_logs.</summary>
public static class AnalyzeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "mail_logs files or folders (one folder per appliance works well; read recursively in name order), or - for standard input.",
            Arity = ArgumentArity.OneOrMore,
        };
        var outDir = new Option<string>("--out", "-o")
        {
            Description = "Output folder for events.ndjson, flows.ndjson and alerts.ndjson.",
            HelpName = "DIR",
            Required = true,
        };
        var appliance = new Option<string[]>("--appliance")
        {
            Description = "NAME=GLOB: files whose path matches GLOB are appliance NAME (repeatable; * within a folder, ** across folders). " +
                          "Default: the syslog host of each line, else the file's parent folder name.",
            HelpName = "NAME=GLOB",
            AllowMultipleArgumentsPerToken = false,
        };
        var role = new Option<string[]>("--role")
        {
            Description = "NAME=esa|sma: the appliance's role (repeatable). Default: inferred (an appliance whose CPQ arrivals are quarantined is an SMA).",
            HelpName = "NAME=ROLE",
        };
        var cpqPort = new Option<int>("--cpq-port")
        {
            Description = "Port of the centralized quarantine listeners.",
            DefaultValueFactory = _ => 7025,
            HelpName = "PORT",
        };
        var offset = new Option<int?>("--utc-offset")
        {
            Description = "Appliance time offset from UTC in seconds for files without a 'Time offset from UTC' header. Default: 0.",
            HelpName = "SECONDS",
        };
        var stuckAfter = new Option<TimeSpan?>("--stuck-after")
        {
            Description = "A CPQ queue is stuck when its oldest message waited this long with no hand-off (default 00:10:00).",
            HelpName = "HH:MM:SS",
        };
        var silentAfter = new Option<TimeSpan?>("--silent-after")
        {
            Description = "An appliance is silent after this long without lines while others log (default 00:15:00).",
            HelpName = "HH:MM:SS",
        };
        var json = new Option<bool>("--json")
        {
            Description = "Print the summary as one JSON document on standard output (for scripts), instead of tables or text.",
        };
        var command = new Command("analyze", """
            Stitch every message's lines into one story, link the ESA and SMA halves of centralized quarantine (CPQ)
            round trips, and detect stuck the.cpq.host / the.cpq.release.host queues and their causes.
            Writes DIR/events.ndjson (one event per line), DIR/flows.ndjson (one document per message journey, final
            state), DIR/alerts.ndjson (one document per alert, with the operator's hint), the same three as Arrow IPC
            files (*.arrow), and DIR/report.html (one self-contained page: estate, queue charts, alerts, search).
            """)
        {
            inputs, outDir, appliance, role, cpqPort, offset, stuckAfter, silentAfter, json,
        };
        command.SetAction(parse =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var stdout = parse.InvocationConfiguration.Output;
            return CommandErrors.Run("analyze", stderr, () =>
            {
                var options = new CorrelationOptions { CpqPort = parse.GetValue(cpqPort) };
                if (parse.GetValue(stuckAfter) is { } s) options = options with { StuckAfter = s };
                if (parse.GetValue(silentAfter) is { } q) options = options with { SilentAfter = q };
                var settings = new AnalyzeSettings
                {
                    Inputs = parse.GetValue(inputs)!,
                    OutDir = parse.GetValue(outDir)!,
                    Appliances = (parse.GetValue(appliance) ?? []).Select(ApplianceRule.Parse).ToList(),
                    Roles = ParseRoles(parse.GetValue(role) ?? []),
                    UtcOffsetSeconds = parse.GetValue(offset),
                    Options = options,
                };
                AnalyzeConsole.RunAndPrint(settings, stdout, parse.GetValue(json));
                return 0;
            });
        });
        return command;
    }

    internal static Dictionary<string, ApplianceRole> ParseRoles(IEnumerable<string> specs)
    {
        var roles = new Dictionary<string, ApplianceRole>(StringComparer.Ordinal);
        foreach (var spec in specs)
        {
            int eq = spec.IndexOf('=');
            var role = eq > 0 ? spec[(eq + 1)..].Trim().ToLowerInvariant() : "";
            if (role is not ("esa" or "sma"))
                throw new InputException($"--role takes NAME=esa or NAME=sma, not '{spec}'");
            roles[spec[..eq].Trim()] = role == "sma" ? ApplianceRole.Sma : ApplianceRole.Esa;
        }
        return roles;
    }
}
