using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Correlation;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Pipeline.Correlation.Stages;
using Pipeline.MailLogs;

namespace Pipeline.Correlation.TestKit;

/// <summary>A small appliance log written in the file format, with times relative to a start.</summary>
public sealed class ApplianceLog(string name, DateTime start)
{
    /// <summary>The appliance's name.</summary>
    public string Name { get; } = name;

    /// <summary>The lines, in the order written (or sorted by <see cref="Sorted"/>).</summary>
    public List<string> Lines { get; } = [];

    /// <summary>The time of each line, parallel to <see cref="Lines"/>.</summary>
    public List<DateTime> Times { get; } = [];

    /// <summary>Adds <c>text</c> (the part after <c>Info: </c>) at start + <paramref name="offset"/>.</summary>
    public ApplianceLog At(TimeSpan offset, string text, string level = "Info")
    {
        var t = start + offset;
        Lines.Add($"{t.ToString("ddd MMM d HH:mm:ss yyyy", CultureInfo.InvariantCulture)} {level}: {text}");
        Times.Add(t);
        return this;
    }

    /// <summary>Adds <c>text</c> at start + <paramref name="hhmmss"/>.</summary>
    public ApplianceLog At(string hhmmss, string text, string level = "Info") => At(TimeSpan.Parse(hhmmss, CultureInfo.InvariantCulture), text, level);

    /// <summary>Stable sort on time: lines of the same second keep their order (as an appliance writes them).</summary>
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

/// <summary>Runs the engine over logs and collects its outputs as documents and as JSON text (what the files would hold).</summary>
public sealed class EngineRun
{
    /// <summary>The flows, in the order the engine completed them.</summary>
    public List<FlowDocument> Flows { get; } = [];

    /// <summary>Each flow as its flows.ndjson line.</summary>
    public List<string> FlowJson { get; } = [];

    /// <summary>The alerts, once <see cref="Complete"/> has run.</summary>
    public IReadOnlyList<AlertDocument> Alerts { get; private set; } = [];

    /// <summary>Each alert as its alerts.ndjson line.</summary>
    public List<string> AlertJson { get; } = [];

    /// <summary>The stages under test, in one thread.</summary>
    public EstatePipeline Engine { get; }

    /// <summary>New stages (<paramref name="options"/> may configure appliance addresses and roles); <paramref name="configure"/> may subscribe.</summary>
    public EngineRun(CorrelationOptions? options = null, Action<EstatePipeline>? configure = null, int joinPartitions = 1)
    {
        Engine = new EstatePipeline(options, joinPartitions);
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

    /// <summary>Feeds one appliance's lines; every line must parse (a test that writes a wrong line says so).</summary>
    public EngineRun Feed(string appliance, IEnumerable<string> lines)
    {
        var ctx = new ParseContext();
        var e = LogEvent.Empty;
        foreach (var line in lines)
        {
            var bytes = Encoding.UTF8.GetBytes(line);
            MailLogParser.Parse(bytes, ctx, ref e);
            if (e.Type == LineType.Unparsed) throw new ArgumentException("test line does not parse: " + line, nameof(lines));
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

    /// <summary>Ends the input: the engine emits what is still open and closes its alerts.</summary>
    public EngineRun Complete()
    {
        Alerts = Engine.Complete();
        foreach (var a in Alerts) AlertJson.Add(Json(w => DocumentJson.WriteAlert(w, a)));
        return this;
    }

    /// <summary>The one flow that holds <paramref name="appliance"/> MID <paramref name="mid"/>.</summary>
    public FlowDocument FlowWithHop(string appliance, long mid) =>
        Flows.Single(f => f.Hops.Any(h => h.Appliance == appliance && h.Mid == mid));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
