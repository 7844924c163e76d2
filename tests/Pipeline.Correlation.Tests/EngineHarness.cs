using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Correlation;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Pipeline.MailLogs;

namespace Pipeline.Correlation.Tests;

/// <summary>A small appliance log written in the file format, with times relative to a start.</summary>
internal sealed class ApplianceLog(string name, DateTime start)
{
    public string Name { get; } = name;
    public List<string> Lines { get; } = [];

    /// <summary>Adds <c>text</c> (the part after <c>Info: </c>) at start + <paramref name="offset"/>.</summary>
    public ApplianceLog At(TimeSpan offset, string text, string level = "Info")
    {
        var t = start + offset;
        Lines.Add($"{t.ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture)} {level}: {text}");
        return this;
    }

    public ApplianceLog At(string hhmmss, string text, string level = "Info") => At(TimeSpan.Parse(hhmmss, CultureInfo.InvariantCulture), text, level);
}

/// <summary>Runs the engine over logs and collects its outputs as JSON text (what the files would hold).</summary>
internal sealed class EngineRun
{
    public List<FlowDocument> Flows { get; } = [];
    public List<string> FlowJson { get; } = [];
    public IReadOnlyList<AlertDocument> Alerts { get; private set; } = [];
    public List<string> AlertJson { get; } = [];
    public CorrelationEngine Engine { get; }

    public EngineRun(CorrelationOptions? options = null, Action<CorrelationEngine>? configure = null)
    {
        Engine = new CorrelationEngine(options);
        configure?.Invoke(Engine);
        Engine.FlowCompleted += f =>
        {
            Flows.Add(f);
            FlowJson.Add(Json(w => DocumentJson.WriteFlow(w, f)));
        };
    }

    /// <summary>Feeds whole appliance logs one after the other.</summary>
    public EngineRun Feed(params ApplianceLog[] logs)
    {
        foreach (var log in logs) Feed(log.Name, log.Lines);
        return this;
    }

    public EngineRun Feed(string appliance, IEnumerable<string> lines)
    {
        var ctx = new ParseContext();
        var e = LogEvent.Empty;
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            MailLogParser.Parse(bytes, ctx, ref e);
            Assert.True(e.Type != LineType.Unparsed, "test line does not parse: " + line);
            Engine.Observe(appliance, e, bytes);
        }
        return this;
    }

    /// <summary>Feeds a file through the real reader (wrapped lines, headers).</summary>
    public EngineRun FeedFile(string appliance, string path)
    {
        using var stream = new MailLogStream(File.OpenRead(path), new ParseContext());
        var e = LogEvent.Empty;
        while (stream.TryRead(out var line, ref e)) Engine.Observe(appliance, e, line.Text);
        return this;
    }

    public EngineRun Complete()
    {
        Alerts = Engine.Complete();
        foreach (var a in Alerts) AlertJson.Add(Json(w => DocumentJson.WriteAlert(w, a)));
        return this;
    }

    public FlowDocument FlowWithHop(string appliance, long mid) =>
        Flows.Single(f => f.Hops.Any(h => h.Appliance == appliance && h.Mid == mid));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
