using System.IO.Compression;

namespace Pipeline.Cli.Input;

/// <summary>One input: a file (plain or gzip) or standard input.</summary>
/// <param name="Path">The path as given, or <c>-</c> for standard input.</param>
/// <param name="Length">Size in bytes when known (for progress), else -1.</param>
/// <param name="LastWriteUtc">The file's modification time, used as the reference for year-less syslog times.</param>
public sealed record InputFile(string Path, long Length, DateTime LastWriteUtc)
{
    /// <summary>True for standard input.</summary>
    public bool IsStdin => Path == "-";

    /// <summary>The parent folder's name (an appliance name by convention when logs are kept one folder per appliance).</summary>
    public string? ParentFolderName => IsStdin ? null : new DirectoryInfo(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(Path)) ?? "/").Name;

    /// <summary>Opens the input; gzip files (rotated logs are often compressed) are decompressed transparently.</summary>
    public Stream Open()
    {
        if (IsStdin) return Console.OpenStandardInput(1 << 16);
        var fs = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 16,
            FileOptions.SequentialScan);
        Span<byte> magic = stackalloc byte[2];
        int n = fs.Read(magic);
        fs.Position = 0;
        return n == 2 && magic[0] == 0x1f && magic[1] == 0x8b ? new GZipStream(fs, CompressionMode.Decompress) : fs;
    }
}

/// <summary>Expands command-line inputs (files, folders, <c>-</c>) into files, with clear errors.</summary>
public static class InputFiles
{
    /// <summary>
    /// Files as given; folders are searched recursively and their files taken in name order (rotated
    /// <c>mail_logs.@20260310T090000.s</c> sorts before <c>mail_logs.current</c>). Hidden files and
    /// metadata (<c>*.json</c>, <c>*.md</c>) inside folders are skipped.
    /// </summary>
    /// <exception cref="InputException">A path does not exist or cannot be read.</exception>
    public static IReadOnlyList<InputFile> Expand(IEnumerable<string> paths)
    {
        var result = new List<InputFile>();
        foreach (var path in paths)
        {
            if (path == "-")
            {
                result.Add(new InputFile("-", -1, DateTime.UtcNow));
                continue;
            }
            if (Directory.Exists(path))
            {
                var files = new DirectoryInfo(path).EnumerateFiles("*", new EnumerationOptions
                    {
                        RecurseSubdirectories = true, IgnoreInaccessible = false, AttributesToSkip = FileAttributes.Hidden,
                    })
                    .Where(f => !f.Name.StartsWith('.') && !f.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                                && !f.Name.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
                    .OrderBy(f => f.DirectoryName, StringComparer.Ordinal).ThenBy(f => f.Name, StringComparer.Ordinal)
                    .ToList();
                if (files.Count == 0) throw new InputException($"folder has no log files: {path}");
                result.AddRange(files.Select(f => new InputFile(f.FullName, f.Length, f.LastWriteTimeUtc)));
                continue;
            }
            if (!File.Exists(path)) throw new InputException($"no such file or folder: {path}");
            var info = new FileInfo(path);
            try
            {
                using var probe = info.OpenRead();
            }
            catch (Exception ex) when (ex is UnauthorizedAccessException or IOException)
            {
                throw new InputException($"cannot read {path}: {ex.Message}");
            }
            result.Add(new InputFile(path, info.Length, info.LastWriteTimeUtc));
        }
        if (result.Count == 0) throw new InputException("no input: give one or more files or folders, or - for standard input");
        return result;
    }
}

/// <summary>An input problem reported to the user as a one-line error (exit code 2), not a stack trace.</summary>
public sealed class InputException(string message) : Exception(message);
