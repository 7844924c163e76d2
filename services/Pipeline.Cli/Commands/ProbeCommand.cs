using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Pipeline.Cli.Output;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Pipeline.Notifier;
using Pipeline.Probe;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline probe</c>: check CPQ listeners the way the tech note's <c>telnet host 7025</c> does (banner, EHLO,
/// STARTTLS, TLS protocol, cipher, certificate), as a table or JSON; exit 1 when any target fails. Never sends a message.
/// </summary>
public static class ProbeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var d = ProbeOptions.Defaults;
        var targets = new Option<string[]>("--target", "-t")
        {
            Description = $"A listener: [NAME=]HOST[:PORT] (port default {ProbeTarget.DefaultCpqPort}; IPv6 as [addr]:port; tls://HOST:PORT for implicit TLS). Repeatable.",
            HelpName = "HOST:PORT",
            Required = true,
            Arity = ArgumentArity.OneOrMore,
        };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "Longest wait per target, from connect to the end of the TLS handshake.",
            DefaultValueFactory = _ => d.Timeout,
            HelpName = "HH:MM:SS",
        };
        var warn = new Option<TimeSpan>("--cert-warning")
        {
            Description = "Warn when a certificate expires within this time (days.hours:minutes:seconds).",
            DefaultValueFactory = _ => d.CertificateWarning,
            HelpName = "D.HH:MM:SS",
        };
        var concurrency = new Option<int>("--concurrency")
        {
            Description = "Targets probed at the same time.",
            DefaultValueFactory = _ => d.Concurrency,
            HelpName = "N",
        };
        var every = new Option<TimeSpan?>("--every")
        {
            Description = "Probe again at this interval until Ctrl-C or SIGTERM (scheduled mode); alerts then open, update and resolve across rounds.",
            HelpName = "HH:MM:SS",
        };
        var requireTrusted = new Option<bool>("--require-trusted-certificate")
        {
            Description = "Fail a listener whose certificate does not validate (default: report chain errors, do not fail).",
        };
        var allowPlain = new Option<bool>("--allow-plain") { Description = "A listener without STARTTLS is not a failure (default: it is; CPQ traffic is TLS)." };
        var outDir = new Option<string?>("--out", "-o")
        {
            Description = "Append each result to DIR/probe-events.ndjson and each alert version to DIR/alerts.ndjson (open alerts there are taken up again, " +
                          "so repeated runs open, update and resolve them; pipeline notify --alerts DIR sends them).",
            HelpName = "DIR",
        };
        var json = new Option<bool>("--json") { Description = "Print one JSON document (results as event documents, and the alert versions) instead of the table." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also print each SMTP conversation (and put it in the JSON)." };
        var command = new Command("probe", """
            Check centralized quarantine (CPQ) listeners of ESAs and SMAs: connect, read the banner (220 expected),
            EHLO, STARTTLS, and report the TLS protocol, cipher suite, the certificate (subject, issuer, expiry, chain
            errors), round-trip times, and every failure in words (refused, timeout, no 220, STARTTLS not offered,
            handshake failure, which is what an anonymous-cipher-only peer looks like) with the next step.
            A failing target raises a probe_failed alert; a certificate close to expiry a warning.
            Never sends a message. Exits 1 when any target fails (for cron and monitoring), 2 on bad arguments.
            """)
        {
            targets, timeout, warn, concurrency, every, requireTrusted, allowPlain, outDir, json, verbose,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            var stdout = parse.InvocationConfiguration.Output;
            ProbeOptions options;
            ProbeRunner runner;
            try
            {
                options = d with
                {
                    Timeout = Positive(parse.GetValue(timeout), "--timeout"),
                    CertificateWarning = parse.GetValue(warn),
                    Concurrency = parse.GetValue(concurrency) is var c and > 0 ? c : throw new FormatException("--concurrency must be at least 1"),
                    Interval = parse.GetValue(every) is { } e ? Positive(e, "--every") : d.Interval,
                    RequireTrustedCertificate = parse.GetValue(requireTrusted),
                    RequireTls = !parse.GetValue(allowPlain),
                };
                runner = new ProbeRunner(options, [ConfiguredTargets.Parse(parse.GetValue(targets)!, "command line")]);
            }
            catch (FormatException ex)
            {
                stderr.WriteLine($"pipeline probe: {ex.Message}");
                return 2;
            }
            // The action is asynchronous so that System.CommandLine hands it a token that Ctrl-C and SIGTERM cancel;
            // the shared error boundary is synchronous, so the work is awaited inside it.
            return await Task.Run(() => CommandErrors.Run("probe", stderr, () => Probe().GetAwaiter().GetResult()), CancellationToken.None);

            async Task<int> Probe()
            {
                using var sink = new ProbeConsoleSink(stdout, parse.GetValue(json), parse.GetValue(verbose), parse.GetValue(outDir), runner.Alerts);
                if (parse.GetValue(every) is null)
                {
                    ProbeRound round;
                    try { round = await runner.RunOnceAsync(cancel); }
                    catch (OperationCanceledException) when (cancel.IsCancellationRequested)
                    {
                        stderr.WriteLine("pipeline probe: stopped before every target answered");
                        return 130;
                    }
                    await sink.WriteAsync(round, CancellationToken.None);
                    return round.AnyFailed ? 1 : 0;
                }
                await runner.RunScheduledAsync(sink, cancel);
                stderr.WriteLine($"pipeline probe: stopped after {sink.Rounds} round(s)");
                return 0;
            }
        });
        return command;
    }

    private static TimeSpan Positive(TimeSpan t, string name) => t > TimeSpan.Zero ? t : throw new FormatException($"{name} must be longer than zero");
}

