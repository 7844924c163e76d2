using System.Buffers;
using System.Text;

namespace Pipeline.Protocol.Serialization;

/// <summary>
/// Writes the compact binary form of stage messages and stage snapshots: integers as LEB128 varints (signed ones
/// zigzag-encoded, so -1 takes one byte), strings as their UTF-8 length plus one (0 is null) and bytes. Grows its
/// own buffer; <see cref="Reset"/> reuses it, so one writer per thread serializes without allocating.
/// </summary>
public sealed class ProtocolWriter
{
    private byte[] _buffer;

    /// <summary>A writer with an initial buffer of <paramref name="capacity"/> bytes.</summary>
    public ProtocolWriter(int capacity = 256) => _buffer = new byte[Math.Max(16, capacity)];

    /// <summary>Bytes written.</summary>
    public int Length { get; private set; }

    /// <summary>What was written (valid until the next write or reset).</summary>
    public ReadOnlySpan<byte> Written => _buffer.AsSpan(0, Length);

    /// <summary>A copy of what was written.</summary>
    public byte[] ToArray() => Written.ToArray();

    /// <summary>Starts again at length 0, keeping the buffer.</summary>
    public void Reset() => Length = 0;

    private Span<byte> Reserve(int bytes)
    {
        if (Length + bytes > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + bytes));
        return _buffer.AsSpan(Length, bytes);
    }

    /// <summary>One byte.</summary>
    public void Byte(byte value)
    {
        Reserve(1)[0] = value;
        Length++;
    }

    /// <summary>An unsigned varint.</summary>
    public void UnsignedVarint(ulong value)
    {
        var span = Reserve(10);
        int n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }
        span[n++] = (byte)value;
        Length += n;
    }

    /// <summary>A signed varint (zigzag: small magnitudes, negative or not, are short).</summary>
    public void Varint(long value) => UnsignedVarint((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>A boolean as one byte.</summary>
    public void Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    /// <summary>Eight bytes, little-endian (hashes, which varints would not shorten).</summary>
    public void Fixed64(ulong value)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(Reserve(8), value);
        Length += 8;
    }

    /// <summary>A string, or null.</summary>
    public void String(string? value)
    {
        if (value is null) { UnsignedVarint(0); return; }
        int bytes = Encoding.UTF8.GetByteCount(value);
        UnsignedVarint((ulong)bytes + 1);
        Encoding.UTF8.GetBytes(value, Reserve(bytes));
        Length += bytes;
    }

    /// <summary>Raw bytes with their length.</summary>
    public void Bytes(ReadOnlySpan<byte> value)
    {
        UnsignedVarint((ulong)value.Length);
        value.CopyTo(Reserve(value.Length));
        Length += value.Length;
    }

    /// <summary>
    /// A time (UTC ticks) relative to <paramref name="baseTicks"/>: 0 stays 0 ("not yet"), other times are written as
    /// their distance from the base, which is short for the times of one message.
    /// </summary>
    public void RelativeTime(long ticks, long baseTicks)
    {
        if (ticks == 0) UnsignedVarint(0);
        else UnsignedVarint(Zigzag(ticks - baseTicks) + 1);
    }

    private static ulong Zigzag(long v) => (ulong)((v << 1) ^ (v >> 63));

    /// <summary>A count followed by each item.</summary>
    public void List<T>(IReadOnlyCollection<T> items, Action<ProtocolWriter, T> write)
    {
        UnsignedVarint((ulong)items.Count);
        foreach (var item in items) write(this, item);
    }

    /// <summary>Writes the bytes so far to <paramref name="output"/>.</summary>
    public void CopyTo(IBufferWriter<byte> output) => output.Write(Written);
}
