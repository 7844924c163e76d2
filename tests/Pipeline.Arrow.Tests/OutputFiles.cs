using Pipeline.Correlation.Model;

namespace Pipeline.Arrow.Tests;

/// <summary>Writes the three files the way <c>pipeline analyze</c> will, into a temporary folder removed at Dispose.</summary>
internal sealed class OutputFiles : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("pipeline-arrow-tests-").FullName;
    public string Events => Path.Combine(Dir, ArrowOutput.EventsFileName);
    public string Flows => Path.Combine(Dir, ArrowOutput.FlowsFileName);
    public string Alerts => Path.Combine(Dir, ArrowOutput.AlertsFileName);

    public (long Rows, int Batches) WriteEvents(IEnumerable<ParsedLine> lines, int batchSize)
    {
        using var w = new EventArrowWriter(File.Create(Events), batchSize);
        foreach (var l in lines) w.Append(l.Appliance, l.Line, l.Event, l.EventId, l.Path, l.LineNumber, l.Offset);
        w.Finish();
        return (w.Rows, w.Batches);
    }

    public (long Rows, int Batches) WriteFlows(IEnumerable<FlowDocument> flows, int batchSize)
    {
        using var w = new FlowArrowWriter(File.Create(Flows), batchSize);
        foreach (var f in flows) w.Append(f);
        w.Finish();
        return (w.Rows, w.Batches);
    }

    public (long Rows, int Batches) WriteAlerts(IEnumerable<AlertDocument> alerts, int batchSize)
    {
        using var w = new AlertArrowWriter(File.Create(Alerts), batchSize);
        foreach (var a in alerts) w.Append(a);
        w.Finish();
        return (w.Rows, w.Batches);
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); }
        catch (IOException) { }
    }
}
