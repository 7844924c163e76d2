namespace Pipeline.Cli.Commands;

/// <summary>The generated-estate and analysis folders that <c>demo</c> and <c>bench</c> write below a folder the user may have named.</summary>
internal static class WorkFolders
{
    /// <summary>
    /// <c>DIR/logs</c> and <c>DIR/analysis</c>, emptied of an earlier run. Only these two are removed: DIR itself may be
    /// any folder of the user's.
    /// </summary>
    public static (string Logs, string Analysis) Fresh(string dir)
    {
        string logs = Path.Combine(dir, "logs"), analysis = Path.Combine(dir, "analysis");
        foreach (var sub in new[] { logs, analysis })
            if (Directory.Exists(sub)) Directory.Delete(sub, recursive: true);
        return (logs, analysis);
    }
}
