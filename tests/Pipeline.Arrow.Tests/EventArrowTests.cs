using System.Text;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Pipeline.Correlation.Output;
using Pipeline.MailLogs;

namespace Pipeline.Arrow.Tests;

/// <summary>events.arrow written from the corpus and read back with Apache.Arrow's <see cref="ArrowFileReader"/>.</summary>
public sealed class EventArrowTests : IDisposable
{
    private readonly OutputFiles _out = new();

    public void Dispose() => _out.Dispose();

    private static HashSet<string> Columns(Schema s) => s.FieldsList.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Corpus_events_come_back_in_batches_of_100_with_the_parsed_values()
    {
        var lines = TestData.ParseFile("esa", TestData.CorpusLog);
        Assert.True(lines.Count > 900, $"corpus has {lines.Count} events");
        var (rows, batches) = _out.WriteEvents(lines, batchSize: 100);
        Assert.Equal(lines.Count, rows);
        Assert.Equal((lines.Count + 99) / 100, batches);

        var table = ArrowTable.Read(_out.Events);
        Assert.True(table.FileValid);
        Assert.Equal(batches, table.BatchLengths.Count);
        Assert.All(table.BatchLengths.SkipLast(1), n => Assert.Equal(100, n));
        Assert.Equal(lines.Count, table.Rows.Count);

        // Every row: time, action, ids, message as parsed.
        for (int i = 0; i < lines.Count; i++)
        {
            var e = lines[i].Event;
            var row = table.Rows[i];
            Assert.Equal(e.UtcTicks > 0 ? DocumentJson.Time(new DateTime(e.UtcTicks, DateTimeKind.Utc)) : null, row["@timestamp"]);
            Assert.Equal(e.Type.ActionName(), row["event.action"]);
            Assert.Equal(e.Mid >= 0 ? e.Mid : null, (long?)row["mid"]);
            Assert.Equal(e.Icid >= 0 ? e.Icid : null, (long?)row["icid"]);
            Assert.Equal(e.Dcid >= 0 ? e.Dcid : null, (long?)row["dcid"]);
            Assert.Equal(Encoding.UTF8.GetString(lines[i].Line), row["message"]);
            Assert.Equal("esa", row["observer.hostname"]);
            Assert.Equal(lines[i].LineNumber, row["log.file.line"]);
            Assert.Equal(lines[i].EventId, row["event.id"]);
        }

        // A few rows by hand. The first line: "Wed Nov 19 09:16:46 2014 Info: Begin Logfile" (local time; the offset header says UTC-6).
        Assert.Equal("2014-11-19T15:16:46Z", table.Rows[0]["@timestamp"]); // local 09:16:46 at UTC-6 (the file's offset header)
        Assert.Equal("logfile_begin", table.Rows[0]["event.action"]);
        Assert.Equal("info", table.Rows[0]["log.level"]);
        Assert.Equal(0L, table.Rows[0]["log.offset"]);

        // A delivery with a RID list: the list column holds the same numbers as the text between the brackets.
        int withRids = lines.FindIndex(l => l.Event.Type == LineType.MessageDone);
        Assert.True(withRids >= 0);
        var expectedRids = new List<object?>();
        foreach (long r in lines[withRids].Event.RidList(lines[withRids].Line)) expectedRids.Add(r);
        Assert.NotEmpty(expectedRids);
        Assert.Equal(expectedRids, (List<object?>)table.Rows[withRids]["rids"]!);
        Assert.Equal(lines[withRids].Event.Mid, table.Rows[withRids]["mid"]);
        // Rows without a RID list have a null list, not an empty one.
        int noRids = lines.FindIndex(l => !l.Event.Rids.HasValue);
        Assert.Null(table.Rows[noRids]["rids"]);

        // An edge line carries both MIDs.
        int edge = lines.FindIndex(l => l.Event.Type == LineType.MidGenerated);
        Assert.True(edge >= 0);
        Assert.Equal(lines[edge].Event.ParentMid, table.Rows[edge]["edge.parent_mid"]);
        Assert.Equal(lines[edge].Event.ChildMid, table.Rows[edge]["edge.child_mid"]);
    }

    [Fact]
    public void Every_event_row_equals_its_ndjson_document_field_by_field()
    {
        var lines = new List<ParsedLine>();
        foreach (var file in Directory.GetFiles(Path.GetDirectoryName(TestData.CorpusLog)!, "*.log").Order())
            lines.AddRange(TestData.ParseFile(Path.GetFileNameWithoutExtension(file), file));
        lines.AddRange(TestData.Estate());
        _out.WriteEvents(lines, batchSize: 333);
        var table = ArrowTable.Read(_out.Events);
        Documents.AssertRowsMatch(table.Rows, lines.Select(l => l.Json).ToList(), Columns(table.Schema), "events.arrow");

        // The comparison is not vacuous: the corpus and the estate fill most columns somewhere.
        var filled = Columns(table.Schema).Where(c => table.Rows.Any(r => r[c] is not null)).ToHashSet();
        foreach (var c in new[] { "rids", "email.from.address", "email.to.address", "email.message_id", "email.subject", "email.size",
                     "source.ip", "destination.ip", "destination.port", "tls.version", "tls.cipher", "esa.response", "esa.accepted_mid",
                     "esa.quarantine.name", "esa.destination", "esa.sender_group", "esa.rdns_verified", "edge.parent_mid", "esa.verdict" })
            Assert.Contains(c, filled);
    }

