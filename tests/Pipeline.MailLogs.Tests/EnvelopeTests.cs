using System.Text;

namespace Pipeline.MailLogs.Tests;

public class EnvelopeTests
{
    [Theory]
    [InlineData("Mon Apr 1 12:00:00 2014 Info: DCID 123456 close", "2014-04-01T12:00:00Z")]
    [InlineData("Wed Sep  6 13:13:16 2023 Debug: DCID 14 close", "2023-09-06T13:13:16Z")]
    [InlineData("Wed Sep 6 13:13:16 2023 Debug: DCID 14 close", "2023-09-06T13:13:16Z")]
    [InlineData("Fri Sep 13 15:08:02 2013 Info: DCID 12345 close", "2013-09-13T15:08:02Z")]
    public void File_format_with_padded_or_collapsed_day(string line, string utc)
    {
        var p = new Parsed(line);
        Assert.Equal("dcid_close", p.Field("action"));
        Assert.Equal(EnvelopeKind.File, p.Event.Envelope);
        Assert.Equal(utc, p.Field("time"));
    }

    [Theory]
    [InlineData("Wed Nov 19 09:16:38 2014 Info: DCID 1 close", "Info")]
    [InlineData("Wed Nov 19 09:16:38 2014 Warning: DCID 1 close", "Warning")]
    [InlineData("Wed Nov 19 09:16:38 2014 Critical: DCID 1 close", "Critical")]
    [InlineData("Wed Nov 19 09:16:38 2014 Debug: DCID 1 close", "Debug")]
    [InlineData("Wed Nov 19 09:16:38 2014 Trace: DCID 1 close", "Trace")]
    public void Levels(string line, string level) => Assert.Equal(level, new Parsed(line).Field("level"));

