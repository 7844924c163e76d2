using System.Globalization;
using System.Text.RegularExpressions;

namespace Pipeline.Benchmarks;

/// <summary>
/// BASELINE ONLY — NOT PRODUCT CODE. A deliberately conventional mail_logs parser, written the way grok / regex
/// log shippers do it (Logstash grok, Vector <c>parse_regex</c>, Fluent Bit regex parsers): the line is a string;
/// an envelope regex (the three main envelopes of docs/logformat.md, tried in order) splits off time, host, tag and
/// level; then one compiled <see cref="Regex"/> per line type (the families of docs/logformat.md present when it was written, in the order the
/// document lists them) is tried in turn on the message; the first that matches wins and its named groups are
/// copied into a fresh <see cref="Dictionary{TKey,TValue}"/>; finally the time is parsed like a date filter would.
/// <para>
/// It exists so that the product parser's figures can be reported as a ratio to what the usual approach costs on
/// the same machine in the same run (docs/benchmarks.md). It is kept honest: the benchmark's startup sanity check
/// (<see cref="SanityCheck"/>) requires it to classify every corpus line of the common types exactly as the
/// product parser does. It does less than the product parser (ids stay strings, no UTC conversion, no
/// per-stream context, no wrapped-line joining, no <c>Message N accepted</c> extraction), so the ratio is
/// conservative. Do not tune it: a tuned regex parser is not the baseline the design asks for.
/// </para>
/// </summary>
public sealed class NaiveRegexParser
{
    private const RegexOptions Options = RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture;

    private const string Level = @"(?<level>Critical|Warning|Info|Debug|Trace)";
    private const string Mid = @"^MID (?<mid>\d+) ";

    /// <summary>One named pattern: the line type name (the product's <c>event.action</c>) and its regex.</summary>
    public sealed class Pattern
    {
        public Pattern(string name, string regex)
        {
            Name = name;
            Regex = new Regex(regex, Options);
            Groups = [.. Regex.GetGroupNames().Where(g => !char.IsDigit(g[0]))];
        }

        public string Name { get; }
        public Regex Regex { get; }
        public string[] Groups { get; }
    }

    /// <summary>Envelopes (docs/logformat.md, "Envelopes"), tried in order.</summary>
    public IReadOnlyList<Pattern> Envelopes { get; } =
    [
        // Wed Nov 19 09:16:38 2014 Info: ...
        new("file", @"^(?<timestamp>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2} \d{4}) +" + Level + @": ?(?<message>.*)$"),
        // <166>1 2026-03-10T09:00:00.123+01:00 host app procid msgid [sd] [tag: ]Info: ...
        new("rfc5424", @"^<(?<pri>\d{1,3})>1 (?<timestamp>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) (?<host>\S+) (?<tag>\S+) (?<procid>\S+) (?<msgid>\S+) (?<sd>-|(?:\[(?:[^\]\\""]|\\.|""(?:[^""\\]|\\.)*"")*\])+) (?:\S+: )?" + Level + @": ?(?<message>.*)$"),
        // [<PRI>]Nov 24 14:22:57 [2011] [host] [tag:] Info: ...
        new("rfc3164", @"^(?:<(?<pri>\d{1,3})>)?(?<timestamp>(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} \d{2}:\d{2}:\d{2}(?: \d{4})?)(?: (?<host>[^\s:]+))?(?: (?<tag>[^\s:]+):)? +" + Level + @": ?(?<message>.*)$"),
    ];

