using System.Buffers.Text;

namespace Pipeline.Simulation;

/// <summary>A small reusable byte builder for values that are kept (Message-IDs, response ids).</summary>
internal sealed class ByteSink
{
    private byte[] _b = new byte[256];
    private int _n;

    public ByteSink Clear()
    {
        _n = 0;
        return this;
    }

    public ByteSink S(ReadOnlySpan<byte> s)
    {
        if (_n + s.Length > _b.Length) Array.Resize(ref _b, Math.Max(_b.Length * 2, _n + s.Length));
        s.CopyTo(_b.AsSpan(_n));
        _n += s.Length;
        return this;
    }

    public ByteSink C(byte c) => S([c]);

    public ByteSink N(long v)
    {
        Span<byte> tmp = stackalloc byte[24];
        Utf8Formatter.TryFormat(v, tmp, out int w);
        return S(tmp[..w]);
    }

    public ByteSink Digits(Rng r, int count)
    {
        for (int i = 0; i < count; i++) C((byte)('0' + r.Next(10)));
        return this;
    }

    public ByteSink Alnum(Rng r, int count)
    {
        const string A = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
        for (int i = 0; i < count; i++) C((byte)A[r.Next(A.Length)]);
        return this;
    }

    public ByteSink Hex(Rng r, int count)
    {
        const string H = "0123456789abcdef";
        for (int i = 0; i < count; i++) C((byte)H[r.Next(16)]);
        return this;
    }

    public ReadOnlySpan<byte> Span => _b.AsSpan(0, _n);
    public byte[] ToArray() => _b.AsSpan(0, _n).ToArray();
}
