using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Pipeline.Cli.Input;

namespace Pipeline.Cli.Commands;

/// <summary><c>pipeline trace</c>: one flow's hops as a readable timeline, from the outputs of <c>pipeline analyze</c>.</summary>
public static class TraceCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create()
    {
        var input = new Option<string>("--in", "-i")
        {
            Description = "The output folder of pipeline analyze (with flows.ndjson and events.ndjson).",
            HelpName = "DIR",
            Required = true,
        };
        var messageId = new Option<string?>("--message-id")
        {
            Description = "Find the flow by its Message-ID header (with or without <>).",
            HelpName = "ID",
        };
        var appliance = new Option<string?>("--appliance") { Description = "With --mid: the appliance the MID belongs to.", HelpName = "NAME" };
        var mid = new Option<long?>("--mid") { Description = "With --appliance: a MID of any hop of the flow.", HelpName = "N" };
        var noLines = new Option<bool>("--no-lines") { Description = "Show the hops only, not each hop's log lines." };
        var command = new Command("trace", """
            Show one message's journey across appliances as a timeline: each hop (appliance, role, MID, start, end,
            outcome), the centralized quarantine round trip, and the log lines of every hop.
            """)
        {
            input, messageId, appliance, mid, noLines,
        };
        command.SetAction(parse =>
        {
            var stderr = parse.InvocationConfiguration.Error;
            return CommandErrors.Run("trace", stderr, () => Run(parse, parse.InvocationConfiguration.Output, stderr));
        });
        return command;

        int Run(ParseResult parse, TextWriter stdout, TextWriter stderr)
        {
            string dir = parse.GetValue(input)!;
            string? id = parse.GetValue(messageId);
            string? name = parse.GetValue(appliance);
            long? n = parse.GetValue(mid);
            if ((id is null) == (name is null || n is null))
            {
                stderr.WriteLine("pipeline trace: give either --message-id ID, or --appliance NAME and --mid N");
                return 2;
            }
            string flows = Path.Combine(dir, "flows.ndjson");
            if (!File.Exists(flows))
            {
                stderr.WriteLine($"pipeline trace: no flows.ndjson in {dir} (run pipeline analyze --out {dir} first)");
                return 2;
            }
            var found = id is not null ? FindByMessageId(flows, id.Trim().Trim('<', '>')) : FindByHop(flows, name!, n!.Value);
            if (found.Count == 0)
            {
                stderr.WriteLine(id is not null ? $"pipeline trace: no flow with Message-ID {id}" : $"pipeline trace: no flow with a hop {name}:{n}");
                return 1;
            }
            var events = parse.GetValue(noLines) ? null : EventsOf(Path.Combine(dir, "events.ndjson"), found);
            foreach (var flow in found) Print(flow, events, stdout);
            return 0;
        }
    }

    private static List<JsonElement> FindByMessageId(string path, string id)
    {
        // A cheap byte search first: only lines that contain the id are parsed.
        var needle = Encoding.UTF8.GetBytes(id);
        return Scan(path, line => line.IndexOf(needle) >= 0, doc =>
            doc.GetProperty("email").GetProperty("message_id") is { ValueKind: JsonValueKind.String } m && m.GetString() == id);
    }

    private static List<JsonElement> FindByHop(string path, string appliance, long mid)
    {
        var needle = Encoding.UTF8.GetBytes($"\"mid\":{mid.ToString(CultureInfo.InvariantCulture)},");
        return Scan(path, line => line.IndexOf(needle) >= 0, doc =>
            doc.GetProperty("hops").EnumerateArray().Any(h => h.GetProperty("appliance").GetString() == appliance && h.GetProperty("mid").GetInt64() == mid));
    }

    private delegate bool LineTest(ReadOnlySpan<byte> line);

    /// <summary>
    /// The documents of an NDJSON file that pass the cheap byte test <paramref name="maybe"/> and then
    /// <paramref name="match"/>. Lines are tested as the bytes read (events.ndjson is several times the input's size):
    /// only candidates are parsed.
    /// </summary>
    private static List<JsonElement> Scan(string path, LineTest maybe, Func<JsonElement, bool> match)
    {
        var result = new List<JsonElement>();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
        var buffer = new byte[1 << 20];
        int start = 0, end = 0;
        bool eof = false;
        long number = 0;
        while (true)
        {
            int nl = buffer.AsSpan(start, end - start).IndexOf((byte)'\n');
            if (nl < 0 && !eof)
            {
                // Keep the partial line and read more; a line longer than the buffer grows it.
                Buffer.BlockCopy(buffer, start, buffer, 0, end - start);
                end -= start;
                start = 0;
                if (end == buffer.Length) Array.Resize(ref buffer, buffer.Length * 2);
                int n = stream.Read(buffer, end, buffer.Length - end);
                if (n == 0) eof = true;
                else end += n;
                continue;
            }
            if (nl < 0 && start == end) break;
            var line = buffer.AsMemory(start, nl < 0 ? end - start : nl);
            start += nl < 0 ? line.Length : nl + 1;
            number++;
            if (!maybe(line.Span)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException ex) { throw new InputException($"{path}, line {number}: not a JSON document ({ex.Message})"); }
            using (doc) // the document reads the buffer in place: keep only clones
                if (match(doc.RootElement)) result.Add(doc.RootElement.Clone());
        }
        return result;
    }

    /// <summary>The events of every hop of the flows, keyed by appliance and MID, in file order.</summary>
    private static Dictionary<(string, long), List<JsonElement>>? EventsOf(string path, List<JsonElement> flows)
    {
        if (!File.Exists(path)) return null;
        var hops = flows.SelectMany(f => f.GetProperty("hops").EnumerateArray())
            .Select(h => (h.GetProperty("appliance").GetString()!, h.GetProperty("mid").GetInt64())).ToHashSet();
        var needles = hops.Select(h => Encoding.UTF8.GetBytes($"\"mid\":{h.Item2.ToString(CultureInfo.InvariantCulture)},")).ToList();
        var result = hops.ToDictionary(h => h, _ => new List<JsonElement>());
        static (string, long)? HopOf(JsonElement e) =>
            e.TryGetProperty("mid", out var m) ? (e.GetProperty("observer").GetProperty("hostname").GetString()!, m.GetInt64()) : null;
        var events = Scan(path, line =>
        {
            foreach (var n in needles) if (line.IndexOf(n) >= 0) return true;
            return false;
        }, e => HopOf(e) is { } hop && hops.Contains(hop));
        foreach (var e in events) result[HopOf(e)!.Value].Add(e);
        return result;
    }

    private static void Print(JsonElement flow, Dictionary<(string, long), List<JsonElement>>? events, TextWriter w)
    {
        var f = flow.GetProperty("flow");
        var email = flow.GetProperty("email");
        w.WriteLine($"flow {f.GetProperty("id").GetString()}   state: {f.GetProperty("state").GetString()}");
        w.WriteLine($"  Message-ID: {Str(email.GetProperty("message_id")) ?? "(none)"}");
        var to = email.GetProperty("to").GetProperty("address").EnumerateArray().Select(t => t.GetString()).ToList();
        w.WriteLine($"  from {Str(email.GetProperty("from").GetProperty("address")) ?? "?"} to {(to.Count > 0 ? string.Join(", ", to) : "?")}");
        if (Str(email.TryGetProperty("subject", out var subject) ? subject : default) is { } s) w.WriteLine($"  subject: {s}");
        if (f.TryGetProperty("parent_hop", out var parent))
            w.WriteLine($"  {f.GetProperty("parent_kind").GetString()} of {parent.GetString()} (flow {Str(f.GetProperty("parent_id")) ?? "not in the input"})");
        if (flow.GetProperty("cpq") is { ValueKind: JsonValueKind.Object } cpq)
        {
            var sb = new StringBuilder($"  quarantine ({cpq.GetProperty("kind").GetString()}): {cpq.GetProperty("esa").GetString()} MID {Num(cpq.GetProperty("esa_mid"))}");
            sb.Append($" → {Str(cpq.GetProperty("sma")) ?? "?"} MID {Num(cpq.GetProperty("sma_mid")) ?? "?"}");
            if (Str(cpq.GetProperty("quarantine")) is { } q) sb.Append($" \"{q}\"");
            if (Str(cpq.GetProperty("enqueued_at")) is { } e) sb.Append($"; queued {Short(e)}");
            sb.Append(Str(cpq.GetProperty("transferred_at")) is { } t ? $", handed over {Short(t)}" : ", NOT handed over (the.cpq.host)");
            if (Str(cpq.GetProperty("released_at")) is { } r) sb.Append($", released {Short(r)} ({Str(cpq.GetProperty("release_reason"))})");
            if (Str(cpq.GetProperty("deleted_at")) is { } d) sb.Append($", deleted {Short(d)}");
            if (Num(cpq.GetProperty("release_esa_mid")) is { } back)
                sb.Append(Str(cpq.GetProperty("returned_at")) is { } ra ? $", back on the ESA as MID {back} at {Short(ra)}" : $", accepted by the ESA as MID {back}");
            else if (cpq.GetProperty("released_at").ValueKind == JsonValueKind.String) sb.Append(", NOT back on the ESA yet (the.cpq.release.host)");
            w.WriteLine(sb.ToString());
        }
        if (flow.TryGetProperty("error", out var error)) w.WriteLine($"  last error: {error.GetProperty("message").GetString()}");
        w.WriteLine();
        DateTime? previous = null;
        foreach (var hop in flow.GetProperty("hops").EnumerateArray())
        {
            var start = hop.GetProperty("start").GetDateTime();
            string? end = Str(hop.GetProperty("end"));
            string gap = previous is { } p ? $"  (+{Duration(start - p)})" : "";
            string took = end is null ? "still in progress" : Duration(DateTime.Parse(end, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal) - start);
            string appliance = hop.GetProperty("appliance").GetString()!;
            long mid = hop.GetProperty("mid").GetInt64();
            w.WriteLine($"{Short(hop.GetProperty("start").GetString()!)}{gap}  {hop.GetProperty("role").GetString()!.ToUpperInvariant()} {appliance}  MID {mid}  → {hop.GetProperty("outcome").GetString()} ({took})");
            previous = start;
            if (events is null || !events.TryGetValue((appliance, mid), out var lines)) continue;
            foreach (var ev in lines)
                w.WriteLine($"    {TimeOnly(ev)}  {ev.GetProperty("event").GetProperty("action").GetString(),-26} {Body(ev.GetProperty("message").GetString()!)}");
        }
        w.WriteLine();
    }

    private static string? Str(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() : null;
    private static string? Num(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetInt64().ToString(CultureInfo.InvariantCulture) : null;
    private static string Short(string iso) => iso.Replace('T', ' ');

    private static string TimeOnly(JsonElement ev) =>
        ev.GetProperty("@timestamp") is { ValueKind: JsonValueKind.String } t ? t.GetString()![11..19] : "--:--:--";

    /// <summary>The line after its envelope (the part after <c>Info: </c>), so the timeline reads like the log.</summary>
    private static string Body(string message)
    {
        foreach (var level in new[] { "Info: ", "Warning: ", "Critical: ", "Debug: ", "Trace: " })
        {
            int i = message.IndexOf(level, StringComparison.Ordinal);
            if (i >= 0) return message[(i + level.Length)..];
        }
        return message;
    }

    private static string Duration(TimeSpan t)
    {
        if (t.TotalDays >= 1) return $"{(int)t.TotalDays}d {t.Hours}h";
        if (t.TotalHours >= 1) return $"{(int)t.TotalHours}h {t.Minutes}m";
        if (t.TotalMinutes >= 1) return $"{t.Minutes}m {t.Seconds}s";
        return $"{Math.Max(0, (int)t.TotalSeconds)}s";
    }
}
