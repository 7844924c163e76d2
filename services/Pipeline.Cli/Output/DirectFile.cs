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
/// A sequential, write-only stream over an O_DIRECT file. Data goes into one of two aligned buffers; a full buffer is
/// written asynchronously while the other fills, so formatting and the device work at the same time. The tail is
/// padded to a block at the end and the file then cut back to its true length.
/// </summary>
internal sealed unsafe class DirectFileStream : Stream
{
    private const int Align = 4096;
    private const int BufferSize = 4 << 20;
    private const int O_WRONLY = 0x1, O_CREAT = 0x40, O_TRUNC = 0x200, O_CLOEXEC = 0x80000;

    /// <summary>O_DIRECT differs between architectures (on ARM, 0x4000 is O_DIRECTORY); 0 where it is not known here.</summary>
    private static readonly int O_DIRECT = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 or Architecture.X86 => 0x4000,
        Architecture.Arm64 or Architecture.Arm => 0x10000,
        _ => 0,
    };

    /// <summary>Native memory as <see cref="Memory{T}"/>, for the asynchronous writes.</summary>
    private sealed class NativeBuffer : System.Buffers.MemoryManager<byte>
    {
        public readonly byte* Pointer = (byte*)NativeMemory.AlignedAlloc(BufferSize, Align);
        public Task Pending = Task.CompletedTask;
        public override Span<byte> GetSpan() => new(Pointer, BufferSize);
        public override System.Buffers.MemoryHandle Pin(int elementIndex = 0) => new(Pointer + elementIndex);
        public override void Unpin() { }
        protected override void Dispose(bool disposing) => NativeMemory.AlignedFree(Pointer);
        public void Free() => ((IDisposable)this).Dispose();
    }

    private readonly SafeFileHandle _handle;
    private readonly NativeBuffer[] _buffers = [new(), new()];
    private int _current;
    private int _used;
    private long _written; // bytes handed to the file (a multiple of the buffer size until the tail)
    private bool _disposed;

    [DllImport("libc", SetLastError = true, EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    private DirectFileStream(SafeFileHandle handle) => _handle = handle;

    public static DirectFileStream? TryOpen(string path)
    {
        if (O_DIRECT == 0) return null;
        try
        {
            int fd = Open(path, O_WRONLY | O_CREAT | O_TRUNC | O_DIRECT | O_CLOEXEC, 420 /* 0644 */);
            if (fd < 0) return null;
            var stream = new DirectFileStream(new SafeFileHandle(fd, ownsHandle: true));
            // Some file systems accept the flag at open and refuse the first write: find out now, not mid-run.
            try
            {
                var probe = stream._buffers[0];
                new Span<byte>(probe.Pointer, Align).Clear();
                RandomAccess.Write(stream._handle, new ReadOnlySpan<byte>(probe.Pointer, Align), 0);
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
    public override long Length => _written + _used;

    public override long Position
    {
        get => _written + _used;
        set
        {
            if (value != Position) throw new NotSupportedException("this stream only appends");
        }
    }

    public override void Write(ReadOnlySpan<byte> data)
    {
        while (data.Length > 0)
        {
            var buffer = _buffers[_current];
            int n = Math.Min(data.Length, BufferSize - _used);
            data[..n].CopyTo(new Span<byte>(buffer.Pointer + _used, n));
            _used += n;
            data = data[n..];
            if (_used == BufferSize) Submit();
        }
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>Starts writing the full buffer and switches to the other one (waiting for its previous write).</summary>
    private void Submit()
    {
        var full = _buffers[_current];
        full.Pending = RandomAccess.WriteAsync(_handle, full.Memory, _written).AsTask();
        _written += BufferSize;
        _used = 0;
        _current ^= 1;
        var next = _buffers[_current];
        next.Pending.GetAwaiter().GetResult();
        next.Pending = Task.CompletedTask;
    }

    /// <summary>Nothing to do before the end: whole buffers are written as they fill, the tail at <see cref="Stream.Dispose()"/>.</summary>
    public override void Flush() { }

    protected override void Dispose(bool disposing)
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            foreach (var b in _buffers) b.Pending.GetAwaiter().GetResult();
            if (_used > 0 && !_handle.IsInvalid)
            {
                // The tail: pad to whole blocks, write them, cut the file back to its true length.
                long length = Length;
                int padded = (_used + Align - 1) / Align * Align;
                var buffer = _buffers[_current];
                new Span<byte>(buffer.Pointer + _used, padded - _used).Clear();
                RandomAccess.Write(_handle, new ReadOnlySpan<byte>(buffer.Pointer, padded), _written);
                RandomAccess.SetLength(_handle, length);
                _used = 0;
            }
        }
        finally
        {
            foreach (var b in _buffers) b.Free();
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
