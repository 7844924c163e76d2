using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Xunit.Abstractions;

namespace Pipeline.Report.Tests;

/// <summary>
/// The report in a real browser: Debian's headless Chromium driven by playwright-core (js/report.test.mjs). Needs
/// <c>/usr/bin/chromium</c> and <c>js/node_modules</c>, which <c>.ci/setup</c> installs; without them the test fails.
/// </summary>
public class BrowserTests(ITestOutputHelper output)
{
    private static string ProjectDir => typeof(BrowserTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ProjectDir").Value!;

    private static string Chromium => Environment.GetEnvironmentVariable("PIPELINE_CHROMIUM") is { Length: > 0 } c ? c : "/usr/bin/chromium";

    [Fact]
    public async Task The_page_works_in_headless_chromium()
    {
        var js = Path.Combine(ProjectDir, "js");
        Assert.True(File.Exists(Chromium), $"Chromium is not installed at {Chromium}: run .ci/setup (it installs Debian's chromium package).");
        Assert.True(Directory.Exists(Path.Combine(js, "node_modules", "playwright-core")),
            $"{js}/node_modules/playwright-core is missing: run .ci/setup (it runs npm ci there).");

        var outDir = Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(outDir);
        var report = Path.Combine(outDir, "report.html");
        var screenshot = Path.Combine(outDir, "report-screenshot.png");
        File.Delete(screenshot);
        ReportRenderer.WriteFile(ReportScenario.Data, report);
        var empty = Path.Combine(outDir, "report-empty.html");
        ReportRenderer.WriteFile(new ReportData(), empty);

        var d = ReportScenario.Data;
        var psi = new ProcessStartInfo("node")
        {
            WorkingDirectory = js,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "report.test.mjs", "--report", report, "--screenshot", screenshot, "--chromium", Chromium,
            "--message-id", ReportScenario.RoundTripMessageId, "--expect-hops", "esa,sma,esa", "--mid-query", "esa01:1050",
            "--sender", "alice@example", "--empty-report", empty, "--hostile-id", ReportScenario.HostileMessageId, "--hostile-subject", ReportScenario.HostileSubject,
            "--min-charts", d.Queues.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--min-alerts", d.Alerts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--min-open", d.Alerts.Count(a => a.ResolvedAt is null).ToString(System.Globalization.CultureInfo.InvariantCulture),
        }) psi.ArgumentList.Add(a);

        Process node;
        try { node = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception e) { Assert.Fail("node is not installed (" + e.Message + "): run .ci/setup."); return; }
        using (node)
        {
            var stdout = node.StandardOutput.ReadToEndAsync();
            var stderr = node.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
            try { await node.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException)
            {
                node.Kill(entireProcessTree: true);
                Assert.Fail("the browser test did not finish in 3 minutes");
            }
            var outText = await stdout;
            var errText = await stderr;
            output.WriteLine(outText);
            if (errText.Length > 0) output.WriteLine("stderr: " + errText);
            var last = outText.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? "";
            JsonDocument doc;
            try { doc = JsonDocument.Parse(last); }
            catch (JsonException) { Assert.Fail($"no JSON result from the browser test (exit {node.ExitCode}): {outText}\n{errText}"); return; }
            using (doc)
            {
                var r = doc.RootElement;
                var failures = r.GetProperty("failures").EnumerateArray().Select(f => f.GetString()).ToList();
                Assert.True(node.ExitCode == 0 && failures.Count == 0, $"browser test failed (exit {node.ExitCode}):\n  " + string.Join("\n  ", failures));
                Assert.True(r.GetProperty("ok").GetBoolean());
                Assert.Equal(d.Queues.Count, r.GetProperty("charts").GetInt32());
                Assert.Equal(d.Alerts.Count, r.GetProperty("alertRows").GetInt32());
                var flow = r.GetProperty("search").GetProperty("flow");
                Assert.Equal(["esa01", "sma01", "esa01"], flow.GetProperty("hops").EnumerateArray().Select(h => h.GetProperty("appliance").GetString()));
                Assert.Equal([1001L, 5001, 1050], flow.GetProperty("hops").EnumerateArray().Select(h => h.GetProperty("mid").GetInt64()));
                Assert.Empty(r.GetProperty("blockedRequests").EnumerateArray());
                Assert.All(r.GetProperty("requests").EnumerateArray(), u => Assert.StartsWith("file://", u.GetString(), StringComparison.Ordinal));
                Assert.Empty(r.GetProperty("dialogs").EnumerateArray());
            }
        }

        Assert.True(File.Exists(screenshot), "no screenshot at " + screenshot);
        var head = new byte[8];
        using (var f = File.OpenRead(screenshot)) Assert.Equal(8, f.Read(head, 0, 8));
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, head);
        output.WriteLine("screenshot: " + screenshot);
        Console.WriteLine("report screenshot: " + screenshot);
    }
}
