using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Pipeline.MailLogs;
using Pipeline.Simulation;

namespace Pipeline.Simulation.Tests;

public sealed class FollowTests
{
    private static EstateOptions Options() =>
        new() { Esa = 2, Sma = 1, Seed = 3, Start = new DateTime(2026, 3, 10, 12, 0, 0, DateTimeKind.Utc), Duration = TimeSpan.FromMinutes(10), Rate = 3 };

    private static void AllParse(IReadOnlyCollection<string> lines, IReadOnlySet<string> hosts)
    {
        var ctx = new ParseContext(null, new DateTime(2026, 3, 10, 12, 30, 0, DateTimeKind.Utc));
        foreach (var line in lines)
        {
            var e = MailLogParser.Parse(line, ctx, out var utf8);
            Assert.True(e.Type != LineType.Unparsed, $"{e.UnparsedReason}: {line}");
            Assert.Equal(EnvelopeKind.Syslog3164, e.Envelope);
            Assert.Contains(Encoding.UTF8.GetString(e.Host.Of(utf8)), hosts);
        }
    }

    [Fact]
    public async Task FollowToTcp_SendsEveryLineWithLfFraming_AndPacesTheRun()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var received = new List<string>();
        var reader = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            using var r = new StreamReader(client.GetStream(), Encoding.UTF8);
            while (await r.ReadLineAsync() is { } line) received.Add(line);
        });
        var dir = Path.Combine(Path.GetTempPath(), "pipeline-follow-" + Guid.NewGuid().ToString("N"));
        try
        {
            // 10 simulated minutes at 1200x: about half a second.
            var result = EstateSimulator.Follow(Options(), dir, SyslogTarget.Parse($"tcp://127.0.0.1:{port}"), 1200, CancellationToken.None);
            await reader.WaitAsync(TimeSpan.FromSeconds(10));
            listener.Stop();
            Assert.InRange(result.Elapsed.TotalSeconds, 0.3, 5);
            Assert.Equal(result.Lines, received.Count);
            Assert.True(received.Count > 500);
            Assert.All(received, l => Assert.StartsWith("<", l, StringComparison.Ordinal));
            AllParse(received, new HashSet<string> { "esa01.example.net", "esa02.example.net", "sma01.example.net" });
            // The truth is written too, and its journeys are the ones of a batch run of the same options.
            var truth = EstateTruth.Load(Path.Combine(dir, EstateSimulator.TruthFileName));
            Assert.NotEmpty(truth.Messages);
            Assert.Empty(Directory.GetDirectories(dir));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Fact]
    public async Task FollowToUdp_SendsOneDatagramPerLine()
    {
        using var udp = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        udp.Client.ReceiveBufferSize = 8 << 20;
        int port = ((IPEndPoint)udp.Client.LocalEndPoint!).Port;
        var received = new ConcurrentQueue<string>();
        using var cts = new CancellationTokenSource();
        var reader = Task.Run(async () =>
        {
            try
            {
                while (!cts.IsCancellationRequested)
                {
                    var r = await udp.ReceiveAsync(cts.Token);
                    received.Enqueue(Encoding.UTF8.GetString(r.Buffer));
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
        var o = Options();
        o.Duration = TimeSpan.FromMinutes(5);
        var result = EstateSimulator.Follow(o, null, SyslogTarget.Parse($"udp://127.0.0.1:{port}"), 1200, CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (received.Count < result.Lines && DateTime.UtcNow < deadline) await Task.Delay(20);
        await cts.CancelAsync();
        await reader.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result.Lines > 200);
        // Loopback UDP may drop under a burst; nearly all must arrive, each a whole line without its newline.
        Assert.InRange(received.Count, result.Lines * 9 / 10, result.Lines);
        Assert.All(received, l => Assert.DoesNotContain('\n', l));
        AllParse(received, new HashSet<string> { "esa01.example.net", "esa02.example.net", "sma01.example.net" });
    }

    [Fact]
    public async Task FollowToFiles_AppendsAndFlushesAsTimePasses_AndStopsWhenCancelled()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pipeline-follow-" + Guid.NewGuid().ToString("N"));
        try
        {
            var o = Options();
            o.Duration = TimeSpan.FromHours(10);
            using var cts = new CancellationTokenSource();
            // 600x: a simulated minute every 0.1 s. Look at the file while it runs, then stop.
            var run = Task.Run(() => EstateSimulator.Follow(o, dir, null, 600, cts.Token));
            var current = Path.Combine(dir, "esa01", "mail_logs.current");
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((!File.Exists(current) || new FileInfo(current).Length < 20_000) && DateTime.UtcNow < deadline) await Task.Delay(50);
            Assert.False(run.IsCompleted, "the run should still be going");
            Assert.True(new FileInfo(current).Length >= 20_000, "lines are flushed while the run goes on");
            await cts.CancelAsync();
            var result = await run.WaitAsync(TimeSpan.FromSeconds(10));
            Assert.True(result.EndUtc < o.End, "the run stopped early");
            var truth = EstateTruth.Load(result.TruthPath!);
            Assert.Equal(result.EndUtc, truth.EndActual);
            var logs = EstateLogs.Read(dir);
            Assert.Equal(0, logs.Unparsed);
            Assert.Equal(result.Lines, logs.LogicalLines);
            Assert.All(logs.ByAppliance.Values.SelectMany(l => l), l => Assert.True(l.Utc <= result.EndUtc));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }
}
