using System.Text;
using Pipeline.TestServers;

namespace Pipeline.Probe.Tests;

/// <summary>The real servers every probe test talks to, started once (in parallel) and killed at the end.</summary>
public sealed class ProbeServers : IAsyncLifetime
{
    /// <summary>One set of servers for every test class (each class would otherwise start its own).</summary>
    public const string Collection = "probe servers";

    public string Dir { get; } = Net.TempDir("probe");
    internal ServerProcess StartTls = null!;        // aiosmtpd with STARTTLS, self-signed certificate valid 30 days
    internal ServerProcess ExpiringTls = null!;     // aiosmtpd with STARTTLS, certificate valid 5 days
    internal ServerProcess Plain = null!;           // aiosmtpd without STARTTLS
    internal ServerProcess AnonymousOnly = null!;   // aiosmtpd whose STARTTLS offers only aNULL ciphers
    internal ServerProcess OpensslAnonymous = null!;// openssl s_server -nocert -cipher aNULL, implicit TLS
    internal RawTcpServer Silent = null!;           // accepts, never answers
    internal RawTcpServer Garbage = null!;          // answers garbage instead of 220
    internal RawTcpServer Unavailable = null!;      // answers 554 instead of 220
    public string Maildir { get; }
    // Bound but not listening: connections are refused, and no other server can take the port meanwhile.
    private readonly System.Net.Sockets.Socket _closed = ClosedSocket();
    public int ClosedPort => ((System.Net.IPEndPoint)_closed.LocalEndPoint!).Port;
    private readonly List<IDisposable> _all = [];

    public ProbeServers() => Maildir = Directory.CreateDirectory(Path.Combine(Dir, "mail")).FullName;

    public async Task InitializeAsync()
    {
        var cert = TestCertificate.Create(Dir, 30);
        var expiring = TestCertificate.Create(Dir, 5);
        var started = new[]
        {
            ServerProcess.StartSmtp("aiosmtpd STARTTLS", 0, "--tls-cert", cert.CertPath, "--tls-key", cert.KeyPath, "--maildir", Maildir),
            ServerProcess.StartSmtp("aiosmtpd STARTTLS 5 days", 0, "--tls-cert", expiring.CertPath, "--tls-key", expiring.KeyPath),
            ServerProcess.StartSmtp("aiosmtpd plain", 0, "--maildir", Maildir),
            ServerProcess.StartSmtp("aiosmtpd anonymous-only", 0, "--anon-only"),
            ServerProcess.StartOpensslAnonymous(),
        };
        try
        {
            await Task.WhenAll(started);
        }
        finally
        {
            foreach (var t in started) if (t.IsCompletedSuccessfully) _all.Add(t.Result);
        }
        (StartTls, ExpiringTls, Plain, AnonymousOnly, OpensslAnonymous) = (started[0].Result, started[1].Result, started[2].Result, started[3].Result, started[4].Result);
        Silent = new RawTcpServer(null);
        Garbage = new RawTcpServer(Encoding.ASCII.GetBytes("HTTP/1.0 400 Bad Request\r\nthis is not smtp\r\n"));
        Unavailable = new RawTcpServer(Encoding.ASCII.GetBytes("554 5.3.2 Service currently unavailable\r\n"));
        _all.AddRange([Silent, Garbage, Unavailable]);
    }

    private static System.Net.Sockets.Socket ClosedSocket()
    {
        var s = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        s.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return s;
    }

    public Task DisposeAsync()
    {
        _closed.Dispose();
        foreach (var s in _all) s.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    public static ProbeTarget Local(int port, string? appliance = null, ProbeTls tls = ProbeTls.StartTls) => new("127.0.0.1", port, appliance, tls);
}

[CollectionDefinition(ProbeServers.Collection)]
public sealed class ProbeServersCollection : ICollectionFixture<ProbeServers>;
