using Pipeline.Simulation;

namespace Pipeline.Simulation.Tests;

/// <summary>
/// One estate with every fault kind, mixed envelopes and wrapped lines (generated once for the fault and truth tests).
/// esa01/esa03 use sma01, esa02/esa04 use sma02.
/// </summary>
public sealed class FaultEstateFixture : IDisposable
{
    public static readonly string[] Faults =
    [
        "tls-anon:esa01@1h-2h",
        "port-blocked:esa02@1h-1h40m",
        "listener-suspended:esa03@2h-4h",
        "listener-suspended:sma02@3h-3h45m",
        "silent:esa04@4h-4h30m",
        "sma-app-fault:sma01@5h-5h40m",
        "quarantine-full:sma02@5h30m-6h30m",
        "silent:sma01@7h-7h20m",
    ];

    public FaultEstateFixture()
    {
        var o = TempEstate.Small(seed: 20260310, esa: 4, sma: 2, duration: "8h", rate: 1.2, format: LogFormat.Mixed);
        o.WrapRate = 0.02;
        o.DisorderRate = 0.01;
        o.RotateBytes = 2 * 1024 * 1024;
        foreach (var f in Faults) o.Faults.Add(FaultSpec.Parse(f, o.Start, o.End));
        Estate = new TempEstate(o);
    }

    public TempEstate Estate { get; }

    public void Dispose() => Estate.Dispose();
}

[CollectionDefinition("fault estate")]
public sealed class FaultEstateCollection : ICollectionFixture<FaultEstateFixture>;

/// <summary>A plain estate in the file format (no faults).</summary>
public sealed class PlainEstateFixture : IDisposable
{
    public PlainEstateFixture()
    {
        var o = TempEstate.Small(seed: 7, esa: 3, sma: 1, duration: "150m", rate: 2.5);
        o.RotateBytes = 1024 * 1024;
        Estate = new TempEstate(o);
    }

    public TempEstate Estate { get; }

    public void Dispose() => Estate.Dispose();
}

[CollectionDefinition("plain estate")]
public sealed class PlainEstateCollection : ICollectionFixture<PlainEstateFixture>;
