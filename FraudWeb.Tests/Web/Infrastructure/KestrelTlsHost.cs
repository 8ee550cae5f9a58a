using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FraudWeb.Tests.Browser.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// The app on a real Kestrel port over TLS, for what the test server does not do as Kestrel does (the request line,
/// header bytes on the wire): requests are written as raw bytes and the answer read back as it came.
/// </summary>
public sealed class KestrelTlsHost : IDisposable, IAsyncDisposable
{
    private readonly X509Certificate2 _certificate = BrowserHost.SelfSignedCertificate();

    public KestrelTlsHost()
    {
        Factory.Settings["FraudWeb:PublicBaseUrl"] = "https://127.0.0.1/";
        Factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate)));
        Factory.StartServer();
        Port = BrowserHost.BoundPort(Factory.Services);
    }

    public FraudWebFactory Factory { get; } = new();

    public int Port { get; }

    /// <summary>Sends the request's bytes (head and body, on a connection closed after it) and returns the response's head and body.</summary>
    public async Task<(string Head, string Body)> SendAsync(byte[] request)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, presented, _, _) => presented?.GetCertHashString() == _certificate.GetCertHashString());
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        await tls.WriteAsync(request);
        using var reader = new StreamReader(tls, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (text[..end], text[(end + 4)..]);
    }

    /// <summary>A request line with the host and Connection: close, nothing else.</summary>
    public Task<(string Head, string Body)> SendAsync(string method, string path) =>
        SendAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));

    public async ValueTask DisposeAsync()
    {
        await Factory.DisposeAsync();
        _certificate.Dispose();
    }

    public void Dispose()
    {
        Factory.Dispose();
        _certificate.Dispose();
    }
}
