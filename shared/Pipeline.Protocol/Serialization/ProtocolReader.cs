using System.Text;

namespace Pipeline.Protocol.Serialization;

/// <summary>Damaged or unknown protocol bytes (a message or snapshot that this version cannot read).</summary>
public sealed class ProtocolException(string message) : Exception(message);

/// <summary>Reads what <see cref="ProtocolWriter"/> wrote; throws <see cref="ProtocolException"/> on damaged input, never reads past the end.</summary>
public ref struct ProtocolReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _pos;

    /// <summary>Reads <paramref name="data"/>.</summary>
    public ProtocolReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _pos = 0;
    }

    /// <summary>True when everything was read.</summary>
    public readonly bool AtEnd => _pos == _data.Length;

    /// <summary>One byte.</summary>
    public byte Byte()
    {
        if (_pos >= _data.Length) throw new ProtocolException("truncated: a byte is missing");
        return _data[_pos++];
    }

    /// <summary>An unsigned varint.</summary>
    public ulong UnsignedVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            byte b = Byte();
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80) return value;
        }
        throw new ProtocolException("a varint is longer than 10 bytes");
    }

    /// <summary>A signed varint.</summary>
    public long Varint()
    {
        ulong v = UnsignedVarint();
        return (long)(v >> 1) ^ -(long)(v & 1);
    }

    /// <summary>An int (a varint that must fit).</summary>
    public int Int()
    {
        long v = Varint();
        if (v is < int.MinValue or > int.MaxValue) throw new ProtocolException($"{v} does not fit an int");
        return (int)v;
    }

    /// <summary>A count of items that can still be read (each takes a byte at least), so a damaged count cannot make a reader allocate gigabytes.</summary>
    public int Count()
    {
        ulong n = UnsignedVarint();
        if (n > (ulong)(_data.Length - _pos)) throw new ProtocolException($"a count of {n} exceeds the {_data.Length - _pos} bytes left");
        return (int)n;
    }

    /// <summary>A boolean.</summary>
    public bool Bool() => Byte() switch
    {
        0 => false,
        1 => true,
        var b => throw new ProtocolException($"{b} is not a boolean"),
    };

    /// <summary>Eight bytes, little-endian.</summary>
    public ulong Fixed64()
    {
        if (_pos + 8 > _data.Length) throw new ProtocolException("truncated: 8 bytes are missing");
        ulong v = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(_data[_pos..]);
        _pos += 8;
        return v;
    }

    /// <summary>A string, or null.</summary>
    public string? String()
    {
        ulong n = UnsignedVarint();
        if (n == 0) return null;
        int bytes = (int)Math.Min(n - 1, int.MaxValue);
        if (n - 1 > (ulong)(_data.Length - _pos)) throw new ProtocolException("truncated: a string runs past the end");
        var s = Encoding.UTF8.GetString(_data.Slice(_pos, bytes));
        _pos += bytes;
        return s;
    }

    /// <summary>A string that may not be null.</summary>
    public string RequiredString() => String() ?? throw new ProtocolException("a required string is null");

    /// <summary>Raw bytes.</summary>
    public ReadOnlySpan<byte> Bytes()
    {
        int n = Count();
        var s = _data.Slice(_pos, n);
        _pos += n;
        return s;
    }

    /// <summary>A time written by <see cref="ProtocolWriter.RelativeTime"/>.</summary>
    public long RelativeTime(long baseTicks)
    {
        ulong v = UnsignedVarint();
        if (v == 0) return 0;
        v--;
        return baseTicks + ((long)(v >> 1) ^ -(long)(v & 1));
    }

    /// <summary>A value of an enum stored as a byte, checked against its defined values.</summary>
    public T Enum<T>() where T : struct, System.Enum
    {
        if (System.Runtime.CompilerServices.Unsafe.SizeOf<T>() != 1) throw new InvalidOperationException($"{typeof(T).Name} is not stored as a byte");
        byte b = Byte();
        var value = System.Runtime.CompilerServices.Unsafe.As<byte, T>(ref b);
        if (!System.Enum.IsDefined(value)) throw new ProtocolException($"{b} is not a {typeof(T).Name}");
        return value;
    }
}
