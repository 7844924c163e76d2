using System.Text;

namespace Pipeline.MailLogs.Tests;

public class LogicalLineReaderTests
{
    /// <summary>A stream that hands out at most <c>chunk</c> bytes per read, to cross every buffer boundary.</summary>
    internal sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));
        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);
    }

    internal static List<(string Text, long Line, int Physical, int Piece, long Offset)> ReadAll(Stream s, int max = LogicalLineReader.DefaultMaxLineBytes)
    {
        var result = new List<(string, long, int, int, long)>();
        using var reader = new LogicalLineReader(s, max);
        while (reader.TryRead(out var line))
            result.Add((Encoding.UTF8.GetString(line.Text), line.LineNumber, line.PhysicalLines, line.Piece, line.Offset));
        return result;
    }

    private static List<string> Texts(string input, int chunk = 1 << 20) =>
        ReadAll(new TrickleStream(Encoding.UTF8.GetBytes(input), chunk)).Select(l => l.Text).ToList();

    private const string A = "Wed Nov 19 09:16:38 2014 Info: ";

    [Fact]
    public void Tails_are_joined_with_one_space_and_embedded_newlines_keep_their_blank()
    {
        var input = A + "DCID 1 TLS success protocol TLSv1 cipher RC4-SHA\nthe.cpq.host\n" + A + "X\n  indented continuation\n" + A + "Y\n";
        Assert.Equal([A + "DCID 1 TLS success protocol TLSv1 cipher RC4-SHA the.cpq.host", A + "X  indented continuation", A + "Y"], Texts(input));
    }

    [Fact]
    public void Crlf_blank_lines_and_a_missing_final_newline()
    {
        using var reader = new LogicalLineReader(new MemoryStream(Encoding.UTF8.GetBytes(A + "1\r\n\r\n\n" + A + "2\r\nwrapped\r\n" + A + "3")));
        var lines = new List<string>();
        while (reader.TryRead(out var l)) lines.Add(Encoding.UTF8.GetString(l.Text));
        Assert.Equal([A + "1", A + "2 wrapped", A + "3"], lines);
        Assert.Equal(6, reader.PhysicalLines);
        Assert.Equal(2, reader.BlankLines);
        Assert.Equal(1, reader.WrappedLines);
        Assert.Equal(3, reader.LogicalLines);
    }

    [Fact]
    public void A_tail_at_the_start_of_a_stream_is_kept_as_its_own_line()
    {
        Assert.Equal(["orphan tail more", A + "1"], Texts("orphan tail\nmore\n" + A + "1\n"));
    }

    [Fact]
    public void Line_numbers_and_offsets_point_at_the_first_physical_line()
    {
        var input = A + "1\nwrap\n\n" + A + "2\n";
        var lines = ReadAll(new MemoryStream(Encoding.UTF8.GetBytes(input)));
        Assert.Equal((1L, 2, 0L), (lines[0].Line, lines[0].Physical, lines[0].Offset));
        Assert.Equal((4L, 1, (long)Encoding.UTF8.GetByteCount(A + "1\nwrap\n\n")), (lines[1].Line, lines[1].Physical, lines[1].Offset));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public void Reading_in_small_pieces_gives_the_same_lines(int chunk)
    {
        foreach (var name in Corpus.All)
        {
            var bytes = File.ReadAllBytes(Corpus.Path(name));
            var whole = ReadAll(new MemoryStream(bytes));
            var trickled = ReadAll(new TrickleStream(bytes, chunk));
            Assert.Equal(whole, trickled);
        }
    }

    [Fact]
    public void Over_long_lines_are_cut_into_pieces_and_nothing_is_lost()
    {
        var longLine = A + new string('x', 250);
        var input = A + "before\n" + longLine + "\n" + A + "after\n";
        var lines = ReadAll(new TrickleStream(Encoding.UTF8.GetBytes(input), 13), max: 100);
        Assert.Equal(A + "before", lines[0].Text);
        Assert.Equal(longLine, string.Concat(lines.Skip(1).Take(lines.Count - 2).Select(l => l.Text)));
        Assert.Equal([1, 2, 3], lines.Skip(1).Take(lines.Count - 2).Select(l => l.Piece));
        Assert.All(lines.Skip(1).Take(lines.Count - 2), l => Assert.Equal(2, l.Line));
        Assert.Equal((A + "after", 0), (lines[^1].Text, lines[^1].Piece));
    }

    [Fact]
    public void Pieces_after_the_first_become_unparsed_events()
    {
        var longLine = A + "MID 5 Subject '" + new string('s', 300) + "'";
        using var stream = new MailLogStream(new MemoryStream(Encoding.UTF8.GetBytes(longLine + "\n")), new ParseContext(), maxLineBytes: 128);
        var e = LogEvent.Empty;
        var types = new List<(LineType, string?)>();
        while (stream.TryRead(out _, ref e)) types.Add((e.Type, e.UnparsedReason));
        Assert.Equal((LineType.MessageSubject, null), types[0]);
        Assert.All(types.Skip(1), t => Assert.Equal((LineType.Unparsed, UnparsedReasons.LineTooLong), t));
        Assert.Equal(3, types.Count);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(65536)]
    public void Each_file_section_takes_its_offset_from_its_own_header_block(int chunk)
    {
        // Two rotated files concatenated: UTC-6, then UTC+9. "Begin Logfile" and "Version:" precede each offset header.
        var text = "Wed Nov 19 09:16:46 2014 Info: Begin Logfile\n" +
                   "Wed Nov 19 09:16:46 2014 Info: Version: 7.6.3-019 SN: X\n" +
                   "Wed Nov 19 09:16:46 2014 Info: Time offset from UTC: -21600 seconds\n" +
                   "Wed Nov 19 09:16:47 2014 Info: DCID 1 close\n" +
                   "Thu Nov 20 09:00:00 2014 Info: Begin Logfile\n" +
                   "Thu Nov 20 09:00:00 2014 Info: Version: 7.6.3-019 SN: Y\n" +
                   "Thu Nov 20 09:00:00 2014 Info: Time offset from UTC: 32400 seconds\n" +
                   "Thu Nov 20 09:00:01 2014 Info: DCID 2 close\n";
        using var stream = new MailLogStream(new TrickleStream(Encoding.UTF8.GetBytes(text), chunk), new ParseContext());
        var e = LogEvent.Empty;
        var times = new List<DateTime?>();
        var texts = new List<string>();
        while (stream.TryRead(out var line, ref e))
        {
            times.Add(e.Timestamp);
            texts.Add(Encoding.UTF8.GetString(line.Text));
        }
        var utcMinus6 = new DateTime(2014, 11, 19, 15, 16, 46, DateTimeKind.Utc);
        var utcPlus9 = new DateTime(2014, 11, 20, 0, 0, 0, DateTimeKind.Utc);
        Assert.Equal([utcMinus6, utcMinus6, utcMinus6, utcMinus6.AddSeconds(1), utcPlus9, utcPlus9, utcPlus9, utcPlus9.AddSeconds(1)], times);
        Assert.Equal(text.TrimEnd('\n').Split('\n'), texts); // the look-ahead changed none of the lines
    }

    [Fact]
    public void Looking_ahead_for_offset_headers_keeps_the_buffers_bounded()
    {
        // 40 rotated files of ~300 KB concatenated: each "Begin Logfile" makes the reader look ahead.
        var sb = new StringBuilder();
        for (int f = 0; f < 40; f++)
        {
            sb.Append("Wed Nov 19 09:16:46 2014 Info: Begin Logfile\n")
              .Append("Wed Nov 19 09:16:46 2014 Info: Version: 7.6.3-019 SN: X\n")
              .Append("Wed Nov 19 09:16:46 2014 Info: Time offset from UTC: -21600 seconds\n");
            for (int i = 0; i < 6000; i++) sb.Append("Wed Nov 19 09:16:47 2014 Info: MID ").Append(i).Append(" queued for delivery\n");
        }
        var bytes = Encoding.UTF8.GetBytes(sb.ToString());
        using var stream = new MailLogStream(new MemoryStream(bytes), new ParseContext());
        var e = LogEvent.Empty;
        long lines = 0;
        while (stream.TryRead(out _, ref e))
        {
            lines++;
            Assert.Equal(new DateTime(2014, 11, 19, 15, 16, e.Type == LineType.MessageQueued ? 47 : 46, DateTimeKind.Utc), e.Timestamp);
        }
        Assert.Equal(40 * 6003, lines);
        Assert.True(bytes.Length > 10_000_000);
        Assert.InRange(stream.Reader.BufferBytes, 1, 3 * 1024 * 1024);
    }

    [Fact]
    public void A_tail_that_would_overflow_the_limit_starts_a_new_line()
    {
        var lines = ReadAll(new MemoryStream(Encoding.UTF8.GetBytes(A + "12345\n" + new string('t', 80) + "\n")), max: 100);
        Assert.Equal([A + "12345", new string('t', 80)], lines.Select(l => l.Text));
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public void A_run_of_blank_lines_after_a_line_does_not_grow_the_buffer(string blank)
    {
        // 16 MB of blank lines between two lines: only the pending line and the unread bytes are kept.
        var head = Encoding.UTF8.GetBytes(A + "1\n");
        var blanks = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(blank, (16 << 20) / blank.Length)));
        var tail = Encoding.UTF8.GetBytes(A + "2\nwrapped\n");
        byte[] bytes = [.. head, .. blanks, .. tail];
        using var reader = new LogicalLineReader(new MemoryStream(bytes));
        var lines = new List<(string, long, long)>();
        while (reader.TryRead(out var l)) lines.Add((Encoding.UTF8.GetString(l.Text), l.LineNumber, l.Offset));
        Assert.Equal([(A + "1", 1L, 0L), (A + "2 wrapped", 2L + blanks.Length / blank.Length, (long)(head.Length + blanks.Length))], lines);
        Assert.Equal(bytes.Length, reader.BytesRead);
        Assert.InRange(reader.BufferBytes, 1, 2 * 1024 * 1024);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(65536)]
    public void An_offset_header_right_after_begin_logfile_rebases_the_begin_line(int chunk)
    {
        var text = "Wed Nov 19 09:16:46 2014 Info: Begin Logfile\n" +
                   "Wed Nov 19 09:16:46 2014 Info: Time offset from UTC: -21600 seconds\n" +
                   "Wed Nov 19 09:16:47 2014 Info: DCID 1 close\n";
        using var stream = new MailLogStream(new TrickleStream(Encoding.UTF8.GetBytes(text), chunk), new ParseContext());
        var e = LogEvent.Empty;
        var times = new List<DateTime?>();
        while (stream.TryRead(out _, ref e)) times.Add(e.Timestamp);
        var utc = new DateTime(2014, 11, 19, 15, 16, 46, DateTimeKind.Utc);
        Assert.Equal([utc, utc, utc.AddSeconds(1)], times);
    }

    [Fact]
    public void Header_wording_inside_a_message_line_is_not_an_offset_header()
    {
        // A subject that quotes the header must not move the clock of the whole file.
        var text = "Wed Nov 19 09:16:46 2014 Info: Begin Logfile\n" +
                   "Wed Nov 19 09:16:46 2014 Info: Version: 7.6.3-019 SN: X\n" +
                   "Wed Nov 19 09:16:46 2014 Info: MID 1 Subject 'Time offset from UTC: 36000 seconds'\n" +
                   "Wed Nov 19 09:16:47 2014 Info: DCID 1 close\n";
        using var stream = new MailLogStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), new ParseContext(utcOffsetSeconds: 0));
        var e = LogEvent.Empty;
        var times = new List<DateTime?>();
        while (stream.TryRead(out _, ref e)) times.Add(e.Timestamp);
        var t = new DateTime(2014, 11, 19, 9, 16, 46, DateTimeKind.Utc);
        Assert.Equal([t, t, t, t.AddSeconds(1)], times);
        Assert.Equal(0, stream.Context.UtcOffsetSeconds);
    }

    [Fact]
    public void A_line_with_its_own_level_marker_after_a_wrapped_line_is_a_record_of_its_own()
    {
        var input = A + "Delivery start DCID 1 MID 2 to RID [0] to Centralized\nPolicy Quarantine\n"
                    + "mail_logs: Info: MID 3 queued for delivery\n"     // a level marker near the start: a record
                    + "i Sep  8 10:11:12 2023 Info: MID 4 ICID 4 From: <a@b.example>\n" // a cut-off start: a record
                    + "<111> Dec  1 12:00:00 esa01 ESA: Info: MID 5 queued for delivery\n"
                    + "2019 Sep 28 16:13:51 mailgw01 mail [info] splunk_maillogs:nopid Info: MID 6 queued for delivery\n"
                    + "tail of the relay line\n";
        Assert.Equal(
        [
            A + "Delivery start DCID 1 MID 2 to RID [0] to Centralized Policy Quarantine",
            "mail_logs: Info: MID 3 queued for delivery",
            "i Sep  8 10:11:12 2023 Info: MID 4 ICID 4 From: <a@b.example>",
            "<111> Dec  1 12:00:00 esa01 ESA: Info: MID 5 queued for delivery",
            "2019 Sep 28 16:13:51 mailgw01 mail [info] splunk_maillogs:nopid Info: MID 6 queued for delivery tail of the relay line",
        ], Texts(input));
    }

    [Fact]
    public void A_marker_bearing_line_that_no_envelope_reads_is_unparsed_with_unknown_envelope_never_glued()
    {
        var text = A + "DCID 1 TLS success protocol TLSv1 cipher RC4-SHA\nthe.cpq.host\nesa01 Warning: something odd\n";
        using var stream = new MailLogStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), new ParseContext());
        var e = LogEvent.Empty;
        var got = new List<(LineType, string?, string)>();
        while (stream.TryRead(out var line, ref e)) got.Add((e.Type, e.UnparsedReason, Encoding.UTF8.GetString(line.Text)));
        Assert.Equal(
        [
            (LineType.DcidTlsSuccess, null, A + "DCID 1 TLS success protocol TLSv1 cipher RC4-SHA the.cpq.host"),
            (LineType.Unparsed, "unknown envelope", "esa01 Warning: something odd"),
        ], got);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(65536)]
    public void Old_mac_and_mixed_line_endings_are_read_as_lines(int chunk)
    {
        // CR only, then a mix of CR, LF and CR LF; a CR LF split across reads is one ending, not a blank line.
        var crOnly = A + "1\r" + A + "2\rwrapped\r\r" + A + "3\r";
        Assert.Equal([A + "1", A + "2 wrapped", A + "3"], Texts(crOnly, chunk));
        var mixed = A + "1\r\n" + A + "2\r" + A + "3\n" + A + "4\r\nwrapped\r" + A + "5";
        Assert.Equal([A + "1", A + "2", A + "3", A + "4 wrapped", A + "5"], Texts(mixed, chunk));

        using var reader = new LogicalLineReader(new TrickleStream(Encoding.UTF8.GetBytes(crOnly), chunk));
        var lines = new List<(long, long)>();
        while (reader.TryRead(out var l)) lines.Add((l.LineNumber, l.Offset));
        Assert.Equal([(1L, 0L), (2L, (long)(A.Length + 2)), (5L, (long)(2 * A.Length + 4 + "wrapped\r\r".Length))], lines);
        Assert.Equal(5, reader.PhysicalLines); // 1, 2, wrapped, the blank line, 3
        Assert.Equal(1, reader.BlankLines);
        Assert.Equal(Encoding.UTF8.GetByteCount(crOnly), reader.BytesRead);
    }

    [Fact]
    public void A_file_with_cr_endings_still_takes_its_offset_from_its_header_block()
    {
        var text = "Wed Nov 19 09:16:46 2014 Info: Begin Logfile\r" +
                   "Wed Nov 19 09:16:46 2014 Info: Time offset from UTC: -21600 seconds\r" +
                   "Wed Nov 19 09:16:47 2014 Info: DCID 1 close\r";
        using var stream = new MailLogStream(new MemoryStream(Encoding.UTF8.GetBytes(text)), new ParseContext());
        var e = LogEvent.Empty;
        var times = new List<DateTime?>();
        while (stream.TryRead(out _, ref e)) times.Add(e.Timestamp);
        var utc = new DateTime(2014, 11, 19, 15, 16, 46, DateTimeKind.Utc);
        Assert.Equal([utc, utc, utc.AddSeconds(1)], times);
    }
}
