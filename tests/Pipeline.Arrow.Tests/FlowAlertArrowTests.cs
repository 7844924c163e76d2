using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;

namespace Pipeline.Arrow.Tests;

/// <summary>flows.arrow and alerts.arrow from the correlation engine (corpus and an ESA/SMA estate) and hand-built documents.</summary>
public sealed class FlowAlertArrowTests : IDisposable
{
    private readonly OutputFiles _out = new();

    public void Dispose() => _out.Dispose();

    private static HashSet<string> Columns(Schema s) => s.FieldsList.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    private static List<object?> List(object? v) => Assert.IsType<List<object?>>(v);

    private static Dictionary<string, object?> Struct(object? v) => Assert.IsType<Dictionary<string, object?>>(v);

    [Fact]
    public void Estate_round_trip_reads_back_with_hops_cpq_and_edges()
    {
        var (flows, alerts) = TestData.Correlate(TestData.Estate(), TestData.ConfigureEstate);
        var (rows, batches) = _out.WriteFlows(flows, batchSize: 4);
        Assert.Equal(flows.Count, rows);
        Assert.Equal((flows.Count + 3) / 4, batches);
        var table = ArrowTable.Read(_out.Flows);
        Assert.Equal(flows.Count, table.Rows.Count);
        Assert.All(table.BatchLengths.SkipLast(1), n => Assert.Equal(4, n));

        // The released message: ESA 1001 → SMA 5001 → ESA 1050, one flow with three hops.
        int i = flows.FindIndex(f => f.Hops.Any(h => h.Appliance == "esa01" && h.Mid == 1001));
        var row = table.Rows[i];
        Assert.Equal(FlowStates.Delivered, row["flow.state"]);
        Assert.Equal(3L, row["flow.hop_count"]);
        var hops = List(row["hops"]).Select(Struct).ToList();
        Assert.Equal([("esa01", "esa", 1001L), ("sma01", "sma", 5001L), ("esa01", "esa", 1050L)],
            hops.Select(h => ((string)h["appliance"]!, (string)h["role"]!, (long)h["mid"]!)).ToList());
        Assert.Equal("2026-03-10T09:00:00Z", hops[0]["start"]);
        Assert.Equal(flows[i].Hops.Select(h => h.Outcome).ToList(), hops.Select(h => (string)h["outcome"]!).ToList());
        Assert.Equal(["user1001@corp.example", "copy1001@corp.example"], List(row["email.to.address"]));
        Assert.Equal("m1001@corp.example", row["email.message_id"]);

        var cpq = Struct(row["cpq"]);
        Assert.Equal("policy", cpq["kind"]);
        Assert.Equal(("esa01", 1001L, "sma01", 5001L), ((string)cpq["esa"]!, (long)cpq["esa_mid"]!, (string)cpq["sma"]!, (long)cpq["sma_mid"]!));
        Assert.Equal("Policy", cpq["quarantine"]);
        Assert.Equal("2026-03-10T09:00:00Z", cpq["enqueued_at"]);
        Assert.Equal("2026-03-10T09:30:30Z", cpq["transferred_at"]);
        Assert.Equal("2026-03-10T10:00:00Z", cpq["released_at"]);
        Assert.Equal(1050L, cpq["release_esa_mid"]);
        Assert.Equal(1830L, cpq["transfer_wait_s"]);
        Assert.Equal(1770L, cpq["dwell_s"]);
        Assert.Null(cpq["deleted_at"]);

        var edges = List(row["edges"]).Select(Struct).ToList();
        Assert.Equal(flows[i].Edges.Select(e => (e.Kind, e.From, e.To)).ToList(),
            edges.Select(e => ((string)e["kind"]!, (string)e["from"]!, (string)e["to"]!)).ToList());
        Assert.Contains(edges, e => (string)e["kind"]! == "cpq_transfer");

        // The engine's alerts: TLS failures and the stuck queue, both resolved when TLS works again.
        Assert.Contains(alerts, a => a.Kind == AlertKinds.CpqTlsFailure);
        Assert.Contains(alerts, a => a.Kind == AlertKinds.CpqQueueStuck);
        _out.WriteAlerts(alerts, batchSize: 1);
        var at = ArrowTable.Read(_out.Alerts);
        Assert.Equal(alerts.Count, at.BatchLengths.Count);
        int s = alerts.ToList().FindIndex(a => a.Kind == AlertKinds.CpqQueueStuck);
        var stuck = at.Rows[s];
        Assert.Equal(("esa01", "sma01", "resolved"), ((string)stuck["alert.appliance"]!, (string)stuck["alert.peer"]!, (string)stuck["alert.status"]!));
        Assert.Equal(DocumentJson.Time(alerts[s].OpenedAt), stuck["alert.opened_at"]);
        Assert.Equal("2026-03-10T09:30:30Z", stuck["alert.resolved_at"]);
        var evidence = Struct(stuck["alert.evidence"]);
        Assert.Equal((long)alerts[s].Evidence.Messages, evidence["messages"]);
        Assert.Equal(alerts[s].Evidence.OldestAgeSeconds, evidence["oldest_age_s"]);
        Assert.Equal(alerts[s].Evidence.SampleMids.Cast<object?>().ToList(), List(evidence["sample_mids"]));
        Assert.Equal(1001L, List(evidence["sample_mids"])[0]);
    }

