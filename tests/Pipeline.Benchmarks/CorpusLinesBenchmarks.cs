using BenchmarkDotNet.Attributes;
using Pipeline.MailLogs;

namespace Pipeline.Benchmarks;

/// <summary>
/// (a) <see cref="MailLogParser.Parse(ReadOnlySpan{byte}, ParseContext, ref LogEvent)"/> over all 1000 logical lines
/// of the real corpus file, pre-loaded as UTF-8 arrays; (b) the same lines, pre-decoded to strings, through the naive
/// regex baseline; (c) the lower bound: finding the line boundaries in the file's bytes and copying each line.
/// Every figure is per line (OperationsPerInvoke = 1000).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class CorpusLines
{
    private byte[][] _lines = [];
    private string[] _strings = [];
    private byte[] _file = [];
    private byte[] _scratch = [];
    private ParseContext _context = new();
    private NaiveRegexParser _naive = null!;

    public static double InputBytesPerLine(object? parameter) => Corpus.BytesPerLine(Corpus.Main);

    [GlobalSetup]
    public void Setup()
    {
        SanityCheck.Ensure();
        _lines = Corpus.Main;
        _strings = Corpus.Decode(_lines);
        _file = Corpus.ReadFile(Corpus.MainFile);
        _scratch = new byte[64 * 1024];
        _context = new ParseContext();
        _naive = new NaiveRegexParser();
        if (PlainSplitCopy() == 0 || Parser() == 0 || NaiveRegex() == 0) throw new InvalidOperationException("empty workload");
    }

    [Benchmark(OperationsPerInvoke = Corpus.MainLines, Description = "MailLogParser.Parse")]
    public long Parser() => Workload.Parse(_lines, _context);

    [Benchmark(Baseline = true, OperationsPerInvoke = Corpus.MainLines, Description = "NaiveRegexParser (baseline)")]
    public long NaiveRegex() => Workload.Naive(_strings, _naive);

    [Benchmark(OperationsPerInvoke = Corpus.MainLines, Description = "Plain: split + copy")]
    public long PlainSplitCopy() => Plain.SplitAndCopy(_file, _scratch);
}

/// <summary>
/// The lines published by others that the parser tests use (<see cref="Corpus.PublishedBatch"/>: 178 lines of AsyncOS
/// 4-16, every family and the relay envelopes, cycled to 1000), next to the naive baseline (which knows only the
/// families of the 2014 corpus, so it does less) and the plain lower bound.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class PublishedLines
{
    private byte[][] _lines = [];
    private string[] _strings = [];
    private byte[] _joined = [];
    private byte[] _scratch = [];
    private ParseContext _context = new();
    private NaiveRegexParser _naive = null!;

    public static double InputBytesPerLine(object? parameter) => Corpus.BytesPerLine(Corpus.PublishedBatch());

    [GlobalSetup]
    public void Setup()
    {
        SanityCheck.Ensure();
        _lines = Corpus.PublishedBatch();
        _strings = Corpus.Decode(_lines);
        _joined = Corpus.Join(_lines);
        _scratch = new byte[64 * 1024];
        _context = new ParseContext(referenceTimeUtc: new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc));
        _naive = new NaiveRegexParser();
        if (PlainSplitCopy() != Corpus.BatchLines || Parser() == 0) throw new InvalidOperationException("empty workload");
    }

    [Benchmark(OperationsPerInvoke = Corpus.BatchLines, Description = "MailLogParser.Parse")]
    public long Parser() => Workload.Parse(_lines, _context);

    [Benchmark(Baseline = true, OperationsPerInvoke = Corpus.BatchLines, Description = "NaiveRegexParser (baseline)")]
    public long NaiveRegex() => Workload.Naive(_strings, _naive);

    [Benchmark(OperationsPerInvoke = Corpus.BatchLines, Description = "Plain: split + copy")]
    public long PlainSplitCopy() => Plain.SplitAndCopy(_joined, _scratch);
}
