using Pipeline.Simulation;

namespace Pipeline.Simulation.Tests;

public sealed class SpecTests
{
    private static readonly DateTime Start = new(2026, 3, 10, 0, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime End = Start.AddHours(24);

    [Theory]
    [InlineData("24h", 86400)]
    [InlineData("2h30m", 9000)]
    [InlineData("90m", 5400)]
    [InlineData("45s", 45)]
    [InlineData("1d", 86400)]
    [InlineData("1.5h", 5400)]
    [InlineData("600", 600)]
    public void Durations(string text, int seconds)
    {
        Assert.True(TimeText.TryParseDuration(text, out var d));
        Assert.Equal(TimeSpan.FromSeconds(seconds), d);
    }

    [Theory]
    [InlineData("")]
    [InlineData("h")]
    [InlineData("2x")]
    [InlineData("-5m")]
    public void BadDurations(string text) => Assert.False(TimeText.TryParseDuration(text, out _));

    [Fact]
    public void FaultWithOffsets()
    {
        var f = FaultSpec.Parse("tls-anon:ESA01@2h-2h30m", Start, End);
        Assert.Equal(FaultKind.TlsAnon, f.Kind);
        Assert.Equal("esa01", f.Appliance);
        Assert.Equal(Start.AddHours(2), f.From);
        Assert.Equal(Start.AddMinutes(150), f.To);
    }

    [Fact]
    public void FaultWithIsoTimes()
    {
        var f = FaultSpec.Parse("silent:sma01@2026-03-10T09:00:00Z-2026-03-10T10:15:00Z", Start, End);
        Assert.Equal(FaultKind.Silent, f.Kind);
        Assert.Equal(new DateTime(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc), f.From);
        Assert.Equal(new DateTime(2026, 3, 10, 10, 15, 0, DateTimeKind.Utc), f.To);
    }

    [Fact]
    public void FaultOpenEnded()
    {
        var f = FaultSpec.Parse("quarantine-full:sma01@90m-", Start, End);
        Assert.Equal(Start.AddMinutes(90), f.From);
        Assert.Equal(End, f.To);
    }

    [Theory]
    [InlineData("tls-anon:esa01")]
    [InlineData("nonsense:esa01@1h-2h")]
    [InlineData("tls-anon:@1h-2h")]
    [InlineData("tls-anon:esa01@2h-1h")]
    [InlineData("tls-anon:esa01@soon-later")]
    public void BadFaults(string spec) => Assert.Throws<FormatException>(() => FaultSpec.Parse(spec, Start, End));

    [Fact]
    public void FaultsMustNameAnApplianceOfTheRightRole()
    {
        var o = TempEstate.Small(duration: "10m");
        o.Faults.Add(FaultSpec.Parse("tls-anon:sma01@1m-2m", o.Start, o.End));
        var ex = Assert.Throws<ArgumentException>(() => EstateSimulator.GenerateToNowhere(o));
        Assert.Contains("ESA", ex.Message, StringComparison.Ordinal);
        o.Faults.Clear();
        o.Faults.Add(FaultSpec.Parse("silent:esa09@1m-2m", o.Start, o.End));
        Assert.Throws<ArgumentException>(() => EstateSimulator.GenerateToNowhere(o));
    }

    [Fact]
    public void SyslogTargets()
    {
        Assert.Equal(new SyslogTarget("udp", "127.0.0.1", 5514), SyslogTarget.Parse("udp://127.0.0.1:5514"));
        Assert.Equal(new SyslogTarget("tcp", "collector.example.net", 601), SyslogTarget.Parse("tcp://collector.example.net:601"));
        Assert.Throws<FormatException>(() => SyslogTarget.Parse("http://x:1"));
        Assert.Throws<FormatException>(() => SyslogTarget.Parse("udp://x"));
    }

    [Fact]
    public void NamesWidenForLargeEstates()
    {
        var o = TempEstate.Small(esa: 120, sma: 3, duration: "1m", rate: 10);
        var dir = Path.Combine(Path.GetTempPath(), "pipeline-sim-" + Guid.NewGuid().ToString("N"));
        try
        {
            var r = EstateSimulator.Generate(o, dir);
            var truth = EstateTruth.Load(r.TruthPath!);
            Assert.Equal(123, truth.Appliances.Count);
            Assert.Contains(truth.Appliances, a => a.Name == "esa001");
            Assert.Contains(truth.Appliances, a => a.Name == "esa120" && a.Sma == "sma03");
            Assert.Equal(truth.Appliances.Count, truth.Appliances.Select(a => a.Ip).Distinct().Count());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
