namespace Pipeline.MailLogs;

/// <summary>
/// What the parser knows about one input stream (one file or one syslog source): the appliance's time offset,
/// the reference time that gives year-less syslog lines their year, and the identity from the file headers.
/// One context per stream; the parser updates it when it reads header lines.
/// </summary>
public sealed class ParseContext
{
    private readonly int? _configuredOffset;
    private int? _headerOffset;

    // Year inference state for year-less syslog lines: continuity within the stream handles New Year.
    private int _lastYearlessYear;
    private int _lastYearlessMonth;

    // One-entry cache: consecutive lines usually share the same second.
    internal readonly byte[] CachedStamp = new byte[40];
    internal int CachedStampLength = -1;
    internal long CachedLocalTicks;
    internal long CachedUtcTicks;

    /// <summary>Creates a context.</summary>
    /// <param name="utcOffsetSeconds">Offset of appliance-local time from UTC, used until a <c>Time offset from UTC</c> header gives one.</param>
    /// <param name="referenceTimeUtc">When the lines were received (or the file's time): year-less syslog times take their year from it.</param>
    public ParseContext(int? utcOffsetSeconds = null, DateTime? referenceTimeUtc = null)
    {
        _configuredOffset = utcOffsetSeconds;
        ReferenceTimeUtc = referenceTimeUtc ?? new DateTime(2000, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    }

    /// <summary>Reception time (or file time) for year-less syslog timestamps.</summary>
    public DateTime ReferenceTimeUtc { get; set; }

    /// <summary>The offset in use: the latest header's, else the configured one, else 0 (UTC).</summary>
    public int UtcOffsetSeconds => _headerOffset ?? _configuredOffset ?? 0;

    /// <summary>True once a header or the configuration gave the offset.</summary>
    public bool UtcOffsetKnown => _headerOffset.HasValue || _configuredOffset.HasValue;

    /// <summary>AsyncOS version from the <c>Version:</c> header, if seen.</summary>
    public string? Version { get; private set; }

    /// <summary>Serial number from the <c>Version:</c> header, if seen.</summary>
    public string? Serial { get; private set; }

    internal void SetHeaderOffset(int seconds)
    {
        if (_headerOffset != seconds) CachedStampLength = -1;
        _headerOffset = seconds;
    }

    internal void SetIdentity(ReadOnlySpan<byte> version, ReadOnlySpan<byte> serial)
    {
        // Header lines are rare; only allocate when the identity changes.
        if (Version is null || !System.Text.Ascii.Equals(version, Version)) Version = System.Text.Encoding.UTF8.GetString(version);
        if (Serial is null || !System.Text.Ascii.Equals(serial, Serial)) Serial = System.Text.Encoding.UTF8.GetString(serial);
    }

    /// <summary>
    /// The year of a year-less (syslog) time. The first line takes the year that puts it closest before the
    /// reference time (lines are received after they are written); later lines follow the stream, so a month
    /// that falls back by more than half a year means the stream crossed New Year.
    /// </summary>
    internal int InferYear(int month, int day)
    {
        int year;
        if (_lastYearlessYear == 0)
        {
            var r = ReferenceTimeUtc;
            year = r.Year;
            // More than a month in the future of the reference: it was written last year.
            if (month > r.Month + 1 || (month == r.Month + 1 && day > r.Day)) year--;
            else if (month < r.Month - 10) year++; // December reference, January line: clock drift across New Year
        }
        else
        {
            year = _lastYearlessYear;
            if (month < _lastYearlessMonth - 6) year++;
            else if (month > _lastYearlessMonth + 6) year--;
        }
        _lastYearlessYear = year;
        _lastYearlessMonth = month;
        return year;
    }
}
