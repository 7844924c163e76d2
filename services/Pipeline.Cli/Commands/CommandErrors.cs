using Pipeline.Cli.Input;

namespace Pipeline.Cli.Commands;

/// <summary>
/// The one error boundary of every command: errors a user can cause (bad input, a damaged gzip file, a path that
/// cannot be read or written) become one line on standard error and exit code 2; anything else is a bug and keeps its
/// stack trace.
/// </summary>
internal static class CommandErrors
{
    /// <summary>Runs <paramref name="action"/>; <paramref name="alsoUserError"/> names a command's own user errors (e.g. option values parsed late).</summary>
    public static int Run(string command, TextWriter stderr, Func<int> action, Func<Exception, bool>? alsoUserError = null)
    {
        try
        {
            return action();
        }
        catch (Exception ex) when (ex is InputException or IOException or InvalidDataException or UnauthorizedAccessException || alsoUserError?.Invoke(ex) == true)
        {
            stderr.WriteLine($"pipeline {command}: {ex.Message}");
            return 2;
        }
    }
}
