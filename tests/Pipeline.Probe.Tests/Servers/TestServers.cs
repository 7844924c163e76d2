using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Pipeline.TestServers;

/// <summary>Free ports, temporary folders and bounded waits for the server fixtures.</summary>
internal static class Net
{
    /// <summary>A port nothing listens on right now (bound to 127.0.0.1:0, then released).</summary>
    public static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    public static string TempDir(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), "pipeline-tests", prefix + "-" + Guid.NewGuid().ToString("n")[..12]);
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="timeout"/> passes (then fails with <paramref name="what"/>).</summary>
    public static async Task WaitFor(Func<bool> condition, TimeSpan timeout, string what)
    {
        var watch = Stopwatch.StartNew();
        int delay = 10;
        while (!condition())
        {
            if (watch.Elapsed > timeout) throw new TimeoutException($"waited {timeout.TotalSeconds:0} s for {what}");
            await Task.Delay(delay);
            delay = Math.Min(delay * 2, 200);
        }
    }

    /// <summary>Bounded wait used by every fixture: generous, because the machine may be loaded.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
}

/// <summary>A self-signed certificate and key made by the openssl command line.</summary>
internal sealed record TestCertificate(string CertPath, string KeyPath)
{
    public static TestCertificate Create(string dir, int days, string name = "localhost")
    {
        string cert = Path.Combine(dir, $"{name}-{days}d.pem"), key = Path.Combine(dir, $"{name}-{days}d.key");
        var psi = new ProcessStartInfo("openssl")
        {
            ArgumentList = { "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", days.ToString(System.Globalization.CultureInfo.InvariantCulture),
                             "-subj", $"/CN={name}", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1" },
            RedirectStandardError = true, RedirectStandardOutput = true,
        };
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        if (!p.WaitForExit(60_000) || p.ExitCode != 0) throw new InvalidOperationException("openssl req failed: " + err);
        return new TestCertificate(cert, key);
    }
}

/// <summary>
/// A server process (Debian's aiosmtpd under /usr/bin/python3, or openssl s_server) that the fixture starts and kills.
/// Ready when it prints its ready line; stderr is kept for failure messages.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Port { get; }
    public string Name { get; }

    private ServerProcess(string name, int port, ProcessStartInfo psi, string readyLine)
    {
        Name = name;
        Port = port;
        psi.RedirectStandardOutput = true;
        psi.RedirectStandardError = true;
        psi.RedirectStandardInput = true; // openssl s_server reads commands from stdin; keep it open
        _process = new Process { StartInfo = psi, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_output) _output.AppendLine(e.Data);
            if (e.Data.Contains(readyLine, StringComparison.Ordinal)) _ready.TrySetResult();
        };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.Exited += (_, _) => _ready.TrySetException(new InvalidOperationException($"{name} exited before it was ready:\n{Output}"));
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public bool HasExited => _process.HasExited;

    private async Task WaitReady()
    {
        var done = await Task.WhenAny(_ready.Task, Task.Delay(Net.Patience));
        if (done != _ready.Task) throw new TimeoutException($"{Name} not ready after {Net.Patience.TotalSeconds} s:\n{Output}");
        await _ready.Task;
    }

    /// <summary>Path of the aiosmtpd server script copied next to the test assembly.</summary>
    public static string SmtpScript => Path.Combine(AppContext.BaseDirectory, "servers", "smtp_server.py");

    /// <summary>Starts the aiosmtpd script on <paramref name="port"/> (a free one when 0) with extra arguments.</summary>
    public static async Task<ServerProcess> StartSmtp(string name, int port = 0, params string[] args)
    {
        for (int attempt = 1; ; attempt++)
        {
            int p = port != 0 ? port : Net.FreePort();
            var psi = new ProcessStartInfo("/usr/bin/python3") { ArgumentList = { "-u", SmtpScript, "--port", p.ToString(System.Globalization.CultureInfo.InvariantCulture) } };
            foreach (var a in args) psi.ArgumentList.Add(a);
            var server = new ServerProcess(name, p, psi, "READY");
            try
            {
                await server.WaitReady();
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && port == 0 && server.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                server.Dispose(); // someone took the free port between the check and the bind: take another
            }
            catch
            {
                server.Dispose();
                throw;
            }
        }
    }

    /// <summary>openssl s_server with implicit TLS that offers only anonymous (aNULL) TLS 1.2 ciphers and no certificate.</summary>
    public static async Task<ServerProcess> StartOpensslAnonymous()
    {
        int p = Net.FreePort();
        var psi = new ProcessStartInfo("openssl")
        {
            ArgumentList = { "s_server", "-accept", $"127.0.0.1:{p}", "-nocert", "-cipher", "aNULL:@SECLEVEL=0", "-tls1_2" },
        };
        var server = new ServerProcess("openssl s_server -nocert -cipher aNULL", p, psi, "ACCEPT");
        try
        {
            await server.WaitReady();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}

/// <summary>
/// A TCP listener in the test process: it accepts connections and then writes <c>greeting</c> (garbage, a 554) or
/// nothing at all (a server that never answers), and holds the connection open until disposed.
/// </summary>
internal sealed class RawTcpServer : IDisposable
{
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _clients = [];
    private readonly Task _loop;

    public int Port { get; }
    public int Accepted { get; private set; }

    public RawTcpServer(byte[]? greeting)
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    lock (_clients) { _clients.Add(client); Accepted++; }
                    if (greeting is not null) await client.GetStream().WriteAsync(greeting, _stop.Token);
                }
            }
            catch (Exception) when (_stop.IsCancellationRequested) { }
            catch (SocketException) { }
        });
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try { _loop.Wait(5_000); } catch (AggregateException) { }
        lock (_clients) foreach (var c in _clients) c.Dispose();
    }
}