    [Fact]
    public void Every_flow_and_alert_row_equals_its_ndjson_document()
    {
        var (corpusFlows, corpusAlerts) = TestData.Correlate(TestData.ParseFile("esa", TestData.CorpusLog));
        var (estateFlows, estateAlerts) = TestData.Correlate(TestData.Estate(), TestData.ConfigureEstate);
        var flows = corpusFlows.Concat(estateFlows).Concat(TestData.HandBuiltFlows()).ToList();
        var alerts = corpusAlerts.Concat(estateAlerts).Concat(TestData.HandBuiltAlerts()).ToList();
        Assert.True(corpusFlows.Count > 100 && estateFlows.Count > 10, $"flows: corpus {corpusFlows.Count}, estate {estateFlows.Count}");
        Assert.Contains(flows, f => f.Cpq is not null);
        Assert.Contains(flows, f => f.Cpq is null);
        Assert.Contains(flows, f => f.ParentHop is not null);

        _out.WriteFlows(flows, batchSize: 50);
        var ft = ArrowTable.Read(_out.Flows);
        Documents.AssertRowsMatch(ft.Rows, flows.Select(Documents.FlowJson).ToList(), Columns(ft.Schema), "flows.arrow");

        _out.WriteAlerts(alerts, batchSize: 3);
        var at = ArrowTable.Read(_out.Alerts);
        Documents.AssertRowsMatch(at.Rows, alerts.Select(Documents.AlertJson).ToList(), Columns(at.Schema), "alerts.arrow");
    }

