using System.Globalization;
using System.Security.Cryptography;
using Pipeline.Correlation.Model;

namespace Pipeline.Notifier;

/// <summary>New alert versions since a position, and the position after them.</summary>
/// <param name="Alerts">Alert versions in source order.</param>
/// <param name="Position">The position after them (store it with the state).</param>
/// <param name="Problems">Lines that were not alerts (with where), reported, not fatal.</param>
public sealed record AlertBatch(IReadOnlyList<AlertDocument> Alerts, string? Position, IReadOnlyList<string> Problems);

/// <summary>A stream of alert versions (an NDJSON file now; the <c>maillogs.alerts</c> topic later).</summary>
public interface IAlertSource
{
    /// <summary>What has arrived after <paramref name="position"/> (null: from the start). An empty batch when nothing is new.</summary>
    ValueTask<AlertBatch> ReadAsync(string? position, CancellationToken cancel);
}

/// <summary>
/// The <c>alerts.ndjson</c> of an analyze output folder (or any NDJSON file of alert documents). The position is the
/// byte offset of the last complete line read plus a hash of the bytes before it: when the file was replaced (a new
/// analyze run) or cut, reading starts again from the top, and the core's dedup keeps what was already sent from going
/// out again. A line still being written (no newline yet) waits for the next read.
/// </summary>
public sealed class NdjsonAlertSource(string path) : IAlertSource
{
    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public async ValueTask<AlertBatch> ReadAsync(string? position, CancellationToken cancel)
    {
        if (!File.Exists(Path)) return new AlertBatch([], position, []);
        byte[] bytes;
        FileStream f;
        try
        {
            // Shared read: the writer may be appending or replacing the file meanwhile.
            f = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (FileNotFoundException)
        {
            return new AlertBatch([], position, []); // replaced between the check and the open: read it next time
        }
        await using (f)
        {
            bytes = new byte[f.Length];
            int read = 0;
            while (read < bytes.Length)
            {
                int n = await f.ReadAsync(bytes.AsMemory(read), cancel).ConfigureAwait(false);
                if (n == 0) break;
                read += n;
            }
            if (read < bytes.Length) Array.Resize(ref bytes, read);
        }
        long start = Start(position, bytes);
        int end = bytes.AsSpan((int)start).LastIndexOf((byte)'\n');
        if (end < 0) return new AlertBatch([], Position(start, bytes), []);
        end += (int)start + 1;
        var alerts = new List<AlertDocument>();
        var problems = new List<string>();
        long lineStart = start;
        int number = 1 + bytes.AsSpan(0, (int)start).Count((byte)'\n');
        while (lineStart < end)
        {
            int nl = bytes.AsSpan((int)lineStart, end - (int)lineStart).IndexOf((byte)'\n');
            var line = bytes.AsMemory((int)lineStart, nl);
            if (!line.Span.Trim((byte)'\r').IsEmpty)
            {
                try { alerts.Add(AlertDocumentReader.Read(line)); }
                catch (FormatException ex) { problems.Add($"{Path}, line {number}: {ex.Message}"); }
            }
            lineStart += nl + 1;
            number++;
        }
        return new AlertBatch(alerts, Position(end, bytes), problems);
    }

    /// <summary>Where to resume: the stored offset if the bytes before it are unchanged, else the top.</summary>
    private static long Start(string? position, byte[] bytes)
    {
        if (position is null) return 0;
        int colon = position.IndexOf(':');
        if (colon < 0 || !long.TryParse(position[..colon], NumberStyles.None, CultureInfo.InvariantCulture, out long offset)) return 0;
        if (offset > bytes.Length) return 0;
        return Hash(bytes, offset) == position[(colon + 1)..] ? offset : 0;
    }

    private static string Position(long offset, byte[] bytes) => offset.ToString(CultureInfo.InvariantCulture) + ":" + Hash(bytes, offset);

    private static string Hash(byte[] bytes, long length) => Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(0, (int)length)));
}