/// <summary>Prints rounds as a table (or JSON) and appends them to the --out files.</summary>
internal sealed class ProbeConsoleSink : IProbeSink, IDisposable
{
    private readonly TextWriter _out;
    private readonly bool _json, _verbose;
    private readonly NdjsonWriter? _events, _alerts;

    public int Rounds { get; private set; }

    public ProbeConsoleSink(TextWriter output, bool json, bool verbose, string? outDir, ProbeAlertBook book)
    {
        _out = output;
        _json = json;
        _verbose = verbose;
        if (outDir is null) return;
        Directory.CreateDirectory(outDir);
        string alertsFile = Path.Combine(outDir, "alerts.ndjson");
        book.Restore(LastVersions(alertsFile));
        _events = new NdjsonWriter(new FileStream(Path.Combine(outDir, "probe-events.ndjson"), FileMode.Append, FileAccess.Write, FileShare.Read));
        _alerts = new NdjsonWriter(new FileStream(alertsFile, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    /// <summary>The last version of each alert in a file (later lines win), so open ones carry on.</summary>
    private static IEnumerable<AlertDocument> LastVersions(string file)
    {
        var last = new Dictionary<string, AlertDocument>(StringComparer.Ordinal);
        if (!File.Exists(file)) return [];
        int number = 0;
        foreach (var line in File.ReadLines(file))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var a = AlertDocumentReader.Read(System.Text.Encoding.UTF8.GetBytes(line));
                last[a.Id] = a;
            }
            catch (FormatException ex) { throw new Input.InputException($"{file}, line {number}: {ex.Message}"); }
        }
        return last.Values;
    }

    public ValueTask WriteAsync(ProbeRound round, CancellationToken cancel)
    {
        Rounds++;
        if (_events is not null)
        {
            foreach (var r in round.Results)
            {
                ProbeEventJson.Write(_events.Json, r, _verbose);
                _events.EndDocument();
            }
            _events.Flush();
            foreach (var a in round.Alerts)
            {
                DocumentJson.WriteAlert(_alerts!.Json, a);
                _alerts.EndDocument();
            }
            _alerts!.Flush();
        }
        if (_json) WriteJson(round);
        else WriteTable(round);
        _out.Flush();
        return ValueTask.CompletedTask;
    }

    private void WriteJson(ProbeRound round)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("started_at", DocumentJson.Time(round.StartedAt));
            w.WriteNumber("targets", round.Results.Count);
            w.WriteNumber("failed", round.Results.Count(r => !r.Succeeded));
            w.WriteStartArray("results");
            foreach (var r in round.Results) ProbeEventJson.Write(w, r, _verbose);
            w.WriteEndArray();
            w.WriteStartArray("alerts");
            foreach (var a in round.Alerts) DocumentJson.WriteAlert(w, a);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        _out.WriteLine(System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }

    private void WriteTable(ProbeRound round)
    {
        string[] header = ["TARGET", "APPLIANCE", "RESULT", "BANNER", "TLS", "CIPHER", "CERTIFICATE", "RTT ms (connect/banner/tls)"];
        var rows = round.Results.Select(r => new[]
        {
            r.Target.Endpoint,
            r.Target.Appliance ?? "-",
            ProbeEventJson.OutcomeName(r.Outcome),
            Cut(r.Banner ?? "-", 40),
            r.TlsProtocol ?? "-",
            r.CipherSuite ?? "-",
            r.Certificate is { } c ? $"{c.Subject} until {c.NotAfter:yyyy-MM-dd}" + (c.ChainErrors.Count > 0 ? $" ({string.Join("; ", c.ChainErrors)})" : "") : "-",
            $"{Ms(r.Timings.ConnectMs)}/{Ms(r.Timings.BannerMs)}/{Ms(r.Timings.TlsHandshakeMs)}",
        }).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(row => row[i].Length))).ToArray();
        _out.WriteLine($"CPQ probe {DocumentJson.Time(round.StartedAt)}: {round.Results.Count} target(s), {round.Results.Count(r => !r.Succeeded)} failed");
        _out.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var row in rows) _out.WriteLine(string.Join("  ", row.Select((v, i) => v.PadRight(widths[i]))).TrimEnd());
        foreach (var r in round.Results.Where(r => !r.Succeeded))
        {
            _out.WriteLine();
            _out.WriteLine($"{r.Target.Endpoint} ({r.Target.Name}): {r.Error}");
            if (r.Detail is not null) _out.WriteLine($"  detail: {r.Detail}");
            _out.WriteLine($"  next step: {ProbeHints.For(r)}");
        }
        if (round.Alerts.Count > 0)
        {
            _out.WriteLine();
            foreach (var a in round.Alerts) _out.WriteLine($"alert {a.Status}: {a.Id}: {a.Summary}");
        }
        if (_verbose)
            foreach (var r in round.Results)
            {
                _out.WriteLine();
                _out.WriteLine($"{r.Target.Endpoint}:");
                foreach (var line in r.Transcript) _out.WriteLine("  " + line);
            }
    }

    private static string Ms(double? v) => v is { } x ? x.ToString("0", CultureInfo.InvariantCulture) : "-";

    private static string Cut(string s, int max) => s.Length <= max ? s : s[..(max - 3)] + "...";

    public void Dispose()
    {
        _events?.Dispose();
        _alerts?.Dispose();
    }
}
