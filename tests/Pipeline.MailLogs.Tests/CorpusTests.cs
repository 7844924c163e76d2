using System.Text;
using System.Text.RegularExpressions;

namespace Pipeline.MailLogs.Tests;

/// <summary>The real lines of ../shared/corpus, as they are. Expected counts come from plain text searches of the files.</summary>
public class CorpusTests
{
    private sealed record Row(string Text, LogEvent Event, long LineNumber, int PhysicalLines)
    {
        public byte[] Bytes => Encoding.UTF8.GetBytes(Text);
    }

    private static List<Row> Read(string name, out LogicalLineReader counters)
    {
        var rows = new List<Row>();
        var stream = new MailLogStream(File.OpenRead(Corpus.Path(name)), new ParseContext());
        var e = LogEvent.Empty;
        while (stream.TryRead(out var line, ref e))
            rows.Add(new Row(Encoding.UTF8.GetString(line.Text), e, line.LineNumber, line.PhysicalLines));
        counters = stream.Reader;
        stream.Dispose();
        return rows;
    }

    [Theory]
    [InlineData(Corpus.MailText)]
    [InlineData(Corpus.Syslog)]
    [InlineData(Corpus.Seed)]
    public void Every_line_is_classified_with_a_time(string name)
    {
        var rows = Read(name, out _);
        var unparsed = rows.Where(r => r.Event.Type == LineType.Unparsed).Select(r => r.Text).ToList();
        Assert.True(unparsed.Count == 0, "unparsed:\n" + string.Join("\n", unparsed));
        Assert.All(rows, r => Assert.True(r.Event.UtcTicks > 0, r.Text));
        Assert.All(rows, r => Assert.Equal(MailLogLevel.Info, r.Event.Level));
    }

    [Fact]
    public void Seed_file_11_physical_lines_make_8_logical_lines_with_the_tails_joined()
    {
        var rows = Read(Corpus.Seed, out var reader);
        Assert.Equal(11, reader.PhysicalLines);
        Assert.Equal(8, rows.Count);
        Assert.Equal(3, reader.WrappedLines);
        Assert.Equal("Fri Sep 13 15:08:02 2013 Info: DCID 12345 TLS success protocol TLSv1 cipher RC4-SHA the.cpq.host", rows[4].Text);
        Assert.Equal("Fri Sep 13 15:08:02 2013 Info: Delivery start DCID 12345 MID 23456 to RID [0] to Centralized Policy Quarantine", rows[5].Text);
        Assert.Equal("Fri Sep 13 15:08:02 2013 Info: Message done DCID 12345 MID 23456 to RID [0] (centralized policy quarantine)", rows[6].Text);
        Assert.Equal([1L, 2, 3, 4, 5, 7, 9, 11], rows.Select(r => r.LineNumber));
        Assert.Equal([1, 1, 1, 1, 2, 2, 2, 1], rows.Select(r => r.PhysicalLines));

        var tls = rows[4];
        Assert.Equal(LineType.DcidTlsSuccess, tls.Event.Type);
        Assert.Equal("the.cpq.host", tls.Event.TlsPeer.ToString(tls.Bytes));
        Assert.Equal("RC4-SHA", tls.Event.TlsCipher.ToString(tls.Bytes));
        Assert.Equal(QuarantineDestination.CentralizedPolicy, rows[5].Event.Destination);
        Assert.Equal(23456, rows[5].Event.Mid);
        Assert.Equal(QuarantineDestination.CentralizedPolicy, rows[6].Event.Destination);
        Assert.Equal(LineType.DcidTlsFailed, rows[1].Event.Type);
        Assert.Equal("verify error: no certificate from server", rows[1].Event.Error.ToString(rows[1].Bytes));
        Assert.Equal(LineType.DcidTlsRequiredFailed, rows[2].Event.Type);
        Assert.Equal(7025, rows[3].Event.Port);
    }

    public static TheoryData<string, string> CountedWordings => new()
    {
        { "Message finished MID ", "message_finished" },
        { "Start MID ", "message_start" },
        { "Delivery start DCID ", "delivery_start" },
        { "Message done DCID ", "message_done" },
        { "Message aborted MID ", "message_aborted" },
        { "was generated based on MID ", "mid_generated" },
        { "was split creating MID ", "mid_split" },
        { "New SMTP ICID ", "icid_new" },
        { "New SMTP DCID ", "dcid_new" },
        { " queued for delivery", "message_queued" },
        { " Response '", "delivery_response" },
        { " Message-ID ", "message_id_header" },
        { " Subject ", "message_subject" },
        { " attachment '", "message_attachment" },
        { "ISQ: Tagging MID ", "spam_quarantine_tag" },
    };

