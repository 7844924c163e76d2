using BenchmarkDotNet.Attributes;
using Pipeline.MailLogs;

namespace Pipeline.Benchmarks;

/// <summary>
/// (d) The common line types only — Start MID, From, To, Message-ID, ready, Delivery start, Message done, Response,
/// Message finished, the ICID lines and the verdict lines (<see cref="Corpus.CommonTypes"/>): the corpus lines of
/// those types in corpus order, cycled to 1000 lines. The target is 0 B allocated per line.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class CommonTypes
{
    private byte[][] _lines = [];
    private string[] _strings = [];
    private byte[] _joined = [];
    private byte[] _scratch = [];
    private ParseContext _context = new();
    private NaiveRegexParser _naive = null!;

    public static double InputBytesPerLine(object? parameter) => Corpus.BytesPerLine(Corpus.CommonBatch());

    [GlobalSetup]
    public void Setup()
    {
        SanityCheck.Ensure();
        _lines = Corpus.CommonBatch();
        _strings = Corpus.Decode(_lines);
        _joined = Corpus.Join(_lines);
        _scratch = new byte[64 * 1024];
        _context = new ParseContext(utcOffsetSeconds: -21600);
        _naive = new NaiveRegexParser();
        var ctx = new ParseContext();
        var e = LogEvent.Empty;
        foreach (var l in _lines)
            if (!Corpus.IsCommon(MailLogParser.Parse(l, ctx, ref e)))
                throw new InvalidOperationException("not a common line type: " + System.Text.Encoding.UTF8.GetString(l));
        if (PlainSplitCopy() != Corpus.BatchLines) throw new InvalidOperationException("batch size");
    }

    [Benchmark(OperationsPerInvoke = Corpus.BatchLines, Description = "MailLogParser.Parse")]
    public long Parser() => Workload.Parse(_lines, _context);

    [Benchmark(Baseline = true, OperationsPerInvoke = Corpus.BatchLines, Description = "NaiveRegexParser (baseline)")]
    public long NaiveRegex() => Workload.Naive(_strings, _naive);

    [Benchmark(OperationsPerInvoke = Corpus.BatchLines, Description = "Plain: split + copy")]
    public long PlainSplitCopy() => Plain.SplitAndCopy(_joined, _scratch);
}

/// <summary>
/// The product parser per common line type (the corpus lines of one type, cycled to 1000): where the time goes and
/// which types allocate. Parser only; the mix above carries the baselines.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(LightBenchConfig))]
public class PerLineType
{
    private byte[][] _lines = [];
    private ParseContext _context = new();

    public static IEnumerable<LineType> Types
    {
        get
        {
            var present = Corpus.Classify(Corpus.Main).ToHashSet();
            return Corpus.CommonTypes.Where(present.Contains);
        }
    }

    [ParamsSource(nameof(Types))]
    public LineType Type { get; set; }

    public static double InputBytesPerLine(object? parameter) => Corpus.BytesPerLine(Corpus.TypeBatch((LineType)parameter!));

    [GlobalSetup]
    public void Setup()
    {
        _lines = Corpus.TypeBatch(Type);
        _context = new ParseContext(utcOffsetSeconds: -21600);
    }

    [Benchmark(OperationsPerInvoke = Corpus.BatchLines, Description = "MailLogParser.Parse")]
    public long Parser() => Workload.Parse(_lines, _context);
}
