using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Pipeline.Arrow.Tests;

/// <summary>
/// The three files read by a reader that is not ours: the npm package apache-arrow (21.2.0), run by node on
/// js/read-arrow.mjs. Its node_modules come from <c>.ci/setup</c> (<c>npm ci</c> in js/); without them the test fails.
/// </summary>
public sealed partial class JsReaderTests : IDisposable
{
    private readonly OutputFiles _out = new();

    public void Dispose() => _out.Dispose();

    private static string JsDir => typeof(JsReaderTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "JsReaderDir").Value!;

    [Fact]
    public void Apache_arrow_js_reads_events_flows_and_alerts_with_the_same_values()
    {
        // The same inputs as pipeline analyze would see, in small batches so that every file has several.
        var corpus = TestData.ParseFile("esa", TestData.CorpusLog);
        var estate = TestData.Estate();
        var events = corpus.Concat(estate).ToList();
        var (corpusFlows, _) = TestData.Correlate(corpus);
        var (estateFlows, estateAlerts) = TestData.Correlate(estate, TestData.ConfigureEstate);
        var flows = corpusFlows.Concat(estateFlows).Concat(TestData.HandBuiltFlows()).ToList();
        var alerts = estateAlerts.Concat(TestData.HandBuiltAlerts()).ToList();
        var ev = _out.WriteEvents(events, batchSize: 128);
        var fl = _out.WriteFlows(flows, batchSize: 40);
        var al = _out.WriteAlerts(alerts, batchSize: 2);

        using var doc = JsonDocument.Parse(RunNode(_out.Events, _out.Flows, _out.Alerts));
        var root = doc.RootElement;

        var e = root.GetProperty("events.arrow");
        var f = root.GetProperty("flows.arrow");
        var a = root.GetProperty("alerts.arrow");
        foreach (var (file, name, expected) in new[] { (e, "event", ev), (f, "flow", fl), (a, "alert", al) })
        {
            Assert.Equal("ARROW1", file.GetProperty("magic").GetString());
            Assert.Equal(expected.Rows, file.GetProperty("rows").GetInt64());
            Assert.Equal(expected.Batches, file.GetProperty("batches").GetInt32());
            Assert.Equal(name, file.GetProperty("metadata").GetProperty("pipeline.document").GetString());
        }
        Assert.True(ev.Batches >= 9 && fl.Batches >= 4 && al.Batches >= 2, $"batches: {ev.Batches} {fl.Batches} {al.Batches}");

        // Types as apache-arrow names them.
        var types = e.GetProperty("fields").EnumerateArray().ToDictionary(x => x.GetProperty("name").GetString()!, x => x.GetProperty("type").GetString());
        Assert.Equal("Timestamp<MICROSECOND, UTC>", types["@timestamp"]);
        Assert.Equal("Int64", types["mid"]);
        Assert.Equal("List<Int64>", types["rids"]);
        Assert.Equal("Utf8", types["event.action"]);
        var flowTypes = f.GetProperty("fields").EnumerateArray().ToDictionary(x => x.GetProperty("name").GetString()!, x => x.GetProperty("type").GetString());
        Assert.StartsWith("List<Struct<{appliance:Utf8, role:Utf8, mid:Int64, start:Timestamp<MICROSECOND, UTC>", flowTypes["hops"]);
        Assert.StartsWith("Struct<{kind:Utf8, esa:Utf8, esa_mid:Int64", flowTypes["cpq"]);

        // A few values by hand.
        var eventRows = e.GetProperty("data");
        Assert.Equal("2014-11-19T15:16:46Z", eventRows[0].GetProperty("@timestamp").GetString());
        Assert.Equal("logfile_begin", eventRows[0].GetProperty("event.action").GetString());
        Assert.Equal("Wed Nov 19 09:16:46 2014 Info: Begin Logfile", eventRows[0].GetProperty("message").GetString());
        int done = events.FindIndex(x => x.Event.Type == Pipeline.MailLogs.LineType.MessageDone);
        Assert.Equal(events[done].Event.Mid, eventRows[done].GetProperty("mid").GetInt64());
        var rids = new List<long>();
        foreach (long r in events[done].Event.RidList(events[done].Line)) rids.Add(r);
        Assert.Equal(rids, eventRows[done].GetProperty("rids").EnumerateArray().Select(x => x.GetInt64()));

        int rt = flows.FindIndex(x => x.Hops.Any(h => h.Appliance == "esa01" && h.Mid == 1001));
        var flowRow = f.GetProperty("data")[rt];
        Assert.Equal([1001L, 5001L, 1050L], flowRow.GetProperty("hops").EnumerateArray().Select(h => h.GetProperty("mid").GetInt64()));
        Assert.Equal(5001, flowRow.GetProperty("cpq").GetProperty("sma_mid").GetInt64());
        Assert.Equal("2026-03-10T10:00:00Z", flowRow.GetProperty("cpq").GetProperty("released_at").GetString());
        Assert.Equal(JsonValueKind.Null, f.GetProperty("data")[corpusFlows.FindIndex(x => x.Cpq is null)].GetProperty("cpq").ValueKind);

        int stuck = alerts.FindIndex(x => x.Kind == Correlation.Model.AlertKinds.CpqQueueStuck);
        var evidence = a.GetProperty("data")[stuck].GetProperty("alert.evidence");
        Assert.Equal(alerts[stuck].Evidence.SampleMids, evidence.GetProperty("sample_mids").EnumerateArray().Select(x => x.GetInt64()));
        Assert.Equal(alerts[stuck].Evidence.Messages, evidence.GetProperty("messages").GetInt32());

        // And every row of every file equals its NDJSON document (times compared to the millisecond: JS dates).
        Compare(e, events.Select(x => x.Json).ToList(), "events.arrow (apache-arrow JS)");
        Compare(f, flows.Select(Documents.FlowJson).ToList(), "flows.arrow (apache-arrow JS)");
        Compare(a, alerts.Select(Documents.AlertJson).ToList(), "alerts.arrow (apache-arrow JS)");
    }

