using System.Security.Cryptography;
using System.Text;
using Pipeline.Correlation.Model;
using static Pipeline.Report.ReportFormat;

namespace Pipeline.Report;

/// <summary>
/// Writes the report of <c>pipeline analyze</c>: one self-contained HTML file (inline CSS and JavaScript, no external
/// resource, no network access). The tables are rendered here and readable without JavaScript; the page's script draws
/// the queue charts and the dwell histogram and runs the flow search from the JSON data island
/// (<c>&lt;script type="application/json" id="report-data"&gt;</c>).
/// </summary>
public static class ReportRenderer
{
    /// <summary>The search box shows at most this many flows.</summary>
    public const int MaxSearchResults = 50;

    private static readonly Lazy<string> CssAsset = new(() => Asset("report.css"));
    private static readonly Lazy<string> ScriptAsset = new(() => Asset("report.js"));

    /// <summary>Renders the page.</summary>
    public static string Render(ReportData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        using var ms = new MemoryStream((int)Math.Min(1L << 30, 64 * 1024 + (data.Flows?.Count ?? 0) * 500L));
        Write(data, ms);
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    /// <summary>Writes the page as UTF-8 (no byte order mark) to <paramref name="output"/>; the stream stays open.</summary>
    public static void Write(ReportData data, Stream output)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(output);
        var view = new ReportView(data);
        using var writer = new StreamWriter(output, new UTF8Encoding(false), 1 << 16, leaveOpen: true);
        new Page(view, writer, output).Write();
    }

    /// <summary>Writes the page to a file (created or replaced).</summary>
    public static void WriteFile(ReportData data, string path)
    {
        using var file = File.Create(path);
        Write(data, file);
    }

