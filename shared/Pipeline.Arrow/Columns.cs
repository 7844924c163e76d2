using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;
using Apache.Arrow;
using Apache.Arrow.Types;

namespace Pipeline.Arrow;

/// <summary>
/// One column of the pending record batch: values accumulate in growable managed buffers, <see cref="Build"/> wraps
/// them as an Arrow array without copying, <see cref="Clear"/> empties the buffers for the next batch (their capacity
/// is kept, so a writer's memory is bounded by one batch). An array from <see cref="Build"/> is valid only until the
/// next append or <see cref="Clear"/>: <see cref="BatchFile"/> writes it at once and never lets it out.
/// Every column has a validity bitmap; <see cref="AppendNull"/> adds a null.
/// </summary>
internal abstract class Column(Field field)
{
    /// <summary>The column's name, type and nullability.</summary>
    public Field Field { get; } = field;

    /// <summary>Rows appended since the last <see cref="Clear"/>.</summary>
    public abstract int Length { get; }

    /// <summary>Appends a null.</summary>
    public abstract void AppendNull();

    /// <summary>The pending rows as an Arrow array over this column's buffers (no copy).</summary>
    public abstract IArrowArray Build();

    /// <summary>Forgets the pending rows.</summary>
    public abstract void Clear();
}

/// <summary>A growable array of fixed-width values in a byte buffer, viewed as an <see cref="ArrowBuffer"/> without copying.</summary>
internal sealed class Growable<T> where T : unmanaged
{
    private static readonly int Size = Unsafe.SizeOf<T>();
    private byte[] _bytes = new byte[256 * Unsafe.SizeOf<T>()];

    public int Count { get; private set; }

    public void Add(T value)
    {
        int at = Count * Size;
        if (at + Size > _bytes.Length) Grow((long)at + Size);
        Unsafe.WriteUnaligned(ref _bytes[at], value);
        Count++;
    }

    /// <summary>Appends <paramref name="count"/> copies of <paramref name="value"/>.</summary>
    public void AddRepeated(T value, int count)
    {
        int at = Count * Size;
        long end = (long)at + (long)count * Size;
        if (end > _bytes.Length) Grow(end);
        MemoryMarshal.Cast<byte, T>(_bytes.AsSpan(at, count * Size)).Fill(value);
        Count += count;
    }

    public void AddRange(ReadOnlySpan<T> values)
    {
        var bytes = MemoryMarshal.AsBytes(values);
        int at = Count * Size;
        if ((long)at + bytes.Length > _bytes.Length) Grow((long)at + bytes.Length);
        bytes.CopyTo(_bytes.AsSpan(at));
        Count += values.Length;
    }

    private void Grow(long needed)
    {
        // A batch is cut long before this (BatchFile.MaxBatchStringBytes); only one absurd value could get here.
        if (needed > System.Array.MaxLength) throw new InvalidOperationException("an Arrow column buffer cannot hold more than 2 GiB");
        System.Array.Resize(ref _bytes, (int)Math.Min(Math.Max((long)_bytes.Length * 2, needed), System.Array.MaxLength));
    }

    /// <summary>The values so far as Arrow buffer bytes (valid until the next change).</summary>
    public ArrowBuffer View() => new(new ReadOnlyMemory<byte>(_bytes, 0, Count * Size));

    public void Clear() => Count = 0;
}

/// <summary>A growable bitmap (Arrow bit order: least significant bit first), counting its unset bits.</summary>
internal sealed class Bitmap
{
    private byte[] _bits = new byte[64];

    public int Length { get; private set; }

    public int UnsetCount { get; private set; }

    public void Append(bool value)
    {
        int i = Length >> 3;
        if (i == _bits.Length) System.Array.Resize(ref _bits, _bits.Length * 2);
        if (value) _bits[i] |= (byte)(1 << (Length & 7));
        else UnsetCount++;
        Length++;
    }