    /// <summary>Line types (docs/logformat.md, "Line families"), tried in order on the message text.</summary>
    public IReadOnlyList<Pattern> LineTypes { get; } =
    [
        // Section 1: file headers.
        new("logfile_begin", @"^Begin Logfile(?<detail>.*)$"),
        new("appliance_version", @"^Version: (?<version>\S+)(?: SN: (?<serial>\S+))?\s*$"),
        new("time_offset", @"^Time offset from UTC: (?<offset>[-+]?\d+) seconds\s*$"),
        new("logfile_rolled_over", @"^Logfile rolled over(?<detail>.*)$"),
        new("logfile_end", @"^End Logfile(?<detail>.*)$"),

        // Section 3: connections in.
        new("icid_new", @"^New (?<listener>\S+) ICID (?<icid>\d+) interface (?<interface>.+?) \((?<interface_ip>[^)]*)\) address (?<remote_ip>\S+) reverse dns host (?<remote_host>\S+) verified (?<verified>yes|no)\s*$"),
        new("icid_reject", @"^ICID (?<icid>\d+) REJECT SG (?<sender_group>\S+) match(?: (?<rule>.*?))?(?: SBRS (?<sbrs>\S+))?\s*$"),
        new("icid_accept", @"^ICID (?<icid>\d+) ACCEPT SG (?<sender_group>\S+) match(?: (?<rule>.*?))?(?: SBRS (?<sbrs>\S+))?\s*$"),
        new("icid_relay", @"^ICID (?<icid>\d+) RELAY SG (?<sender_group>\S+) match(?: (?<rule>.*?))?(?: SBRS (?<sbrs>\S+))?\s*$"),
        new("icid_tcp_refuse", @"^ICID (?<icid>\d+) TCPREFUSE SG (?<sender_group>\S+) match(?: (?<rule>.*?))?(?: SBRS (?<sbrs>\S+))?\s*$"),
        new("icid_continue", @"^ICID (?<icid>\d+) CONTINUE SG (?<sender_group>\S+) match(?: (?<rule>.*?))?(?: SBRS (?<sbrs>\S+))?\s*$"),
        new("icid_tls_success", @"^ICID (?<icid>\d+) TLS success protocol (?<protocol>\S+) cipher (?<cipher>\S+)(?: (?<peer>.*?))?\s*$"),
        new("icid_tls_failed", @"^ICID (?<icid>\d+) TLS failed: ?(?<error>.*?)\s*$"),
        new("icid_lost", @"^ICID (?<icid>\d+) lost\s*$"),
        new("icid_close", @"^ICID (?<icid>\d+) close\s*$"),

        // Section 3: message reception.
        new("message_start", @"^Start MID (?<mid>\d+) ICID (?<icid>\d+)(?: (?<detail>.*?))?\s*$"),
        new("message_from", Mid + @"ICID (?<icid>\d+) From: <(?<from>[^>]*)>(?: (?<params>.*?))?\s*$"),
        new("message_recipient", Mid + @"ICID (?<icid>\d+) RID (?<rid>\d+) To: <(?<to>[^>]*)>(?: (?<params>.*?))?\s*$"),
        new("message_id_header", Mid + @"Message-ID (?:'<(?<message_id>.*)>'|""<(?<message_id>.*)>""|'(?<message_id>.*)'|<(?<message_id>.*)>|(?<message_id>.*?))\s*$"),
        new("message_subject", Mid + @"Subject (?:'(?<subject>.*)'|""(?<subject>.*)""|(?<subject>.*?))\s*$"),
        new("message_ready", Mid + @"ready (?<size>\d+) bytes(?: from <(?<from>[^>]*)>)?\s*$"),
        new("message_attachment", Mid + @"attachment (?:'(?<name>.*)'|(?<name>.*?))\s*$"),
        new("recipient_policy_match", Mid + @"matched (?<who>.*?) policy (?<policy>.*) in the (?<direction>\S+) table\s*$"),

        // Section 3: verdicts.
        new("engine_interim_verdict", Mid + @"interim verdict using engine: (?<engine>\S+) (?<verdict>.*?)\s*$"),
        new("engine_verdict", Mid + @"using engine: (?<engine>\S+) (?<verdict>.*?)\s*$"),
        new("antivirus_interim_verdict", Mid + @"interim AV verdict using (?<engine>\S+) (?<verdict>.*?)\s*$"),
        new("antivirus_verdict", Mid + @"antivirus (?<verdict>\S+)(?: '?(?<threat>.*?)'?)?\s*$"),
        new("outbreak_verdict", Mid + @"Outbreak Filters: verdict (?<verdict>.*?)\s*$"),
        new("scan_skipped_too_big", Mid + @"was too big \((?<size>\d+)/(?<limit>\d+)\)(?: for scanning by (?<engine>.*?))?\s*$"),
        new("sender_authentication", Mid + @"(?<engine>SPF|DKIM|DomainKeys|DMARC): (?<verdict>.*?)\s*$"),
        new("amp_verdict", Mid + @"AMP file reputation verdict ?: ?(?<verdict>.*?)\s*$"),
        new("custom_log_entry", Mid + @"Custom Log Entry: (?<detail>.*?)\s*$"),
        new("message_queued", Mid + @"queued for delivery\s*$"),
        new("spam_quarantine_tag", @"^ISQ: Tagging MID (?<mid>\d+) (?<detail>.*?)\s*$"),

        // Section 3: MID -> MID edges.
        new("mid_rewritten", Mid + @"rewritten to (?:MID )?(?<child_mid>\d+)(?: by (?<reason>.*?))?\s*$"),
        new("mid_generated", Mid + @"was generated based on MID (?<parent_mid>\d+)(?: by (?<reason>.*?))?\s*$"),
        new("mid_split", Mid + @"was split creating MID (?<child_mid>\d+)(?: due to (?<reason>.*?))?\s*$"),
        new("mid_bounce_of", Mid + @"was generated for bounce of MID (?<parent_mid>\d+)\s*$"),
        new("euq_reinjected", @"^EUQ: Reinjected MID (?<mid>\d+) as MID (?<child_mid>\d+)\s*$"),
        new("cpq_release_received", Mid + @"received from the SMA (?<remote_ip>[^\s(]+) ?\(MID originally (?<parent_mid>\d+)\)(?: (?<detail>.*?))?\s*$"),

        // Section 3: end of a message.
        new("message_aborted", @"^Message aborted MID (?<mid>\d+)(?: (?<reason>.*?))?\s*$"),
        new("message_finished", @"^Message finished MID (?<mid>\d+)(?: (?<verdict>.*?))?\s*$"),

        // Section 3: delivery.
        new("dcid_new", @"^New (?<listener>\S+) DCID (?<dcid>\d+)(?: interface (?<interface_ip>\S+))?(?: address (?<remote_ip>\S+))?(?: port (?<port>\d+))?\s*$"),
        new("dcid_tls_success", @"^DCID (?<dcid>\d+) TLS success protocol (?<protocol>\S+) cipher (?<cipher>\S+)(?: (?<peer>.*?))?\s*$"),
        new("dcid_tls_failed", @"^DCID (?<dcid>\d+) TLS failed: ?(?<error>.*?)\s*$"),
        new("dcid_tls_required_failed", @"^DCID (?<dcid>\d+)(?: IP (?<remote_ip>\S+))? TLS was required but could not be successfully negotiated\s*$"),
        new("delivery_start", @"^Delivery start DCID (?<dcid>\d+) MID (?<mid>\d+) to RID \[(?<rids>[^\]]*)\](?: (?<trailer>.*?))?\s*$"),
        new("message_done", @"^Message done DCID (?<dcid>\d+) MID (?<mid>\d+) to RID \[(?<rids>[^\]]*)\](?: (?<trailer>.*?))?\s*$"),
        new("delivery_response", Mid + @"RID +\[(?<rids>[^\]]*)\] Response (?:'(?<response>.*)'|(?<response>.*?))\s*$"),
        new("delivery_delayed", @"^Delayed: DCID:? (?<dcid>\d+) (?:MID|Message) (?<mid>\d+)(?: From: <(?<from>[^>]*)>)?(?: To: <(?<to>[^>]*)>)?(?: to)?(?: RID)? (?:\[(?<rids>[^\]]*)\]|(?<rid>\d+))(?: - (?:(?<status_code>[245]\.[\d.]+) - )?(?<reason>.*?))?\s*$"),
        new("delivery_bounced", @"^Bounced: DCID:? (?<dcid>\d+) (?:MID|Message) (?<mid>\d+)(?: From: <(?<from>[^>]*)>)?(?: To: <(?<to>[^>]*)>)?(?: to)?(?: RID)? (?:\[(?<rids>[^\]]*)\]|(?<rid>\d+))(?: - (?:(?<status_code>[245]\.[\d.]+) - )?(?<reason>.*?))?\s*$"),
        new("delivery_pending", Mid + @"to RID \[(?<rids>[^\]]*)\] pending till (?<till>.+?)(?: \[(?<name>[^\]]*)\])?\s*$"),
        new("connection_error", @"^Connection Error: DCID:? (?<dcid>\d+)(?: domain: (?<domain>.*?))?(?: IP: (?<remote_ip>.*?))?(?: port: (?<port>\d+))?(?: details: (?<details>.*))?(?: interface: (?<interface_ip>.*?))?(?: reason: (?<reason>.*?))?\s*$"),
        new("dcid_close", @"^DCID (?<dcid>\d+) close\s*$"),

        // Section 3: quarantines.
        new("quarantined", Mid + @"quarantined to (?:""(?<quarantine>[^""]*)""|'(?<quarantine>[^']*)'|(?<quarantine>.+?))(?: \((?<reason>.*)\))?\s*$"),
        new("quarantine_released", Mid + @"released from quarantine (?:""(?<quarantine>[^""]*)""|'(?<quarantine>[^']*)'|(?<quarantine>.+?))(?: \((?<reason>[^)]*)\))?(?: t=(?<dwell>\d+))?\s*$"),
        new("quarantine_deleted", Mid + @"deleted from (?:all quarantines|quarantine (?:""(?<quarantine>[^""]*)""|'(?<quarantine>[^']*)'|(?<quarantine>.+?)))(?: \((?<reason>[^)]*)\))?\s*$"),
        new("quarantine_released_all", Mid + @"released from all quarantines\s*$"),
        new("quarantine_unavailable", @"^unable to quarantine MID (?<mid>\d+)(?: - )?(?<reason>.*?)\s*$"),
        new("quarantine_full", @"^Quarantine ""(?<quarantine>[^""]*)"" is (?<percent>\d+)% full\s*$"),
        new("quarantine_connect_failed", @"^Quarantine: (?<error>Failed to connect.*?)\s*$"),
        new("status", @"^Status: ?(?<detail>.*?)\s*$"),
        new("case_cache_status", @"^CASE cache status: ?(?<detail>.*?)\s*$"),
        new("application_fault", @"^An application fault occurred:? ?(?<error>.*?)\s*$"),

        // Section 4: the centralized quarantine round trip.
        new("cpq_enqueued", Mid + @"enqueued for transfer to centralized quarantine (?:""(?<quarantine>[^""]*)""|'(?<quarantine>[^']*)'|(?<quarantine>.+?))(?: \((?<reason>.*)\))?\s*$"),
    ];

