using System.Buffers;
using System.Text;
using System.Text.Json;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Pipeline.Correlation.Stages;
using Pipeline.MailLogs;
using Pipeline.Protocol;

namespace Pipeline.Correlation.Tests;

/// <summary>
/// Each stage's state is plain data: snapshots of every stage taken part-way, restored into new stages, and fed the
/// rest of the input give exactly the output of an uninterrupted run.
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

    private static void Feed(EstatePipeline engine, IEnumerable<(string Appliance, string Line)> lines, Dictionary<string, ParseContext> contexts)
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
    public void Restoring_every_stage_and_continuing_gives_the_uninterrupted_output(bool fault, double at)
    {
        var lines = fault ? Faulty() : Interleaved();
        var options = new CorrelationOptions { StuckAfter = TimeSpan.FromMinutes(1) }; // make alerts part of the state too

        var whole = new EstatePipeline(options, joinPartitions: 3);
        var wholeFlows = new List<string>();
        whole.FlowCompleted += f => wholeFlows.Add(FlowJson(f));
        Feed(whole, lines, []);
        var wholeAlerts = whole.Complete().Select(AlertJson).ToList();

        int cut = (int)(lines.Count * at);
        var first = new EstatePipeline(options, joinPartitions: 3);
        var flows = new List<string>();
        first.FlowCompleted += f => flows.Add(FlowJson(f));
        var contexts = new Dictionary<string, ParseContext>();
        Feed(first, lines.Take(cut), contexts);
        var checkpoint = first.Snapshot();

        var second = EstatePipeline.Restore(checkpoint, options);
        second.FlowCompleted += f => flows.Add(FlowJson(f));
        Feed(second, lines.Skip(cut), contexts);
        var alerts = second.Complete().Select(AlertJson).ToList();

        Assert.Equal(wholeFlows, flows);
        Assert.Equal(wholeAlerts, alerts);
        if (fault) Assert.Equal(2, alerts.Count); // the TLS failure and the stuck queue span the checkpoint
        // A snapshot of restored stages is the snapshot they were restored from.
        var again = EstatePipeline.Restore(checkpoint, options).Snapshot();
        Assert.Equal(checkpoint.Keys.Order(), again.Keys.Order());
        foreach (var (id, bytes) in checkpoint) Assert.True(bytes.AsSpan().SequenceEqual(again[id]), $"{id} differs after a restore");
    }

    [Fact]
    public void A_replayed_input_changes_nothing()
    {
        var lines = Interleaved();
        var options = new CorrelationOptions();
        var whole = new EstatePipeline(options);
        var wholeFlows = new List<string>();
        whole.FlowCompleted += f => wholeFlows.Add(FlowJson(f));
        Feed(whole, lines, []);
        var wholeAlerts = whole.Complete().Select(AlertJson).ToList();

        // Each appliance stage sees its input again from an earlier point (what a restart from an older checkpoint
        // does): the repeated lines are recognised by their sequence and change nothing.
        var replayed = new EstatePipeline(options);
        var flows = new List<string>();
        replayed.FlowCompleted += f => flows.Add(FlowJson(f));
        var contexts = new Dictionary<string, ParseContext>();
        var sequence = new Dictionary<string, long>();
        var e = LogEvent.Empty;
        void Apply(int from, int to)
        {
            sequence.Clear();
            foreach (var (appliance, text) in lines.Take(to))
            {
                long seq = sequence[appliance] = sequence.GetValueOrDefault(appliance) + 1;
                if (lines.IndexOf((appliance, text)) < from) continue;
                if (!contexts.TryGetValue(appliance, out var ctx)) contexts[appliance] = ctx = new ParseContext();
                var bytes = Encoding.UTF8.GetBytes(text);
                MailLogParser.Parse(bytes, ctx, ref e);
                replayed.For(appliance).Observe(seq, e, bytes);
            }
        }
        Apply(0, lines.Count * 2 / 3);
        contexts.Clear();
        Apply(lines.Count / 3, lines.Count); // a third of the lines again
        var alerts = replayed.Complete().Select(AlertJson).ToList();
        Assert.Equal(wholeFlows, flows);
        Assert.Equal(wholeAlerts, alerts);
    }

    [Fact]
    public void A_snapshot_holds_the_open_work_of_each_stage()
    {
        var lines = Interleaved();
        var engine = new EstatePipeline();
        Feed(engine, lines.Take(lines.FindIndex(l => l.Line.Contains("Message finished MID 1002"))), []);
        var snapshot = engine.Snapshot();
        Assert.Equal(["appliance:esa01", "appliance:sma01", "estate", "join:0"], snapshot.Keys.Order(StringComparer.Ordinal));
        var esa = ApplianceStage.Restore(snapshot["appliance:esa01"], engine.Options, _ => { });
        Assert.Equal(1002, esa.Stitcher.OpenHop(1002)!.Mid);
        Assert.Equal(5002, esa.Stitcher.OpenHop(1002)!.AcceptedMid);
        // The join partition holds the transfer of 1001 until both hops have ended, and knows the SMA's address.
        var join = JoinStage.Restore(snapshot["join:0"], engine.Options, _ => { });
        Assert.True(join.HeldHops >= 1);
        Assert.Equal(engine.Partitions[0].HeldHops, join.HeldHops);
        // It has applied what esa01 sent it so far (the estate's messages, such as alerts, go elsewhere).
        Assert.InRange(join.Applied.Of("esa01"), 1, engine.For("esa01").Sent);
    }
}