    private static void Compare(JsonElement file, List<string> jsons, string what)
    {
        var columns = file.GetProperty("fields").EnumerateArray().Select(x => x.GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);
        var rows = file.GetProperty("data").EnumerateArray()
            .Select(r => (IReadOnlyDictionary<string, object?>)(Dictionary<string, object?>)Millis(Documents.Plain(r))!).ToList();
        Assert.Equal(jsons.Count, rows.Count);
        var problems = new List<string>();
        for (int i = 0; i < rows.Count; i++)
        {
            var flat = Documents.Flatten(jsons[i], columns, problems);
            var expected = flat.ToDictionary(kv => kv.Key, kv => Millis(kv.Value), StringComparer.Ordinal);
            Documents.Compare(rows[i], expected, $"{what} row {i}", problems);
        }
        Assert.True(problems.Count == 0, $"{problems.Count} difference(s):\n" + string.Join("\n", problems.Distinct().Take(30)));
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")]
    private static partial Regex IsoTime();

    /// <summary>ISO-8601 UTC strings cut to milliseconds (JavaScript dates hold no more), anywhere in a plain value.</summary>
    private static object? Millis(object? v) => v switch
    {
        string s when IsoTime().IsMatch(s) => DateTime.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal) is var t
            ? new DateTime(t.Ticks - t.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
            : s,
        List<object?> l => l.Select(Millis).ToList(),
        Dictionary<string, object?> d => d.ToDictionary(kv => kv.Key, kv => Millis(kv.Value), StringComparer.Ordinal),
        _ => v,
    };

    private static string RunNode(params string[] files)
    {
        string dir = JsDir;
        string script = Path.Combine(dir, "read-arrow.mjs");
        Assert.True(File.Exists(script), $"missing {script}");
        if (!File.Exists(Path.Combine(dir, "node_modules", "apache-arrow", "package.json")))
            Assert.Fail($"apache-arrow is not installed in {dir}/node_modules: run .ci/setup " +
                        "(or: cd tests/Pipeline.Arrow.Tests/js && npm ci) before the tests.");

        var psi = new ProcessStartInfo("node") { WorkingDirectory = dir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(script);
        foreach (var f in files) psi.ArgumentList.Add(f);
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception ex)
        {
            Assert.Fail($"node could not be started ({ex.Message}): install Node.js (the machine image has it) and run .ci/setup.");
            throw;
        }
        using (p)
        {
            var stderr = p.StandardError.ReadToEndAsync();
            string stdout = p.StandardOutput.ReadToEnd();
            Assert.True(p.WaitForExit(TimeSpan.FromSeconds(120)), "node did not finish in 120 s");
            Assert.True(p.ExitCode == 0, $"node exited with {p.ExitCode}: {stderr.Result}");
            return stdout;
        }
    }
}
