using System.Text.Json;
using Pipeline.Cli.Commands;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Spectre.Console;

namespace Pipeline.Cli.Output;

/// <summary>The console side of <c>pipeline analyze</c>: a progress bar on a terminal, then a summary as tables, text or JSON.</summary>
public static class AnalyzeConsole
{
    /// <summary>True when standard output is an interactive terminal (progress bars and tables make sense).</summary>
    public static bool Interactive => !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    /// <summary>
    /// Runs the analysis and prints its summary: as JSON with <paramref name="asJson"/>; with a progress bar and
    /// tables when <paramref name="stdout"/> is an interactive terminal; else as plain text.
    /// </summary>
    public static AnalyzeSummary RunAndPrint(AnalyzeSettings settings, TextWriter stdout, bool asJson)
    {
        bool interactive = !asJson && Interactive && ReferenceEquals(stdout, Console.Out);
        var summary = interactive ? RunWithProgress(settings) : AnalyzeJob.Run(settings);
        if (asJson) WriteJson(summary, stdout);
        else if (interactive) WriteTables(summary, AnsiConsole.Console);
        else summary.WriteTo(stdout);
        return summary;
    }

    /// <summary>Runs the analysis with a live progress bar (bytes, lines/s) on the terminal.</summary>
    public static AnalyzeSummary RunWithProgress(AnalyzeSettings settings)
    {
        AnalyzeSummary? summary = null;
        AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("reading", maxValue: 1);
                var clock = System.Diagnostics.Stopwatch.StartNew();
                summary = AnalyzeJob.Run(settings with
                {
                    Progress = p =>
                    {
                        if (p.TotalBytes > 0)
                        {
                            task.MaxValue = p.TotalBytes;
                            task.Value = Math.Min(p.Bytes, p.TotalBytes);
                        }
                        else task.IsIndeterminate = true;
                        double rate = p.Lines / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);
                        task.Description = p.Phase == "reading"
                            ? $"{p.Lines:N0} lines, {rate:N0} lines/s  [grey]{Markup.Escape(Path.GetFileName(p.File))}[/]"
                            : $"{p.Lines:N0} lines read; joining flows, writing alerts and the report";
                    },
                });
                task.Value = task.MaxValue;
            });
        return summary!;
    }

    /// <summary>The summary as tables (terminal).</summary>
    public static void WriteTables(AnalyzeSummary s, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]Analyzed[/] {s.Files} file(s), {s.Lines:N0} lines ([{(s.Unparsed > 0 ? "yellow" : "green")}]{s.Unparsed:N0} unparsed[/]) in {s.Elapsed.TotalSeconds:F1} s ({s.LinesPerSecond:N0} lines/s)");

        var appliances = new Table().Border(TableBorder.Rounded).Title("Appliances").AddColumns("Appliance", "Role");
        foreach (var (name, role) in s.Appliances) appliances.AddRow(Markup.Escape(name), role);
        var states = new Table().Border(TableBorder.Rounded).Title($"Messages: {s.Stats.Flows:N0} flows").AddColumns("State", "Flows");
        foreach (var state in FlowStates.All) states.AddRow(state, $"{s.Stats.FlowsByState[state]:N0}");
        states.AddRow("[grey]CPQ transfers[/]", $"[grey]{s.Stats.CpqTransfers:N0}[/]");
        states.AddRow("[grey]released[/]", $"[grey]{s.Stats.CpqReleases:N0}[/]");
        console.Write(new Columns(appliances, states));

        if (s.Alerts.Count == 0) console.MarkupLine("[green]No alerts.[/]");
        else
        {
            console.Write(new Rule($"Alerts: {s.Alerts.Count(a => a.ResolvedAt is null)} open, {s.Alerts.Count(a => a.ResolvedAt is not null)} resolved").LeftJustified());
            foreach (var a in s.AlertsInListOrder)
            {
                bool open = a.ResolvedAt is null;
                console.MarkupLine($"{(open ? "[red bold]OPEN    [/]" : "[grey]resolved[/]")} [bold]{a.Kind}[/] {Markup.Escape(a.Appliance + (a.Peer is null ? "" : " → " + a.Peer))}  [grey]{AnalyzeSummary.Window(a)}[/]");
                console.MarkupLine($"         {Markup.Escape(a.Summary)}");
                if (open) console.MarkupLine($"         [yellow]next step:[/] {Markup.Escape(a.Hint)}");
            }
        }
        console.MarkupLine("[bold]Outputs[/]: " + string.Join(", ", s.Outputs.Select(o => Markup.Escape(o))));
    }

    /// <summary>The summary as one JSON document (<c>--json</c>).</summary>
    public static void WriteJson(AnalyzeSummary s, TextWriter output)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteNumber("files", s.Files);
            w.WriteNumber("bytes", s.Bytes);
            w.WriteNumber("lines", s.Lines);
            w.WriteNumber("unparsed", s.Unparsed);
            w.WriteNumber("elapsed_s", Math.Round(s.Elapsed.TotalSeconds, 3));
            w.WriteNumber("lines_per_s", Math.Round(s.LinesPerSecond));
            w.WriteStartArray("appliances");
            foreach (var (name, role) in s.Appliances)
            {
                w.WriteStartObject();
                w.WriteString("name", name);
                w.WriteString("role", role);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteStartObject("flows");
            w.WriteNumber("total", s.Stats.Flows);
            w.WriteStartObject("by_state");
            foreach (var state in FlowStates.All) w.WriteNumber(state, s.Stats.FlowsByState[state]);
            w.WriteEndObject();
            w.WriteNumber("cpq_transfers", s.Stats.CpqTransfers);
            w.WriteNumber("cpq_releases", s.Stats.CpqReleases);
            w.WriteNumber("across_appliances", s.Stats.CrossApplianceFlows);
            w.WriteEndObject();
            w.WriteStartArray("alerts");
            foreach (var a in s.Alerts) DocumentJson.WriteAlert(w, a);
            w.WriteEndArray();
            w.WriteStartArray("outputs");
            foreach (var o in s.Outputs) w.WriteStringValue(o);
            w.WriteEndArray();
            w.WriteEndObject();
        }
        output.WriteLine(System.Text.Encoding.UTF8.GetString(stream.ToArray()));
    }
}
