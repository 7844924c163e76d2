using Pipeline.MailLogs;
using Pipeline.Simulation;

namespace Pipeline.Simulation.Tests;

[Collection("fault estate")]
public sealed class FaultEstateTests(FaultEstateFixture fixture)
{
    private TempEstate E => fixture.Estate;
    private DateTime At(string offset) => E.Options.Start + TimeText.ParseDuration(offset);
    private string Ip(string appliance) => E.Truth.Appliance(appliance).Ip;
    private IEnumerable<Line> Lines(string appliance, LineType type) => E.Logs.Of(appliance).Where(l => l.Type == type);
    private static bool In(DateTime t, DateTime from, DateTime to) => t >= from && t < to;

    private TruthFault Fault(string spec) => E.Truth.Faults.Single(f => f.Spec == spec);

    private static void HasAlert(TruthFault f, string kind, string appliance, string? peer)
    {
        var a = f.ExpectedAlerts.SingleOrDefault(x => x.Kind == kind && x.Appliance == appliance && x.Peer == peer);
        Assert.True(a is not null, $"{f.Spec}: expected alert {kind} {appliance}->{peer} missing; have {string.Join(", ", f.ExpectedAlerts.Select(x => $"{x.Kind} {x.Appliance}->{x.Peer}"))}");
        Assert.True(a!.FirstSignalAt >= f.From.AddSeconds(-1) && a.FirstSignalAt < f.To, $"{f.Spec}: {kind} first signal {a.FirstSignalAt:o} outside the window");
        if (kind is "cpq_queue_stuck" or "cpq_release_stuck")
        {
            Assert.NotNull(a.ResolvedAt);
            Assert.True(a.ResolvedAt >= f.To, $"{f.Spec}: {kind} resolved at {a.ResolvedAt:o}, before the fault ended");
            Assert.True(a.Messages > 0 && a.StuckMessages >= a.Messages && a.MaxBacklog > 0 && a.Attempts > 1);
        }
    }

    [Fact]
    public void AllEnvelopesAndWrapsParseWithoutUnparsedLines()
    {
        var logs = E.Logs;
        Assert.True(logs.Unparsed == 0, string.Join("\n", logs.UnparsedSamples));
        Assert.Equal(E.Result.Lines, logs.LogicalLines);
        Assert.Equal(E.Result.PhysicalLines, logs.PhysicalLines);
        Assert.Equal(E.Result.WrappedLines, logs.WrappedTails);
        Assert.True(logs.WrappedTails > 100);
        Assert.Equal(0, E.Result.SuppressedLines);
        // Both envelopes (and every syslog variant) are present.
        var formats = E.Truth.Appliances.Select(a => a.SyslogVariant ?? a.Format).ToHashSet();
        Assert.Superset(new HashSet<string> { "file", "pri-host", "year-host", "pri-nohost" }, formats);
        Assert.True(formats.Count >= 3);
        Assert.True(logs.Files > 6, "files were rotated");
    }

    [Fact]
    public void TruthCpqLinksAreVisibleInTheLines() => TruthChecks.CpqLinksAreVisible(E);

    [Fact]
    public void TruthHopsAreVisibleInTheLines() => TruthChecks.HopsAreVisible(E);

    [Fact]
    public void TruthStatesAndParentsAreConsistent() => TruthChecks.StatesAndLinksAreConsistent(E);

