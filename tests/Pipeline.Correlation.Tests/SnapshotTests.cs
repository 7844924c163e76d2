using System.Buffers;
using System.Text;
using System.Text.Json;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Pipeline.Correlation.State;
using Pipeline.MailLogs;

namespace Pipeline.Correlation.Tests;

/// <summary>
/// The state is plain data: a checkpoint written as JSON part-way, restored into a new engine, and fed the rest of
/// the input gives exactly the output of an uninterrupted run.
/// </summary>
public class SnapshotTests
{
    private static List<(string Appliance, string Line)> Interleaved()
    {
        var (esa, sma) = Scenarios.RoundTrip();
        // Merge by time so that the checkpoint falls in the middle of the round trips of both appliances.
        return esa.Lines.Select(l => ("esa01", l)).Concat(sma.Lines.Select(l => ("sma01", l)))
            .OrderBy(x => DateTime.ParseExact(x.Item2[..24].Replace("  ", " "), "ddd MMM d HH:mm:ss yyyy", System.Globalization.CultureInfo.InvariantCulture))
            .ToList();
    }

    private static string FlowJson(FlowDocument f) => Json(w => DocumentJson.WriteFlow(w, f));
    private static string AlertJson(AlertDocument a) => Json(w => DocumentJson.WriteAlert(w, a));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var b = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(b)) write(w);
        return Encoding.UTF8.GetString(b.WrittenSpan);
    }

    private static void Feed(CorrelationEngine engine, IEnumerable<(string Appliance, string Line)> lines, Dictionary<string, ParseContext> contexts)
    {
        var e = LogEvent.Empty;
        foreach (var (appliance, text) in lines)
        {
            if (!contexts.TryGetValue(appliance, out var ctx)) contexts[appliance] = ctx = new ParseContext();
            var bytes = Encoding.UTF8.GetBytes(text);
            MailLogParser.Parse(bytes, ctx, ref e);
            engine.Observe(appliance, e, bytes);
        }
    }

    private static List<(string, string)> Faulty()
    {
        var esa = DetectorTests.EsaWithCpqFault(TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(90), DetectorTests.TlsAnon);
        return esa.Lines.Select(l => ("esa01", l)).ToList();
    }

    [Theory]
    [InlineData(false, 0.1)]
    [InlineData(false, 0.35)]
    [InlineData(false, 0.6)]
    [InlineData(false, 0.9)]
    [InlineData(true, 0.2)]
    [InlineData(true, 0.5)]
    [InlineData(true, 0.7)]
    public void Restoring_a_checkpoint_and_continuing_gives_the_uninterrupted_output(bool fault, double at)
    {
        var lines = fault ? Faulty() : Interleaved();
        var options = new CorrelationOptions { StuckAfter = TimeSpan.FromMinutes(1) }; // make alerts part of the state too

        var whole = new CorrelationEngine(options);
        var wholeFlows = new List<string>();
        whole.FlowCompleted += f => wholeFlows.Add(FlowJson(f));
        Feed(whole, lines, []);
        var wholeAlerts = whole.Complete().Select(AlertJson).ToList();

        int cut = (int)(lines.Count * at);
        var first = new CorrelationEngine(options);
        var flows = new List<string>();
        first.FlowCompleted += f => flows.Add(FlowJson(f));
        var contexts = new Dictionary<string, ParseContext>();
        Feed(first, lines.Take(cut), contexts);
        byte[] checkpoint = first.Snapshot().ToJson();

        var second = CorrelationEngine.Restore(EngineSnapshot.FromJson(checkpoint), options);
        second.FlowCompleted += f => flows.Add(FlowJson(f));
        Feed(second, lines.Skip(cut), contexts);
        var alerts = second.Complete().Select(AlertJson).ToList();

        Assert.Equal(wholeFlows, flows);
        Assert.Equal(wholeAlerts, alerts);
        if (fault) Assert.Equal(2, alerts.Count); // the TLS failure and the stuck queue span the checkpoint
        Assert.Equal(whole.Stats.Flows, second.Stats.Flows);
        // A snapshot of a restored engine is the snapshot it was restored from.
        var again = CorrelationEngine.Restore(EngineSnapshot.FromJson(checkpoint), options).Snapshot().ToJson();
        Assert.Equal(Encoding.UTF8.GetString(checkpoint), Encoding.UTF8.GetString(again));
    }

    [Fact]
    public void A_checkpoint_holds_the_open_work_of_each_appliance()
    {
        var lines = Interleaved();
        var engine = new CorrelationEngine();
        Feed(engine, lines.Take(lines.FindIndex(l => l.Line.Contains("Message finished MID 1002"))), []);
        var snapshot = EngineSnapshot.FromJson(engine.Snapshot().ToJson());
        Assert.Equal(["esa01", "sma01"], snapshot.Stitchers.Select(s => s.Appliance));
        var esa = snapshot.Stitchers[0];
        Assert.Contains(esa.Hops, h => h.Mid == 1002 && h.AcceptedMid == 5002);
        Assert.Contains("10.0.1.10", esa.OwnIps);
        // The joiner holds the transfer link until both hops have ended.
        Assert.Contains(snapshot.Joiner.Components, c => c.Links.Any(l => l.Kind == LinkKind.CpqTransfer && l.From == new HopKey("esa01", 1001) && l.To == new HopKey("sma01", 5001)));
    }
}