    /// <summary>Appends <paramref name="count"/> unset bits (the buffer beyond <see cref="Length"/> is always zero).</summary>
    public void AppendUnset(int count)
    {
        int needed = (Length + count + 7) >> 3;
        if (needed > _bits.Length) System.Array.Resize(ref _bits, Math.Max(_bits.Length * 2, needed));
        Length += count;
        UnsetCount += count;
    }

    /// <summary>The bits so far (valid until the next change).</summary>
    public ArrowBuffer View() => new(new ReadOnlyMemory<byte>(_bits, 0, (Length + 7) >> 3));

    /// <summary>The bitmap as a validity buffer: the empty buffer when every bit is set (Arrow's "all valid").</summary>
    public ArrowBuffer Validity() => UnsetCount > 0 ? View() : ArrowBuffer.Empty;

    public void Clear()
    {
        System.Array.Clear(_bits, 0, (Length + 7) >> 3);
        Length = 0;
        UnsetCount = 0;
    }
}

/// <summary>Counts the string bytes of the pending batch, so that a batch is cut before utf8 offsets (int32) overflow.</summary>
internal sealed class ByteCounter
{
    /// <summary>String bytes appended since the last batch.</summary>
    public long Bytes;
}

/// <summary>A column of fixed-width values.</summary>
internal abstract class ValueColumn<T>(Field field) : Column(field) where T : unmanaged
{
    private readonly Growable<T> _values = new();
    private readonly Bitmap _valid = new();
    private int _nulls; // nulls appended but not written yet: most columns of most rows are null, so they go in bulk

    public override int Length => _valid.Length + _nulls;

    public void Append(T value)
    {
        if (_nulls > 0) WriteNulls();
        _values.Add(value);
        _valid.Append(true);
    }

    public override void AppendNull() => _nulls++;

    private void WriteNulls()
    {
        _values.AddRepeated(default, _nulls);
        _valid.AppendUnset(_nulls);
        _nulls = 0;
    }

    public override IArrowArray Build()
    {
        if (_nulls > 0) WriteNulls();
        return Make(_values.View(), _valid.Validity(), _valid.Length, _valid.UnsetCount);
    }

    public override void Clear()
    {
        _values.Clear();
        _valid.Clear();
        _nulls = 0;
    }

    protected abstract IArrowArray Make(ArrowBuffer values, ArrowBuffer validity, int length, int nullCount);
}

/// <summary>int64.</summary>
internal sealed class Int64Column(string name, bool nullable) : ValueColumn<long>(new Field(name, Int64Type.Default, nullable))
{
    /// <summary>Appends <paramref name="value"/>, or a null when it is negative (the parser's "absent").</summary>
    public void AppendOrNullIfNegative(long value)
    {
        if (value >= 0) base.Append(value);
        else AppendNull();
    }

    /// <summary>Appends the value or a null.</summary>
    public void Append(long? value)
    {
        // base.: this overload hides the base one for plain longs too, so calling Append(v) here would recurse.
        if (value is { } v) base.Append(v);
        else AppendNull();
    }

    protected override IArrowArray Make(ArrowBuffer values, ArrowBuffer validity, int length, int nullCount) =>
        new Int64Array(values, validity, length, nullCount, 0);
}

/// <summary>int32.</summary>
internal sealed class Int32Column(string name, bool nullable) : ValueColumn<int>(new Field(name, Int32Type.Default, nullable))
{
    /// <summary>Appends <paramref name="value"/>, or a null when it is negative (the parser's "absent").</summary>
    public void AppendOrNullIfNegative(int value)
    {
        if (value >= 0) Append(value);
        else AppendNull();
    }

    protected override IArrowArray Make(ArrowBuffer values, ArrowBuffer validity, int length, int nullCount) =>
        new Int32Array(values, validity, length, nullCount, 0);
}