    private static string Asset(string name)
    {
        using var s = typeof(ReportRenderer).Assembly.GetManifestResourceStream("Pipeline.Report." + name)
            ?? throw new InvalidOperationException("missing embedded asset " + name);
        using var r = new StreamReader(s, Encoding.UTF8);
        var text = r.ReadToEnd();
        if (text.Contains("</script", StringComparison.OrdinalIgnoreCase) || text.Contains("</style", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException("asset " + name + " would close its element early");
        return text;
    }

    /// <summary>Human name of an alert kind.</summary>
    internal static string KindLabel(string kind) => kind switch
    {
        AlertKinds.CpqQueueStuck => "CPQ queue stuck",
        AlertKinds.CpqReleaseStuck => "Release queue stuck",
        AlertKinds.CpqTlsFailure => "TLS failure to CPQ peer",
        AlertKinds.CpqConnectFailure => "Connection failure to CPQ peer",
        AlertKinds.QuarantineUnavailable => "Quarantine unavailable",
        AlertKinds.ApplianceSilent => "Appliance silent",
        AlertKinds.ProbeFailed => "Probe failed",
        _ => kind,
    };

    /// <summary>Severity class of an alert kind: stuck queues are critical, link failures warnings.</summary>
    internal static string KindSeverity(string kind) => kind switch
    {
        AlertKinds.CpqQueueStuck or AlertKinds.CpqReleaseStuck or AlertKinds.QuarantineUnavailable => "crit",
        AlertKinds.CpqTlsFailure or AlertKinds.CpqConnectFailure or AlertKinds.ProbeFailed => "warn",
        _ => "info",
    };

    private sealed class Page(ReportView view, StreamWriter sb, Stream raw)
    {
        private readonly ReportData _d = view.Data;

        private Page A(string s) { sb.Write(s); return this; }
        private Page T(string? s) { sb.Write(E(s)); return this; }

        /// <summary>UTF-8 JSON straight to the stream, after the text written so far.</summary>
        private Page Json(ReadOnlyMemory<byte> utf8)
        {
            sb.Flush();
            raw.Write(utf8.Span);
            return this;
        }

        public void Write()
        {
            var css = CssAsset.Value;
            var script = ScriptAsset.Value;
            var hash = Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(script)));
            A("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
            A("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
            // No network at all; only this page's own script (by hash) runs, so injected markup could not execute.
            A("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'sha256-")
                .A(hash).A("'; base-uri 'none'; form-action 'none'\">\n");
            A("<meta name=\"referrer\" content=\"no-referrer\">\n");
            A("<meta name=\"generator\" content=\"pipeline analyze\">\n");
            A("<title>").T(_d.Title).A("</title>\n<style>\n").A(css).A("\n</style>\n</head>\n<body>\n");
            Header();
            A("<main class=\"wrap\">\n");
            Overview();
            Queues();
            Alerts();
            Stuck();
            Search();
            A("</main>\n");
            Footer();
            A("<script type=\"application/json\" id=\"report-data\">").Json(ReportJson.Summary(view)).A("</script>\n");
            A("<script type=\"application/json\" id=\"report-flows\">").Json(ReportJson.Flows(view)).A("</script>\n");
            A("<script>").A(script).A("</script>\n</body>\n</html>\n");
        }

        private void Header()
        {
            long span = view.Start is { } s && view.End is { } e ? Epoch(e) - Epoch(s) : 0;
            A("<header class=\"top\"><div class=\"wrap top-inner\">\n<div class=\"top-title\"><h1 id=\"report-title\">").T(_d.Title).A("</h1>\n");
            A("<div class=\"top-meta\" id=\"report-meta\"><span><b>Data</b> <time>").T(Time(view.Start)).A("</time> → <time>").T(Time(view.End)).A("</time>");
            if (span > 0) A(" <span class=\"muted\">(").T(Dur(span)).A(")</span>");
            A("</span><span><b>").T(Num(_d.Files)).A("</b> files</span><span><b>").T(Num(_d.Lines)).A("</b> lines</span>");
            A("<span class=\"").A(_d.Unparsed > 0 ? "warn-text" : "").A("\"><b>").T(Num(_d.Unparsed)).A("</b> unparsed");
            if (_d.Lines > 0) A(" <span class=\"muted\">(").T(Pct(_d.Unparsed, _d.Lines)).A(")</span>");
            A("</span></div></div>\n");
            A("<form class=\"quick-search\" id=\"quick-search-form\" role=\"search\" autocomplete=\"off\"><input type=\"search\" id=\"quick-search\" placeholder=\"Find a message…\" aria-label=\"find a message\" spellcheck=\"false\"></form>\n");
            if (view.OpenAlerts > 0)
                A("<a class=\"status-pill bad\" id=\"status\" href=\"#first-open-alert\">").T(Num(view.OpenAlerts)).A(view.OpenAlerts == 1 ? " open alert" : " open alerts").A("</a>\n");
            else
                A("<a class=\"status-pill good\" id=\"status\" href=\"#alerts\">No open alerts</a>\n");
            A("</div>\n<nav class=\"toc\"><div class=\"wrap\">");
            A("<a href=\"#overview\">Overview</a>");
            A("<a href=\"#queues\">CPQ queues <span class=\"count\">").T(Num(view.Series.Count)).A("</span></a>");
            A("<a href=\"#alerts\">Alerts <span class=\"count").A(view.OpenAlerts > 0 ? " bad" : "").A("\">").T(Num(view.Alerts.Count)).A("</span></a>");
            A("<a href=\"#stuck\">Oldest stuck <span class=\"count\">").T(Num(view.Stuck.Count)).A("</span></a>");
            A("<a href=\"#search\">Search flows</a>");
            A("</div></nav>\n</header>\n");
        }

        private void Overview()
        {
            A("<section id=\"overview\">\n<h2>Estate overview</h2>\n");
            int esas = (_d.Appliances ?? []).Count(a => a.Role != "sma"), smas = (_d.Appliances ?? []).Count(a => a.Role == "sma");
            A("<div class=\"kpis\" id=\"kpis\">\n");
            Kpi("messages", "Messages", Num(_d.Messages), null);
            Kpi("cpq-transfers", "CPQ transfers", Num(_d.CpqTransfers), _d.Messages > 0 ? Pct(_d.CpqTransfers, _d.Messages) + " of messages" : null);
            Kpi("cpq-releases", "Releases", Num(_d.CpqReleases), _d.CpqTransfers > 0 ? Pct(_d.CpqReleases, _d.CpqTransfers) + " of transfers" : null);
            Kpi("cpq-deleted", "Deletions", Num(_d.CpqDeleted), _d.CpqTransfers > 0 ? Pct(_d.CpqDeleted, _d.CpqTransfers) + " of transfers" : null);
            Kpi("alerts", "Alerts", Num(view.Alerts.Count), view.OpenAlerts > 0 ? $"{Num(view.OpenAlerts)} open" : "none open", view.OpenAlerts > 0 ? "bad" : null);
            Kpi("appliances", "Appliances", Num((_d.Appliances ?? []).Count), $"{esas} ESA · {smas} SMA");
            A("</div>\n");

            // Flows by state: a stacked bar and a tile per state.
            var states = FlowStates.All.Concat((_d.FlowsByState ?? []).Keys.Where(k => !FlowStates.All.Contains(k)).Order(StringComparer.Ordinal)).ToList();
            long total = states.Sum(s => (_d.FlowsByState ?? []).GetValueOrDefault(s));
            A("<div class=\"card\" id=\"flow-states\">\n<div class=\"card-head\"><h3>Flows by state</h3><span class=\"muted\">").T(Num(total)).A(" flows</span></div>\n");
            A("<div class=\"state-bar\" role=\"img\" aria-label=\"flows by state\">");
            foreach (var s in states)
            {
                long n = (_d.FlowsByState ?? []).GetValueOrDefault(s);
                if (n <= 0 || total <= 0) continue;
                A("<span class=\"seg st-").A(Token(s)).A("\" style=\"width:").A(Css(100.0 * n / total)).A("%\" title=\"").T($"{s}: {Num(n)} ({Pct(n, total)})").A("\"></span>");
            }
            A("</div>\n<div class=\"state-tiles\">\n");
            foreach (var s in states)
            {
                long n = (_d.FlowsByState ?? []).GetValueOrDefault(s);
                A("<div class=\"state-tile st-").A(Token(s)).A(n == 0 ? " zero" : "").A("\" data-state=\"").T(s).A("\"><span class=\"dot\"></span><span class=\"state-name\">")
                    .T(s.Replace('_', ' ')).A("</span><span class=\"state-n\">").T(Num(n)).A("</span><span class=\"state-pct\">").T(Pct(n, total)).A("</span></div>\n");
            }
            A("</div>\n</div>\n");

            A("<div class=\"grid-2\">\n");
            Appliances();
            Dwell();
            A("</div>\n</section>\n");
        }

        private void Kpi(string id, string label, string value, string? sub, string? cls = null)
        {
            A("<div class=\"kpi ").A(cls ?? "").A("\" id=\"kpi-").A(id).A("\"><div class=\"kpi-label\">").T(label).A("</div><div class=\"kpi-value\">").T(value).A("</div>");
            if (sub is not null) A("<div class=\"kpi-sub\">").T(sub).A("</div>");
            A("</div>\n");
        }

        private void Appliances()
        {
            var list = (_d.Appliances ?? []).OrderBy(a => a.Role == "sma" ? 1 : 0).ThenBy(a => a.Name, StringComparer.OrdinalIgnoreCase).ToList();
            A("<div class=\"card\" id=\"appliances\">\n<div class=\"card-head\"><h3>Appliances</h3><span class=\"muted\">").T(Num(list.Count)).A("</span></div>\n");
            if (list.Count == 0) { A("<p class=\"empty\">No appliances in the input.</p>\n</div>\n"); return; }
            A("<div class=\"table-scroll\"><table class=\"data\" id=\"appliance-table\">\n<thead><tr><th>Appliance</th><th>Role</th><th class=\"num\">Lines</th><th>First line</th><th>Last line</th><th>Addresses</th></tr></thead>\n<tbody>\n");
            foreach (var a in list)
            {
                A("<tr class=\"appliance-row\"><td class=\"mono strong\">").T(a.Name).A("</td><td><span class=\"role role-").A(Token(a.Role)).A("\">").T(a.Role.ToUpperInvariant()).A("</span></td>");
                A("<td class=\"num\">").T(Num(a.Lines)).A("</td><td class=\"time\">").T(Time(a.FirstLine)).A("</td><td class=\"time\">").T(Time(a.LastLine)).A("</td>");
                A("<td class=\"mono small\">").T(a.Ips.Count == 0 ? "—" : string.Join(", ", a.Ips)).A("</td></tr>\n");
            }
            A("</tbody></table></div>\n</div>\n");
        }

        private void Dwell()
        {
            var dw = view.Dwell;
            A("<div class=\"card\" id=\"dwell\">\n<div class=\"card-head\"><h3>Quarantine dwell time</h3><span class=\"muted\">hand-off to release or deletion · ")
                .T(Num(dw.Count)).A(dw.Count == 1 ? " message" : " messages").A("</span></div>\n");
            A("<div class=\"dwell-stats\">");
            DwellStat("median", "Median", dw.Median);
            DwellStat("p90", "90th percentile", dw.P90);
            DwellStat("max", "Longest", dw.Max);
            A("</div>\n");
            if (dw.Count == 0) A("<p class=\"empty\">No message was released or deleted in the input.</p>\n");
            A("<div class=\"hist\" id=\"dwell-chart\"></div>\n</div>\n");
        }

        private void DwellStat(string id, string label, long? v)
        {
            A("<div class=\"dwell-stat\" id=\"dwell-").A(id).A("\"><div class=\"kpi-label\">").T(label).A("</div><div class=\"dwell-value\">")
                .T(v is { } s ? Dur(s) : "—").A("</div></div>");
        }

        private void Queues()
        {
            A("<section id=\"queues\">\n<h2>CPQ queues</h2>\n<p class=\"lead\">Per ESA ↔ SMA link: the <span class=\"mono\">")
                .T(ReportView.TransferQueue).A("</span> backlog on the ESA (hand-offs to the quarantine) and the <span class=\"mono\">")
                .T(ReportView.ReleaseQueue).A("</span> backlog on the SMA (releases back). Links with alerts come first.</p>\n");
            A("<div class=\"legend\"><span class=\"lg lg-wait\"></span>waiting messages (left axis)<span class=\"lg lg-age\"></span>oldest message's age (right axis)<span class=\"lg lg-crit\"></span>stuck / unavailable alert<span class=\"lg lg-warn\"></span>TLS / connection alert<span class=\"lg lg-info\"></span>other alert (e.g. appliance silent)</div>\n");
            if (view.Links.Count == 0) { A("<p class=\"empty\" id=\"no-queues\">No CPQ traffic in the input.</p>\n</section>\n"); return; }
            foreach (var link in view.Links)
            {
                A("<div class=\"link-row").A(link.OpenAlerts > 0 ? " has-open" : "").A("\">\n");
                Chart(ReportView.TransferQueue, link.Esa, link.Sma, link.Transfer, link.TransferIndex);
                Chart(ReportView.ReleaseQueue, link.Sma, link.Esa, link.Release, link.ReleaseIndex);
                A("</div>\n");
            }
            A("</section>\n");
        }

        private void Chart(string queue, string from, string to, QueueSeries? s, int index)
        {
            A("<div class=\"card queue-chart").A(s is null ? " missing" : "").A("\"").A(s is null ? "" : $" data-series=\"{index}\"")
                .A(" data-queue=\"").T(queue).A("\" data-appliance=\"").T(from).A("\" data-peer=\"").T(to).A("\">\n");
            A("<div class=\"card-head\"><h3><span class=\"mono\">").T(queue).A("</span> ").T(from).A(" → ").T(to).A("</h3>");
            if (s is not null && s.Points.Count > 0)
            {
                var last = s.Points.MaxBy(p => p.Time)!;
                int peak = s.Points.Max(p => p.Waiting);
                long oldest = s.Points.Max(p => p.OldestAgeSeconds);
                A("<span class=\"qstats\">peak <b>").T(Num(peak)).A("</b> · oldest <b>").T(Dur(oldest)).A("</b> · at end <b class=\"").A(last.Waiting > 0 ? "bad-text" : "").A("\">")
                    .T(Num(last.Waiting)).A("</b> waiting</span>");
            }
            A("</div>\n");
            if (s is null)
            {
                bool known = (_d.Appliances ?? []).Any(a => string.Equals(a.Name, from, StringComparison.OrdinalIgnoreCase));
                A("<p class=\"empty\">").T(known
                    ? (queue == ReportView.ReleaseQueue ? $"No release from {from} to {to} in the input." : $"No hand-off from {from} to {to} in the input.")
                    : $"{from}'s logs are not in the input.").A("</p>\n");
            }
            else if (s.Points.Count == 0) A("<p class=\"empty\">No samples.</p>\n");
            else A("<div class=\"chart\"></div>\n");
            A("</div>\n");
        }

        private void Alerts()
        {
            A("<section id=\"alerts\">\n<h2>Alerts</h2>\n");
            if (view.Alerts.Count == 0) { A("<p class=\"empty\" id=\"no-alerts\">No alerts: every CPQ queue kept moving.</p>\n</section>\n"); return; }
            A("<p class=\"lead\">In the order they opened. The bar shows each alert's window within the data range; open alerts run to its end.</p>\n");
            A("<div class=\"alert-filter\" id=\"alert-filter\" role=\"toolbar\" aria-label=\"filter alerts\">");
            A("<button type=\"button\" class=\"chip active\" data-filter=\"all\">All <b>").T(Num(view.Alerts.Count)).A("</b></button>");
            A("<button type=\"button\" class=\"chip chip-open\" data-filter=\"open\">Open <b>").T(Num(view.OpenAlerts)).A("</b></button>");
            foreach (var g in view.Alerts.GroupBy(a => a.Kind).OrderBy(g => KindSeverity(g.Key)).ThenBy(g => g.Key, StringComparer.Ordinal))
                A("<button type=\"button\" class=\"chip sev-").A(KindSeverity(g.Key)).A("\" data-filter=\"kind:").T(g.Key).A("\">").T(KindLabel(g.Key)).A(" <b>").T(Num(g.Count())).A("</b></button>");
            A("</div>\n");
            A("<div class=\"alert-list\" id=\"alert-list\">\n");
            bool firstOpen = true;
            long s0 = view.Start is { } st ? Epoch(st) : Epoch(view.Alerts.Min(a => a.OpenedAt));
            long s1 = view.End is { } en ? Epoch(en) : Epoch(view.Alerts.Max(a => a.ResolvedAt ?? a.LastUpdatedAt));
            double span = Math.Max(1, s1 - s0);
            foreach (var a in view.Alerts)
            {
                bool open = a.ResolvedAt is null;
                long opened = Epoch(a.OpenedAt);
                long until = a.ResolvedAt is { } r ? Epoch(r) : Math.Max(s1, Epoch(a.LastUpdatedAt));
                A("<article class=\"alert-row sev-").A(KindSeverity(a.Kind)).A(open ? " open" : " resolved").A("\"");
                if (open && firstOpen) { A(" id=\"first-open-alert\""); firstOpen = false; }
                A(" data-kind=\"").T(a.Kind).A("\" data-alert-id=\"").T(a.Id).A("\">\n");
                A("<div class=\"al-status\"><span class=\"badge ").A(open ? "badge-open\">OPEN" : "badge-resolved\">resolved").A("</span></div>\n");
                A("<div class=\"al-what\"><div class=\"al-kind\">").T(KindLabel(a.Kind)).A(" <code>").T(a.Kind).A("</code></div>");
                A("<div class=\"al-link\"><span class=\"mono strong\">").T(a.Appliance).A("</span>");
                if (!string.IsNullOrEmpty(a.Peer)) A(" → <span class=\"mono strong\">").T(a.Peer).A("</span>");
                A("</div>");
                if (!string.IsNullOrEmpty(a.Summary)) A("<div class=\"al-summary\">").T(a.Summary).A("</div>");
                A("</div>\n");
                A("<div class=\"al-when\"><div><span class=\"k\">opened</span> <time class=\"opened\">").T(Time(a.OpenedAt)).A("</time></div>");
                A("<div><span class=\"k\">resolved</span> ");
                if (open) A("<b class=\"bad-text resolved-at\">OPEN</b>"); else A("<time class=\"resolved-at\">").T(Time(a.ResolvedAt)).A("</time>");
                A("</div><div><span class=\"k\">duration</span> <b class=\"duration\">").T(Dur(until - opened)).A(open ? "+" : "").A("</b></div>");
                double left = Math.Clamp((opened - s0) / span * 100, 0, 100);
                double width = Math.Clamp((until - opened) / span * 100, 0.6, 100 - left);
                A("<div class=\"al-bar\" title=\"").T($"{Time(a.OpenedAt)} → {(open ? "open" : Time(a.ResolvedAt))}").A("\"><span style=\"left:").A(Css(left)).A("%;width:").A(Css(width)).A("%\"></span></div></div>\n");
                A("<div class=\"al-evidence\">");
                if (a.Evidence.Messages > 0 || a.Evidence.OldestAgeSeconds > 0)
                {
                    A("<div>");
                    if (a.Evidence.Messages > 0 || KindSeverity(a.Kind) == "crit")
                        A("<span class=\"k\">").A(a.Kind is AlertKinds.CpqTlsFailure or AlertKinds.CpqConnectFailure or AlertKinds.ProbeFailed ? "attempts" : "messages")
                            .A("</span> <b class=\"ev-messages\">").T(Num(a.Evidence.Messages)).A("</b>");
                    if (a.Evidence.OldestAgeSeconds > 0)
                        A("<span class=\"k\">").A(a.Kind == AlertKinds.ApplianceSilent ? "silent for" : "oldest").A("</span> <b class=\"ev-oldest\">").T(Dur(a.Evidence.OldestAgeSeconds)).A("</b>");
                    A("</div>");
                }
                if (!string.IsNullOrEmpty(a.Evidence.LastError)) A("<div class=\"ev-error\"><span class=\"k\">last error</span> <code>").T(a.Evidence.LastError).A("</code></div>");
                if (a.Evidence.SampleMids.Count > 0)
                {
                    A("<div class=\"ev-mids\"><span class=\"k\">sample MIDs</span> ");
                    foreach (var mid in a.Evidence.SampleMids)
                        A("<a class=\"mid-link\" href=\"#search\" data-q=\"").T($"{a.Appliance}:{mid}").A("\">").T(mid.ToString(System.Globalization.CultureInfo.InvariantCulture)).A("</a> ");
                    A("</div>");
                }
                A("</div>\n");
                if (!string.IsNullOrEmpty(a.Hint)) A("<div class=\"al-hint\"><span class=\"hint-label\">Next step</span> ").T(a.Hint).A("</div>\n");
                A("</article>\n");
            }
            A("</div>\n</section>\n");
        }

        private void Stuck()
        {
            A("<section id=\"stuck\">\n<h2>Oldest stuck messages</h2>\n");
            if (view.Stuck.Count == 0) { A("<p class=\"empty\" id=\"no-stuck\">Nothing stuck at the end of the input.</p>\n</section>\n"); return; }
            A("<p class=\"lead\">Messages still waiting in the.cpq.host (in transfer), released but not back on the ESA (the.cpq.release.host), or otherwise unfinished at the end of the input (").T(Time(view.End)).A("), oldest first. Click a row to see its journey.</p>\n");
            A("<div class=\"card flush\"><div class=\"table-scroll\"><table class=\"data\" id=\"stuck-table\">\n<thead><tr><th class=\"num\">Waiting</th><th>State</th><th>Where</th><th>Since</th><th>Message</th><th>Last error</th></tr></thead>\n<tbody>\n");
            foreach (var r in view.Stuck)
            {
                var f = r.Flow;
                A("<tr class=\"stuck-row\" data-q=\"").T(r.WhereQuery).A("\" tabindex=\"0\"><td class=\"num age\"><b>").T(Dur(r.AgeSeconds)).A("</b></td>");
                A("<td><span class=\"badge st-").A(Token(f.State)).A("\">").T(f.State.Replace('_', ' ')).A("</span></td>");
                A("<td><div class=\"mono strong\">").T(r.Where).A("</div><div class=\"small muted\">").T(r.Detail).A("</div></td>");
                A("<td class=\"time\">").T(Time(r.Since)).A("</td>");
                A("<td class=\"msg\"><div class=\"subj\">").T(string.IsNullOrEmpty(f.Subject) ? "(no subject)" : f.Subject).A("</div><div class=\"small\">")
                    .T(f.From ?? "—").A(" → ").T(f.To.Count == 0 ? "—" : f.To.Count <= 2 ? string.Join(", ", f.To) : $"{f.To[0]}, {f.To[1]} +{f.To.Count - 2}").A("</div>");
                if (!string.IsNullOrEmpty(f.MessageId)) A("<div class=\"small mono muted\">&lt;").T(f.MessageId).A("&gt;</div>");
                A("</td><td class=\"small err\">").T(f.LastError ?? "").A("</td></tr>\n");
            }
            A("</tbody></table></div></div>\n</section>\n");
        }

        private void Search()
        {
            long total = Math.Max(_d.FlowsTotal, _d.Flows?.Count ?? 0);
            int embedded = _d.Flows?.Count ?? 0;
            A("<section id=\"search\">\n<h2>Find a message</h2>\n");
            A("<form class=\"search-bar\" id=\"search-form\" autocomplete=\"off\" role=\"search\">");
            A("<input type=\"search\" id=\"search-input\" placeholder=\"Message-ID, sender, recipient, or appliance:MID (e.g. esa01:1001)\" aria-label=\"search flows\" spellcheck=\"false\">");
            A("<button type=\"submit\" id=\"search-button\">Search</button></form>\n");
            A("<p class=\"small muted\" id=\"search-scope\">Searches ").T(Num(embedded)).A(" embedded flows");
            if (total > embedded) A(" of ").T(Num(total)).A(" in the run (CPQ and problem flows first; the rest are in flows.ndjson)");
            A(". Text matches are case-insensitive substrings; a Message-ID may be given with or without &lt;&gt;. At most ").T(Num(MaxSearchResults)).A(" results are shown.</p>\n");
            A("<div id=\"search-status\" class=\"search-status\" aria-live=\"polite\"></div>\n<div id=\"search-results\"></div>\n");
            A("<noscript><p class=\"empty\">The search and the charts need JavaScript.</p></noscript>\n</section>\n");
        }

        private void Footer()
        {
            A("<footer><div class=\"wrap\">Generated by <span class=\"mono\">pipeline analyze</span>. All times UTC (ISO 8601). This file is self-contained: it loads nothing from the network.</div></footer>\n");
        }
    }
}
