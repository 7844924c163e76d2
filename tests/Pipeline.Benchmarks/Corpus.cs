using System.Globalization;
using System.Text;
using Pipeline.MailLogs;

namespace Pipeline.Benchmarks;

/// <summary>
/// The benchmark inputs, all derived from the real corpus (samples/corpus, embedded in this assembly verbatim) so
/// that every figure is measured on lines nobody here wrote. Everything is deterministic: the host process and
/// BenchmarkDotNet's child processes build the same inputs.
/// </summary>
internal static class Corpus
{
    /// <summary>The 1000-line real ESA text log (AsyncOS 7.6.3, Nov 2014).</summary>
    public const string MainFile = "esa-mailtext-2014-sanitized.log";

    /// <summary>Logical lines in <see cref="MainFile"/> (it has no wrapped lines).</summary>
    public const int MainLines = 1000;

    /// <summary>How many times the main file is repeated for the end-to-end stream benchmark (~50 MB).</summary>
    public const int StreamRepeats = 560;

    /// <summary>Logical lines in the repeated stream.</summary>
    public const int StreamLines = MainLines * StreamRepeats;

    /// <summary>Size of the line batches built by cycling a subset of the corpus (common types, one type).</summary>
    public const int BatchLines = 1000;

    /// <summary>
    /// The common line types of the issue: Start MID, From, To, Message-ID, ready, Delivery start, Message done,
    /// Response, Message finished, the ICID lines and the verdict lines.
    /// </summary>
    public static readonly LineType[] CommonTypes =
    [
        LineType.MessageStart, LineType.MessageFrom, LineType.MessageRecipient, LineType.MessageIdHeader,
        LineType.MessageReady, LineType.DeliveryStart, LineType.MessageDone, LineType.DeliveryResponse,
        LineType.MessageFinished,
        LineType.IcidNew, LineType.IcidAccept, LineType.IcidReject, LineType.IcidRelay, LineType.IcidTcpRefuse,
        LineType.IcidContinue, LineType.IcidTlsSuccess, LineType.IcidTlsFailed, LineType.IcidLost, LineType.IcidClose,
        LineType.EngineInterimVerdict, LineType.EngineVerdict, LineType.AntivirusInterimVerdict,
        LineType.AntivirusVerdict, LineType.OutbreakVerdict, LineType.SenderAuthentication, LineType.AmpVerdict,
    ];

    public static bool IsCommon(LineType t) => Array.IndexOf(CommonTypes, t) >= 0;

    private static readonly Lazy<byte[][]> MainLinesLazy = new(() =>
    {
        var lines = LogicalLines(ReadFile(MainFile));
        if (lines.Length != MainLines)
            throw new InvalidOperationException($"{MainFile}: expected {MainLines} logical lines, found {lines.Length}.");
        return lines;
    });

    /// <summary>The main file's logical lines, each its own UTF-8 array (no terminator).</summary>
    public static byte[][] Main => MainLinesLazy.Value;

