using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using Pipeline.Simulation;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline generate</c>: a simulated ESA/SMA estate's mail_logs and its truth.json.</summary>
public static class GenerateCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var outDir = new Option<string?>("--out", "-o")
        {
            Description = "Output folder: one sub-folder per appliance with its mail_logs (mail_logs.@<start>.s rotated files and mail_logs.current), and truth.json.",
            HelpName = "DIR",
        };
        var esa = new Option<int>("--esa") { Description = "Number of ESAs (esa01, esa02, ...).", DefaultValueFactory = _ => 4, HelpName = "N" };
        var sma = new Option<int>("--sma") { Description = "Number of SMAs (sma01, ...); ESA i sends its quarantined mail to SMA i mod M.", DefaultValueFactory = _ => 1, HelpName = "M" };
        var start = new Option<DateTime?>("--start")
        {
            Description = "Start of the simulated time, ISO-8601 UTC. Default: 2026-03-10T00:00:00Z (with --follow: now).",
            HelpName = "TIME",
            CustomParser = r => ParseTime(r),
        };
        var duration = new Option<string>("--duration")
        {
            Description = "Simulated time span: 24h, 2h30m, 90m, 45s, 7d.",
            DefaultValueFactory = _ => "24h",
            HelpName = "SPAN",
        };
        duration.Validators.Add(r => Validate<TimeSpan>(r, TimeText.TryParseDuration, "a duration (e.g. 24h, 2h30m, 90m, 45s)"));
        var rate = new Option<double?>("--rate")
        {
            Description = "New messages per second over the whole estate (daily mean; load follows a day curve in each appliance's local time). Default: 2 per ESA.",
            HelpName = "MSGS_PER_S",
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed of every random choice: same seed and options, same bytes.", DefaultValueFactory = _ => 1UL, HelpName = "S" };
        var format = new Option<string>("--format")
        {
            Description = "Envelope: file (Wed Nov 19 09:16:38 2014 Info: ...), syslog (RFC 3164, with/without PRI, year, host), or mixed (some appliances each).",
            DefaultValueFactory = _ => "file",
            HelpName = "file|syslog|mixed",
        };
        format.AcceptOnlyFromAmong("file", "syslog", "mixed");
        var wrap = new Option<double>("--wrap-rate") { Description = "Probability that a long line is wrapped onto two physical lines (file output).", DefaultValueFactory = _ => 0, HelpName = "P" };
        var disorder = new Option<double>("--disorder-rate") { Description = "Probability that a line is written after the next one (out of order by at most a second).", DefaultValueFactory = _ => 0.002, HelpName = "P" };
        var faults = new Option<string[]>("--fault")
        {
            Description = "Inject a fault (repeatable): " + FaultSpec.SyntaxHelp + ".",
            HelpName = "SPEC",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var rotate = new Option<string>("--rotate-size")
        {
            Description = "Roll a log file over at this size (bytes, or with KB/MB/GB).",
            DefaultValueFactory = _ => "10MB",
            HelpName = "SIZE",
        };
        rotate.Validators.Add(r => Validate<long>(r, TimeText.TryParseSize, "a size (bytes, or e.g. 10MB, 500KB)"));
        var status = new Option<string>("--status-interval")
        {
            Description = "Interval of each appliance's Status: line (0 disables).",
            DefaultValueFactory = _ => "60s",
            HelpName = "SPAN",
        };
        status.Validators.Add(r => Validate<TimeSpan>(r, TimeText.TryParseDuration, "a duration (e.g. 60s, 5m, 0)"));
        var discard = new Option<bool>("--discard") { Description = "Format every line but write nothing (measures the generator alone)." };
        var noMessages = new Option<bool>("--no-message-truth") { Description = "Leave the per-message journeys out of truth.json (appliances and faults only)." };
        var follow = new Option<bool>("--follow") { Description = "Stream in real time (see --speed) instead of generating as fast as possible; Ctrl+C stops and writes truth.json." };
        var speed = new Option<double>("--speed") { Description = "With --follow: simulated seconds per real second (e.g. 3600: an hour per second).", DefaultValueFactory = _ => 1, HelpName = "N" };
        var syslog = new Option<string?>("--syslog")
        {
            Description = "With --follow: send RFC 3164 lines to udp://host:port or tcp://host:port (LF framing) instead of writing files.",
            HelpName = "URI",
        };

        var command = new Command("generate", """
            Simulate an ESA/SMA estate: inbound and outbound mail, centralized quarantine (CPQ) transfers to the SMA and
            releases back, and injected faults on those queues. Writes one folder per appliance with its mail_logs and
            DIR/truth.json, the ground truth (every message's journey and every fault with the alerts it should cause).
            Deterministic: the same seed and options give the same bytes.
            """)
        {
            outDir, esa, sma, start, duration, rate, seed, format, wrap, disorder, faults, rotate, status, noMessages, discard, follow, speed, syslog,
        };
        command.SetAction((parse, ct) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            return Task.FromResult(CommandErrors.Run("generate", stderr, () =>
            {
                bool isFollow = parse.GetValue(follow);
                var dir = parse.GetValue(outDir);
                var syslogText = parse.GetValue(syslog);
                if (syslogText is not null && !isFollow) throw new ArgumentException("--syslog needs --follow");
                bool isDiscard = parse.GetValue(discard);
                if (dir is null && syslogText is null && !isDiscard) throw new ArgumentException("give --out DIR (or --follow --syslog URI, or --discard)");
                if (isDiscard && isFollow) throw new ArgumentException("--discard and --follow exclude each other");
                var o = new EstateOptions
                {
                    Esa = parse.GetValue(esa),
                    Sma = parse.GetValue(sma),
                    Start = parse.GetValue(start) ?? (isFollow ? NowSecond() : EstateOptions.DefaultStart),
                    Duration = TimeText.ParseDuration(parse.GetValue(duration)!),
                    Rate = parse.GetValue(rate),
                    Seed = parse.GetValue(seed),
                    Format = parse.GetValue(format) switch { "syslog" => LogFormat.Syslog, "mixed" => LogFormat.Mixed, _ => LogFormat.File },
                    WrapRate = parse.GetValue(wrap),
                    DisorderRate = parse.GetValue(disorder),
                    RotateBytes = TimeText.TryParseSize(parse.GetValue(rotate), out var bytes) ? bytes : 0,
                    StatusInterval = TimeText.ParseDuration(parse.GetValue(status)!),
                    TruthMessages = !parse.GetValue(noMessages),
                };
                foreach (var spec in parse.GetValue(faults) ?? []) o.Faults.Add(FaultSpec.Parse(spec, o.Start, o.End));
                o.Validate();
                GenerationResult result;
                if (isFollow)
                {
                    var target = syslogText is null ? null : SyslogTarget.Parse(syslogText);
                    stderr.WriteLine($"pipeline generate: following from {TimeText.Iso(o.Start)} at {parse.GetValue(speed).ToString(CultureInfo.InvariantCulture)}x to {(object?)target ?? dir} (Ctrl+C stops)");
                    result = EstateSimulator.Follow(o, dir, target, parse.GetValue(speed), ct);
                }
                else if (isDiscard) result = EstateSimulator.GenerateToNowhere(o);
                else result = EstateSimulator.Generate(o, dir!);
                WriteSummary(stderr, o, result);
                return 0;
            }, ex => ex is ArgumentException or FormatException or System.Net.Sockets.SocketException));
        });
        return command;
    }

    private static DateTime NowSecond()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
    }

    private static void WriteSummary(TextWriter w, EstateOptions o, GenerationResult r)
    {
        double secs = Math.Max(r.Elapsed.TotalSeconds, 1e-6);
        w.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generated {o.Esa} ESA(s) + {o.Sma} SMA(s), {TimeText.Iso(o.Start)} .. {TimeText.Iso(r.EndUtc)}: {r.Lines:N0} lines ({r.PhysicalLines:N0} physical, {r.WrappedLines:N0} wrapped), {r.Bytes:N0} bytes, {r.Messages:N0} messages, {r.Files.Count} files"));
        w.WriteLine(string.Create(CultureInfo.InvariantCulture, $"took {secs:F2} s: {r.Lines / secs:N0} lines/s"));
        if (r.TruthPath is not null) w.WriteLine($"truth: {r.TruthPath}");
    }

    private static DateTime? ParseTime(ArgumentResult r)
    {
        var text = r.Tokens[0].Value;
        if (TimeText.TryParseTime(text, out var t)) return t;
        r.AddError($"not a time: '{text}' (use ISO-8601, e.g. 2026-03-10T09:00:00Z)");
        return null;
    }

    private delegate bool TryParse<T>(string? text, out T value);

    private static void Validate<T>(OptionResult r, TryParse<T> parse, string what)
    {
        if (r.Tokens.Count == 0) return;
        var text = r.Tokens[0].Value;
        if (!parse(text, out _)) r.AddError($"{r.IdentifierToken?.Value ?? "option"}: not {what}: '{text}'");
    }
}
