using System.Globalization;
using System.Text;
using Pipeline.Correlation;
using Pipeline.Correlation.Model;
using Pipeline.MailLogs;

namespace Pipeline.Report.Tests;

/// <summary>A small appliance log written in the file format, with times relative to a start (as in the correlation tests).</summary>
internal sealed class ApplianceLog(string name, DateTime start)
{
    public string Name { get; } = name;
    public List<string> Lines { get; } = [];
    public List<DateTime> Times { get; } = [];

    /// <summary>Adds <c>text</c> (the part after <c>Info: </c>) at start + <paramref name="offset"/>.</summary>
    public ApplianceLog At(TimeSpan offset, string text, string level = "Info")
    {
        var t = start + offset;
        Lines.Add($"{t.ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture)} {level}: {text}");
        Times.Add(t);
        return this;
    }

    public ApplianceLog At(string hhmmss, string text, string level = "Info") => At(TimeSpan.Parse(hhmmss, CultureInfo.InvariantCulture), text, level);

    /// <summary>Stable sort on time: lines of the same second keep their order.</summary>
    public ApplianceLog Sorted()
    {
        var order = Enumerable.Range(0, Lines.Count).OrderBy(i => Times[i]).ToList();
        var lines = order.Select(i => Lines[i]).ToList();
        var times = order.Select(i => Times[i]).ToList();
        Lines.Clear(); Lines.AddRange(lines);
        Times.Clear(); Times.AddRange(times);
        return this;
    }
}

/// <summary>Runs the correlation engine over logs and keeps its flows and alerts.</summary>
internal sealed class EngineRun
{
    public List<FlowDocument> Flows { get; } = [];
    public IReadOnlyList<AlertDocument> Alerts { get; private set; } = [];
    public CorrelationEngine Engine { get; }

    public EngineRun(CorrelationOptions? options = null, Action<CorrelationEngine>? configure = null)
    {
        Engine = new CorrelationEngine(options);
        configure?.Invoke(Engine);
        Engine.FlowCompleted += Flows.Add;
    }

    public EngineRun Feed(params ApplianceLog[] logs)
    {
        foreach (var log in logs)
        {
            var ctx = new ParseContext();
            var e = LogEvent.Empty;
            foreach (var line in log.Lines)
            {
                var bytes = Encoding.UTF8.GetBytes(line);
                MailLogParser.Parse(bytes, ctx, ref e);
                Assert.True(e.Type != LineType.Unparsed, "test line does not parse: " + line);
                Engine.Observe(log.Name, e, bytes);
            }
        }
        return this;
    }

    public EngineRun Complete()
    {
        Alerts = Engine.Complete();
        return this;
    }
}
