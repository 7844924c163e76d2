using System.Buffers.Text;
using Pipeline.MailLogs;

namespace Pipeline.Simulation;

/// <summary>Severity of a generated line.</summary>
internal enum Level : byte { Info, Warning, Critical }

/// <summary>
/// Formats one appliance's lines: the body is built in place with the fluent appenders (no string per line), then the
/// envelope (file or syslog variant, appliance local time) is put in front. Adds the quirks of real logs: lines held back
/// behind the next one (out of order by at most a second), long lines wrapped onto two physical lines, file headers,
/// roll-over trailers.
/// </summary>
internal sealed class ApplianceLog : IDisposable
{
    private static ReadOnlySpan<byte> Days => "SunMonTueWedThuFriSat"u8;
    private static ReadOnlySpan<byte> Months => "JanFebMarAprMayJunJulAugSepOctNovDec"u8;

    private readonly ILogOutput _out;
    private readonly Rng _rng;
    private readonly int _offset;
    private readonly bool _file;
    private readonly int _variant;
    private readonly byte[] _hostTag;
    private readonly double _wrap;
    private readonly double _disorder;
    private readonly byte[] _version;
    private readonly byte[] _serial;

    /// <summary>Returns true when the appliance must not log at that time (a silent window): lines are then dropped and counted.</summary>
    public Func<long, bool>? Guard { get; set; }

    private byte[] _body = new byte[4096];
    private int _n;
    private long _ms;
    private Level _level;

    private long _stampSec = long.MinValue;
    private readonly byte[] _stamp = new byte[48];
    private int _stampLen;

    private byte[] _line = new byte[8192];
    private byte[] _aux = new byte[1024];
    private byte[] _held = new byte[8192];
    private int _heldLen = -1;
    private int _heldBody;
    private long _heldSec;
    private long _lastSec = long.MinValue;

    public long Lines;
    public long PhysicalLines;
    public long Bytes;
    public long Suppressed;
    public long WrappedLines;

    public ApplianceLog(ILogOutput output, Rng rng, int utcOffsetSeconds, bool fileFormat, int syslogVariant, string hostname,
        string version, string serial, double wrapRate, double disorderRate)
    {
        _out = output;
        _rng = rng;
        _offset = utcOffsetSeconds;
        _file = fileFormat;
        _variant = syslogVariant;
        _hostTag = fileFormat ? [] : Utf8.Bytes(syslogVariant switch
        {
            0 => hostname + " mail_logs: ",
            1 => hostname + " syslog_mail: ",
            _ => "mail_logs: ",
        });
        _wrap = output.AllowsWrap ? wrapRate : 0;
        _disorder = disorderRate;
        _version = Utf8.Bytes(version);
        _serial = Utf8.Bytes(serial);
    }

    public ILogOutput Output => _out;

    // ------------------------------------------------------------------ body builder

    public ApplianceLog Begin(long ms, Level level = Level.Info)
    {
        _n = 0;
        _ms = ms;
        _level = level;
        return this;
    }

    public ApplianceLog S(ReadOnlySpan<byte> s)
    {
        if (_n + s.Length > _body.Length) Array.Resize(ref _body, Math.Max(_body.Length * 2, _n + s.Length + 256));
        s.CopyTo(_body.AsSpan(_n));
        _n += s.Length;
        return this;
    }

    public ApplianceLog C(byte c)
    {
        if (_n + 1 > _body.Length) Array.Resize(ref _body, _body.Length * 2);
        _body[_n++] = c;
        return this;
    }

    public ApplianceLog N(long v)
    {
        if (_n + 24 > _body.Length) Array.Resize(ref _body, _body.Length * 2);
        Utf8Formatter.TryFormat(v, _body.AsSpan(_n), out int w);
        _n += w;
        return this;
    }

    /// <summary>A number with one decimal from tenths: -95 → <c>-9.5</c>.</summary>
    public ApplianceLog Dec1(int tenths)
    {
        if (tenths < 0) { C((byte)'-'); tenths = -tenths; }
        return N(tenths / 10).C((byte)'.').N(tenths % 10);
    }

    /// <summary>A dotted IPv4 address.</summary>
    public ApplianceLog Ip(uint ip) =>
        N(ip >> 24).C((byte)'.').N((ip >> 16) & 255).C((byte)'.').N((ip >> 8) & 255).C((byte)'.').N(ip & 255);