    [Fact]
    public void Syslog_without_host_or_year_takes_the_year_from_the_reference_time()
    {
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2026, 3, 18, 0, 0, 0, DateTimeKind.Utc));
        var p = new Parsed("<166>Mar 17 18:24:37 mail_logs: Info: Start MID 6 ICID 5", ctx);
        p.AssertFields("action=message_start;mid=6;icid=5;host=-;tag=mail_logs;time=2026-03-17T18:24:37Z;envelope=Syslog3164;level=Info");
    }

    [Fact]
    public void Syslog_with_pri_host_and_tag()
    {
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2025, 11, 25, 0, 0, 0, DateTimeKind.Utc));
        new Parsed("<94>Nov 24 14:22:57 esa01.example.net mail_logs: Info: Start MID 204841507 ICID 146047847", ctx)
            .AssertFields("action=message_start;mid=204841507;icid=146047847;host=esa01.example.net;tag=mail_logs;time=2025-11-24T14:22:57Z");
    }

    [Fact]
    public void Syslog_with_year_host_and_custom_subscription_tag()
    {
        new Parsed("Oct 19 06:33:29 2011 mx07.example.net syslog_mail: Info: Start MID 1416566008 ICID 2106327026")
            .AssertFields("action=message_start;host=mx07.example.net;tag=syslog_mail;time=2011-10-19T06:33:29Z;envelope=Syslog3164");
    }

    [Fact]
    public void Syslog_with_ip_host_and_padded_day()
    {
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2024, 8, 3, 0, 0, 0, DateTimeKind.Utc));
        new Parsed("Aug  2 23:59:52 10.0.1.1 MAIL_SecurityAudit: Info: MID 308049623 using engine: SPF Verdict Cache using cached verdict", ctx)
            .AssertFields("action=engine_verdict;mid=308049623;host=10.0.1.1;tag=MAIL_SecurityAudit;time=2024-08-02T23:59:52Z;engine=SPF");
    }

    [Fact]
    public void Syslog_host_without_tag()
    {
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2024, 8, 3, 0, 0, 0, DateTimeKind.Utc));
        new Parsed("Aug  2 23:59:52 esa02 Info: DCID 4 close", ctx).AssertFields("action=dcid_close;host=esa02;tag=-");
    }

    [Fact]
    public void Rfc5424_with_offset_and_fraction()
    {
        new Parsed("<134>1 2026-03-10T09:00:00.123+01:00 esa01.example.net mail_logs - - - Info: Start MID 1 ICID 2")
            .AssertFields("action=message_start;mid=1;icid=2;host=esa01.example.net;tag=mail_logs;envelope=Syslog5424;level=Info");
        var e = new Parsed("<134>1 2026-03-10T09:00:00.123+01:00 esa01 mail_logs - - - Info: Start MID 1 ICID 2").Event;
        Assert.Equal(new DateTime(2026, 3, 10, 8, 0, 0, 123, DateTimeKind.Utc).Ticks, e.UtcTicks);
    }

    [Fact]
    public void Rfc5424_with_structured_data_bom_and_repeated_tag()
    {
        new Parsed("<134>1 2026-03-10T09:00:00Z esa01 - 1234 ID47 [meta sequenceId=\"1\" note=\"a \\] b\"][x y=\"z\"] \uFEFFmail_logs: Info: DCID 9 close")
            .AssertFields("action=dcid_close;dcid=9;host=esa01;tag=mail_logs;time=2026-03-10T09:00:00Z");
    }

    [Fact]
    public void Time_offset_header_makes_the_following_lines_utc_and_the_configured_offset_is_the_default()
    {
        var ctx = new ParseContext(utcOffsetSeconds: 3600);
        // Before any header the configured offset applies (local 10:00 at UTC+1 = 09:00Z).
        new Parsed("Wed Nov 19 10:00:00 2014 Info: DCID 1 close", ctx).AssertFields("time=2014-11-19T09:00:00Z");
        var header = new Parsed("Wed Nov 19 09:16:46 2014 Info: Time offset from UTC: -21600 seconds", ctx);
        header.AssertFields("action=time_offset;utc_offset=-21600;time=2014-11-19T15:16:46Z");
        Assert.Equal(-21600, ctx.UtcOffsetSeconds);
        new Parsed("Wed Nov 19 09:16:38 2014 Info: Start MID 24611417 ICID 60140120", ctx).AssertFields("time=2014-11-19T15:16:38Z");
        // pending till is appliance-local too.
        new Parsed("Wed Nov 19 09:16:38 2014 Info: MID 3 to RID [0] pending till Wed Nov 19 09:46:38 2014 [Default]", ctx)
            .AssertFields("pending_till=2014-11-19T15:46:38Z");
    }

    [Fact]
    public void Version_header_sets_the_identity()
    {
        var ctx = new ParseContext();
        new Parsed("Wed Nov 19 09:16:46 2014 Info: Version: 7.6.3-019 SN: 420D4FEA709365BFB3E3-0AF2EE5E700E", ctx);
        Assert.Equal("7.6.3-019", ctx.Version);
        Assert.Equal("420D4FEA709365BFB3E3-0AF2EE5E700E", ctx.Serial);
    }

    [Fact]
    public void Year_less_times_roll_over_at_new_year()
    {
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2027, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        new Parsed("<22>Dec 31 23:59:58 esa01 mail_logs: Info: DCID 1 close", ctx).AssertFields("time=2026-12-31T23:59:58Z");
        new Parsed("<22>Dec 31 23:59:59 esa01 mail_logs: Info: DCID 2 close", ctx).AssertFields("time=2026-12-31T23:59:59Z");
        new Parsed("<22>Jan  1 00:00:01 esa01 mail_logs: Info: DCID 3 close", ctx).AssertFields("time=2027-01-01T00:00:01Z");
        // A late line from the old year after the rollover stays in the old year.
        new Parsed("<22>Dec 31 23:59:59 esa01 mail_logs: Info: DCID 4 close", ctx).AssertFields("time=2026-12-31T23:59:59Z");
    }

    [Fact]
    public void Repeated_year_less_stamps_keep_their_year_across_new_year()
    {
        // Lines of the same second reuse the last conversion; across the rollover that must not mix up the years.
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2027, 1, 2, 0, 0, 0, DateTimeKind.Utc));
        foreach (var (stamp, utc) in new[]
        {
            ("Dec 31 23:59:59", "2026-12-31T23:59:59Z"), ("Dec 31 23:59:59", "2026-12-31T23:59:59Z"),
            ("Jan  1 00:00:00", "2027-01-01T00:00:00Z"), ("Jan  1 00:00:00", "2027-01-01T00:00:00Z"),
            ("Dec 31 23:59:59", "2026-12-31T23:59:59Z"), ("Jan  1 00:00:00", "2027-01-01T00:00:00Z"),
        })
            new Parsed($"<22>{stamp} esa01 mail_logs: Info: DCID 1 close", ctx).AssertFields("time=" + utc);
    }

    [Theory]
    [InlineData(2026, 6, 15, "Jun 15 10:00:00", "2026-06-15T10:00:00Z")]
    [InlineData(2026, 6, 15, "Jul  1 10:00:00", "2026-07-01T10:00:00Z")]  // a little ahead of the reference: clock skew
    [InlineData(2026, 6, 15, "Dec  1 10:00:00", "2025-12-01T10:00:00Z")]  // months ahead: last year
    [InlineData(2026, 12, 30, "Jan  1 00:00:05", "2027-01-01T00:00:05Z")] // reference just before New Year
    public void First_year_less_line_takes_the_year_closest_before_the_reference(int y, int m, int d, string stamp, string utc)
    {
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(y, m, d, 0, 0, 0, DateTimeKind.Utc));
        new Parsed($"<22>{stamp} esa01 mail_logs: Info: DCID 1 close", ctx).AssertFields("time=" + utc);
    }

    [Theory]
    [InlineData("Mon Feb 30 12:00:00 2014 Info: DCID 1 close")]
    [InlineData("Mon Feb 10 25:00:00 2014 Info: DCID 1 close")]
    [InlineData("Mon Feb 10 12:61:00 2014 Info: DCID 1 close")]
    public void Impossible_times_are_unparsed(string line)
    {
        var p = new Parsed(line);
        Assert.Equal(LineType.Unparsed, p.Type);
        Assert.Equal(UnparsedReasons.BadTimestamp, p.Event.UnparsedReason);
    }

    [Theory]
    [InlineData("the.cpq.host")]
    [InlineData("Policy Quarantine")]
    [InlineData("policy quarantine)")]
    [InlineData("rror interface: 10.10.192.50 reason: network error")]
    [InlineData("")]
    public void Lines_without_a_record_start_are_unparsed_and_fold(string line)
    {
        var p = new Parsed(line);
        Assert.Equal(LineType.Unparsed, p.Type);
        Assert.Equal(UnparsedReasons.NoEnvelope, p.Event.UnparsedReason);
        Assert.Equal("unknown envelope", p.Event.UnparsedReason);
        Assert.False(MailLogParser.IsLineStart(Encoding.UTF8.GetBytes(line)));
    }

    [Theory]
    [InlineData("<999999>Mar 17 18:24:37 x: Info: DCID 1 close")] // a priority no syslog writes
    [InlineData("mail_logs: Info: MID 5 queued for delivery")]   // the time was cut off
    [InlineData("Info: DCID 5 close")]
    [InlineData("esa01 Warning: something")]
    [InlineData("17.03.2026 18:24:37 Info: DCID 1 close")]        // a layout nobody documents
    public void Lines_with_a_level_marker_but_no_readable_envelope_are_records_with_unknown_envelope(string line)
    {
        var p = new Parsed(line);
        Assert.Equal(LineType.Unparsed, p.Type);
        Assert.Equal(UnparsedReasons.NoEnvelope, p.Event.UnparsedReason);
        Assert.True(MailLogParser.IsLineStart(Encoding.UTF8.GetBytes(line)));
    }

    [Theory]
    [InlineData("Mar 17 18:24:37 some relay text")]
    [InlineData("xx 2026-03-10T09:00:00Z something")]
    [InlineData("[Tue Mar 10 12:00:00 2026] a bracketed stamp")]
    public void A_time_near_the_start_makes_a_record(string line) => Assert.True(MailLogParser.IsLineStart(Encoding.UTF8.GetBytes(line)));

    [Fact]
    public void File_format_without_a_year_reads_as_syslog_with_an_inferred_year()
    {
        // IronPort's own log tool reads syslog-written files as "Thu Feb  1 08:32:59 c60 smail: Info: ICID ...".
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2007, 3, 1, 0, 0, 0, DateTimeKind.Utc));
        new Parsed("Thu Feb  1 08:32:59 c60 smail: Info: ICID 5 close", ctx)
            .AssertFields("action=icid_close;icid=5;host=c60;tag=smail;time=2007-02-01T08:32:59Z;envelope=Syslog3164");
        var p = new Parsed("Wed Nov 19 09:16:38 Info: no year in the file format");
        Assert.Equal(UnparsedReasons.UnknownLineType, p.Event.UnparsedReason);
        Assert.True(p.Event.UtcTicks > 0);
        Assert.True(MailLogParser.IsLineStart(p.Bytes));
    }

    [Fact]
    public void A_time_without_a_level_is_still_a_line_start()
    {
        var p = new Parsed("Wed Nov 19 09:16:38 2014 something unexpected");
        Assert.Equal(MailLogLevel.Unknown, p.Event.Level);
        Assert.Equal(UnparsedReasons.UnknownLineType, p.Event.UnparsedReason);
        Assert.Equal("something unexpected", p.Field("body"));
        Assert.True(MailLogParser.IsLineStart(p.Bytes));
    }

    [Fact]
    public void A_space_after_the_priority()
    {
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2026, 12, 10, 0, 0, 0, DateTimeKind.Utc));
        new Parsed("<111> Dec  1 12:00:00 esa01 ESA: Info: MID 5 queued for delivery", ctx)
            .AssertFields("action=message_queued;mid=5;host=esa01;tag=ESA;time=2026-12-01T12:00:00Z;envelope=Syslog3164;level=Info");
    }

    [Fact]
    public void The_appliance_line_nested_in_syslog_takes_the_inner_time()
    {
        var ctx = new ParseContext(referenceTimeUtc: new DateTime(2026, 12, 10, 0, 0, 0, DateTimeKind.Utc));
        new Parsed("<111>Dec  1 12:00:00 esa01 mail_logs: Mon Aug 10 10:00:24 2020 Info: MID 192034 queued for delivery", ctx)
            .AssertFields("action=message_queued;mid=192034;host=esa01;tag=mail_logs;time=2020-08-10T10:00:24Z;level=Info");
        // The appliance's file offset still applies to its own time.
        var withOffset = new ParseContext(utcOffsetSeconds: 7200, referenceTimeUtc: new DateTime(2026, 12, 10, 0, 0, 0, DateTimeKind.Utc));
        new Parsed("<111>Dec  1 12:00:00 esa01 mail_logs: Mon Aug 10 10:00:24 2020 Info: DCID 3 close", withOffset)
            .AssertFields("action=dcid_close;time=2020-08-10T08:00:24Z");
        // A relay's syslog around the appliance's syslog: the inner host and tag name the appliance.
        new Parsed("<111>Dec  1 12:00:00 relay01 mail_logs: Aug  2 23:59:52 10.0.1.1 MAIL_SecurityAudit: Info: DCID 4 close", ctx)
            .AssertFields("action=dcid_close;host=10.0.1.1;tag=MAIL_SecurityAudit;time=2026-08-02T23:59:52Z");
    }

    [Fact]
    public void A_relay_layout_with_the_year_first()
    {
        new Parsed("2019 Sep 28 16:13:51 mailgw01 mail [info] splunk_maillogs:nopid Info: MID 6509657 quarantined to \"Policy\" (DLP violation)")
            .AssertFields("action=quarantined;mid=6509657;quarantine=Policy;reason=DLP violation;host=mailgw01;tag=splunk_maillogs:nopid;"
                          + "time=2019-09-28T16:13:51Z;envelope=Relay;level=Info");
    }

    [Fact]
    public void A_line_whose_first_characters_were_cut_off()
    {
        new Parsed("i Sep  8 10:11:12 2023 Info: MID 4 ICID 4 From: <a@b.example>")
            .AssertFields("action=message_from;mid=4;icid=4;from=a@b.example;time=2023-09-08T10:11:12Z;envelope=Truncated;level=Info");
        new Parsed("ri Sep  8 10:11:12 2023 Info: DCID 4 close").AssertFields("action=dcid_close;envelope=Truncated");
        // Not a cut weekday: digits, or too long a stub.
        Assert.Equal(UnparsedReasons.NoEnvelope, new Parsed("9 Sep  8 10:11:12 2023 Info: DCID 4 close").Event.UnparsedReason);
        Assert.Equal(UnparsedReasons.NoEnvelope, new Parsed("Frid Sep  8 10:11:12 2023 Info: DCID 4 close").Event.UnparsedReason);
    }
}