    [Theory]
    [MemberData(nameof(CountedWordings))]
    public void Counts_per_type_match_a_plain_text_count(string wording, string action)
    {
        int expected = File.ReadLines(Corpus.Path(Corpus.MailText)).Count(l => l.Contains(wording, StringComparison.Ordinal));
        int actual = Read(Corpus.MailText, out _).Count(r => r.Event.Type.ActionName() == action);
        Assert.True(expected > 0);
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Mids_and_off_box_quarantine_hand_offs_match_the_text()
    {
        var rows = Read(Corpus.MailText, out _);
        // Every "MID n" in the text is the event's MID (first one named) or an edge's other end.
        foreach (var r in rows)
        {
            var mids = Regex.Matches(r.Text, @"MID (\d+)").Select(m => long.Parse(m.Groups[1].Value)).ToList();
            if (mids.Count == 0) continue;
            Assert.Equal(mids[0], r.Event.Mid);
            if (mids.Count == 2) Assert.Contains(mids[1], new[] { r.Event.ParentMid, r.Event.ChildMid });
        }
        // The SMA's MID from "Message N accepted".
        var expected = File.ReadLines(Corpus.Path(Corpus.MailText))
            .Select(l => Regex.Match(l, @"MID (\d+) RID \[0\] Response 'ok:  Message (\d+) accepted'"))
            .Where(m => m.Success).Select(m => (long.Parse(m.Groups[1].Value), long.Parse(m.Groups[2].Value))).ToList();
        var actual = rows.Where(r => r.Event.AcceptedMid >= 0).Select(r => (r.Event.Mid, r.Event.AcceptedMid)).ToList();
        Assert.Equal(7, expected.Count);
        Assert.Equal(expected, actual);
        Assert.Contains((24611414L, 30631618L), actual);
        // Those hand-offs are "(external quarantine)" deliveries.
        var external = rows.Where(r => r.Event.Destination == QuarantineDestination.ExternalSpam).Select(r => r.Event.Mid).ToHashSet();
        Assert.Equal(File.ReadLines(Corpus.Path(Corpus.MailText)).Count(l => l.Contains("(external quarantine)")), external.Count);
        Assert.All(actual, a => Assert.Contains(a.Mid, external));
    }

    [Fact]
    public void Mail_text_times_are_made_utc_from_the_files_own_offset_header()
    {
        var rows = Read(Corpus.MailText, out _);
        Assert.Equal(LineType.TimeOffset, rows[2].Event.Type);
        // "Wed Nov 19 09:16:38 2014" at UTC-6 is 15:16:38Z; the Message-IDs of the same minute carry epoch
        // milliseconds 1416410152132 = 2014-11-19T15:15:52Z, which confirms the direction.
        // The header lines before the offset header are in UTC too: the reader looks ahead for the offset.
        Assert.All(rows.Take(3), r => Assert.Equal(new DateTime(2014, 11, 19, 15, 16, 46, DateTimeKind.Utc), r.Event.Timestamp));
        var first = rows[3];
        Assert.StartsWith("Wed Nov 19 09:16:38 2014", first.Text);
        Assert.Equal(new DateTime(2014, 11, 19, 15, 16, 38, DateTimeKind.Utc), first.Event.Timestamp);
    }

    [Fact]
    public void Syslog_examples_carry_host_tag_and_multi_recipient_lists()
    {
        var rows = Read(Corpus.Syslog, out _);
        Assert.All(rows, r => Assert.Equal("mx07.lnh.mail.rcn.net", r.Event.Host.ToString(r.Bytes)));
        Assert.All(rows, r => Assert.Equal("syslog_mail", r.Event.Tag.ToString(r.Bytes)));
        var done = rows.Single(r => r.Event.Type == LineType.MessageDone);
        var rids = new List<long>();
        foreach (var rid in done.Event.RidList(done.Bytes)) rids.Add(rid);
        Assert.Equal([0L, 1, 2, 3, 4, 5], rids);
        var response = rows.Single(r => r.Event.Type == LineType.DeliveryResponse);
        Assert.Equal("CRR09734 Message accepted for delivery", response.Event.Response.ToString(response.Bytes));
        Assert.Equal(-1, response.Event.AcceptedMid);
    }
}
