using System.Text;
using Pipeline.MailLogs;
using Pipeline.Simulation;

namespace Pipeline.Simulation.Tests;

/// <summary>One parsed logical line, with the fields the tests look at.</summary>
public sealed record Line(
    string Appliance, string File, LineType Type, MailLogLevel Level, DateTime Utc, long Mid, long ChildMid, long ParentMid,
    long AcceptedMid, long Dcid, long Icid, int Port, string? Domain, string? RemoteIp, string? InterfaceIp, string? Error,
    string? Quarantine, string? Reason, string? StatusCode, string? TlsPeer, string? TlsCipher, QuarantineDestination Destination,
    int Percent, string Text);

/// <summary>A generated estate read back through the real parser (Pipeline.MailLogs), per appliance.</summary>
public sealed class EstateLogs
{
    public Dictionary<string, List<Line>> ByAppliance { get; } = new(StringComparer.Ordinal);
    public long Unparsed { get; private set; }
    public List<string> UnparsedSamples { get; } = [];
    public long LogicalLines { get; private set; }
    public long PhysicalLines { get; private set; }
    public long WrappedTails { get; private set; }
    public long Files { get; private set; }

    public IReadOnlyList<Line> Of(string appliance) => ByAppliance.TryGetValue(appliance, out var l) ? l : [];

    /// <summary>
    /// Parses every file of every appliance folder in <paramref name="dir"/> in name order (rotated files first). The
    /// appliances' UTC offsets come from the truth, as an operator would configure them: the first two header lines of a file
    /// come before its <c>Time offset from UTC</c> line.
    /// </summary>
    public static EstateLogs Read(string dir)
    {
        var truth = EstateTruth.Load(Path.Combine(dir, EstateSimulator.TruthFileName));
        var offsets = truth.Appliances.ToDictionary(a => a.Name, a => a.UtcOffsetS);
        var result = new EstateLogs();
        foreach (var folder in Directory.GetDirectories(dir).OrderBy(d => d, StringComparer.Ordinal))
        {
            var name = Path.GetFileName(folder);
            var lines = new List<Line>();
            result.ByAppliance[name] = lines;
            foreach (var file in Directory.GetFiles(folder).OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal))
            {
                result.Files++;
                var ctx = new ParseContext(offsets[name], File.GetLastWriteTimeUtc(file));
                using var stream = new MailLogStream(File.OpenRead(file), ctx);
                var e = LogEvent.Empty;
                while (stream.TryRead(out var line, ref e))
                {
                    var t = line.Text;
                    var text = Hot(e.Type) ? "" : Encoding.UTF8.GetString(t);
                    if (e.Type == LineType.Unparsed)
                    {
                        result.Unparsed++;
                        if (result.UnparsedSamples.Count < 20) result.UnparsedSamples.Add($"{name}/{Path.GetFileName(file)}:{line.LineNumber}: {e.UnparsedReason}: {text}");
                    }
                    lines.Add(new Line(name, Path.GetFileName(file), e.Type, e.Level,
                        e.UtcTicks > 0 ? new DateTime(e.UtcTicks, DateTimeKind.Utc) : default, e.Mid, e.ChildMid, e.ParentMid, e.AcceptedMid,
                        e.Dcid, e.Icid, e.Port, S(e.Domain, t), S(e.RemoteIp, t), S(e.InterfaceIp, t), S(e.Error, t), S(e.Quarantine, t),
                        S(e.Reason, t), S(e.StatusCode, t), S(e.TlsPeer, t), S(e.TlsCipher, t), e.Destination, e.Percent, text));
                }
                result.LogicalLines += stream.Reader.LogicalLines;
                result.PhysicalLines += stream.Reader.PhysicalLines;
                result.WrappedTails += stream.Reader.WrappedLines;
            }
        }
        return result;
    }

    /// <summary>The most common line types keep no text (memory); the tests look at their fields only.</summary>
    private static bool Hot(LineType t) => t is LineType.MessageRecipient or LineType.MessageFrom or LineType.SenderAuthentication
        or LineType.MessageIdHeader or LineType.MessageSubject or LineType.MessageReady or LineType.EngineVerdict
        or LineType.EngineInterimVerdict or LineType.AntivirusInterimVerdict or LineType.AntivirusVerdict or LineType.OutbreakVerdict
        or LineType.RecipientPolicyMatch or LineType.IcidClose or LineType.IcidReject or LineType.IcidAccept or LineType.IcidRelay
        or LineType.MessageAttachment or LineType.MessageQueued or LineType.DeliveryStart or LineType.MessageDone
        or LineType.MessageFinished or LineType.MessageStart;

    private static string? S(TextRange r, ReadOnlySpan<byte> line) => r.HasValue ? Encoding.UTF8.GetString(r.Of(line)) : null;
}

/// <summary>Generates small estates into temporary folders (deleted with the object).</summary>
public sealed class TempEstate : IDisposable
{
    public TempEstate(EstateOptions options)
    {
        Options = options;
        Dir = Path.Combine(Path.GetTempPath(), "pipeline-sim-" + Guid.NewGuid().ToString("N"));
        Result = EstateSimulator.Generate(options, Dir);
        Truth = EstateTruth.Load(Result.TruthPath!);
        _logs = new Lazy<EstateLogs>(() => EstateLogs.Read(Dir));
    }

    private readonly Lazy<EstateLogs> _logs;
    public EstateOptions Options { get; }
    public string Dir { get; }
    public GenerationResult Result { get; }
    public EstateTruth Truth { get; }
    public EstateLogs Logs => _logs.Value;

    public static EstateOptions Small(ulong seed = 11, int esa = 2, int sma = 1, string duration = "2h", double rate = 4, LogFormat format = LogFormat.File) =>
        new() { Esa = esa, Sma = sma, Seed = seed, Duration = TimeText.ParseDuration(duration), Rate = rate, Format = format };

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
