using System.CommandLine;
using System.Globalization;
using Pipeline.Cli.Input;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline parse</c>: one JSON event per logical line.</summary>
public static class ParseCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "mail_logs files or folders (read recursively, in name order); - reads standard input. Gzip files are read as is.",
            Arity = ArgumentArity.OneOrMore,
        };
        var appliance = new Option<string?>("--appliance")
        {
            Description = "Appliance name for every line (observer.hostname). Default: the syslog host of each line, else the file's parent folder name.",
            HelpName = "NAME",
        };
        var offset = new Option<int?>("--utc-offset")
        {
            Description = "Appliance time offset from UTC in seconds (e.g. -21600), used until a 'Time offset from UTC' header in the file gives one. Default: 0.",
            HelpName = "SECONDS",
        };
        var reference = new Option<DateTime?>("--reference-time")
        {
            Description = "When the lines were received (ISO-8601): syslog times without a year take their year from it. Default: each file's modification time.",
            HelpName = "TIME",
            CustomParser = r => ParseUtc(r.Tokens[0].Value, r),
        };
        var outFile = new Option<string?>("--out", "-o")
        {
            Description = "Write the events to FILE instead of standard output.",
            HelpName = "FILE",
        };
        var command = new Command("parse", """
            Parse ESA/SMA mail_logs into one JSON event per logical line (NDJSON).
            Wrapped lines are joined; every line gets a specific event.action; a line of unknown wording that names a
            MID, ICID, DCID or RCID becomes a note (mid_note, icid_note, ...) that keeps its ids; any other is 'unparsed'
            with a reason. A summary (lines, unparsed per reason, notes per wording, events per event.action) goes to
            standard error.
            """)
        {
            inputs, appliance, offset, reference, outFile,
        };
        command.SetAction(parse =>
        {
            var settings = new ParseSettings(parse.GetValue(inputs)!, parse.GetValue(appliance), parse.GetValue(offset),
                parse.GetValue(reference));
            var path = parse.GetValue(outFile);
            var stderr = parse.InvocationConfiguration.Error;
            return CommandErrors.Run("parse", stderr, () =>
            {
                using var output = path is null
                    ? Console.OpenStandardOutput()
                    : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 16);
                var summary = ParseJob.Run(settings, output);
                summary.WriteTo(stderr);
                return 0;
            });
        });
        return command;
    }

    internal static DateTime? ParseUtc(string text, System.CommandLine.Parsing.ArgumentResult result)
    {
        if (DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return t;
        result.AddError($"not a time: '{text}' (use ISO-8601, e.g. 2026-03-10T09:00:00Z)");
        return null;
    }
}