    /// <summary><c>[0, 1, 2]</c> for <paramref name="count"/> recipients.</summary>
    public ApplianceLog Rids(int count)
    {
        C((byte)'[');
        for (int i = 0; i < count; i++)
        {
            if (i > 0) S(", "u8);
            N(i);
        }
        return C((byte)']');
    }

    /// <summary>The appliance's local time in the file format (<c>Wed Jul 20 10:15:41 2005</c>), as in <c>pending till</c>.</summary>
    public ApplianceLog LocalTime(long utcMs)
    {
        Span<byte> tmp = stackalloc byte[32];
        int len = FormatFileStamp(tmp, FloorSec(utcMs) + _offset);
        return S(tmp[..(len - 1)]);
    }

    public void End()
    {
        long sec = FloorSec(_ms);
        if (Guard is not null && Guard(_ms))
        {
            Suppressed++;
            return;
        }
        if (_out.WantsRotation) Rotate(sec);
        int bodyStart = Assemble(sec, _level, _body.AsSpan(0, _n), ref _line, out int len);
        Lines++;
        if (_heldLen >= 0)
        {
            if (sec - _heldSec <= 1)
            {
                Emit(_line, len, bodyStart, sec);
                Emit(_held, _heldLen, _heldBody, _heldSec);
                _heldLen = -1;
                return;
            }
            Emit(_held, _heldLen, _heldBody, _heldSec);
            _heldLen = -1;
        }
        if (_disorder > 0 && _rng.NextDouble() < _disorder)
        {
            if (_held.Length < len) _held = new byte[Math.Max(len, _held.Length * 2)];
            _line.AsSpan(0, len).CopyTo(_held);
            _heldLen = len;
            _heldBody = bodyStart;
            _heldSec = sec;
            return;
        }
        Emit(_line, len, bodyStart, sec);
    }

    // ------------------------------------------------------------------ headers, rotation

    /// <summary>Writes the file headers (Begin Logfile, Version, Time offset) at <paramref name="ms"/>.</summary>
    public void WriteHeaders(long ms)
    {
        long sec = FloorSec(ms);
        FlushHeld();
        Fixed(sec, "Begin Logfile"u8);
        Span<byte> b = stackalloc byte[160];
        int n = 0;
        "Version: "u8.CopyTo(b); n += 9;
        _version.CopyTo(b[n..]); n += _version.Length;
        " SN: "u8.CopyTo(b[n..]); n += 5;
        _serial.CopyTo(b[n..]); n += _serial.Length;
        Fixed(sec, b[..n]);
        n = 0;
        "Time offset from UTC: "u8.CopyTo(b); n += 22;
        Utf8Formatter.TryFormat(_offset, b[n..], out int w); n += w;
        " seconds"u8.CopyTo(b[n..]); n += 8;
        Fixed(sec, b[..n]);
    }

    private void Rotate(long sec)
    {
        FlushHeld();
        long last = _lastSec == long.MinValue ? sec : _lastSec;
        Fixed(last, "Logfile rolled over"u8);
        Fixed(last, "End Logfile"u8);
        _out.Rotate(sec + _offset);
        WriteHeaders(sec * 1000);
    }

    private void Fixed(long sec, ReadOnlySpan<byte> body)
    {
        int bodyStart = Assemble(sec, Level.Info, body, ref _aux, out int len);
        Lines++;
        Emit(_aux, len, bodyStart, sec, allowWrap: false);
    }

    /// <summary>Writes a held-back line, if any.</summary>
    public void FlushHeld()
    {
        if (_heldLen < 0) return;
        Emit(_held, _heldLen, _heldBody, _heldSec);
        _heldLen = -1;
    }

    public void Flush()
    {
        _out.Flush();
    }

    public void Dispose()
    {
        FlushHeld();
        _out.Dispose();
    }

    // ------------------------------------------------------------------ assembly

    private static long FloorSec(long ms) => ms >= 0 ? ms / 1000 : (ms - 999) / 1000;

