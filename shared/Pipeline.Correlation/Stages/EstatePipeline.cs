using Pipeline.Correlation.Model;
using Pipeline.MailLogs;
using Pipeline.Protocol;

namespace Pipeline.Correlation.Stages;

/// <summary>
/// The three stages in one thread, each message delivered as soon as it is sent: the reference the parallel
/// <c>pipeline analyze</c> and the distributed services are checked against. Feed each appliance's lines in its own
/// order (appliances in any order) with <see cref="Observe"/>, then <see cref="Complete"/>.
/// </summary>
public sealed class EstatePipeline
{
    private readonly Dictionary<string, ApplianceStage> _appliances = new(StringComparer.Ordinal);
    private readonly JoinStage[] _partitions;
    private readonly Action<StageMessage> _route;

    /// <summary>A pipeline with <paramref name="joinPartitions"/> join partitions.</summary>
    public EstatePipeline(CorrelationOptions? options = null, int joinPartitions = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(joinPartitions, 1);
        Options = options ?? new CorrelationOptions();
        _partitions = Enumerable.Range(0, joinPartitions).Select(p => new JoinStage(p, Options, OnFlow)).ToArray();
        Estate = new EstateStage(Options);
        _route = Route;
    }

    /// <summary>Options in use.</summary>
    public CorrelationOptions Options { get; }

    /// <summary>The estate stage.</summary>
    public EstateStage Estate { get; private set; }

    /// <summary>The join partitions.</summary>
    public IReadOnlyList<JoinStage> Partitions => _partitions;

    /// <summary>Counters, tallied from the flows.</summary>
    public CorrelationStats Stats { get; } = new();

    /// <summary>Raised for each flow as it completes.</summary>
    public event Action<FlowDocument>? FlowCompleted;

    /// <summary>Appliances that sent lines, in name order.</summary>
    public IEnumerable<string> Appliances => _appliances.Keys.Order(StringComparer.Ordinal);

    /// <summary>Messages in progress over all appliances.</summary>
    public int OpenMessages => _appliances.Values.Sum(s => s.Stitcher.OpenMessages);

    /// <summary>Hops held by the join partitions while their flows complete.</summary>
    public int HeldHops => _partitions.Sum(p => p.HeldHops);

    /// <summary>The stage of an appliance (created on first use).</summary>
    public ApplianceStage For(string appliance)
    {
        if (!_appliances.TryGetValue(appliance, out var s))
            _appliances[appliance] = s = new ApplianceStage(appliance, Options, _route);
        return s;
    }

    /// <summary>Feeds one parsed line of <paramref name="appliance"/> (numbered in the order the appliance's lines come).</summary>
    public void Observe(string appliance, in LogEvent e, ReadOnlySpan<byte> line)
    {
        var stage = For(appliance);
        stage.Observe(stage.LastInput + 1, e, line);
    }

    /// <summary>Delivers one message where it goes.</summary>
    public void Route(StageMessage message)
    {
        if (message is JoinMessage keyed) _partitions[StageRoutes.PartitionOf(keyed.JoinKey, _partitions.Length)].Apply(message);
        else if (StageRoutes.ToEveryPartition(message))
            foreach (var p in _partitions) p.Apply(message);
        if (StageRoutes.ToEstate(message)) Estate.Apply(message);
    }

    /// <summary>
    /// End of input: flushes every appliance (in name order), then every join partition, and returns the estate's
    /// alerts as documents.
    /// </summary>
    public IReadOnlyList<AlertDocument> Complete()
    {
        foreach (var name in Appliances.ToList()) _appliances[name].Flush();
        foreach (var p in _partitions) p.Flush();
        Stats.Lines = _appliances.Values.Sum(s => s.Stitcher.Lines);
        return Estate.Complete();
    }

    /// <summary>Every stage's snapshot, by stage: <c>appliance:NAME</c>, <c>join:N</c>, <c>estate</c>.</summary>
    public Dictionary<string, byte[]> Snapshot()
    {
        var result = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in Appliances) result["appliance:" + name] = _appliances[name].Snapshot();
        foreach (var p in _partitions) result["join:" + p.Partition] = p.Snapshot();
        result["estate"] = Estate.Snapshot();
        return result;
    }

    /// <summary>A pipeline that continues from <see cref="Snapshot"/> (the counters start again at zero).</summary>
    public static EstatePipeline Restore(IReadOnlyDictionary<string, byte[]> snapshot, CorrelationOptions? options = null)
    {
        int partitions = snapshot.Keys.Count(k => k.StartsWith("join:", StringComparison.Ordinal));
        var pipeline = new EstatePipeline(options, partitions);
        foreach (var (id, bytes) in snapshot)
        {
            if (id.StartsWith("appliance:", StringComparison.Ordinal))
            {
                var stage = ApplianceStage.Restore(bytes, pipeline.Options, pipeline._route);
                pipeline._appliances[stage.Appliance] = stage;
            }
            else if (id.StartsWith("join:", StringComparison.Ordinal))
            {
                var stage = JoinStage.Restore(bytes, pipeline.Options, pipeline.OnFlow);
                pipeline._partitions[stage.Partition] = stage;
            }
        }
        pipeline.Estate = EstateStage.Restore(snapshot["estate"], pipeline.Options);
        return pipeline;
    }

    private void OnFlow(FlowDocument flow)
    {
        Stats.Add(flow);
        FlowCompleted?.Invoke(flow);
    }
}
