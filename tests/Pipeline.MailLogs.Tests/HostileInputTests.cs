using System.Text;
using System.Text.Json;
using Pipeline.MailLogs;

namespace Pipeline.MailLogs.Tests;

/// <summary>
/// Property tests on hostile input: random bytes, NULs, invalid UTF-8, truncated and 1 MB lines. The parser must
/// never throw, must classify or explain every line, and the reader must lose no byte (checked against a simple
/// reference model). Generators are seeded, so a failure names its seed and reproduces.
/// </summary>
public class HostileInputTests
{
    private static readonly string[] Prefixes =
    [
        "Wed Nov 19 09:16:38 2014 Info: ", "<166>Mar 17 18:24:37 mail_logs: Info: ", "Oct 19 06:33:29 2011 mx07 syslog_mail: Warning: ",
        "<134>1 2026-03-10T09:00:00Z esa01 mail_logs - - - Info: ", "Mon Apr 1 12:00:00 2014 Critical: ",
        "<111> Dec  1 12:00:00 esa01 ESA: Info: ", "<111>Dec  1 12:00:00 esa01 mail_logs: Mon Aug 10 10:00:24 2020 Info: ",
        "2019 Sep 28 16:13:51 mailgw01 mail [info] splunk_maillogs:nopid Info: ", "i Sep  8 10:11:12 2023 Info: ", "Thu Feb  1 08:32:59 c60 smail: ",
    ];

    private static readonly string[] Words =
    [
        "MID", "ICID", "DCID", "RID", "[0, 1]", "[", "]", "(", ")", "'", "\"", "<", ">", "From:", "To:", "Start", "Message", "done",
        "Delivery start", "Response", "Message 5 accepted", "quarantine", "\"Policy\"", "t=", "pending till", "Bounced:", "Delayed:",
        "-", " - ", "5.4.7", "Connection Error:", "domain:", "IP:", "port:", "details:", "interface:", "reason:", "TLS", "success",
        "failed:", "New", "SMTP", "CPQ", "address", "reverse dns host", "verified", "12345678901234567890", "0", "-1", ":", "\t", "  ",
        "was", "split", "creating", "generated", "based on", "rewritten to", "received from the SMA", "(MID originally", "released from",
        "RCID", "RPC", "EUQ:", "ISQ:", "Tagging", "LDAP:", "Reroute query", "address", "SDR:", "URL", "has reputation", "SHA", "filename",
        "File Name =", "MID =", "MID:", "Info:", "Warning:", "Mon Aug 10 10:00:24 2020", "Sep 28 16:13:51", "IncomingRelay(", "country",
        "SMTP Auth", "(ICID", "for user:", "alert was sent to", "with subject", "Internal SMTP", "Double bounce:", "Deleted:", "\r",
    ];

    private static byte[] RandomBytes(Random r, int max)
    {
        var b = new byte[r.Next(max)];
        r.NextBytes(b);
        // Bias towards the bytes that matter: newlines, CR, NUL, spaces, invalid UTF-8 lead bytes.
        for (int i = 0; i < b.Length; i++)
        {
            int k = r.Next(20);
            if (k == 0) b[i] = (byte)'\n';
            else if (k == 1) b[i] = (byte)'\r';
            else if (k == 2) b[i] = 0;
            else if (k == 3) b[i] = (byte)' ';
            else if (k == 4) b[i] = 0xC3;
        }
        return b;
    }

    private static string RandomLine(Random r)
    {
        var sb = new StringBuilder(Prefixes[r.Next(Prefixes.Length)]);
        int n = r.Next(12);
        for (int i = 0; i < n; i++)
        {
            sb.Append(Words[r.Next(Words.Length)]);
            if (r.Next(3) > 0) sb.Append(' ');
            if (r.Next(10) == 0) sb.Append(r.Next(100000));
        }
        return sb.ToString();
    }

