using System.Numerics;

namespace Pipeline.Simulation;

/// <summary>
/// xoshiro256** seeded through SplitMix64: the simulator's only source of randomness, so that the same seed and
/// options give the same bytes. Each purpose (traffic, one appliance's envelope quirks) gets its own stream.
/// </summary>
internal sealed class Rng
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>A generator for <paramref name="seed"/> and an independent <paramref name="stream"/>.</summary>
    public Rng(ulong seed, ulong stream)
    {
        ulong x = seed ^ (stream + 1) * 0xD1B54A32D192ED03UL;
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    public ulong NextULong()
    {
        ulong result = BitOperations.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = BitOperations.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, n).</summary>
    public int Next(int n) => n <= 1 ? 0 : (int)(((NextULong() >> 32) * (ulong)n) >> 32);

    /// <summary>Uniform in [lo, hi] (inclusive).</summary>
    public int Range(int lo, int hi) => lo + Next(hi - lo + 1);

    public bool Chance(double p) => p > 0 && NextDouble() < p;

    /// <summary>Milliseconds uniform in [lo, hi] seconds.</summary>
    public long Ms(double loSeconds, double hiSeconds) => (long)((loSeconds + (hiSeconds - loSeconds) * NextDouble()) * 1000);

    /// <summary>Exponential with the given mean.</summary>
    public double Exp(double mean) => -mean * Math.Log(1 - NextDouble());

    public T Pick<T>(T[] items) => items[Next(items.Length)];
}
