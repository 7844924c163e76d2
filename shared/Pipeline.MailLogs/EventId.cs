namespace Pipeline.MailLogs;

/// <summary>
/// Deterministic event ids: a 64-bit FNV-1a hash of the appliance name and the raw logical line (which carries its
/// own time), plus the occurrence number for identical lines. A replay, or the same line read from a renamed
/// (rotated) file, gets the same id, so outputs are rewritten rather than duplicated.
/// </summary>
public static class EventId
{
    private const ulong Offset = 14695981039346656037UL;
    private const ulong Prime = 1099511628211UL;

    /// <summary>The hash of <paramref name="appliance"/> and <paramref name="line"/>.</summary>
    public static ulong Hash(string appliance, ReadOnlySpan<byte> line)
    {
        ulong h = Offset;
        foreach (char c in appliance) { h ^= c; h *= Prime; }
        h ^= 0xFF; h *= Prime; // separator: "ab"+"c" differs from "a"+"bc"
        foreach (byte b in line) { h ^= b; h *= Prime; }
        return h;
    }

    /// <summary>The id text: 16 hex digits, and <c>-n</c> for the n-th repeat of an identical line.</summary>
    public static string Format(ulong hash, int occurrence) =>
        occurrence == 0 ? hash.ToString("x16") : $"{hash:x16}-{occurrence}";
}