    [Fact]
    public void TlsAnon_FailsTheHandshakeInsideTheWindow_AndTheQueueDrainsAfterIt()
    {
        DateTime from = At("1h"), to = At("2h");
        var failed = Lines("esa01", LineType.DcidTlsFailed).ToList();
        Assert.True(failed.Count >= 3);
        Assert.All(failed, l => Assert.Equal("verify error: no certificate from server", l.Error));
        Assert.All(failed, l => Assert.True(In(l.Utc, from, to)));
        Assert.All(Lines("esa01", LineType.DcidTlsRequiredFailed), l => Assert.True(In(l.Utc, from, to)));
        var delayed = Lines("esa01", LineType.DeliveryDelayed).Where(l => l.Reason == "TLS was required but could not be successfully negotiated").ToList();
        Assert.NotEmpty(delayed);
        Assert.All(delayed, l => Assert.Equal("4.0.0", l.StatusCode));
        Assert.Contains(Lines("esa01", LineType.DeliveryPending), l => In(l.Utc, from, to));
        // The SMA saw the anonymous cipher.
        Assert.Contains(Lines("sma01", LineType.IcidTlsSuccess), l => l.TlsCipher == "ADH-AES256-GCM-SHA384" && In(l.Utc, from, to));
        // Transfers of messages enqueued in the window happen only after it.
        var stuck = E.Truth.Messages.Where(m => m.Cpq is { Esa: "esa01" } c && In(c.EnqueuedAt, from.AddMinutes(1), to)).ToList();
        Assert.True(stuck.Count >= 5);
        Assert.All(stuck, m => Assert.True(m.Cpq!.TransferredAt is null || m.Cpq.TransferredAt >= to));
        Assert.Contains(stuck, m => m.Cpq!.TransferredAt >= to && m.Cpq.DelayedAttempts > 0);
        var f = Fault("tls-anon:esa01@1h-2h");
        HasAlert(f, "cpq_tls_failure", "esa01", "sma01");
        HasAlert(f, "cpq_queue_stuck", "esa01", "sma01");
    }

    [Fact]
    public void PortBlocked_TimesOutConnectionsTo7025()
    {
        DateTime from = At("1h"), to = At("1h40m");
        var errors = Lines("esa02", LineType.ConnectionError).Where(l => l.Port == 7025 && l.Error == "timed out").ToList();
        Assert.True(errors.Count >= 3);
        Assert.All(errors, l =>
        {
            Assert.True(In(l.Utc, from, to), $"connection error at {l.Utc:o}");
            Assert.Equal("the.cpq.host", l.Domain);
            Assert.Equal(Ip("sma02"), l.RemoteIp);
            Assert.Equal(Ip("esa02"), l.InterfaceIp);
            Assert.Equal("network error", l.Reason);
        });
        var enqueued = E.Truth.Messages.Where(m => m.Cpq is { Esa: "esa02" } c && In(c.EnqueuedAt, from.AddMinutes(1), to)).ToList();
        Assert.NotEmpty(enqueued);
        Assert.All(enqueued, m => Assert.True(m.Cpq!.TransferredAt >= to));
        var f = Fault("port-blocked:esa02@1h-1h40m");
        HasAlert(f, "cpq_connect_failure", "esa02", "sma02");
        HasAlert(f, "cpq_queue_stuck", "esa02", "sma02");
    }

    [Fact]
    public void ListenerSuspendedOnTheSma_RefusesEveryEsaThatSendsToIt()
    {
        DateTime from = At("3h"), to = At("3h45m");
        foreach (var esa in new[] { "esa02", "esa04" })
        {
            var refused = Lines(esa, LineType.ConnectionError).Where(l => l.Error == "[Errno 111] Connection refused").ToList();
            Assert.NotEmpty(refused);
            Assert.All(refused, l =>
            {
                Assert.True(In(l.Utc, from, to));
                Assert.Equal(7025, l.Port);
                Assert.Equal("the.cpq.host", l.Domain);
            });
        }
        var f = Fault("listener-suspended:sma02@3h-3h45m");
        HasAlert(f, "cpq_connect_failure", "esa02", "sma02");
        HasAlert(f, "cpq_connect_failure", "esa04", "sma02");
        HasAlert(f, "cpq_queue_stuck", "esa02", "sma02");
        HasAlert(f, "cpq_queue_stuck", "esa04", "sma02");
    }

