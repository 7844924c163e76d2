using System.Text;
using System.Text.RegularExpressions;
using Pipeline.MailLogs;

namespace Pipeline.Cli.Input;

/// <summary>A <c>NAME=GLOB</c> rule: files whose path matches GLOB belong to appliance NAME.</summary>
public sealed class ApplianceRule
{
    private readonly Regex _glob;

    private ApplianceRule(string name, string glob)
    {
        Name = name;
        Glob = glob;
        _glob = new Regex("^" + GlobToRegex(glob) + "$", RegexOptions.CultureInvariant);
    }

    /// <summary>Appliance name.</summary>
    public string Name { get; }

    /// <summary>The glob (<c>*</c> within a folder, <c>**</c> across folders, <c>?</c> one character).</summary>
    public string Glob { get; }

    /// <summary>Parses <c>NAME=GLOB</c>.</summary>
    /// <exception cref="InputException">Not of that form.</exception>
    public static ApplianceRule Parse(string text)
    {
        int eq = text.IndexOf('=');
        if (eq <= 0 || eq == text.Length - 1)
            throw new InputException($"--appliance takes NAME=GLOB (e.g. esa01='logs/esa01/*'), not '{text}'");
        return new ApplianceRule(text[..eq].Trim(), text[(eq + 1)..].Trim());
    }

    /// <summary>
    /// True when the path matches as given, absolute, relative to the current folder (files found in a folder input
    /// are absolute, globs are usually written relative), or by its file name alone.
    /// </summary>
    public bool Matches(string path)
    {
        var full = Path.GetFullPath(path);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, full);
        return _glob.IsMatch(path) || _glob.IsMatch(full) || _glob.IsMatch(relative) || _glob.IsMatch("./" + relative)
               || _glob.IsMatch(Path.GetFileName(path));
    }

    private static string GlobToRegex(string glob)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < glob.Length; i++)
        {
            char c = glob[i];
            if (c == '*' && i + 1 < glob.Length && glob[i + 1] == '*')
            {
                sb.Append(".*");
                i++;
                if (i + 1 < glob.Length && glob[i + 1] == '/') i++;
            }
            else if (c == '*') sb.Append("[^/]*");
            else if (c == '?') sb.Append("[^/]");
            else sb.Append(Regex.Escape(c.ToString()));
        }
        return sb.ToString();
    }
}

/// <summary>
/// Names the appliance of each line of one file: a matching <c>--appliance</c> rule for the file, else the syslog
/// host of the line, else the file's parent folder name. Each name's <see cref="EventOrigin"/> (name and file, as
/// the writers need them, UTF-8 encoded once) is cached, so that naming allocates nothing per line.
/// </summary>
public sealed class ApplianceNamer
{
    private readonly string _path;
    private readonly EventOrigin? _fixed;
    private readonly EventOrigin _fallback;
    private readonly Dictionary<string, EventOrigin> _hosts = new(StringComparer.Ordinal);
    private readonly char[] _chars = new char[256];

    /// <summary>Creates the namer for one file.</summary>
    public ApplianceNamer(InputFile file, IReadOnlyList<ApplianceRule> rules, string? fixedName = null)
    {
        _path = file.Path;
        var name = fixedName ?? rules.FirstOrDefault(r => !file.IsStdin && r.Matches(file.Path))?.Name;
        _fixed = name is null ? null : new EventOrigin(name, _path);
        _fallback = new EventOrigin(file.ParentFolderName ?? "stdin", _path);
    }

    /// <summary>The appliance of a parsed line, with its file.</summary>
    public EventOrigin OriginOf(in LogEvent e, ReadOnlySpan<byte> line)
    {
        if (_fixed is not null) return _fixed;
        if (!e.Host.HasValue) return _fallback;
        var host = e.Host.Of(line);
        if (host.Length > 255) host = host[..255];
        int n = Encoding.UTF8.GetChars(host, _chars);
        var lookup = _hosts.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(_chars.AsSpan(0, n), out var origin)) return origin;
        var name = new string(_chars, 0, n);
        _hosts[name] = origin = new EventOrigin(name, _path);
        return origin;
    }
}
