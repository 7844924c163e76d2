using System.Security.Cryptography;
using Pipeline.Simulation;

namespace Pipeline.Simulation.Tests;

public sealed class DeterminismTests
{
    private static EstateOptions Options(ulong seed)
    {
        var o = TempEstate.Small(seed: seed, esa: 3, sma: 2, duration: "60m", rate: 3, format: LogFormat.Mixed);
        o.WrapRate = 0.03;
        o.RotateBytes = 256 * 1024;
        o.Faults.Add(FaultSpec.Parse("tls-anon:esa01@20m-40m", o.Start, o.End));
        o.Faults.Add(FaultSpec.Parse("silent:sma02@30m-45m", o.Start, o.End));
        return o;
    }

    private static Dictionary<string, string> Hashes(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories)
        .ToDictionary(f => Path.GetRelativePath(dir, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));

    [Fact]
    public void SameSeedGivesTheSameBytes_AndTheSameFileTimes()
    {
        using var a = new TempEstate(Options(5));
        using var b = new TempEstate(Options(5));
        var ha = Hashes(a.Dir);
        Assert.True(ha.Count > 6);
        Assert.Equal(ha, Hashes(b.Dir));
        foreach (var f in Directory.GetFiles(a.Dir, "mail_logs*", SearchOption.AllDirectories))
            Assert.Equal(File.GetLastWriteTimeUtc(f), File.GetLastWriteTimeUtc(Path.Combine(b.Dir, Path.GetRelativePath(a.Dir, f))));
    }

    [Fact]
    public void DifferentSeedGivesDifferentBytes()
    {
        using var a = new TempEstate(Options(5));
        using var b = new TempEstate(Options(6));
        var ha = Hashes(a.Dir);
        var hb = Hashes(b.Dir);
        Assert.NotEqual(ha["truth.json"], hb["truth.json"]);
        Assert.NotEqual(ha[Path.Combine("esa01", "mail_logs.current")], hb[Path.Combine("esa01", "mail_logs.current")]);
    }

    [Fact]
    public void EnvelopeOptionsDoNotChangeTheTraffic()
    {
        // Wraps and envelopes use their own random streams: the journeys stay the same.
        var o1 = TempEstate.Small(seed: 9, duration: "40m");
        var o2 = TempEstate.Small(seed: 9, duration: "40m", format: LogFormat.Syslog);
        o2.WrapRate = 0.2;
        using var a = new TempEstate(o1);
        using var b = new TempEstate(o2);
        Assert.Equal(a.Truth.Messages.Select(m => (m.Id, m.FinalState)), b.Truth.Messages.Select(m => (m.Id, m.FinalState)));
        Assert.NotEqual(Hashes(a.Dir)[Path.Combine("esa01", "mail_logs.current")], Hashes(b.Dir)[Path.Combine("esa01", "mail_logs.current")]);
    }
}
