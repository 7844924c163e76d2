using System.Diagnostics;
using System.Text;
using MailKit;

namespace Pipeline.Probe;

/// <summary>
/// MailKit's protocol logger for one probe: keeps each line the client sent and the server answered with the time it
/// passed, so the banner and the round-trip times come from the conversation itself.
/// </summary>
internal sealed class ProbeTranscript : IProtocolLogger
{
    /// <summary>One line of the conversation.</summary>
    internal readonly record struct Line(bool FromServer, string Text, double AtMs);

    private readonly Stopwatch _clock;
    private readonly List<Line> _lines = [];
    private readonly StringBuilder _partialServer = new();
    private readonly StringBuilder _partialClient = new();
    private readonly Lock _gate = new();

    public ProbeTranscript(Stopwatch clock) => _clock = clock;

    /// <inheritdoc />
    public IAuthenticationSecretDetector? AuthenticationSecretDetector { get; set; }

    /// <summary>The lines so far.</summary>
    public List<Line> Lines
    {
        get { lock (_gate) return [.. _lines]; }
    }

    public void LogConnect(Uri uri) { }

    public void LogClient(byte[] buffer, int offset, int count) => Append(false, buffer, offset, count);

    public void LogServer(byte[] buffer, int offset, int count) => Append(true, buffer, offset, count);

    private void Append(bool fromServer, byte[] buffer, int offset, int count)
    {
        double at = _clock.Elapsed.TotalMilliseconds;
        // Latin-1 keeps every byte of garbage visible; SMTP replies are ASCII.
        string text = Encoding.Latin1.GetString(buffer, offset, count);
        lock (_gate)
        {
            var partial = fromServer ? _partialServer : _partialClient;
            partial.Append(text);
            string all = partial.ToString();
            int start = 0;
            for (int nl = all.IndexOf('\n'); nl >= 0; nl = all.IndexOf('\n', start))
            {
                _lines.Add(new Line(fromServer, all[start..nl].TrimEnd('\r'), at));
                start = nl + 1;
            }
            partial.Clear().Append(all, start, all.Length - start);
        }
    }

    /// <summary>Server bytes that did not end in a line break (garbage without CRLF).</summary>
    public string PendingServerText
    {
        get { lock (_gate) return _partialServer.ToString(); }
    }

    public void Dispose() { }
}
