using System.Buffers;
using System.Text;
using System.Text.Json;
using Pipeline.Correlation.Model;
using Pipeline.Correlation.Output;
using Pipeline.MailLogs;

namespace Pipeline.Arrow.Tests;

/// <summary>
/// The NDJSON side of the parity checks: a document's JSON, flattened to the dotted paths that name the Arrow
/// columns, and compared value by value with an Arrow row. An absent JSON field equals a null column value.
/// </summary>
internal static class Documents
{
    public static string EventJson(string appliance, ReadOnlySpan<byte> line, in LogEvent e, string eventId, string? path, long lineNumber, long offset)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer, EventJsonWriter.Options))
            EventJsonWriter.Write(w, line, e, new EventOrigin(appliance, path), lineNumber, offset, eventId);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string FlowJson(FlowDocument f) => Json(w => DocumentJson.WriteFlow(w, f));

    public static string AlertJson(AlertDocument a) => Json(w => DocumentJson.WriteAlert(w, a));

    private static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var w = new Utf8JsonWriter(buffer)) write(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A JSON value as a plain object: string, long, bool, null, List, Dictionary.</summary>
    public static object? Plain(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetInt64(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Null => null,
        JsonValueKind.Array => e.EnumerateArray().Select(Plain).ToList(),
        JsonValueKind.Object => e.EnumerateObject().ToDictionary(p => p.Name, p => Plain(p.Value), StringComparer.Ordinal),
        _ => throw new NotSupportedException(e.ValueKind.ToString()),
    };

    /// <summary>
    /// Flattens a JSON document to the given column names: objects are descended until the dotted path is a column
    /// (so <c>cpq</c> and <c>alert.evidence</c> stay objects). Leaves whose path is no column are reported.
    /// </summary>
    public static Dictionary<string, object?> Flatten(string json, IReadOnlySet<string> columns, List<string> problems)
    {
        var into = new Dictionary<string, object?>(StringComparer.Ordinal);
        using var doc = JsonDocument.Parse(json);
        Walk(doc.RootElement, "", columns, into, problems);
        return into;
    }

    private static void Walk(JsonElement obj, string prefix, IReadOnlySet<string> columns, Dictionary<string, object?> into, List<string> problems)
    {
        foreach (var p in obj.EnumerateObject())
        {
            string path = prefix + p.Name;
            if (columns.Contains(path)) into[path] = Plain(p.Value);
            else if (p.Value.ValueKind == JsonValueKind.Object) Walk(p.Value, path + ".", columns, into, problems);
            else problems.Add($"JSON field {path} has no Arrow column");
        }
    }

    /// <summary>Compares an Arrow row (or a row from another reader) with the flattened JSON document.</summary>
    public static void Compare(IReadOnlyDictionary<string, object?> row, Dictionary<string, object?> json, string what, List<string> problems)
    {
        foreach (var key in json.Keys.Where(k => !row.ContainsKey(k))) problems.Add($"{what}: column {key} missing");
        foreach (var (column, actual) in row)
        {
            json.TryGetValue(column, out var expected);
            if (!Same(expected, actual))
                problems.Add($"{what}: {column}: JSON {Show(expected)} but Arrow {Show(actual)}");
        }
    }

    /// <summary>Deep equality; in objects a missing key equals null (the JSON omits some nulls, Arrow cannot).</summary>
    public static bool Same(object? a, object? b)
    {
        switch (a, b)
        {
            case (null, null): return true;
            case (IList<object?> x, IList<object?> y):
                return x.Count == y.Count && x.Zip(y).All(t => Same(t.First, t.Second));
            case (IDictionary<string, object?> x, IDictionary<string, object?> y):
                return x.Keys.Union(y.Keys).All(k => Same(x.TryGetValue(k, out var u) ? u : null, y.TryGetValue(k, out var v) ? v : null));
            case (null, _) or (_, null): return false;
            default: return Equals(a, b);
        }
    }

    public static string Show(object? v) => v switch
    {
        null => "null",
        string s => $"\"{s}\"",
        IDictionary<string, object?> d => "{" + string.Join(", ", d.Select(kv => $"{kv.Key}: {Show(kv.Value)}")) + "}",
        IList<object?> l => "[" + string.Join(", ", l.Select(Show)) + "]",
        bool b => b ? "true" : "false",
        _ => v.ToString() ?? "",
    };

    /// <summary>Asserts that every row equals its JSON document, listing the first differences.</summary>
    public static void AssertRowsMatch(IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, IReadOnlyList<string> jsons, IReadOnlySet<string> columns, string file)
    {
        Assert.Equal(jsons.Count, rows.Count);
        var problems = new List<string>();
        for (int i = 0; i < rows.Count; i++)
        {
            var flat = Flatten(jsons[i], columns, problems);
            Compare(rows[i], flat, $"{file} row {i}", problems);
        }
        Assert.True(problems.Count == 0, $"{problems.Count} difference(s):\n" + string.Join("\n", problems.Distinct().Take(30)));
    }
}