    private int Assemble(long sec, Level level, ReadOnlySpan<byte> body, ref byte[] dest, out int len)
    {
        if (sec != _stampSec)
        {
            _stampSec = sec;
            _stampLen = _file
                ? FormatFileStamp(_stamp, sec + _offset)
                : FormatSyslogStamp(_stamp, sec + _offset, withYear: _variant == 1);
        }
        int need = 8 + _stampLen + _hostTag.Length + 10 + body.Length + 1;
        if (dest.Length < need) dest = new byte[Math.Max(need, dest.Length * 2)];
        var d = dest.AsSpan();
        int p = 0;
        if (!_file && _variant != 1)
        {
            // <PRI>: facility mail (2) * 8 + severity.
            var pri = level switch { Level.Critical => "<18>"u8, Level.Warning => "<20>"u8, _ => "<22>"u8 };
            pri.CopyTo(d);
            p += pri.Length;
        }
        _stamp.AsSpan(0, _stampLen).CopyTo(d[p..]);
        p += _stampLen;
        _hostTag.CopyTo(d[p..]);
        p += _hostTag.Length;
        var lv = level switch { Level.Critical => "Critical: "u8, Level.Warning => "Warning: "u8, _ => "Info: "u8 };
        lv.CopyTo(d[p..]);
        p += lv.Length;
        int bodyStart = p;
        body.CopyTo(d[p..]);
        p += body.Length;
        d[p++] = (byte)'\n';
        len = p;
        return bodyStart;
    }

    /// <summary><c>Wed Nov 19 09:16:38 2014 </c> (day space-padded), with the trailing space.</summary>
    private static int FormatFileStamp(Span<byte> d, long localSec)
    {
        var t = DateTime.UnixEpoch.AddSeconds(localSec);
        Days.Slice((int)t.DayOfWeek * 3, 3).CopyTo(d);
        d[3] = (byte)' ';
        int p = 4 + FormatSyslogStamp(d[4..], localSec, withYear: true);
        return p;
    }

    /// <summary><c>Nov 19 09:16:38 </c> or <c>Nov 19 09:16:38 2014 </c>, with the trailing space.</summary>
    private static int FormatSyslogStamp(Span<byte> d, long localSec, bool withYear)
    {
        var t = DateTime.UnixEpoch.AddSeconds(localSec);
        Months.Slice((t.Month - 1) * 3, 3).CopyTo(d);
        d[3] = (byte)' ';
        d[4] = t.Day < 10 ? (byte)' ' : (byte)('0' + t.Day / 10);
        d[5] = (byte)('0' + t.Day % 10);
        d[6] = (byte)' ';
        Two(d[7..], t.Hour);
        d[9] = (byte)':';
        Two(d[10..], t.Minute);
        d[12] = (byte)':';
        Two(d[13..], t.Second);
        d[15] = (byte)' ';
        int p = 16;
        if (withYear)
        {
            int y = t.Year;
            d[16] = (byte)('0' + y / 1000);
            d[17] = (byte)('0' + y / 100 % 10);
            d[18] = (byte)('0' + y / 10 % 10);
            d[19] = (byte)('0' + y % 10);
            d[20] = (byte)' ';
            p = 21;
        }
        return p;
    }

    private static void Two(Span<byte> d, int v)
    {
        d[0] = (byte)('0' + v / 10);
        d[1] = (byte)('0' + v % 10);
    }

    private void Emit(byte[] buf, int len, int bodyStart, long sec, bool allowWrap = true)
    {
        if (sec > _lastSec) _lastSec = sec;
        if (allowWrap && _wrap > 0 && len > 72 && _rng.NextDouble() < _wrap)
        {
            int cut = FindWrap(buf, len, bodyStart);
            if (cut > 0)
            {
                // The space at `cut` becomes the newline: the reader joins the tail back with one space.
                buf[cut] = (byte)'\n';
                _out.Write(buf.AsSpan(0, len), sec);
                buf[cut] = (byte)' ';
                PhysicalLines += 2;
                WrappedLines++;
                Bytes += len;
                return;
            }
        }
        _out.Write(buf.AsSpan(0, len), sec);
        PhysicalLines++;
        Bytes += len;
    }

    /// <summary>A space in the body where the line may be broken: the tail must not start with a blank or look like a new line.</summary>
    private int FindWrap(byte[] buf, int len, int bodyStart)
    {
        int lo = bodyStart + 12, hi = len - 3; // the tail keeps at least 2 characters before the newline
        if (hi <= lo) return -1;
        int start = lo + _rng.Next(hi - lo);
        for (int k = 0; k < hi - lo; k++)
        {
            int i = lo + (start - lo + k) % (hi - lo);
            if (buf[i] != (byte)' ') continue;
            byte next = buf[i + 1];
            if (next == (byte)' ' || next == (byte)'\t' || next == (byte)'\n') continue;
            if (MailLogParser.IsLineStart(buf.AsSpan(i + 1, len - 1 - (i + 1)))) continue;
            return i;
        }
        return -1;
    }
}