/// <summary>timestamp[us, tz=UTC]: microseconds since the Unix epoch.</summary>
internal sealed class TimestampColumn(string name, bool nullable) : ValueColumn<long>(new Field(name, Type, nullable))
{
    /// <summary>The one timestamp type of every output: microseconds, UTC.</summary>
    public static readonly TimestampType Type = new(TimeUnit.Microsecond, "UTC");

    private static readonly long EpochTicks = DateTime.UnixEpoch.Ticks;

    /// <summary>Microseconds since the epoch of a UTC tick count (DateTime ticks).</summary>
    public static long Micros(long utcTicks) => (utcTicks - EpochTicks) / (TimeSpan.TicksPerMillisecond / 1000);

    /// <summary>Appends a time given as UTC DateTime ticks; 0 or less is null.</summary>
    public void AppendTicks(long utcTicks)
    {
        if (utcTicks > 0) base.Append(Micros(utcTicks));
        else AppendNull();
    }

    /// <summary>Appends a UTC time (an unspecified kind is taken as UTC, a local one is converted).</summary>
    public void Append(DateTime t) => base.Append(Micros(Utc(t).Ticks));

    /// <summary>Appends a UTC time or a null.</summary>
    public void Append(DateTime? t)
    {
        if (t is { } v) Append(v);
        else AppendNull();
    }

    private static DateTime Utc(DateTime t) => t.Kind == DateTimeKind.Local ? t.ToUniversalTime() : t;

    protected override IArrowArray Make(ArrowBuffer values, ArrowBuffer validity, int length, int nullCount) =>
        new TimestampArray(Type, values, validity, length, nullCount, 0);
}

/// <summary>bool.</summary>
internal sealed class BoolColumn(string name, bool nullable) : Column(new Field(name, BooleanType.Default, nullable))
{
    private readonly Bitmap _values = new();
    private readonly Bitmap _valid = new();

    public override int Length => _valid.Length;

    public void Append(bool value)
    {
        _values.Append(value);
        _valid.Append(true);
    }

    public override void AppendNull()
    {
        _values.Append(false);
        _valid.Append(false);
    }

    public override IArrowArray Build() => new BooleanArray(_values.View(), _valid.Validity(), _valid.Length, _valid.UnsetCount, 0);

    public override void Clear()
    {
        _values.Clear();
        _valid.Clear();
    }
}

/// <summary>
/// utf8. Bytes that are valid UTF-8 are copied as they are; anything else is decoded with U+FFFD replacement first,
/// so a hostile line never makes the writer throw or produce a file that readers reject.
/// </summary>
internal sealed class StringColumn : Column
{
    private readonly Growable<int> _offsets = new();
    private readonly Growable<byte> _data = new();
    private readonly Bitmap _valid = new();
    private readonly ByteCounter _counter;

    public StringColumn(string name, bool nullable, ByteCounter counter) : base(new Field(name, StringType.Default, nullable))
    {
        _counter = counter;
        _offsets.Add(0);
    }

    private int _nulls; // nulls appended but not written yet (written in bulk, see ValueColumn)

    public override int Length => _valid.Length + _nulls;

    /// <summary>Appends UTF-8 bytes (invalid sequences become U+FFFD).</summary>
    public void Append(ReadOnlySpan<byte> utf8)
    {
        if (!Utf8.IsValid(utf8))
        {
            Append(Encoding.UTF8.GetString(utf8));
            return;
        }
        AppendValid(utf8);
    }

