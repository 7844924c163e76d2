using Pipeline.Protocol;

namespace Pipeline.Correlation.Stages;

/// <summary>Where a stage message goes (docs/architecture.md, "Stages and their messages"): the same rule in one process and on Kafka.</summary>
public static class StageRoutes
{
    /// <summary>The join partition of a keyed message, out of <paramref name="partitions"/>.</summary>
    public static int PartitionOf(ulong joinKey, int partitions) => (int)(joinKey % (ulong)partitions);

    /// <summary>True for messages every join partition gets (addresses, clock).</summary>
    public static bool ToEveryPartition(StageMessage message) => message is AddressLearned or ApplianceClock;

    /// <summary>True for messages the estate stage gets (alerts, addresses, activity, gaps, queue series).</summary>
    public static bool ToEstate(StageMessage message) =>
        message is AlertChanged or AddressLearned or ApplianceActivity or LineGap or QueueSampled;
}