    [Fact]
    public void Hand_built_documents_keep_nulls_empty_lists_and_text()
    {
        var flows = TestData.HandBuiltFlows();
        flows.Add(new FlowDocument
        {
            // A lone surrogate cannot be encoded as UTF-8 (the JSON writer refuses it): Arrow gets U+FFFD, no exception.
            Id = "esa01:4:x", Start = TestData.T0, Subject = "broken \ud800 text", To = ["", "z@corp.example"],
        });
        _out.WriteFlows(flows, batchSize: 2);
        var ft = ArrowTable.Read(_out.Flows);
        Assert.Equal([2, 2], ft.BatchLengths);

        Assert.Equal("Grüße \u2603 – ünïcödé", ft.Rows[0]["email.subject"]);
        Assert.Equal("2026-03-10T10:30:00.2500000Z", ft.Rows[0]["flow.end"]);
        Assert.Equal(5400L, ft.Rows[0]["flow.duration_s"]);
        Assert.Equal("esa01:0", ft.Rows[0]["flow.parent_hop"]);
        Assert.Null(ft.Rows[0]["flow.parent_id"]);
        Assert.Equal("split", ft.Rows[0]["flow.parent_kind"]);
        Assert.Equal("manual", Struct(ft.Rows[0]["cpq"])["release_reason"]);

        Assert.Null(ft.Rows[1]["cpq"]);
        Assert.Null(ft.Rows[1]["flow.end"]);
        Assert.Null(ft.Rows[1]["flow.duration_s"]);
        Assert.Null(ft.Rows[1]["flow.parent_kind"]);
        Assert.Empty(List(ft.Rows[1]["email.to.address"]));
        Assert.Empty(List(ft.Rows[1]["edges"]));
        Assert.Null(Struct(List(ft.Rows[1]["hops"])[0])["end"]);
        Assert.Equal(true, ft.Rows[1]["flow.partial"]);

        var deleted = Struct(ft.Rows[2]["cpq"]);
        Assert.Equal("10.0.9.5", deleted["sma"]);
        Assert.Null(deleted["sma_mid"]);
        Assert.Equal("2026-03-24T09:00:00Z", deleted["deleted_at"]);
        Assert.Equal(1209596L, deleted["dwell_s"]); // transferred 09:00:04, deleted 14 days after 09:00:00

        Assert.Equal("broken \uFFFD text", ft.Rows[3]["email.subject"]);
        Assert.Equal(["", "z@corp.example"], List(ft.Rows[3]["email.to.address"]));
        Assert.Empty(List(ft.Rows[3]["hops"]));
        Assert.Equal(0L, ft.Rows[3]["flow.hop_count"]);

        _out.WriteAlerts(TestData.HandBuiltAlerts(), batchSize: 10);
        var at = ArrowTable.Read(_out.Alerts);
        Assert.Equal([2], at.BatchLengths);
        Assert.Equal("open", at.Rows[0]["alert.status"]);
        Assert.Null(at.Rows[0]["alert.resolved_at"]);
        Assert.Equal([1001L, 1002L, 1003L, 1004L, 1005L], List(Struct(at.Rows[0]["alert.evidence"])["sample_mids"]));
        Assert.Equal("resolved", at.Rows[1]["alert.status"]);
        Assert.Null(at.Rows[1]["alert.peer"]);
        var empty = Struct(at.Rows[1]["alert.evidence"]);
        Assert.Equal((0L, 0L, null), ((long)empty["messages"]!, (long)empty["oldest_age_s"]!, empty["last_error"]));
        Assert.Empty(List(empty["sample_mids"]));
    }

    [Fact]
    public void Flow_and_alert_schemas_are_typed()
    {
        using (new FlowArrowWriter(File.Create(_out.Flows))) { }
        using (new AlertArrowWriter(File.Create(_out.Alerts))) { }
        using var fr = new ArrowFileReader(File.OpenRead(_out.Flows));
        var hops = Assert.IsType<ListType>(fr.Schema.GetFieldByName("hops").DataType);
        var hop = Assert.IsType<StructType>(hops.ValueDataType);
        Assert.Equal(["appliance", "role", "mid", "start", "end", "outcome"], hop.Fields.Select(f => f.Name));
        Assert.IsType<Int64Type>(hop.GetFieldByName("mid").DataType);
        Assert.IsType<TimestampType>(hop.GetFieldByName("start").DataType);
        var cpq = fr.Schema.GetFieldByName("cpq");
        Assert.True(cpq.IsNullable);
        Assert.Contains(Assert.IsType<StructType>(cpq.DataType).Fields, f => f.Name == "sma_mid" && f.DataType is Int64Type);
        var to = Assert.IsType<ListType>(fr.Schema.GetFieldByName("email.to.address").DataType);
        Assert.IsType<StringType>(to.ValueDataType);
        Assert.Equal("flow", fr.Schema.Metadata["pipeline.document"]);

        using var ar = new ArrowFileReader(File.OpenRead(_out.Alerts));
        var evidence = Assert.IsType<StructType>(ar.Schema.GetFieldByName("alert.evidence").DataType);
        var mids = Assert.IsType<ListType>(evidence.GetFieldByName("sample_mids").DataType);
        Assert.IsType<Int64Type>(mids.ValueDataType);
        Assert.IsType<TimestampType>(ar.Schema.GetFieldByName("alert.opened_at").DataType);
        Assert.Equal("alert", ar.Schema.Metadata["pipeline.document"]);
    }
}
