using System.Buffers.Binary;
using System.Numerics;

namespace Pipeline.MailLogs;

/// <summary>
/// Deterministic event ids: a 64-bit hash of the appliance name and the raw logical line (which carries its own
/// time), plus the occurrence number for identical lines. A replay, or the same line read from a renamed (rotated)
/// file, gets the same id, so outputs are rewritten rather than duplicated. The hash reads eight bytes at a time and
/// ends with the MurmurHash3 finalizer; it is the same on every platform (little-endian reads).
/// </summary>
public static class EventId
{
    private const ulong K = 0x9E3779B97F4A7C15UL;

    /// <summary>The hash of <paramref name="appliance"/> and <paramref name="line"/>.</summary>
    public static ulong Hash(string appliance, ReadOnlySpan<byte> line)
    {
        ulong h = 0xCBF29CE484222325UL;
        foreach (char c in appliance) h = (BitOperations.RotateLeft(h, 5) ^ c) * K;
        h = (BitOperations.RotateLeft(h, 5) ^ 0xFF) * K; // separator: "ab"+"c" differs from "a"+"bc"
        while (line.Length >= 8)
        {
            h = (BitOperations.RotateLeft(h, 5) ^ BinaryPrimitives.ReadUInt64LittleEndian(line)) * K;
            line = line[8..];
        }
        ulong tail = 0;
        for (int i = 0; i < line.Length; i++) tail |= (ulong)line[i] << (8 * i);
        h = (BitOperations.RotateLeft(h, 5) ^ tail ^ ((ulong)line.Length << 59)) * K;
        // fmix64: every input bit affects every output bit.
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCDUL;
        h ^= h >> 33;
        h *= 0xC4CEB9FE1A85EC53UL;
        h ^= h >> 33;
        return h;
    }

    /// <summary>Longest id text: 16 hex digits, a dash and up to 10 digits.</summary>
    public const int MaxLength = 27;

    /// <summary>The id text: 16 hex digits, and <c>-n</c> for the n-th repeat of an identical line.</summary>
    public static string Format(ulong hash, int occurrence)
    {
        Span<byte> buf = stackalloc byte[MaxLength];
        int n = Format(hash, occurrence, buf);
        return System.Text.Encoding.ASCII.GetString(buf[..n]);
    }

    /// <summary>Writes the id text as ASCII into <paramref name="destination"/> (at least <see cref="MaxLength"/> bytes); returns its length.</summary>
    public static int Format(ulong hash, int occurrence, Span<byte> destination)
    {
        for (int i = 15; i >= 0; i--)
        {
            int nibble = (int)(hash & 0xF);
            destination[i] = (byte)(nibble < 10 ? '0' + nibble : 'a' + nibble - 10);
            hash >>= 4;
        }
        if (occurrence == 0) return 16;
        destination[16] = (byte)'-';
        occurrence.TryFormat(destination[17..], out int written, default, System.Globalization.CultureInfo.InvariantCulture);
        return 17 + written;
    }
}