    [Fact]
    public void ListenerSuspendedOnTheEsa_BlocksReleasesComingBack()
    {
        DateTime from = At("2h"), to = At("4h");
        var refused = Lines("sma01", LineType.ConnectionError).Where(l => l.Domain == "the.cpq.release.host" && l.Error!.Contains("refused", StringComparison.Ordinal)).ToList();
        Assert.True(refused.Count >= 3);
        Assert.All(refused, l =>
        {
            Assert.True(In(l.Utc, from, to));
            Assert.Equal(Ip("esa03"), l.RemoteIp);
            Assert.Equal(Ip("sma01"), l.InterfaceIp);
            Assert.Equal(7025, l.Port);
        });
        Assert.Contains(Lines("sma01", LineType.DeliveryPending), l => In(l.Utc, from, to));
        var releases = E.Truth.Messages.Where(m => m.Cpq is { Esa: "esa03" } c && c.ReleasedAt is { } r && In(r, from, to)).ToList();
        Assert.True(releases.Count >= 3, $"{releases.Count} releases in the window");
        Assert.All(releases, m => Assert.True(m.Cpq!.ReturnedAt is null || m.Cpq.ReturnedAt >= to));
        Assert.Contains(releases, m => m.Cpq!.ReturnedAt >= to && m.FinalState == "delivered");
        var f = Fault("listener-suspended:esa03@2h-4h");
        HasAlert(f, "cpq_release_stuck", "sma01", "esa03");
        HasAlert(f, "cpq_connect_failure", "sma01", "esa03");
    }

    [Fact]
    public void SmaApplicationFault_LogsCriticalFaults_AndEsasGet4xx()
    {
        DateTime from = At("5h"), to = At("5h40m");
        var faults = Lines("sma01", LineType.ApplicationFault).ToList();
        Assert.True(faults.Count >= 3);
        Assert.All(faults, l =>
        {
            Assert.True(In(l.Utc, from, to));
            Assert.Equal(MailLogLevel.Critical, l.Level);
        });
        foreach (var esa in new[] { "esa01", "esa03" })
        {
            var delayed = Lines(esa, LineType.DeliveryDelayed).Where(l => l.StatusCode == "4.3.0" && l.Reason!.StartsWith("Temporary failure", StringComparison.Ordinal)).ToList();
            Assert.NotEmpty(delayed);
            Assert.All(delayed, l => Assert.True(In(l.Utc, from, to)));
        }
        var f = Fault("sma-app-fault:sma01@5h-5h40m");
        HasAlert(f, "quarantine_unavailable", "sma01", null);
        HasAlert(f, "cpq_queue_stuck", "esa01", "sma01");
        HasAlert(f, "cpq_queue_stuck", "esa03", "sma01");
    }

    [Fact]
    public void QuarantineFull_WarnsAndCannotQuarantineArrivals()
    {
        DateTime from = At("5h30m"), to = At("6h30m");
        var full = Lines("sma02", LineType.QuarantineFull).ToList();
        Assert.Contains(full, l => l.Percent == 90 && l.Level == MailLogLevel.Warning);
        Assert.Contains(full, l => l.Percent == 100);
        Assert.All(full, l => Assert.True(In(l.Utc, from, to)));
        Assert.All(full, l => Assert.Equal("Policy", l.Quarantine));
        var unable = Lines("sma02", LineType.QuarantineUnavailable).ToList();
        Assert.True(unable.Count >= 3);
        Assert.All(unable, l => Assert.True(In(l.Utc, from, to)));
        // The truth names the SMA MIDs of the refused attempts, and the ESA got delays for them.
        var failed = E.Truth.Messages.Where(m => m.Cpq?.FailedSmaMids is { Count: > 0 }).ToList();
        Assert.NotEmpty(failed);
        var unableMids = unable.Select(l => l.Mid).ToHashSet();
        Assert.Equal(unableMids, failed.SelectMany(m => m.Cpq!.FailedSmaMids!).ToHashSet());
        Assert.All(failed, m => Assert.Contains(m.Hops, h => h.Appliance == "sma02" && h.Outcome == "aborted"));
        Assert.All(failed, m => Assert.True(m.Cpq!.SmaMid is null || m.Cpq.TransferredAt >= to));
        var f = Fault("quarantine-full:sma02@5h30m-6h30m");
        HasAlert(f, "quarantine_unavailable", "sma02", null);
        Assert.Contains(f.ExpectedAlerts, a => a.Kind == "cpq_queue_stuck" && a.Peer == "sma02");
    }

