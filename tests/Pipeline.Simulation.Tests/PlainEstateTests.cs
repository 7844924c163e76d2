using Pipeline.MailLogs;
using Pipeline.Simulation;

namespace Pipeline.Simulation.Tests;

[Collection("plain estate")]
public sealed class PlainEstateTests(PlainEstateFixture fixture)
{
    private TempEstate E => fixture.Estate;

    [Fact]
    public void ParsesWithoutUnparsedLines()
    {
        Assert.True(E.Logs.Unparsed == 0, string.Join("\n", E.Logs.UnparsedSamples));
        Assert.Equal(E.Result.Lines, E.Logs.LogicalLines);
        Assert.Equal(0, E.Logs.WrappedTails);
    }

    [Fact]
    public void TruthCpqLinksAreVisibleInTheLines() => TruthChecks.CpqLinksAreVisible(E);

    [Fact]
    public void TruthHopsAreVisibleInTheLines() => TruthChecks.HopsAreVisible(E);

    [Fact]
    public void TruthStatesAndParentsAreConsistent() => TruthChecks.StatesAndLinksAreConsistent(E);

    [Fact]
    public void HasTheLineTypesOfTheRealCorpus()
    {
        var types = E.Logs.ByAppliance.Values.SelectMany(l => l).GroupBy(l => l.Type).ToDictionary(g => g.Key, g => g.Count());
        LineType[] expected =
        [
            LineType.IcidNew, LineType.IcidAccept, LineType.IcidReject, LineType.IcidRelay, LineType.IcidTlsSuccess, LineType.IcidClose,
            LineType.MessageStart, LineType.MessageFrom, LineType.MessageRecipient, LineType.MessageIdHeader, LineType.MessageSubject,
            LineType.MessageReady, LineType.MessageAttachment, LineType.RecipientPolicyMatch, LineType.MessageQueued,
            LineType.EngineInterimVerdict, LineType.EngineVerdict, LineType.AntivirusInterimVerdict, LineType.AntivirusVerdict,
            LineType.OutbreakVerdict, LineType.ScanSkippedTooBig, LineType.SenderAuthentication, LineType.SpamQuarantineTag,
            LineType.MidRewritten, LineType.MidGenerated, LineType.MidSplit, LineType.MidBounceOf, LineType.CpqReleaseReceived,
            LineType.MessageAborted, LineType.MessageFinished, LineType.DcidNew, LineType.DcidTlsSuccess, LineType.DcidClose,
            LineType.DeliveryStart, LineType.MessageDone, LineType.DeliveryResponse, LineType.DeliveryDelayed, LineType.DeliveryBounced,
            LineType.DeliveryPending, LineType.ConnectionError, LineType.Quarantined, LineType.CpqEnqueued, LineType.QuarantineReleased,
            LineType.QuarantineReleasedAll, LineType.QuarantineDeleted, LineType.Status, LineType.LogfileBegin, LineType.ApplianceVersion,
            LineType.TimeOffset, LineType.LogfileRolledOver, LineType.LogfileEnd,
        ];
        foreach (var t in expected) Assert.True(types.GetValueOrDefault(t) > 0, $"no {t.ActionName()} line");
        // Rough proportions of the corpus: about a third of the inbound mail is dropped as spam, most connections are
        // rejected at the HAT, DCIDs carry several messages.
        double aborted = types[LineType.MessageAborted] / (double)types[LineType.MessageFinished];
        Assert.InRange(aborted, 0.1, 0.4);
        Assert.True(types[LineType.IcidReject] > types[LineType.IcidAccept] / 2);
        Assert.True(types[LineType.DeliveryStart] > 2 * types[LineType.DcidNew]);
        Assert.True(types[LineType.MessageRecipient] > types[LineType.MessageFrom], "multi-recipient messages");
    }