    /// <summary>Appends a string, or a null.</summary>
    public void Append(string? s)
    {
        if (s is null)
        {
            AppendNull();
            return;
        }
        // Encoding.UTF8 replaces lone surrogates, so this never throws.
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        if (max <= 512)
        {
            Span<byte> buf = stackalloc byte[max];
            AppendValid(buf[..Encoding.UTF8.GetBytes(s, buf)]);
            return;
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(max);
        try { AppendValid(rented.AsSpan(0, Encoding.UTF8.GetBytes(s, rented))); }
        finally { ArrayPool<byte>.Shared.Return(rented); }
    }

    /// <summary>Appends the bytes of <paramref name="range"/> in <paramref name="line"/>, or a null when the range is empty (absent).</summary>
    public void Append(ReadOnlySpan<byte> line, MailLogs.TextRange range)
    {
        if (range.HasValue) Append(range.Of(line));
        else AppendNull();
    }

    private void AppendValid(ReadOnlySpan<byte> utf8)
    {
        if (_nulls > 0) WriteNulls();
        _data.AddRange(utf8);
        _counter.Bytes += utf8.Length;
        _offsets.Add(_data.Count);
        _valid.Append(true);
    }

    public override void AppendNull() => _nulls++;

    private void WriteNulls()
    {
        _offsets.AddRepeated(_data.Count, _nulls);
        _valid.AppendUnset(_nulls);
        _nulls = 0;
    }

    public override IArrowArray Build()
    {
        if (_nulls > 0) WriteNulls();
        return new StringArray(_valid.Length, _offsets.View(), _data.View(), _valid.Validity(), _valid.UnsetCount, 0);
    }

    public override void Clear()
    {
        _offsets.Clear();
        _offsets.Add(0);
        _data.Clear();
        _valid.Clear();
        _nulls = 0;
    }
}

/// <summary>list&lt;T&gt;: append the items of a row to <see cref="Items"/>, then call <see cref="EndList"/>.</summary>
internal sealed class ListColumn<TItem> : Column where TItem : Column
{
    private readonly Growable<int> _offsets = new();
    private readonly Bitmap _valid = new();
    private readonly ListType _type;

    public ListColumn(string name, bool nullable, TItem items) : this(new ListType(items.Field), name, nullable, items) { }

    private ListColumn(ListType type, string name, bool nullable, TItem items) : base(new Field(name, type, nullable))
    {
        _type = type;
        Items = items;
        _offsets.Add(0);
    }

    /// <summary>The items of every row, one after the other.</summary>
    public TItem Items { get; }

    public override int Length => _valid.Length;

    /// <summary>Closes the current row's list (the items appended since the previous row).</summary>
    public void EndList()
    {
        _offsets.Add(Items.Length);
        _valid.Append(true);
    }

    public override void AppendNull()
    {
        _offsets.Add(Items.Length);
        _valid.Append(false);
    }

    public override IArrowArray Build() =>
        new ListArray(_type, _valid.Length, _offsets.View(), Items.Build(), _valid.Validity(), _valid.UnsetCount, 0);

    public override void Clear()
    {
        _offsets.Clear();
        _offsets.Add(0);
        _valid.Clear();
        Items.Clear();
    }
}

/// <summary>struct&lt;...&gt;: append one value to each child, then call <see cref="EndStruct"/>; or <see cref="AppendNull"/>.</summary>
internal sealed class StructColumn : Column
{
    private readonly Bitmap _valid = new();
    private readonly StructType _type;
    private readonly Column[] _children;

    public StructColumn(string name, bool nullable, params Column[] children)
        : this(new StructType(children.Select(c => c.Field).ToList()), name, nullable, children) { }

    private StructColumn(StructType type, string name, bool nullable, Column[] children) : base(new Field(name, type, nullable))
    {
        _type = type;
        _children = children;
    }

    public override int Length => _valid.Length;

    /// <summary>Closes a non-null value (every child has had one value appended).</summary>
    public void EndStruct() => _valid.Append(true);

    /// <summary>A null struct: every child gets a null too, so that children and parent keep the same length.</summary>
    public override void AppendNull()
    {
        foreach (var c in _children) c.AppendNull();
        _valid.Append(false);
    }

    public override IArrowArray Build()
    {
        var children = new IArrowArray[_children.Length];
        for (int i = 0; i < children.Length; i++) children[i] = _children[i].Build();
        return new StructArray(_type, _valid.Length, children, _valid.Validity(), _valid.UnsetCount, 0);
    }

    public override void Clear()
    {
        _valid.Clear();
        foreach (var c in _children) c.Clear();
    }
}
