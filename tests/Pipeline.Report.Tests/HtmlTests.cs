using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Pipeline.Correlation.Model;

namespace Pipeline.Report.Tests;

/// <summary>Checks on the HTML text itself: self-contained, a JSON island that parses, hostile strings escaped.</summary>
public partial class HtmlTests
{
    private static readonly Lazy<string> Page = new(() => ReportRenderer.Render(ReportScenario.Data));

    [GeneratedRegex("<script type=\"application/json\" id=\"(report-data|report-flows)\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex Island();

    [GeneratedRegex("<script\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex ScriptOpen();

    [GeneratedRegex("\\b(?:src|href|action|formaction|poster|data|srcset|xlink:href)\\s*=\\s*[\"']?\\s*(?!#)[^\"'\\s>]*(?://|:)", RegexOptions.IgnoreCase)]
    private static partial Regex ResourceAttribute();

    private static string IslandText(string html, string id = "report-data")
    {
        var m = Island().Matches(html).SingleOrDefault(m => m.Groups[1].Value == id);
        Assert.True(m is not null, "no JSON island " + id);
        return m.Groups[2].Value;
    }

    private static string WithoutIsland(string html) => Island().Replace(html, m => $"<script type=\"application/json\" id=\"{m.Groups[1].Value}\"></script>");

    [Fact]
    public void The_scenario_has_what_the_page_needs()
    {
        var d = ReportScenario.Data;
        var trip = d.Flows.Single(f => f.MessageId == ReportScenario.RoundTripMessageId && f.Hops.Count == 3);
        Assert.Equal(["esa", "sma", "esa"], trip.Hops.Select(h => h.Role));
        Assert.Equal(FlowStates.Delivered, trip.State);
        Assert.Contains(d.Alerts, a => a.Kind == AlertKinds.CpqQueueStuck && a.Appliance == "esa02" && a.ResolvedAt is null);
        Assert.Contains(d.Alerts, a => a.Kind == AlertKinds.CpqQueueStuck && a.Appliance == "esa02" && a.ResolvedAt is not null);
        Assert.Contains(d.Alerts, a => a.Kind == AlertKinds.CpqReleaseStuck && a.Appliance == "sma02");
        Assert.Contains(d.Queues, q => q.Queue == "the.cpq.host" && q.Appliance == "esa02" && q.Peer == "sma01");
        Assert.Contains(d.Queues, q => q.Queue == "the.cpq.release.host" && q.Appliance == "sma01" && q.Peer == "esa01");
        Assert.Contains(d.Queues, q => q.Queue == "the.cpq.release.host" && q.Appliance == "sma02" && q.Peer == "esa01");
        Assert.NotEmpty(d.QuarantineDwellSeconds);
        Assert.NotEmpty(d.OldestStuck);
    }

    [Fact]
    public void The_page_is_one_self_contained_file()
    {
        var html = Page.Value;
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<iframe", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", WithoutIsland(html), StringComparison.OrdinalIgnoreCase);
        // Exactly three script elements: the two data islands and the inline script, none with a src.
        var scripts = ScriptOpen().Matches(html).Select(m => m.Value).ToList();
        Assert.Equal(["<script type=\"application/json\" id=\"report-data\">", "<script type=\"application/json\" id=\"report-flows\">", "<script>"], scripts);
        // No resource attribute points anywhere but into the page.
        Assert.Empty(ResourceAttribute().Matches(WithoutIsland(html)).Select(m => m.Value));
        // No URL at all outside the data (the data is text, never loaded).
        var outside = WithoutIsland(html);
        Assert.DoesNotContain("http://", outside, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", outside, StringComparison.OrdinalIgnoreCase);
        // The content security policy forbids every fetch and any script but the page's own.
        Assert.Contains("default-src 'none'", html, StringComparison.Ordinal);
        Assert.Contains("script-src 'sha256-", html, StringComparison.Ordinal);
    }

    [Fact]
    public void The_csp_hash_matches_the_inline_script()
    {
        var html = Page.Value;
        var hash = Regex.Match(html, "script-src 'sha256-([A-Za-z0-9+/=]+)'").Groups[1].Value;
        var start = html.LastIndexOf("<script>", StringComparison.Ordinal) + "<script>".Length;
        var end = html.IndexOf("</script>", start, StringComparison.Ordinal);
        var script = html[start..end];
        Assert.Equal(Convert.ToBase64String(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(script))), hash);
    }

    [Fact]
    public void The_json_island_parses_and_holds_the_data()
    {
        var d = ReportScenario.Data;
        using var doc = JsonDocument.Parse(IslandText(Page.Value));
        using var flowsDoc = JsonDocument.Parse(IslandText(Page.Value, "report-flows"));
        var root = doc.RootElement;
        Assert.Equal(d.Flows.Count, flowsDoc.RootElement.GetArrayLength());
        Assert.Equal(d.Flows.Count, root.GetProperty("flowsEmbedded").GetInt32());
        Assert.Equal(d.Queues.Count, root.GetProperty("queues").GetArrayLength());
        Assert.Equal(d.Alerts.Count, root.GetProperty("alerts").GetArrayLength());
        Assert.Equal(d.FlowsTotal, root.GetProperty("flowsTotal").GetInt64());
        var trip = flowsDoc.RootElement.EnumerateArray().Single(f =>
            f.TryGetProperty("msgid", out var m) && m.GetString() == ReportScenario.RoundTripMessageId && f.GetProperty("hops").GetArrayLength() == 3);
        Assert.Equal("esa01", trip.GetProperty("hops")[0][0].GetString());
        Assert.Equal("sma01", trip.GetProperty("hops")[1][0].GetString());
        Assert.Equal(1050, trip.GetProperty("hops")[2][2].GetInt64());
        Assert.Equal(5001, trip.GetProperty("cpq").GetProperty("sma_mid").GetInt64());
        // Every series has parallel arrays in time order.
        foreach (var q in root.GetProperty("queues").EnumerateArray())
        {
            var t = q.GetProperty("t").EnumerateArray().Select(x => x.GetInt64()).ToList();
            Assert.Equal(t.Count, q.GetProperty("w").GetArrayLength());
            Assert.Equal(t.Count, q.GetProperty("a").GetArrayLength());
            Assert.Equal(t.Order().ToList(), t);
        }
        Assert.Equal(d.QuarantineDwellSeconds.Count, root.GetProperty("dwell").GetProperty("buckets").EnumerateArray().Sum(b => b[1].GetInt64()));
    }

    [Fact]
    public void Hostile_strings_stay_text()
    {
        var html = Page.Value;
        // Inside the islands: nothing that could end the script element or open a comment.
        foreach (var island in new[] { IslandText(html), IslandText(html, "report-flows") })
        {
            Assert.DoesNotContain("<", island, StringComparison.Ordinal);
            Assert.DoesNotContain(">", island, StringComparison.Ordinal);
            Assert.DoesNotContain("</script", island, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<!--", island, StringComparison.Ordinal);
        }
        // ...and the strings come back intact when parsed.
        using var doc = JsonDocument.Parse(IslandText(html, "report-flows"));
        var evil = doc.RootElement.EnumerateArray().Single(f => f.GetProperty("id").GetString() == "esa02:99999:20260310T115000Z");
        Assert.Equal(ReportScenario.HostileSubject, evil.GetProperty("subj").GetString());
        Assert.Equal(ReportScenario.HostileMessageId, evil.GetProperty("msgid").GetString());
        Assert.Equal("lone\uFFFDsurrogate@corp.example", evil.GetProperty("to")[1].GetString());

        // Outside the island (server-rendered tables): encoded, never live markup.
        var outside = WithoutIsland(html);
        Assert.DoesNotContain("<script>alert", outside, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", outside, StringComparison.Ordinal);
        Assert.DoesNotContain("<b>sma01</b>", outside, StringComparison.Ordinal);
        Assert.Contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;", outside, StringComparison.Ordinal);
        Assert.Contains(ReportFormat.E(ReportScenario.HostileError), outside, StringComparison.Ordinal);
        Assert.Contains(ReportFormat.E(ReportScenario.HostileHint), outside, StringComparison.Ordinal);
        Assert.Contains("Acme &amp; Co", outside, StringComparison.Ordinal);
        // The only closing script tags are those of the three script elements; there is no comment opener at all.
        Assert.Equal(3, Regex.Matches(html, "</script", RegexOptions.IgnoreCase).Count);
        Assert.DoesNotContain("<!--", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_section_and_test_hook_is_there()
    {
        var html = Page.Value;
        var d = ReportScenario.Data;
        foreach (var id in new[] { "overview", "queues", "alerts", "stuck", "search", "search-input", "search-button", "search-results", "dwell-chart", "appliance-table", "stuck-table", "kpis" })
            Assert.Contains($"id=\"{id}\"", html, StringComparison.Ordinal);
        Assert.Equal(d.Alerts.Count, Regex.Matches(html, "<article class=\"alert-row ").Count);
        Assert.Equal(d.Alerts.Count(a => a.ResolvedAt is null), Regex.Matches(html, "<article class=\"alert-row [a-z-]+ open\"").Count);
        Assert.Equal(d.Queues.Count, Regex.Matches(html, "class=\"card queue-chart\" data-series=").Count);
        Assert.Equal(d.OldestStuck.Count, Regex.Matches(html, "<tr class=\"stuck-row\"").Count);
        Assert.Equal(d.Appliances.Count, Regex.Matches(html, "<tr class=\"appliance-row\"").Count);
        Assert.Contains("the.cpq.host</span> esa02 → sma01", html, StringComparison.Ordinal);
        Assert.Contains("the.cpq.release.host</span> sma01 → esa01", html, StringComparison.Ordinal);
        // Alert rows carry their hint and evidence.
        var stuck = d.Alerts.First(a => a.Kind == AlertKinds.CpqQueueStuck && a.ResolvedAt is null);
        Assert.Contains(ReportFormat.E(stuck.Hint), html, StringComparison.Ordinal);
        Assert.Contains($"data-q=\"esa02:{stuck.Evidence.SampleMids[0]}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_produces_utf8_without_bom_and_the_same_text()
    {
        using var ms = new MemoryStream();
        ReportRenderer.Write(ReportScenario.Data, ms);
        var bytes = ms.ToArray();
        Assert.NotEqual(0xEF, bytes[0]);
        Assert.Equal(Page.Value, Encoding.UTF8.GetString(bytes));
        Assert.True(ms.CanWrite, "the stream stays open");
    }

    [Fact]
    public void An_empty_report_renders()
    {
        var html = ReportRenderer.Render(new ReportData());
        Assert.Contains("id=\"no-queues\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"no-alerts\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"no-stuck\"", html, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(IslandText(html));
        Assert.Equal(JsonValueKind.Null, doc.RootElement.GetProperty("start").ValueKind);
        using var flows = JsonDocument.Parse(IslandText(html, "report-flows"));
        Assert.Equal(0, flows.RootElement.GetArrayLength());
    }

    [Fact]
    public void Dwell_summary_uses_nearest_rank()
    {
        var s = DwellSummary.Of([30, 120, 600, 4000, 90000, 10]);
        Assert.Equal(6, s.Count);
        Assert.Equal(120, s.Median);
        Assert.Equal(90000, s.P90);
        Assert.Equal(90000, s.Max);
        Assert.Equal([2L, 1, 1, 0, 1, 0, 0, 1, 0, 0], s.Buckets);
        var empty = DwellSummary.Of([]);
        Assert.Null(empty.Median);
    }

    [Fact]
    public void Long_series_are_thinned_but_keep_peaks_and_the_last_state()
    {
        var t0 = ReportScenario.Start;
        var points = Enumerable.Range(0, 20000).Select(i => new QueuePoint(t0.AddMinutes(i), i == 12345 ? 999 : i % 10, i)).ToList();
        var thin = ReportView.ChartPoints(new QueueSeries { Points = points });
        Assert.InRange(thin.Count, 100, ReportView.MaxChartPoints + 1);
        Assert.Equal(999, thin.Max(p => p.Waiting));
        Assert.Equal(points[^1], thin[^1]);
    }
}