    [Fact]
    public void CpqTransfersAndReleasesHaveTheAgreedShape()
    {
        var truth = E.Truth;
        var esaIp = truth.Appliance("esa01").Ip;
        var smaIp = truth.Appliance("sma01").Ip;
        var esa = E.Logs.Of("esa01");
        var sma = E.Logs.Of("sma01");
        // ESA → SMA on port 7025, TLS with the.cpq.host; SMA → ESA with the.cpq.release.host.
        Assert.Contains(esa, l => l.Type == LineType.DcidNew && l.RemoteIp == smaIp && l.Port == 7025);
        Assert.Contains(esa, l => l.Type == LineType.DcidTlsSuccess && l.TlsPeer == "the.cpq.host");
        Assert.Contains(sma, l => l.Type == LineType.DcidNew && l.RemoteIp == esaIp && l.Port == 7025);
        Assert.Contains(sma, l => l.Type == LineType.DcidTlsSuccess && l.TlsPeer == "the.cpq.release.host");
        Assert.Contains(sma, l => l.Type == LineType.IcidNew && l.Text.Contains($"New CPQ ICID {l.Icid} interface Management ({smaIp}) address {esaIp} reverse dns host unknown verified no", StringComparison.Ordinal));
        Assert.Contains(esa, l => l.Type == LineType.IcidNew && l.Text.Contains($"New CPQ ICID {l.Icid} interface Management ({esaIp}) address {smaIp}", StringComparison.Ordinal));
        Assert.Contains(esa, l => l.Type == LineType.CpqEnqueued && l.Quarantine is "Policy" or "Virus" or "Outbreak");
        // A DCID to the SMA carries several messages at some point.
        var perDcid = esa.Where(l => l.Type == LineType.MessageDone && l.Destination == QuarantineDestination.CentralizedPolicy).GroupBy(l => l.Dcid);
        Assert.Contains(perDcid, g => g.Count() > 1);
        // Releases of every kind, deletions, and messages still waiting at the end.
        var cpq = truth.Messages.Where(m => m.Cpq is not null).Select(m => m.Cpq!).ToList();
        Assert.Contains(cpq, c => c.ReleaseReason == "manual");
        Assert.Contains(cpq, c => c.ReleaseReason == "rescanned");
        Assert.Contains(cpq, c => c.DeleteReason == "manual");
        Assert.Contains(truth.Messages, m => m.FinalState == "quarantined" && m.Cpq is not null);
        Assert.Contains(truth.Messages, m => m.FinalState == "quarantined" && m.SpamQuarantine is not null);
        Assert.Contains(truth.Messages, m => m.Cpq is { ReturnedAt: not null } && m.FinalState == "delivered");
        Assert.Contains(truth.Messages, m => m.SpamQuarantine is not null);
    }

    [Fact]
    public void RotatedFilesHaveHeadersTrailersAndTheirLastLineAsModificationTime()
    {
        foreach (var app in E.Truth.Appliances)
        {
            var dir = Path.Combine(E.Dir, app.Name);
            var files = Directory.GetFiles(dir).Select(f => Path.GetFileName(f)!).OrderBy(f => f, StringComparer.Ordinal).ToList();
            Assert.Equal("mail_logs.current", files[^1]);
            if (app.Role == "esa") Assert.True(files.Count >= 2, $"{app.Name} was not rotated");
            var previousEnd = DateTime.MinValue;
            foreach (var f in files)
            {
                if (f != "mail_logs.current") Assert.Matches(@"^mail_logs\.@\d{8}T\d{6}\.s$", f);
                var lines = E.Logs.Of(app.Name).Where(l => l.File == f).ToList();
                Assert.Equal(LineType.LogfileBegin, lines[0].Type);
                Assert.Equal(LineType.ApplianceVersion, lines[1].Type);
                Assert.Equal(LineType.TimeOffset, lines[2].Type);
                Assert.Contains($"SN: {app.Serial}", lines[1].Text, StringComparison.Ordinal);
                Assert.Contains($"Time offset from UTC: {app.UtcOffsetS} seconds", lines[2].Text, StringComparison.Ordinal);
                if (f != "mail_logs.current")
                {
                    Assert.Equal(LineType.LogfileRolledOver, lines[^2].Type);
                    Assert.Equal(LineType.LogfileEnd, lines[^1].Type);
                    // The name is the file's start in the appliance's local time.
                    var local = lines[0].Utc.AddSeconds(app.UtcOffsetS);
                    Assert.Equal($"mail_logs.@{local:yyyyMMdd'T'HHmmss}.s", f);
                }
                var last = lines.Max(l => l.Utc);
                Assert.Equal(last, File.GetLastWriteTimeUtc(Path.Combine(dir, f)));
                Assert.True(lines[0].Utc >= previousEnd);
                previousEnd = last;
            }
        }
    }

    [Fact]
    public void TruthUsesTheAgreedSchema()
    {
        var json = File.ReadAllText(E.Result.TruthPath!);
        foreach (var field in new[] { "\"seed\":", "\"start\":\"2026-03-10T00:00:00Z\"", "\"cpq_port\":7025", "\"appliances\":", "\"utc_offset_s\":",
                     "\"messages\":", "\"final_state\":", "\"parent_kind\":", "\"hops\":", "\"edges\":", "\"cpq\":", "\"esa_mid\":", "\"sma_mid\":",
                     "\"enqueued_at\":", "\"transferred_at\":", "\"released_at\":", "\"deleted_at\":", "\"release_esa_mid\":", "\"returned_at\":", "\"faults\":" })
            Assert.Contains(field, json, StringComparison.Ordinal);
        Assert.Matches("\"start\":\"\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\"", json);
        Assert.Equal(E.Truth.Messages.Count, E.Result.Messages);
        Assert.Equal(E.Truth.Summary!.Messages, E.Truth.Summary.FinalStates.Values.Sum());
        var esa01 = E.Truth.Appliance("esa01");
        Assert.Equal("esa", esa01.Role);
        Assert.Equal("sma01", esa01.Sma);
        Assert.Equal("esa01.example.net", esa01.Hostname);
    }
}