    /// <summary>Reference model of the reader: split on LF, CR LF or a lone CR, skip blanks, join tails.</summary>
    private static List<byte[]> Model(byte[] input)
    {
        var result = new List<List<byte>>();
        int start = 0;
        for (int i = 0; i <= input.Length; i++)
        {
            if (i < input.Length && input[i] != (byte)'\n' && input[i] != (byte)'\r') continue;
            var phys = input[start..i];
            if (i < input.Length && input[i] == (byte)'\r' && i + 1 < input.Length && input[i + 1] == (byte)'\n') i++;
            start = i + 1;
            if (phys.Length == 0) continue;
            if (result.Count == 0 || MailLogParser.IsLineStart(phys)) result.Add([.. phys]);
            else
            {
                if (phys[0] != (byte)' ' && phys[0] != (byte)'\t') result[^1].Add((byte)' ');
                result[^1].AddRange(phys);
            }
        }
        return result.Select(l => l.ToArray()).ToList();
    }

    private static List<byte[]> Read(byte[] input, int chunk)
    {
        var lines = new List<byte[]>();
        using var reader = new LogicalLineReader(new LogicalLineReaderTests.TrickleStream(input, chunk));
        while (reader.TryRead(out var l)) lines.Add(l.Text.ToArray());
        return lines;
    }

    [Fact]
    public void Reader_matches_the_reference_model_on_random_bytes_and_random_lines()
    {
        for (int seed = 0; seed < 400; seed++)
        {
            var r = new Random(seed);
            byte[] input;
            if (seed % 2 == 0) input = RandomBytes(r, 3000);
            else
            {
                var sb = new StringBuilder();
                int lines = r.Next(30);
                for (int i = 0; i < lines; i++)
                {
                    var line = RandomLine(r);
                    // Wrap some lines at a space, like the seed file.
                    int sp = line.IndexOf(' ', Math.Min(line.Length - 1, 40));
                    if (r.Next(4) == 0 && sp > 0) line = line[..sp] + "\n" + line[(sp + 1)..];
                    sb.Append(line).Append(r.Next(5) switch { 0 => "\r\n", 1 => "\r", _ => "\n" });
                    if (r.Next(10) == 0) sb.Append('\n');
                }
                input = Encoding.UTF8.GetBytes(sb.ToString());
            }
            var expected = Model(input);
            var actual = Read(input, 1 + r.Next(700));
            Assert.True(expected.Count == actual.Count, $"seed {seed}: {expected.Count} vs {actual.Count} lines");
            for (int i = 0; i < expected.Count; i++)
                Assert.True(expected[i].AsSpan().SequenceEqual(actual[i]), $"seed {seed}, line {i}");
        }
    }

