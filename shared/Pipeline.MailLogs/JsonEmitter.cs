using System.Buffers;
using System.Buffers.Text;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Pipeline.MailLogs;

/// <summary>
/// A minimal JSON writer for the hot path: it writes straight into an <see cref="IBufferWriter{T}"/>, tracks only
/// whether a comma is due at each depth, and escapes only what JSON requires (quote, backslash, control bytes).
/// Invalid UTF-8 in a value becomes U+FFFD. One document per instance; call <see cref="Done"/> at the end.
/// </summary>
internal ref struct JsonEmitter
{
    private static readonly SearchValues<byte> NeedsEscape = SearchValues.Create(
        "\"\\\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u0009\u000a\u000b\u000c\u000d\u000e\u000f\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001a\u001b\u001c\u001d\u001e\u001f"u8);

    private readonly IBufferWriter<byte> _out;
    private Span<byte> _span;
    private int _pos;
    private ulong _hasItems; // bit d: the container at depth d already has a member
    private int _depth;

    public JsonEmitter(IBufferWriter<byte> output)
    {
        _out = output;
        _span = output.GetSpan(4096);
        _pos = 0;
    }

    /// <summary>Commits what was written to the buffer writer.</summary>
    public void Done()
    {
        _out.Advance(_pos);
        _pos = 0;
        _span = default;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(int n)
    {
        if (_span.Length - _pos < n) Grow(n);
    }

    private void Grow(int n)
    {
        _out.Advance(_pos);
        _pos = 0;
        _span = _out.GetSpan(Math.Max(n, 64 * 1024));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Put(byte b) => _span[_pos++] = b;

    private void PutRaw(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_span[_pos..]);
        _pos += bytes.Length;
    }

    private void Comma()
    {
        ulong bit = 1UL << _depth;
        if ((_hasItems & bit) != 0) Put((byte)',');
        else _hasItems |= bit;
    }

    private void Open(byte bracket)
    {
        Put(bracket);
        _depth++;
        _hasItems &= ~(1UL << _depth);
    }

    /// <summary>Writes <c>"name":</c> (names are ASCII literals: no escaping).</summary>
    private void Name(ReadOnlySpan<byte> name)
    {
        Ensure(name.Length + 4);
        Comma();
        Put((byte)'"');
        PutRaw(name);
        Put((byte)'"');
        Put((byte)':');
    }

    public void StartObject()
    {
        Ensure(2);
        if (_depth > 0) Comma();
        Open((byte)'{');
    }

    public void StartObject(ReadOnlySpan<byte> name)
    {
        Name(name);
        Ensure(1);
        Open((byte)'{');
    }

    public void StartArray(ReadOnlySpan<byte> name)
    {
        Name(name);
        Ensure(1);
        Open((byte)'[');
    }

    public void EndObject()
    {
        Ensure(1);
        Put((byte)'}');
        _depth--;
    }

    public void EndArray()
    {
        Ensure(1);
        Put((byte)']');
        _depth--;
    }

    public void Null(ReadOnlySpan<byte> name)
    {
        Name(name);
        Ensure(4);
        PutRaw("null"u8);
    }

    public void Bool(ReadOnlySpan<byte> name, bool value)
    {
        Name(name);
        Ensure(5);
        PutRaw(value ? "true"u8 : "false"u8);
    }

    public void Number(ReadOnlySpan<byte> name, long value)
    {
        Name(name);
        NumberBody(value);
    }

    public void NumberValue(long value)
    {
        Ensure(1);
        Comma();
        NumberBody(value);
    }

    private void NumberBody(long value)
    {
        Ensure(20);
        Utf8Formatter.TryFormat(value, _span[_pos..], out int n);
        _pos += n;
    }

    /// <summary>An ASCII value that needs no escaping (action names, levels, ids, constants).</summary>
    public void Ascii(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Name(name);
        Ensure(value.Length + 2);
        Put((byte)'"');
        PutRaw(value);
        Put((byte)'"');
    }

    /// <summary>A string value from bytes that should be UTF-8 but may not be (NULs and garbage too).</summary>
    public void String(ReadOnlySpan<byte> name, scoped ReadOnlySpan<byte> value)
    {
        Name(name);
        StringBody(value);
    }

    /// <summary>A string value from a .NET string.</summary>
    public void String(ReadOnlySpan<byte> name, string value)
    {
        Name(name);
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        if (max <= 512)
        {
            Span<byte> utf8 = stackalloc byte[512];
            int n = Encoding.UTF8.GetBytes(value, utf8);
            StringBody(utf8[..n]);
        }
        else StringBody(Encoding.UTF8.GetBytes(value));
    }

    private void StringBody(scoped ReadOnlySpan<byte> value)
    {
        if (!Utf8.IsValid(value))
        {
            // Invalid UTF-8: decode with replacement characters rather than fail or drop the line.
            value = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(value));
        }
        Ensure(value.Length + 2);
        Put((byte)'"');
        while (true)
        {
            int i = value.IndexOfAny(NeedsEscape);
            if (i < 0)
            {
                Ensure(value.Length + 1);
                PutRaw(value);
                break;
            }
            Ensure(i + 6);
            PutRaw(value[..i]);
            Escape(value[i]);
            value = value[(i + 1)..];
        }
        Put((byte)'"');
    }

    private void Escape(byte b)
    {
        Put((byte)'\\');
        switch (b)
        {
            case (byte)'"': Put((byte)'"'); break;
            case (byte)'\\': Put((byte)'\\'); break;
            case (byte)'\n': Put((byte)'n'); break;
            case (byte)'\r': Put((byte)'r'); break;
            case (byte)'\t': Put((byte)'t'); break;
            case (byte)'\b': Put((byte)'b'); break;
            case (byte)'\f': Put((byte)'f'); break;
            default:
                PutRaw("u00"u8);
                Put(Hex(b >> 4));
                Put(Hex(b & 0xF));
                break;
        }
    }

    private static byte Hex(int n) => (byte)(n < 10 ? '0' + n : 'A' + n - 10);

    /// <summary>An ISO-8601 UTC time with Z; fractions only when not a whole second.</summary>
    public void Time(ReadOnlySpan<byte> name, long ticks)
    {
        Name(name);
        Ensure(32);
        var t = new DateTime(ticks, DateTimeKind.Utc);
        var s = _span[_pos..];
        s[0] = (byte)'"';
        Digits(s[1..], t.Year, 4);
        s[5] = (byte)'-';
        Digits(s[6..], t.Month, 2);
        s[8] = (byte)'-';
        Digits(s[9..], t.Day, 2);
        s[11] = (byte)'T';
        Digits(s[12..], t.Hour, 2);
        s[14] = (byte)':';
        Digits(s[15..], t.Minute, 2);
        s[17] = (byte)':';
        Digits(s[18..], t.Second, 2);
        int n = 20;
        long fraction = ticks % TimeSpan.TicksPerSecond;
        if (fraction != 0)
        {
            s[20] = (byte)'.';
            Digits(s[21..], (int)fraction, 7);
            n = 28;
        }
        s[n] = (byte)'Z';
        s[n + 1] = (byte)'"';
        _pos += n + 2;
    }

    private static void Digits(Span<byte> s, int value, int width)
    {
        for (int i = width - 1; i >= 0; i--)
        {
            s[i] = (byte)('0' + value % 10);
            value /= 10;
        }
    }
}