    /// <summary>Names of the embedded corpus files.</summary>
    public static IEnumerable<string> FileNames =>
        typeof(Corpus).Assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith("corpus/", StringComparison.Ordinal))
            .Select(n => n["corpus/".Length..])
            .Order(StringComparer.Ordinal);

    /// <summary>The verbatim bytes of an embedded corpus file.</summary>
    public static byte[] ReadFile(string name)
    {
        using var s = typeof(Corpus).Assembly.GetManifestResourceStream("corpus/" + name)
                      ?? throw new FileNotFoundException("corpus file not embedded", name);
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }

    /// <summary>
    /// The lines published by others of the parser tests (tests/Pipeline.MailLogs.Tests/realworld/lines.tsv: every
    /// family, the relay envelopes), cycled to <see cref="BatchLines"/>; one published without a time gets a
    /// file-format stamp, as in the tests.
    /// </summary>
    public static byte[][] PublishedBatch()
    {
        using var s = typeof(Corpus).Assembly.GetManifestResourceStream("realworld/lines.tsv")
                      ?? throw new FileNotFoundException("published lines not embedded", "realworld/lines.tsv");
        using var reader = new StreamReader(s, Encoding.UTF8);
        var lines = new List<byte[]>();
        while (reader.ReadLine() is { } row)
        {
            if (row.Length == 0 || row[0] == '#') continue;
            var line = row.Split('\t')[2];
            if (char.IsLetter(line[0]) && line.Split(' ')[0].EndsWith(':')) line = "Wed Nov 19 09:16:38 2014 " + line;
            lines.Add(Encoding.UTF8.GetBytes(line));
        }
        return Cycle(lines, BatchLines);
    }

    /// <summary>Splits a file into logical lines with the product's own reader (wrapped tails joined).</summary>
    public static byte[][] LogicalLines(byte[] file)
    {
        var result = new List<byte[]>();
        using var reader = new LogicalLineReader(new MemoryStream(file, writable: false));
        while (reader.TryRead(out var line)) result.Add(line.Text.ToArray());
        return [.. result];
    }

    /// <summary>The lines as strings (what a string-based parser gets from <c>StreamReader.ReadLine</c>).</summary>
    public static string[] Decode(byte[][] lines) => [.. lines.Select(l => Encoding.UTF8.GetString(l))];

    /// <summary>The product parser's type for each line, parsed in order with one fresh context.</summary>
    public static LineType[] Classify(byte[][] lines)
    {
        var ctx = new ParseContext();
        var e = LogEvent.Empty;
        return [.. lines.Select(l => MailLogParser.Parse(l, ctx, ref e))];
    }

    /// <summary>Exactly <paramref name="count"/> lines: <paramref name="source"/> in order, repeated from its start as needed.</summary>
    public static T[] Cycle<T>(IReadOnlyList<T> source, int count)
    {
        if (source.Count == 0) throw new InvalidOperationException("nothing to cycle");
        var r = new T[count];
        for (int i = 0; i < count; i++) r[i] = source[i % source.Count];
        return r;
    }

    /// <summary>The main file's lines of the common types, in corpus order, cycled to <see cref="BatchLines"/>.</summary>
    public static byte[][] CommonBatch()
    {
        var types = Classify(Main);
        var common = Main.Where((_, i) => IsCommon(types[i])).ToList();
        return Cycle(common, BatchLines);
    }

    /// <summary>The main file's lines of one type, in corpus order, cycled to <see cref="BatchLines"/>.</summary>
    public static byte[][] TypeBatch(LineType type)
    {
        var types = Classify(Main);
        return Cycle(Main.Where((_, i) => types[i] == type).ToList(), BatchLines);
    }

    /// <summary>The main file repeated <paramref name="times"/> times (a newline between copies).</summary>
    public static byte[] Repeat(byte[] file, int times)
    {
        bool endsWithNewline = file.Length > 0 && file[^1] == (byte)'\n';
        int unit = file.Length + (endsWithNewline ? 0 : 1);
        var r = new byte[(long)unit * times];
        for (int i = 0; i < times; i++)
        {
            file.CopyTo(r, i * unit);
            if (!endsWithNewline) r[i * unit + file.Length] = (byte)'\n';
        }
        return r;
    }

    /// <summary>The lines as one text, each followed by a newline (input of the plain split-and-copy lower bound).</summary>
    public static byte[] Join(byte[][] lines)
    {
        var r = new byte[lines.Sum(l => l.Length + 1)];
        int at = 0;
        foreach (var l in lines)
        {
            l.CopyTo(r, at);
            at += l.Length;
            r[at++] = (byte)'\n';
        }
        return r;
    }

    /// <summary>Bytes per line of a batch, counting one newline per line (what a file of these lines would weigh).</summary>
    public static double BytesPerLine(byte[][] lines) => lines.Sum(l => (double)l.Length + 1) / lines.Length;

    /// <summary>
    /// The main file's lines with another envelope: the same time, level and message text, re-prefixed as
    /// RFC 3164 syslog with host and tag (no year, as the appliance pushes it) or as RFC 5424.
    /// </summary>
    public static byte[][] WithEnvelope(EnvelopeKind kind)
    {
        if (kind == EnvelopeKind.File) return Main;
        var ctx = new ParseContext();
        var result = new byte[Main.Length][];
        for (int i = 0; i < Main.Length; i++)
        {
            var line = Main[i];
            var e = LogEvent.Empty;
            MailLogParser.Parse(line, ctx, ref e);
            if (e.Envelope != EnvelopeKind.File || e.LocalTicks == 0)
                throw new InvalidOperationException($"{MainFile} line {i + 1}: not a file-format line");
            var local = new DateTime(e.LocalTicks, DateTimeKind.Unspecified);
            string prefix = kind switch
            {
                // "<22>Nov 19 09:16:38 esa01.example.com mail_logs: Info: ..." (day space-padded).
                EnvelopeKind.Syslog3164 => "<22>" + local.ToString("MMM", CultureInfo.InvariantCulture) + " "
                    + local.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2) + " "
                    + local.ToString("HH:mm:ss", CultureInfo.InvariantCulture) + " esa01.example.com mail_logs: ",
                // "<22>1 2014-11-19T09:16:38-06:00 esa01.example.com mail_logs - - - Info: ..."
                EnvelopeKind.Syslog5424 => "<22>1 " + local.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture)
                    + "-06:00 esa01.example.com mail_logs - - - ",
                _ => throw new ArgumentOutOfRangeException(nameof(kind)),
            };
            var body = e.Body.Of(line);
            var level = Encoding.ASCII.GetBytes(e.Level + ": ");
            var p = Encoding.ASCII.GetBytes(prefix);
            result[i] = [.. p, .. level, .. body];
        }
        return result;
    }
}
