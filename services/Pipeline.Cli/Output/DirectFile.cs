using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Pipeline.Cli.Output;

/// <summary>
/// Opens the large, write-once output files (events, flows). On Linux they are written with O_DIRECT, past the page
/// cache: analyze writes several times its input, and through the page cache the kernel's copying and dirty-page
/// throttling cost more CPU than the analysis (measured in docs/benchmarks.md). Elsewhere, or where the file system
/// refuses O_DIRECT, a plain buffered file.
/// </summary>
public static class DirectFile
{
    /// <summary>Creates (or truncates) <paramref name="path"/> for sequential writing.</summary>
    public static Stream Create(string path)
    {
        if (OperatingSystem.IsLinux() && Environment.GetEnvironmentVariable("PIPELINE_NO_DIRECT_IO") != "1"
            && DirectFileStream.TryOpen(path) is { } direct) return direct;
        return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, 1 << 20);
    }
}

/// <summary>
/// A sequential, write-only stream over an O_DIRECT file: data goes through an aligned buffer and is written in whole
/// blocks; the tail is padded to a block and the file then truncated to its true length.
/// </summary>
internal sealed unsafe class DirectFileStream : Stream
{
    private const int Align = 4096;
    private const int BufferSize = 4 << 20;
    private const int O_WRONLY = 0x1, O_CREAT = 0x40, O_TRUNC = 0x200, O_DIRECT = 0x4000, O_CLOEXEC = 0x80000;

    private readonly SafeFileHandle _handle;
    private byte* _buffer;
    private int _used;
    private long _flushed; // bytes written to the file (always a multiple of Align before the tail)

    [DllImport("libc", SetLastError = true, EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    private DirectFileStream(SafeFileHandle handle)
    {
        _handle = handle;
        _buffer = (byte*)NativeMemory.AlignedAlloc(BufferSize, Align);
    }

    public static DirectFileStream? TryOpen(string path)
    {
        try
        {
            int fd = Open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 420 /* 0644 */);
            if (fd < 0) return null;
            var stream = new DirectFileStream(new SafeFileHandle(fd, ownsHandle: true));
            // Some file systems accept the flag at open and refuse the first write: find out now, not mid-run.
            try
            {
                new Span<byte>(stream._buffer, Align).Clear();
                RandomAccess.Write(stream._handle, new ReadOnlySpan<byte>(stream._buffer, Align), 0);
                RandomAccess.SetLength(stream._handle, 0);
            }
            catch (IOException)
            {
                stream.Dispose();
                return null;
            }
            return stream;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    public override bool CanRead => false;
    public override bool CanSeek => true; // the Arrow file writer asks for the position; it never moves it
    public override bool CanWrite => true;
    public override long Length => _flushed + _used;

    public override long Position
    {
        get => _flushed + _used;
        set
        {
            if (value != Position) throw new NotSupportedException("this stream only appends");
        }
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            int n = Math.Min(data.Length, BufferSize - _used);
            data[..n].CopyTo(new Span<byte>(_buffer + _used, n));
            _used += n;
            data = data[n..];
            if (_used == BufferSize) WriteBuffer(BufferSize);
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Writes the whole blocks that are buffered; the partial block stays until more data or the end.</summary>
    public override void Flush()
    {
        int whole = _used / Align * Align;
        if (whole > 0) WriteBuffer(whole);
    }

    private void WriteBuffer(int bytes)
    {
        RandomAccess.Write(_handle, new ReadOnlySpan<byte>(_buffer, bytes), _flushed);
        _flushed += bytes;
        _used -= bytes;
        if (_used > 0) Buffer.MemoryCopy(_buffer + bytes, _buffer, BufferSize, _used);
    }

    protected override void Dispose(bool disposing)
    {
        if (_buffer is null) return;
        try
        {
            if (!_handle.IsClosed && !_handle.IsInvalid)
            {
                long length = Length;
                Flush();
                if (_used > 0)
                {
                    // The tail: pad to a whole block, write it, cut the file back to its true length.
                    new Span<byte>(_buffer + _used, Align - _used).Clear();
                    RandomAccess.Write(_handle, new ReadOnlySpan<byte>(_buffer, Align), _flushed);
                    RandomAccess.SetLength(_handle, length);
                    _used = 0;
                }
            }
        }
        finally
        {
            NativeMemory.AlignedFree(_buffer);
            _buffer = null;
            _handle.Dispose();
            base.Dispose(disposing);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin)
    {
        long target = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => Position + offset, _ => Length + offset };
        if (target != Position) throw new NotSupportedException("this stream only appends");
        return target;
    }
    public override void SetLength(long value) => throw new NotSupportedException();
}
