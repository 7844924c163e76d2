using System.Text;
using BenchmarkDotNet.Attributes;
using Pipeline.MailLogs;

namespace Pipeline.Benchmarks;

/// <summary>
/// (e) End to end from a stream: the corpus file repeated to ~50 MB in a <see cref="MemoryStream"/> (the file is
/// "in the page cache"), read in chunks, split into physical lines, wrapped lines joined, every line parsed.
/// Per line (OperationsPerInvoke = lines in the stream) and per MB (the MB/s column). Alongside: the plain read
/// (chunked read + newline search, the lower bound), the product's <see cref="LogicalLineReader"/> alone, and the
/// naive approach end to end (<see cref="StreamReader.ReadLine"/> + <see cref="NaiveRegexParser"/>).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(BenchConfig))]
public class Stream50MB
{
    private byte[] _data = [];
    private byte[] _buffer = [];
    private NaiveRegexParser _naive = null!;

    public static double InputBytesPerLine(object? parameter) =>
        (double)Corpus.Repeat(Corpus.ReadFile(Corpus.MainFile), Corpus.StreamRepeats).Length / Corpus.StreamLines;

    [GlobalSetup]
    public void Setup()
    {
        SanityCheck.Ensure();
        _data = Corpus.Repeat(Corpus.ReadFile(Corpus.MainFile), Corpus.StreamRepeats);
        _buffer = new byte[512 * 1024];
        _naive = new NaiveRegexParser();
        if (PlainReadSplit() != Corpus.StreamLines || ReaderOnly() != Corpus.StreamLines)
            throw new InvalidOperationException($"expected {Corpus.StreamLines} lines");
        using var s = new MailLogStream(new MemoryStream(_data, writable: false), new ParseContext());
        var e = LogEvent.Empty;
        long unparsed = 0;
        while (s.TryRead(out _, ref e)) unparsed += e.Type == LineType.Unparsed ? 1 : 0;
        if (s.Reader.LogicalLines != Corpus.StreamLines || unparsed != 0)
            throw new InvalidOperationException($"stream: {s.Reader.LogicalLines} lines, {unparsed} unparsed");
    }

    [Benchmark(OperationsPerInvoke = Corpus.StreamLines, Description = "MailLogStream (read+join+parse)")]
    public long MailLogStream()
    {
        using var s = new MailLogStream(new MemoryStream(_data, writable: false), new ParseContext());
        var e = LogEvent.Empty;
        long sum = 0;
        while (s.TryRead(out _, ref e)) sum += (long)e.Type + e.Mid;
        return sum;
    }

    [Benchmark(OperationsPerInvoke = Corpus.StreamLines, Description = "LogicalLineReader only (read+join)")]
    public long ReaderOnly()
    {
        using var r = new LogicalLineReader(new MemoryStream(_data, writable: false));
        long n = 0;
        while (r.TryRead(out var line)) n += line.Text.Length > 0 ? 1 : 0;
        return n;
    }

    [Benchmark(OperationsPerInvoke = Corpus.StreamLines, Description = "Plain: chunked read + split")]
    public long PlainReadSplit()
    {
        using var s = new MemoryStream(_data, writable: false);
        var buf = _buffer;
        int have = 0;
        long lines = 0;
        while (true)
        {
            int n = s.Read(buf, have, buf.Length - have);
            if (n <= 0) break;
            have += n;
            var rest = buf.AsSpan(0, have);
            int nl;
            while ((nl = rest.IndexOf((byte)'\n')) >= 0)
            {
                if (nl > 0) lines++;
                rest = rest[(nl + 1)..];
            }
            rest.CopyTo(buf);
            have = rest.Length;
        }
        return lines + (have > 0 ? 1 : 0);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Corpus.StreamLines, Description = "StreamReader.ReadLine + NaiveRegexParser (baseline)")]
    public long NaiveRegexStream()
    {
        using var r = new StreamReader(new MemoryStream(_data, writable: false), Encoding.UTF8, false, 256 * 1024);
        long sum = 0;
        string? line;
        while ((line = r.ReadLine()) is not null)
            if (line.Length > 0) sum += _naive.Parse(line).Fields.Count;
        return sum;
    }
}
