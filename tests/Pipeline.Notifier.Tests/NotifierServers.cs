using Pipeline.TestServers;

namespace Pipeline.Notifier.Tests;

/// <summary>aiosmtpd with STARTTLS and AUTH (self-signed certificate by openssl), and aiosmtpd with implicit TLS, for all notifier tests.</summary>
public sealed class NotifierServers : IAsyncLifetime
{
    /// <summary>One set of servers for every test class.</summary>
    public const string Collection = "notifier servers";

    public string Dir { get; } = Net.TempDir("notify");
    public const string User = "pipeline";
    public const string Password = "Pa55-w0rd-never-logged";
    internal ServerProcess StartTls = null!;
    internal ServerProcess Implicit = null!;
    internal Mailbox StartTlsBox = null!;
    internal Mailbox ImplicitBox = null!;
    internal TestCertificate Cert = null!;
    internal string PasswordFile = null!;
    private readonly List<IDisposable> _all = [];

    public async Task InitializeAsync()
    {
        Cert = TestCertificate.Create(Dir, 30);
        PasswordFile = Path.Combine(Dir, "smtp-password");
        File.WriteAllText(PasswordFile, Password + "\n");
        StartTlsBox = new Mailbox(Path.Combine(Dir, "starttls-mail"));
        ImplicitBox = new Mailbox(Path.Combine(Dir, "implicit-mail"));
        var a = ServerProcess.StartSmtp("aiosmtpd STARTTLS+AUTH", 0, "--tls-cert", Cert.CertPath, "--tls-key", Cert.KeyPath,
            "--auth-user", User, "--auth-password-file", PasswordFile, "--maildir", StartTlsBox.Dir);
        var b = ServerProcess.StartSmtp("aiosmtpd implicit TLS", 0, "--tls-cert", Cert.CertPath, "--tls-key", Cert.KeyPath, "--implicit-tls", "--maildir", ImplicitBox.Dir);
        try { await Task.WhenAll(a, b); }
        finally { foreach (var t in new[] { a, b }) if (t.IsCompletedSuccessfully) _all.Add(t.Result); }
        (StartTls, Implicit) = (a.Result, b.Result);
    }

    public Task DisposeAsync()
    {
        foreach (var s in _all) s.Dispose();
        try { Directory.Delete(Dir, true); } catch (IOException) { }
        return Task.CompletedTask;
    }

    /// <summary>A fresh folder for one test.</summary>
    public string TestDir(string name) => Directory.CreateDirectory(Path.Combine(Dir, name + "-" + Guid.NewGuid().ToString("n")[..8])).FullName;

    public EmailChannelOptions StartTlsEmail(params string[] to) => new()
    {
        Host = "127.0.0.1", Port = StartTls.Port, Security = SmtpSecurity.StartTls, AcceptInvalidCertificate = true,
        Username = User, Password = new SecretRef { File = PasswordFile }, From = "pipeline@example.net",
        To = to.Length > 0 ? [.. to] : ["mail-ops@example.net"], Timeout = TimeSpan.FromSeconds(20),
    };
}

[CollectionDefinition(NotifierServers.Collection)]
public sealed class NotifierServersCollection : ICollectionFixture<NotifierServers>;