    private static readonly string[] FileTimeFormats = ["ddd MMM d HH:mm:ss yyyy"];
    private static readonly string[] BsdTimeFormats = ["MMM d HH:mm:ss yyyy", "MMM d HH:mm:ss"];

    /// <summary>Parses one line: the type name (<c>unparsed</c> when nothing matched), the time and the fields.</summary>
    public NaiveEvent Parse(string line)
    {
        var fields = new Dictionary<string, string>();
        Match? env = null;
        Pattern? envelope = null;
        foreach (var p in Envelopes)
        {
            var m = p.Regex.Match(line);
            if (m.Success) { env = m; envelope = p; break; }
        }
        if (env is null || envelope is null)
        {
            fields["message"] = line;
            return new NaiveEvent("unparsed", null, fields);
        }
        Copy(envelope, env, fields);

        // The date filter.
        DateTime? time = null;
        var ts = fields["timestamp"];
        if (envelope.Name == "rfc5424")
        {
            if (DateTimeOffset.TryParse(ts, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dto)) time = dto.UtcDateTime;
        }
        else if (DateTime.TryParseExact(ts, envelope.Name == "file" ? FileTimeFormats : BsdTimeFormats,
                     CultureInfo.InvariantCulture, DateTimeStyles.AllowInnerWhite, out var dt))
        {
            time = dt;
        }

        var message = fields["message"];
        foreach (var p in LineTypes)
        {
            var m = p.Regex.Match(message);
            if (!m.Success) continue;
            fields.Remove("message");
            Copy(p, m, fields);
            return new NaiveEvent(p.Name, time, fields);
        }
        return new NaiveEvent("unparsed", time, fields);
    }

    private static void Copy(Pattern p, Match m, Dictionary<string, string> fields)
    {
        foreach (var g in p.Groups)
        {
            var group = m.Groups[g];
            if (group.Success) fields[g] = group.Value;
        }
    }
}

/// <summary>What <see cref="NaiveRegexParser"/> returns for a line.</summary>
/// <param name="Type">The matching pattern's name (the product's <c>event.action</c>), or <c>unparsed</c>.</param>
/// <param name="Time">The envelope time (appliance-local for the file format), when readable.</param>
/// <param name="Fields">The named groups of the envelope and line-type regexes.</param>
public sealed record NaiveEvent(string Type, DateTime? Time, Dictionary<string, string> Fields);
