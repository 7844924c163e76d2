using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Correlation;
using Pipeline.Correlation.Stages;
using Pipeline.Protocol;
using Pipeline.MailLogs;
using Pipeline.Simulation;

namespace Pipeline.Cli.Commands;

/// <summary>
/// <c>pipeline bench</c>: generates an estate with the simulator and measures, in one run, a plain read of its files
/// (the baseline), parsing alone, and <c>pipeline analyze</c> end to end in a child process (lines/s and peak memory),
/// plus the memory one open message holds. Prints a Markdown report for docs/benchmarks.md.
/// </summary>
public static class BenchCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var dir = new Option<string>("--dir")
        {
            Description = "Work folder: the generated estate (logs/) and the analysis outputs (analysis/). Default: a folder under the system temp folder, removed afterwards unless --keep.",
            HelpName = "DIR",
        };
        var lines = new Option<long>("--lines")
        {
            Description = "About how many lines the generated estate has (10 ESAs and 2 SMAs over a day; the message rate is scaled to reach it).",
            DefaultValueFactory = _ => 10_000_000,
        };
        var keep = new Option<bool>("--keep") { Description = "Keep the generated estate and the outputs." };
        var markdown = new Option<string?>("--markdown") { Description = "Also write the report to this Markdown file.", HelpName = "FILE" };
        var command = new Command("bench", """
            Measure the end-to-end speed and memory of pipeline analyze on a generated estate, side by side with a
            plain read of the same files measured in the same run, and the memory held per open message.
            Run it in Release: dotnet run -c Release --project services/Pipeline.Cli -- bench
            """)
        {
            dir, lines, keep, markdown,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            string work = parse.GetValue(dir) ?? Path.Combine(Path.GetTempPath(), "pipeline-bench-" + Environment.ProcessId);
            bool keepIt = parse.GetValue(keep);
            return CommandErrors.Run("bench", stderr, () =>
            {
                try
                {
                    string report = Run(work, Math.Max(100_000, parse.GetValue(lines)), stderr);
                    stdout.Write(report);
                    if (parse.GetValue(markdown) is { } md) File.WriteAllText(md, report);
                    return 0;
                }
                finally
                {
                    if (!keepIt && parse.GetValue(dir) is null && Directory.Exists(work)) Directory.Delete(work, recursive: true);
                }
            }, ex => ex is ChildFailedException);
        });
        return command;
    }

    private static string Run(string work, long targetLines, TextWriter log)
    {
        var (logs, analysis) = WorkFolders.Fresh(work);

        // 1. The estate: 10 ESAs and 2 SMAs over a day; about 10.6 M lines at 4.6 messages/s, scaled to the target.
        var options = new EstateOptions { Esa = 10, Sma = 2, Duration = TimeSpan.FromHours(24), Rate = 4.6 * targetLines / 10_580_000.0, Seed = 3 };
        foreach (var f in new[] { "tls-anon:esa01@2h-3h30m", "listener-suspended:esa02@6h-7h", "port-blocked:esa03@9h-10h", "sma-app-fault:sma02@12h-13h" })
            options.Faults.Add(FaultSpec.Parse(f, options.Start, options.End));
        log.WriteLine($"generating about {targetLines:N0} lines into {logs} ...");
        var clock = Stopwatch.StartNew();
        var generated = EstateSimulator.Generate(options, logs);
        var generateTime = clock.Elapsed;
        var files = Directory.GetFiles(logs, "mail_logs*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();
        long bytes = files.Sum(f => new FileInfo(f).Length);

        // 2. Baseline: read every file and count its lines (the files were just written: both runs read from the page cache).
        log.WriteLine("baseline: plain read ...");
        clock.Restart();
        long newlines = 0;
        var buffer = new byte[1 << 20];
        foreach (var f in files)
        {
            using var s = new FileStream(f, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
            int n;
            while ((n = s.Read(buffer)) > 0) newlines += buffer.AsSpan(0, n).Count((byte)'\n');
        }
        var readTime = clock.Elapsed;

        // 3. Parsing alone (reader, wrapped lines, parser), one thread.
        log.WriteLine("parse only ...");
        clock.Restart();
        long parsed = 0;
        var e = LogEvent.Empty;
        foreach (var f in files)
        {
            using var stream = new MailLogStream(File.OpenRead(f), new ParseContext(referenceTimeUtc: File.GetLastWriteTimeUtc(f)));
            while (stream.TryRead(out _, ref e)) parsed++;
        }
        var parseTime = clock.Elapsed;

        // 4. analyze end to end, in a child process so that its peak memory is its own.
        log.WriteLine("pipeline analyze ...");
        var (analyzeTime, peakBytes, summary) = AnalyzeInChild(logs, analysis);
        long outputBytes = Directory.GetFiles(analysis).Sum(f => new FileInfo(f).Length);

        // 5. Memory per open message: open messages in a stitcher, none finished.
        long perOpenMessage = MemoryPerOpenMessage(50_000);

        var sb = new StringBuilder();
        double Rate(long n, TimeSpan t) => n / Math.Max(t.TotalSeconds, 1e-9);
        sb.AppendLine($"### pipeline bench ({DateTime.UtcNow:yyyy-MM-dd})");
        sb.AppendLine();
        sb.AppendLine($"Machine: {Machine()}");
        sb.AppendLine();
        sb.AppendLine($"Estate: {options.Esa} ESAs + {options.Sma} SMAs, 24 h, {options.Faults.Count} faults, seed {options.Seed}: " +
                      $"{generated.Lines:N0} lines, {bytes / 1e6:N0} MB in {files.Count} files (generated in {generateTime.TotalSeconds:F1} s).");
        sb.AppendLine();
        sb.AppendLine("| run | time (s) | lines/s | MB/s | time ÷ plain read |");
        sb.AppendLine("|---|---:|---:|---:|---:|");
        sb.AppendLine($"| plain read (baseline: read the files from the page cache, count lines) | {readTime.TotalSeconds:F2} | {Rate(newlines, readTime):N0} | {bytes / 1e6 / readTime.TotalSeconds:N0} | 1 |");
        sb.AppendLine($"| parse only (reader + parser, 1 thread) | {parseTime.TotalSeconds:F2} | {Rate(parsed, parseTime):N0} | {bytes / 1e6 / parseTime.TotalSeconds:N0} | {parseTime / readTime:N0} |");
        sb.AppendLine($"| pipeline analyze, end to end (child process, all outputs) | {analyzeTime.TotalSeconds:F2} | {Rate(summary.Lines, analyzeTime):N0} | {bytes / 1e6 / analyzeTime.TotalSeconds:N0} | {analyzeTime / readTime:N0} |");
        sb.AppendLine();
        sb.AppendLine($"- analyze peak memory (VmHWM of the process): **{peakBytes / 1e6:N0} MB**; outputs written: {outputBytes / 1e9:F2} GB.");
        sb.AppendLine($"- analyze found {summary.Flows:N0} flows and {summary.Alerts} alerts; lines read {summary.Lines:N0}.");
        sb.AppendLine($"- memory held per open message (stitcher state, measured with GC.GetTotalMemory over 50,000 open messages): **{perOpenMessage:N0} bytes**.");
        sb.AppendLine();
        return sb.ToString();
    }

    private sealed record ChildSummary(long Lines, long Flows, int Alerts);

    /// <summary>The measured <c>pipeline analyze</c> run failed: its own error is the message.</summary>
    private sealed class ChildFailedException(string message) : Exception(message);

    private static (TimeSpan Time, long PeakBytes, ChildSummary Summary) AnalyzeInChild(string logs, string analysis)
    {
        // Run the same build: the "pipeline" executable when that is us, else "dotnet pipeline.dll" (dotnet run, tests).
        string? self = Environment.ProcessPath;
        bool direct = self is not null && Path.GetFileNameWithoutExtension(self) == "pipeline";
        var psi = new ProcessStartInfo(direct ? self! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        if (!direct) psi.ArgumentList.Add(typeof(Program).Assembly.Location);
        foreach (var a in new[] { "analyze", "--json", "--out", analysis, logs }) psi.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var child = Process.Start(psi) ?? throw new InvalidOperationException("cannot start pipeline analyze");
        var output = child.StandardOutput.ReadToEndAsync();
        var errors = child.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!child.WaitForExit(100)) peak = Math.Max(peak, HighWaterMark(child.Id));
        var time = clock.Elapsed;
        if (child.ExitCode != 0) throw new ChildFailedException($"pipeline analyze failed (exit {child.ExitCode}): {errors.Result.Trim()}");
        using var doc = JsonDocument.Parse(output.Result);
        var root = doc.RootElement;
        return (time, peak, new ChildSummary(root.GetProperty("lines").GetInt64(), root.GetProperty("flows").GetProperty("total").GetInt64(),
            root.GetProperty("alerts").GetArrayLength()));
    }

    /// <summary>Peak resident memory of a process (Linux: VmHWM), 0 when unknown.</summary>
    private static long HighWaterMark(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 0;
    }

    /// <summary>Bytes of managed memory one open (unfinished) message holds in a stitcher.</summary>
    internal static long MemoryPerOpenMessage(int messages)
    {
        var engine = new EstatePipeline();
        var ctx = new ParseContext();
        var e = LogEvent.Empty;
        void Feed(string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            MailLogParser.Parse(bytes, ctx, ref e);
            engine.Observe("esa01", e, bytes);
        }
        Feed("Tue Mar 10 09:00:00 2026 Info: New SMTP ICID 1 interface Data 1 (10.1.0.10) address 192.0.2.1 reverse dns host mx.example.org verified yes");
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < messages; i++)
        {
            // The lines every message has before it is delivered: its state until it finishes.
            string t = "Tue Mar 10 09:00:00 2026 Info: ";
            long mid = 1000 + i;
            Feed($"{t}Start MID {mid} ICID 1");
            Feed($"{t}MID {mid} ICID 1 From: <sender{i}@example.org>");
            Feed($"{t}MID {mid} ICID 1 RID 0 To: <user{i}@corp.example.com>");
            Feed($"{t}MID {mid} Message-ID '<{i}.{mid}.JavaMail.root@mta{i % 50}.example.org>'");
            Feed($"{t}MID {mid} Subject 'Quarterly report {i}'");
            Feed($"{t}MID {mid} ready {5000 + i} bytes from <sender{i}@example.org>");
            Feed($"{t}MID {mid} queued for delivery");
        }
        long after = GC.GetTotalMemory(forceFullCollection: true);
        if (engine.OpenMessages != messages) throw new InvalidOperationException($"expected {messages} open messages, found {engine.OpenMessages}");
        GC.KeepAlive(engine);
        return (after - before) / messages;
    }

    private static string Machine()
    {
        string cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException) { }
        long memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        return $"{cpu}, {Environment.ProcessorCount} cores, {memory / (1L << 30)} GiB, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
