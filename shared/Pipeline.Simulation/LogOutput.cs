using System.Net.Sockets;
using System.Text;

namespace Pipeline.Simulation;

/// <summary>Where one appliance's physical lines go.</summary>
internal interface ILogOutput : IDisposable
{
    /// <summary>Whether long lines may be wrapped (files: yes; one datagram per line: no).</summary>
    bool AllowsWrap { get; }

    /// <summary>Writes one physical line, its newline included.</summary>
    void Write(ReadOnlySpan<byte> line, long utcSecond);

    /// <summary>True when the current file is full and should be rolled over before the next line.</summary>
    bool WantsRotation { get; }

    /// <summary>Closes the current file under its rotated name and opens a new one started at <paramref name="localStartSecond"/>.</summary>
    void Rotate(long localStartSecond);

    /// <summary>Pushes buffered bytes to the OS / the network.</summary>
    void Flush();

    /// <summary>Files written so far (rotated ones and the current one).</summary>
    IReadOnlyList<string> Files { get; }
}

/// <summary>
/// An appliance's folder: <c>mail_logs.current</c>, rolled over to <c>mail_logs.@YYYYMMDDTHHMMSS.s</c> (the file's start,
/// appliance local time). Each closed file's modification time is its last line's UTC time.
/// </summary>
internal sealed class FileLogOutput : ILogOutput
{
    private readonly string _dir;
    private readonly string _currentPath;
    private readonly bool _append;
    private FileStream _stream;
    private long _fileBytes;
    private long _fileLocalStart;
    private long _lastUtcSecond = long.MinValue;
    private readonly long _rotateBytes;
    private readonly List<string> _files = [];

    public FileLogOutput(string dir, long rotateBytes, long localStartSecond, bool append)
    {
        _dir = dir;
        Directory.CreateDirectory(dir);
        _currentPath = Path.Combine(dir, "mail_logs.current");
        _rotateBytes = rotateBytes;
        _append = append;
        _fileLocalStart = localStartSecond;
        _stream = Open();
    }

    public bool AllowsWrap => true;
    public IReadOnlyList<string> Files => _files.Append(_currentPath).ToList();

    private FileStream Open() =>
        new(_currentPath, _append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1 << 18);

    public void Write(ReadOnlySpan<byte> line, long utcSecond)
    {
        _stream.Write(line);
        _fileBytes += line.Length;
        _lastUtcSecond = utcSecond;
    }

    public bool WantsRotation => _fileBytes >= _rotateBytes;

    public void Rotate(long localStartSecond)
    {
        _stream.Dispose();
        var name = RotatedName(_fileLocalStart);
        var target = Path.Combine(_dir, name);
        for (int n = 1; File.Exists(target); n++) target = Path.Combine(_dir, $"{name}.{n}");
        File.Move(_currentPath, target);
        SetTime(target);
        _files.Add(target);
        _fileLocalStart = localStartSecond;
        _fileBytes = 0;
        _stream = new FileStream(_currentPath, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1 << 18);
    }

    internal static string RotatedName(long localSecond) =>
        "mail_logs.@" + DateTime.UnixEpoch.AddSeconds(localSecond).ToString("yyyyMMdd'T'HHmmss", System.Globalization.CultureInfo.InvariantCulture) + ".s";

    private void SetTime(string path)
    {
        if (_lastUtcSecond != long.MinValue) File.SetLastWriteTimeUtc(path, DateTime.UnixEpoch.AddSeconds(_lastUtcSecond));
    }

    public void Flush() => _stream.Flush();

    public void Dispose()
    {
        _stream.Dispose();
        SetTime(_currentPath);
    }
}

/// <summary>A syslog target: <c>udp://host:port</c> or <c>tcp://host:port</c> (RFC 3164 lines; TCP with LF framing).</summary>
public sealed record SyslogTarget(string Protocol, string Host, int Port)
{
    /// <summary>Parses <c>udp://127.0.0.1:5514</c> or <c>tcp://host:port</c>.</summary>
    /// <exception cref="FormatException">Not such a URI.</exception>
    public static SyslogTarget Parse(string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != "udp" && uri.Scheme != "tcp") || uri.Port <= 0)
            throw new FormatException($"not a syslog target: '{text}' (use udp://host:port or tcp://host:port)");
        return new SyslogTarget(uri.Scheme, uri.Host, uri.Port);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Protocol}://{Host}:{Port}";
}

/// <summary>One connection to a syslog target, shared by all appliances.</summary>
internal sealed class SyslogConnection : IDisposable
{
    private readonly Socket _socket;
    private readonly bool _tcp;
    private readonly byte[] _buffer = new byte[1 << 16];
    private int _used;

    public SyslogConnection(SyslogTarget target)
    {
        _tcp = target.Protocol == "tcp";
        _socket = new Socket(_tcp ? SocketType.Stream : SocketType.Dgram, _tcp ? ProtocolType.Tcp : ProtocolType.Udp);
        _socket.Connect(target.Host, target.Port);
        if (_tcp) _socket.NoDelay = true;
    }

    /// <summary>Sends one line (without its newline for UDP; with LF framing for TCP).</summary>
    public void Send(ReadOnlySpan<byte> lineWithNewline)
    {
        if (!_tcp)
        {
            _socket.Send(lineWithNewline[..^1]);
            return;
        }
        if (_used + lineWithNewline.Length > _buffer.Length) Flush();
        if (lineWithNewline.Length > _buffer.Length)
        {
            _socket.Send(lineWithNewline);
            return;
        }
        lineWithNewline.CopyTo(_buffer.AsSpan(_used));
        _used += lineWithNewline.Length;
    }

    public void Flush()
    {
        int sent = 0;
        while (sent < _used) sent += _socket.Send(_buffer, sent, _used - sent, SocketFlags.None);
        _used = 0;
    }

    public void Dispose()
    {
        try
        {
            Flush();
            if (_tcp) _socket.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException)
        {
            // The receiver went away; nothing more to send.
        }
        _socket.Dispose();
    }
}

/// <summary>An appliance's lines sent to a <see cref="SyslogConnection"/>.</summary>
internal sealed class SyslogLogOutput(SyslogConnection connection) : ILogOutput
{
    public bool AllowsWrap => false;
    public void Write(ReadOnlySpan<byte> line, long utcSecond) => connection.Send(line);
    public bool WantsRotation => false;
    public void Rotate(long localStartSecond) { }
    public void Flush() => connection.Flush();
    public IReadOnlyList<string> Files => [];
    public void Dispose() { }
}

/// <summary>Discards lines (counting only): for measuring the generator without the disk.</summary>
internal sealed class NullLogOutput : ILogOutput
{
    public bool AllowsWrap => true;
    public void Write(ReadOnlySpan<byte> line, long utcSecond) { }
    public bool WantsRotation => false;
    public void Rotate(long localStartSecond) { }
    public void Flush() { }
    public IReadOnlyList<string> Files => [];
    public void Dispose() { }
}

internal static class Utf8
{
    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);
}
