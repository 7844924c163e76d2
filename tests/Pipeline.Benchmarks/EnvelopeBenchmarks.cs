using BenchmarkDotNet.Attributes;
using Pipeline.MailLogs;

namespace Pipeline.Benchmarks;

/// <summary>
/// The three main envelopes of docs/logformat.md ("Envelopes") on the same 1000 corpus messages: the file format as logged,
/// RFC 3164 syslog with host and tag (and no year, as the appliance pushes it: the year is inferred per line), and
/// RFC 5424 (ISO time with offset, host, app, nil procid/msgid/structured data).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class Envelopes
{
    private byte[][] _lines = [];
    private string[] _strings = [];
    private byte[] _joined = [];
    private byte[] _scratch = [];
    private ParseContext _context = new();
    private NaiveRegexParser _naive = null!;

    [Params(EnvelopeKind.File, EnvelopeKind.Syslog3164, EnvelopeKind.Syslog5424)]
    public EnvelopeKind Envelope { get; set; }

    public static double InputBytesPerLine(object? parameter) => Corpus.BytesPerLine(Corpus.WithEnvelope((EnvelopeKind)parameter!));

    [GlobalSetup]
    public void Setup()
    {
        SanityCheck.Ensure();
        _lines = Corpus.WithEnvelope(Envelope);
        _strings = Corpus.Decode(_lines);
        _joined = Corpus.Join(_lines);
        _scratch = new byte[64 * 1024];
        _context = new ParseContext(utcOffsetSeconds: -21600, referenceTimeUtc: new DateTime(2014, 11, 20, 0, 0, 0, DateTimeKind.Utc));
        _naive = new NaiveRegexParser();
        var ctx = new ParseContext(utcOffsetSeconds: -21600, referenceTimeUtc: new DateTime(2014, 11, 20, 0, 0, 0, DateTimeKind.Utc));
        var e = LogEvent.Empty;
        foreach (var l in _lines)
        {
            MailLogParser.Parse(l, ctx, ref e);
            if (e.Envelope != Envelope || e.Type == LineType.Unparsed)
                throw new InvalidOperationException($"{Envelope}: parsed as {e.Envelope}/{e.Type}: " + System.Text.Encoding.UTF8.GetString(l));
        }
    }

    [Benchmark(OperationsPerInvoke = Corpus.MainLines, Description = "MailLogParser.Parse")]
    public long Parser() => Workload.Parse(_lines, _context);

    [Benchmark(Baseline = true, OperationsPerInvoke = Corpus.MainLines, Description = "NaiveRegexParser (baseline)")]
    public long NaiveRegex() => Workload.Naive(_strings, _naive);

    [Benchmark(OperationsPerInvoke = Corpus.MainLines, Description = "Plain: split + copy")]
    public long PlainSplitCopy() => Plain.SplitAndCopy(_joined, _scratch);
}