    [Theory]
    [InlineData("esa04", "4h", "4h30m")]
    [InlineData("sma01", "7h", "7h20m")]
    public void Silent_WritesNoLinesInTheWindow_AndResumesAfter(string appliance, string fromText, string toText)
    {
        DateTime from = At(fromText), to = At(toText);
        var lines = E.Logs.Of(appliance);
        Assert.DoesNotContain(lines, l => In(l.Utc, from, to));
        Assert.Contains(lines, l => In(l.Utc, to, to.AddMinutes(5)));
        Assert.Contains(lines, l => In(l.Utc, from.AddMinutes(-5), from));
        Assert.DoesNotContain(E.Truth.Messages.SelectMany(m => m.Hops), h => h.Appliance == appliance && (In(h.Start, from, to) || h.End is { } e && In(e, from, to)));
        var f = Fault($"silent:{appliance}@{fromText}-{toText}");
        HasAlert(f, "appliance_silent", appliance, null);
        // Its peers could not reach it meanwhile.
        Assert.Contains(f.ExpectedAlerts, a => a.Kind == "cpq_connect_failure" && a.Peer == appliance);
    }

    [Fact]
    public void MidIcidAndDcidCountersCollideAcrossAppliances()
    {
        var mids = E.Logs.ByAppliance.ToDictionary(kv => kv.Key, kv => kv.Value.Where(l => l.Type == LineType.MessageStart).Select(l => l.Mid).ToHashSet());
        Assert.True(mids["esa01"].Overlaps(mids["esa02"]), "esa01 and esa02 MIDs should collide");
        Assert.True(mids["esa03"].Overlaps(mids["sma01"]) || mids["esa01"].Overlaps(mids["sma01"]), "ESA and SMA MIDs should collide");
        var dcids = E.Logs.ByAppliance.Where(kv => kv.Key.StartsWith("esa", StringComparison.Ordinal))
            .Select(kv => kv.Value.Where(l => l.Type == LineType.DcidClose).Select(l => l.Dcid).ToHashSet()).ToList();
        Assert.True(dcids[0].Overlaps(dcids[1]));
    }

    [Fact]
    public void LinesAreOutOfOrderByAtMostASecond()
    {
        int backwards = 0;
        foreach (var lines in E.Logs.ByAppliance.Values)
        {
            for (int i = 1; i < lines.Count; i++)
            {
                var step = lines[i].Utc - lines[i - 1].Utc;
                if (step < TimeSpan.Zero)
                {
                    backwards++;
                    Assert.True(step >= TimeSpan.FromSeconds(-1), $"{lines[i].Appliance}: {lines[i - 1].Utc:o} then {lines[i].Utc:o}");
                }
            }
        }
        Assert.True(backwards > 10);
    }

    [Fact]
    public void EveryFaultIsInTheTruthWithItsWindow()
    {
        Assert.Equal(FaultEstateFixture.Faults.Length, E.Truth.Faults.Count);
        foreach (var f in E.Truth.Faults)
        {
            Assert.True(f.To > f.From);
            Assert.NotEmpty(f.ExpectedAlerts);
            Assert.Equal(FaultSpec.Parse(f.Spec, E.Options.Start, E.Options.End).From, f.From);
        }
        Assert.Equal(7025, E.Truth.CpqPort);
        Assert.Equal(E.Options.Seed, E.Truth.Seed);
    }
}
