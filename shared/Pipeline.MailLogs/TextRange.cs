namespace Pipeline.MailLogs;

/// <summary>
/// A slice of the logical line a <see cref="LogEvent"/> was parsed from. Fields are ranges, not strings, so that
/// parsing allocates nothing; callers materialize only what they keep.
/// </summary>
public readonly record struct TextRange(int Start, int Length)
{
    /// <summary>True when the field was present in the line.</summary>
    public bool HasValue => Length > 0;

    /// <summary>The bytes of this range within <paramref name="line"/>.</summary>
    public ReadOnlySpan<byte> Of(ReadOnlySpan<byte> line) => line.Slice(Start, Length);

    /// <summary>The text of this range (invalid UTF-8 becomes U+FFFD), or null when absent.</summary>
    public string? ToString(ReadOnlySpan<byte> line) =>
        Length > 0 ? System.Text.Encoding.UTF8.GetString(line.Slice(Start, Length)) : null;
}
