using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Pipeline.Correlation.Output;

namespace Pipeline.Arrow.Tests;

/// <summary>
/// An Arrow IPC file read back with Apache.Arrow's <see cref="ArrowFileReader"/>: the schema, the length of each record
/// batch, and every row as plain values (string, long, bool, ISO-8601 UTC string for timestamps, List for lists,
/// Dictionary for structs), the same shapes <see cref="Documents.Plain"/> gives for JSON.
/// </summary>
internal sealed class ArrowTable
{
    public required Schema Schema { get; init; }
    public required List<int> BatchLengths { get; init; }
    public required List<Dictionary<string, object?>> Rows { get; init; }
    public required bool FileValid { get; init; }

    public static ArrowTable Read(string path)
    {
        using var reader = new ArrowFileReader(File.OpenRead(path));
        int count = reader.RecordBatchCountAsync().AsTask().GetAwaiter().GetResult();
        var lengths = new List<int>();
        var rows = new List<Dictionary<string, object?>>();
        Schema? schema = null;
        for (int b = 0; b < count; b++)
        {
            using var batch = reader.ReadRecordBatchAsync(b, default).AsTask().GetAwaiter().GetResult();
            schema ??= batch.Schema;
            lengths.Add(batch.Length);
            for (int i = 0; i < batch.Length; i++)
            {
                var row = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int c = 0; c < batch.ColumnCount; c++) row[batch.Schema.FieldsList[c].Name] = Value(batch.Column(c), i);
                rows.Add(row);
            }
        }
        return new ArrowTable { Schema = schema ?? reader.Schema, BatchLengths = lengths, Rows = rows, FileValid = reader.IsFileValid };
    }

    /// <summary>The value at <paramref name="i"/> as a plain object.</summary>
    public static object? Value(IArrowArray array, int i)
    {
        if (array.IsNull(i)) return null;
        switch (array)
        {
            case StringArray s: return s.GetString(i);
            case Int64Array l: return l.GetValue(i)!.Value;
            case Int32Array n: return (long)n.GetValue(i)!.Value;
            case BooleanArray b: return b.GetValue(i)!.Value;
            case TimestampArray t:
                var type = (TimestampType)t.Data.DataType;
                Assert.Equal(TimeUnit.Microsecond, type.Unit);
                Assert.Equal("UTC", type.Timezone);
                return DocumentJson.Time(FromMicros(t.Values[i]));
            case ListArray list:
                var items = new List<object?>();
                for (int j = list.ValueOffsets[i]; j < list.ValueOffsets[i + 1]; j++) items.Add(Value(list.Values, j));
                return items;
            case StructArray st:
                var fields = ((StructType)st.Data.DataType).Fields;
                var o = new Dictionary<string, object?>(StringComparer.Ordinal);
                for (int k = 0; k < fields.Count; k++) o[fields[k].Name] = Value(st.Fields[k], i);
                return o;
            default:
                throw new NotSupportedException(array.GetType().Name);
        }
    }

    public static DateTime FromMicros(long micros) => new(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc);
}