    [Fact]
    public void Parser_never_throws_and_explains_every_line_on_random_input()
    {
        var e = LogEvent.Empty;
        for (int seed = 0; seed < 3000; seed++)
        {
            var r = new Random(seed);
            byte[] line = seed % 3 == 0 ? RandomBytes(r, 400) : Encoding.UTF8.GetBytes(RandomLine(r));
            if (seed % 5 == 0 && line.Length > 0) line[r.Next(line.Length)] = (byte)r.Next(256); // corrupt one byte
            var ctx = new ParseContext(referenceTimeUtc: new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc));
            var type = MailLogParser.Parse(line, ctx, ref e);
            Assert.True(type == LineType.Unparsed || type.IsNote() ? e.UnparsedReason is not null : e.UnparsedReason is null, $"seed {seed}");
            AssertRangesInside(e, line.Length, seed);
            AssertJsonRoundTrips(line, e);
        }
    }

    [Theory]
    // Local times at the ends of the calendar that leave it once the offset is applied.
    [InlineData("Fri Dec 31 23:59:59 9999 Info: DCID 1 close", -3600, true)]
    [InlineData("Mon Jan  1 00:00:00 0001 Info: DCID 1 close", 3600, true)]
    [InlineData("<22>1 9999-12-31T23:59:59-05:00 esa01 mail_logs - - - Info: DCID 1 close", 0, true)]
    [InlineData("<22>1 0001-01-01T00:00:00+05:00 esa01 mail_logs - - - Info: DCID 1 close", 0, true)]
    // The line's own time is fine; the time it announces or mentions is not.
    [InlineData("Fri Dec 31 23:59:59 9999 Info: Time offset from UTC: -3600 seconds", 0, false)]
    [InlineData("Thu Dec 30 10:00:00 9999 Info: MID 1 to RID [0] pending till Fri Dec 31 23:59:59 9999 [Default]", -7200, false)]
    public void Times_beyond_the_calendar_are_unparsed_or_left_out_never_thrown(string line, int offset, bool unparsed)
    {
        var bytes = Encoding.UTF8.GetBytes(line);
        var e = LogEvent.Empty;
        var type = MailLogParser.Parse(bytes, new ParseContext(utcOffsetSeconds: offset), ref e);
        Assert.Equal(unparsed, type == LineType.Unparsed);
        Assert.True(e.UtcTicks == 0 || (e.UtcTicks > 0 && e.UtcTicks <= DateTime.MaxValue.Ticks));
        Assert.True(e.PendingTillUtcTicks <= DateTime.MaxValue.Ticks);
        using var doc = AssertJsonRoundTrips(bytes, e); // the writers can format every time the parser gives them
        _ = e.Timestamp;
    }

    [Fact]
    public void Every_truncation_of_every_corpus_line_parses_without_throwing()
    {
        var e = LogEvent.Empty;
        int classified = 0, total = 0;
        foreach (var name in Corpus.All)
        {
            foreach (var text in File.ReadLines(Corpus.Path(name)))
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                for (int cut = 0; cut <= bytes.Length; cut++)
                {
                    var part = bytes.AsSpan(0, cut);
                    MailLogParser.Parse(part, new ParseContext(), ref e);
                    AssertRangesInside(e, cut, cut);
                    total++;
                    if (e.Type != LineType.Unparsed) classified++;
                }
            }
        }
        Assert.True(classified > 0 && classified < total);
    }

    [Fact]
    public void Nul_bytes_and_invalid_utf8_in_values_are_kept_and_written_as_valid_json()
    {
        var prefix = Encoding.UTF8.GetBytes("Wed Nov 19 09:16:38 2014 Info: MID 7 Subject '");
        byte[] value = [(byte)'a', 0, (byte)'b', 0xFF, 0xFE, (byte)'c', 0xC3];
        var line = prefix.Concat(value).Concat("'"u8.ToArray()).ToArray();
        var e = LogEvent.Empty;
        Assert.Equal(LineType.MessageSubject, MailLogParser.Parse(line, new ParseContext(), ref e));
        Assert.True(e.Subject.Of(line).SequenceEqual(value));
        using var doc = AssertJsonRoundTrips(line, e);
        Assert.Equal("a\0b\uFFFD\uFFFDc\uFFFD", doc.RootElement.GetProperty("email").GetProperty("subject").GetString());
    }

    [Fact]
    public async Task One_megabyte_lines_parse_in_bounded_time()
    {
        var big = new string('x', 1_000_000);
        var cases = new[]
        {
            "Wed Nov 19 09:16:38 2014 Info: MID 7 Subject '" + big + "'",
            "Wed Nov 19 09:16:38 2014 Info: Connection Error: DCID 63 domain: " + big + " reason: x",
            "Wed Nov 19 09:16:38 2014 Info: MID 7 quarantined to \"" + big,
            "Wed Nov 19 09:16:38 2014 Info: MID 7 RID [" + string.Concat(Enumerable.Repeat("1, ", 300_000)) + "] Response 'x'",
            "Wed Nov 19 09:16:38 2014 Info: " + string.Concat(Enumerable.Repeat("(", 500_000)),
            big,
        };
        // A guard against quadratic behaviour, not a speed claim: each case takes milliseconds; 20 s means a hang.
        var work = Task.Run(() =>
        {
            var e = LogEvent.Empty;
            var types = new List<LineType>();
            foreach (var c in cases)
            {
                var bytes = Encoding.UTF8.GetBytes(c);
                MailLogParser.Parse(bytes, new ParseContext(), ref e);
                AssertRangesInside(e, bytes.Length, 0);
                types.Add(e.Type);
                var lines = Read(Encoding.UTF8.GetBytes(c + "\n" + c + "\n"), 65536);
                // Two copies are two lines when the line has a prefix; otherwise the second is a wrapped tail.
                Assert.Equal(MailLogParser.IsLineStart(bytes) ? 2 : 1, lines.Count);
            }
            return types;
        });
        var types = await work.WaitAsync(TimeSpan.FromSeconds(20)); // throws TimeoutException on a hang
        Assert.Equal(LineType.MessageSubject, types[0]);
        Assert.Equal(LineType.ConnectionError, types[1]);
        Assert.Equal(LineType.Quarantined, types[2]);
        Assert.Equal(LineType.DeliveryResponse, types[3]);
        Assert.Equal(LineType.Unparsed, types[4]);
        Assert.Equal(LineType.Unparsed, types[5]);
    }

    private static void AssertRangesInside(in LogEvent e, int length, int seed)
    {
        foreach (var r in new[]
                 {
                     e.Host, e.Tag, e.Body, e.Rids, e.From, e.To, e.MessageId, e.Subject, e.Name, e.Engine, e.Verdict, e.Score, e.Detail,
                     e.Quarantine, e.Reason, e.ListenerType, e.InterfaceName, e.InterfaceIp, e.RemoteIp, e.RemoteHost, e.Domain,
                     e.TlsProtocol, e.TlsCipher, e.TlsPeer, e.Error, e.Response, e.StatusCode, e.Version, e.Serial,
                     e.Url, e.Sha256, e.FileName, e.UserName, e.AuthMechanism, e.Country, e.Category, e.Helo, e.Target,
                 })
            Assert.True(r.Start >= 0 && r.Length >= 0 && r.Start + r.Length <= length, $"range {r} outside line of {length} (case {seed})");
    }

    private static JsonDocument AssertJsonRoundTrips(byte[] line, in LogEvent e)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, EventJsonWriter.Options))
            EventJsonWriter.Write(w, line, e, new EventOrigin("esa01", "x.log"), 1, 0);
        var doc = JsonDocument.Parse(buffer.WrittenMemory);
        Assert.Equal(Encoding.UTF8.GetString(line), doc.RootElement.GetProperty("message").GetString());
        Assert.Equal(e.Type.ActionName(), doc.RootElement.GetProperty("event").GetProperty("action").GetString());
        return doc;
    }
}