    [Fact]
    public void Published_lines_fill_the_newer_columns_like_their_ndjson_documents()
    {
        // The third column of the parser tests' lines.tsv; lines published without a time get a file-format stamp.
        var lines = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "realworld", "lines.tsv"))
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('\t')[2])
            .Select(l => char.IsLetter(l[0]) && l.Split(' ')[0].EndsWith(':') ? "Wed Nov 19 09:16:38 2014 " + l : l)
            .Select(Encoding.UTF8.GetBytes);
        var parsed = TestData.ParseLines("esa", lines);
        _out.WriteEvents(parsed, batchSize: 50);
        var table = ArrowTable.Read(_out.Events);
        Documents.AssertRowsMatch(table.Rows, parsed.Select(l => l.Json).ToList(), Columns(table.Schema), "events.arrow");
        var filled = Columns(table.Schema).Where(c => table.Rows.Any(r => r[c] is not null)).ToHashSet();
        foreach (var c in new[] { "rcid", "url.full", "file.name", "file.hash.sha256", "user.name", "source.geo.country_name",
                     "esa.category", "esa.helo", "esa.target", "esa.auth_mechanism", "esa.score", "esa.policy" })
            Assert.Contains(c, filled);
        var rpc = table.Rows.First(r => (string?)r["event.action"] == "rpc_delivery_start");
        Assert.Equal(4051L, rpc["rcid"]); // the first RPC hand-off in the file (spamtowho)
        Assert.Equal("local_spam_quarantine", rpc["esa.destination"]);
    }

    [Fact]
    public void Schema_is_typed_and_named_by_the_json_paths()
    {
        var lines = TestData.ParseFile("esa", TestData.CorpusLog).Take(10).ToList();
        _out.WriteEvents(lines, 100);
        using var reader = new ArrowFileReader(File.OpenRead(_out.Events));
        var schema = reader.Schema;
        var ts = Assert.IsType<TimestampType>(schema.GetFieldByName("@timestamp").DataType);
        Assert.Equal((TimeUnit.Microsecond, "UTC"), (ts.Unit, ts.Timezone));
        Assert.IsType<TimestampType>(schema.GetFieldByName("esa.pending_till").DataType);
        foreach (var id in new[] { "mid", "icid", "dcid", "rcid", "rid", "edge.parent_mid", "edge.child_mid", "email.size", "esa.accepted_mid", "log.file.line" })
        {
            Assert.IsType<Int64Type>(schema.GetFieldByName(id).DataType);
            Assert.True(schema.GetFieldByName(id).IsNullable);
        }
        var rids = Assert.IsType<ListType>(schema.GetFieldByName("rids").DataType);
        Assert.IsType<Int64Type>(rids.ValueDataType);
        Assert.IsType<StringType>(schema.GetFieldByName("event.action").DataType);
        Assert.False(schema.GetFieldByName("event.action").IsNullable);
        Assert.False(schema.GetFieldByName("observer.hostname").IsNullable);
        Assert.False(schema.GetFieldByName("message").IsNullable);
        Assert.IsType<BooleanType>(schema.GetFieldByName("esa.rdns_verified").DataType);
        Assert.Equal("event", schema.Metadata["pipeline.document"]);
        Assert.Equal(ArrowOutput.SchemaVersion, schema.Metadata["pipeline.schema_version"]);
        Assert.Equal("ARROW1", Encoding.ASCII.GetString(File.ReadAllBytes(_out.Events), 0, 6));
    }

    [Fact]
    public void Invalid_utf8_is_written_with_replacement_characters_like_the_json()
    {
        var bad = new List<byte[]>
        {
            Bytes("Wed Nov 19 09:16:46 2014 Info: MID 7 Subject 'caf", new byte[] { 0xE9 }, "' ", new byte[] { 0xFF }), // Latin-1 é and a stray 0xFF
            Bytes("Wed Nov 19 09:16:47 2014 Info: MID 7 ICID 1 From: <", new byte[] { 0xC3, 0x28 }, "@x.example>"), // bad 2-byte sequence
            new byte[] { 0xFF, 0xFE, 0x00, 0x41, 0x80 }, // garbage with a NUL
            System.Array.Empty<byte>(),
        };
        var lines = TestData.ParseLines("esa", bad);
        _out.WriteEvents(lines, 2);
        var table = ArrowTable.Read(_out.Events);
        Assert.Equal(4, table.Rows.Count);
        Assert.Contains("\uFFFD", (string)table.Rows[0]["email.subject"]!);
        Assert.Contains("\uFFFD", (string)table.Rows[0]["message"]!);
        Assert.Contains("\uFFFD", (string)table.Rows[1]["email.from.address"]!);
        Assert.Equal(Encoding.UTF8.GetString(bad[2]), table.Rows[2]["message"]);
        Assert.Equal("", table.Rows[3]["message"]);
        Assert.Equal("unparsed", table.Rows[2]["event.action"]);
        Documents.AssertRowsMatch(table.Rows, lines.Select(l => l.Json).ToList(), Columns(table.Schema), "events.arrow");
    }

    /// <summary>Strings as UTF-8, byte arrays as they are.</summary>
    private static byte[] Bytes(params object[] parts) =>
        parts.SelectMany(p => p is string s ? Encoding.UTF8.GetBytes(s) : (byte[])p).ToArray();

    [Fact]
    public void Batches_are_written_while_rows_arrive_and_the_footer_at_dispose()
    {
        var lines = TestData.ParseFile("esa", TestData.CorpusLog).Take(25).ToList();
        var stream = new MemoryStream();
        var w = new EventArrowWriter(stream, batchSize: 10, leaveOpen: true);
        long afterSchema = stream.Length;
        Assert.True(afterSchema > 0, "the file is started at once (its magic)");
        for (int i = 0; i < 9; i++) w.Append("esa", lines[i].Line, lines[i].Event, lines[i].EventId, null, 0);
        Assert.Equal((0, afterSchema), (w.Batches, stream.Length)); // 9 rows pending: nothing written yet
        w.Append("esa", lines[9].Line, lines[9].Event, lines[9].EventId, null, 0);
        Assert.Equal(1, w.Batches);
        long afterFirst = stream.Length;
        Assert.True(afterFirst > afterSchema, "the first full batch is in the stream");
        for (int i = 10; i < 25; i++) w.Append("esa", lines[i].Line, lines[i].Event, lines[i].EventId, null, 0);
        Assert.Equal(2, w.Batches);
        w.Dispose(); // writes the last 5 rows and the footer, leaves the stream open
        Assert.Equal(3, w.Batches);
        Assert.True(stream.CanRead);

        var bytes = stream.ToArray();
        Assert.Equal("ARROW1", Encoding.ASCII.GetString(bytes, bytes.Length - 6, 6));
        File.WriteAllBytes(_out.Events, bytes);
        var table = ArrowTable.Read(_out.Events);
        Assert.Equal([10, 10, 5], table.BatchLengths);
        Assert.Null(table.Rows[0]["log.file.path"]);
        Assert.Null(table.Rows[0]["log.file.line"]);
        Assert.Throws<ObjectDisposedException>(() => w.Append("esa", lines[0].Line, lines[0].Event, lines[0].EventId, null, 0));
    }

    [Fact]
    public void A_batch_is_cut_early_when_its_text_reaches_the_byte_limit()
    {
        // Long lines must not make one batch huge (utf8 offsets are int32): the text budget cuts it before the row count does.
        var lines = TestData.ParseFile("esa", TestData.CorpusLog).Take(40).ToList();
        long total = lines.Sum(l => (long)l.Line.Length);
        var stream = new MemoryStream();
        using (var w = new EventArrowWriter(stream, batchSize: 1000, leaveOpen: true) { MaxBatchStringBytes = total / 4 })
        {
            foreach (var l in lines) w.Append(l.Appliance, l.Line, l.Event, l.EventId, l.Path, l.LineNumber, l.Offset);
            w.Finish();
            Assert.InRange(w.Batches, 4, 20); // every string column counts (message, fields, path, id), so more than 4
        }
        File.WriteAllBytes(_out.Events, stream.ToArray());
        var table = ArrowTable.Read(_out.Events);
        Assert.Equal(40, table.BatchLengths.Sum());
        Assert.True(table.BatchLengths.Count >= 3);
        Documents.AssertRowsMatch(table.Rows, lines.Select(l => l.Json).ToList(), Columns(table.Schema), "events.arrow");
    }

    [Fact]
    public void A_file_without_rows_is_valid_and_has_the_schema()
    {
        new EventArrowWriter(File.Create(_out.Events)).Dispose();
        var table = ArrowTable.Read(_out.Events);
        Assert.True(table.FileValid);
        Assert.Empty(table.BatchLengths);
        Assert.Empty(table.Rows);
        Assert.Equal("@timestamp", table.Schema.FieldsList[0].Name);
    }

    [Fact]
    public void Sub_second_times_keep_microseconds()
    {
        var e = LogEvent.Empty;
        e.UtcTicks = new DateTime(2026, 3, 10, 9, 0, 0, DateTimeKind.Utc).Ticks + 1_234_567; // .1234567 s
        e.Body = new TextRange(0, 1);
        var stream = new MemoryStream();
        using (var w = new EventArrowWriter(stream, leaveOpen: true)) w.Append("esa", "x"u8, e, "id", null, 0);
        File.WriteAllBytes(_out.Events, stream.ToArray());
        Assert.Equal("2026-03-10T09:00:00.1234560Z", ArrowTable.Read(_out.Events).Rows[0]["@timestamp"]);
    }
}
