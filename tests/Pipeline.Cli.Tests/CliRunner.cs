using System.CommandLine;

namespace Pipeline.Cli.Tests;

/// <summary>Runs the real command tree in-process and captures its output.</summary>
internal static class CliRunner
{
    public static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var config = new InvocationConfiguration { Output = output, Error = error };
        int exit = Program.BuildRoot().Parse(args).Invoke(config);
        return (exit, output.ToString(), error.ToString());
    }

    public static string Corpus(string name) => Path.Combine(AppContext.BaseDirectory, "corpus", name);

    public static string TempDir()
    {
        var dir = Path.Combine(Path.GetTempPath(), "pipeline-tests", Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(dir);
        return dir;
    }
}