/// <summary>The allocation-free event emitter writes the same documents as the first (Utf8JsonWriter) implementation.</summary>
public class EventJsonEmitterTests
{
    private static readonly System.Text.Json.JsonWriterOptions Options = ReferenceEventJsonWriter.Options;

    private static (string Fast, string Reference) Both(byte[] line, in LogEvent e, string? id)
    {
        var fast = new System.Buffers.ArrayBufferWriter<byte>();
        EventJsonWriter.Write(fast, line, e, new EventOrigin("esa\"01", "/logs/x \\ y.log"), 3, 17, id is null ? default : Encoding.ASCII.GetBytes(id));
        var reference = new System.Buffers.ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(reference, Options))
            ReferenceEventJsonWriter.Write(w, line, e, new EventOrigin("esa\"01", "/logs/x \\ y.log"), 3, 17, id);
        return (Encoding.UTF8.GetString(fast.WrittenSpan), Encoding.UTF8.GetString(reference.WrittenSpan));
    }

    private static void AssertSameDocument(string fast, string reference, string context)
    {
        using var a = JsonDocument.Parse(fast);
        using var b = JsonDocument.Parse(reference);
        Assert.True(JsonElement.DeepEquals(a.RootElement, b.RootElement), $"{context}\nfast:      {fast}\nreference: {reference}");
    }

    [Fact]
    public void Every_corpus_line_gives_the_same_document()
    {
        var e = LogEvent.Empty;
        int n = 0;
        foreach (var name in Corpus.All)
        {
            var ctx = new ParseContext();
            foreach (var text in File.ReadLines(Corpus.Path(name)))
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                MailLogParser.Parse(bytes, ctx, ref e);
                var (fast, reference) = Both(bytes, e, n % 3 == 0 ? null : $"0123456789abcdef-{n}");
                AssertSameDocument(fast, reference, text);
                n++;
            }
        }
        Assert.True(n > 1000);
    }

    [Fact]
    public void Every_real_world_line_gives_the_same_document()
    {
        var e = LogEvent.Empty;
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var row in RealWorldLineTests.Rows)
        {
            var bytes = Encoding.UTF8.GetBytes(RealWorldLineTests.Complete(row.Line));
            MailLogParser.Parse(bytes, ctx, ref e);
            var (fast, reference) = Both(bytes, e, "0123456789abcdef");
            AssertSameDocument(fast, reference, row.Line);
            using var doc = JsonDocument.Parse(fast);
            Collect(doc.RootElement, "", seen);
            // No field the parser read is dropped by the writer: each one is some value of the document.
            var values = new HashSet<string>(StringComparer.Ordinal);
            foreach (var p in doc.RootElement.EnumerateObject()) if (p.Name != "message") Values(p.Value, values); // not the raw line
            foreach (var (name, range) in Ranges(e))
                if (range.HasValue && name is not ("Body" or "Rids")) // the body is the message; the RIDs a number list
                    Assert.True(values.Contains(range.ToString(bytes)!), $"{name} '{range.ToString(bytes)}' is not in the document of: {row.Line}");
        }
        // The new fields are written somewhere in these lines (so the comparison is not vacuous for them).
        foreach (var path in new[] { "rcid", "url.full", "file.name", "file.hash.sha256", "user.name", "source.geo.country_name",
                     "esa.category", "esa.helo", "esa.target", "esa.auth_mechanism", "esa.score", "esa.sbrs", "esa.policy" })
            Assert.Contains(path, seen);
    }

    private static IEnumerable<(string, TextRange)> Ranges(LogEvent e) =>
        typeof(LogEvent).GetFields().Where(f => f.FieldType == typeof(TextRange)).Select(f => (f.Name, (TextRange)f.GetValue(e)!));

    private static void Values(JsonElement e, HashSet<string> into)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object: foreach (var p in e.EnumerateObject()) Values(p.Value, into); break;
            case JsonValueKind.Array: foreach (var v in e.EnumerateArray()) Values(v, into); break;
            case JsonValueKind.String: into.Add(e.GetString()!); break;
        }
    }

    private static void Collect(JsonElement obj, string prefix, HashSet<string> into)
    {
        foreach (var p in obj.EnumerateObject())
        {
            if (p.Value.ValueKind == JsonValueKind.Object) Collect(p.Value, prefix + p.Name + ".", into);
            else into.Add(prefix + p.Name);
        }
    }

    [Fact]
    public void Hostile_values_give_the_same_document()
    {
        var e = LogEvent.Empty;
        var r = new Random(11);
        for (int i = 0; i < 3000; i++)
        {
            var value = new byte[r.Next(60)];
            r.NextBytes(value);
            var prefix = i % 2 == 0 ? "Wed Nov 19 09:16:38 2014 Info: MID 7 Subject '"u8.ToArray() : "Wed Nov 19 09:16:38.5 2014 Info: ICID 4 TLS failed: "u8.ToArray();
            var line = prefix.Concat(value).ToArray();
            MailLogParser.Parse(line, new ParseContext(), ref e);
            var (fast, reference) = Both(line, e, "feedfacecafebeef");
            AssertSameDocument(fast, reference, $"case {i}");
        }
    }
}
