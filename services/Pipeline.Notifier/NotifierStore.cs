using System.Text.Json;
using System.Text.Json.Serialization;

namespace Pipeline.Notifier;

/// <summary>Where the notifier's checkpoint lives (a file for <c>pipeline notify</c>; a compacted Kafka topic in the services later).</summary>
public interface INotifierStore
{
    /// <summary>The last saved state, or null on the first start.</summary>
    NotifierState? Load();

    /// <summary>Saves the state durably before returning.</summary>
    void Save(NotifierState state);
}

/// <summary>The checkpoint as one JSON file, replaced atomically (written beside it, flushed, renamed).</summary>
public sealed class FileNotifierStore(string path) : INotifierStore
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The file.</summary>
    public string Path { get; } = path;

    /// <inheritdoc />
    public NotifierState? Load()
    {
        if (!File.Exists(Path)) return null;
        try
        {
            var state = JsonSerializer.Deserialize<NotifierState>(File.ReadAllBytes(Path), Json);
            if (state is null) return null;
            // Dictionaries come back with the default comparer; keys are ids and names, compared exactly.
            state.Alerts = new(state.Alerts, StringComparer.Ordinal);
            state.RecentSends = new(state.RecentSends, StringComparer.Ordinal);
            return state;
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{Path}: not a notifier checkpoint ({ex.Message}); move it away to start afresh (notifications may then be sent again)", ex);
        }
    }

    /// <inheritdoc />
    public void Save(NotifierState state)
    {
        string dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path))!;
        Directory.CreateDirectory(dir);
        string temp = Path + ".tmp";
        using (var f = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(f, state, Json);
            f.Flush(flushToDisk: true);
        }
        File.Move(temp, Path, overwrite: true);
    }
}
