using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using FraudWeb.Tests.Browser.Infrastructure;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;

namespace FraudWeb.Tests.Web;

/// <summary>HEAD on a page answers as GET would, headers only (RFC 9110 9.3.2), on a real Kestrel port over TLS.</summary>
public sealed class HeadRequestTests : IAsyncLifetime, IDisposable
{
    private readonly FraudWebFactory _factory = new();
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2 _certificate = BrowserHost.SelfSignedCertificate();
    private int _port;

    public Task InitializeAsync()
    {
        _factory.Settings["FraudWeb:PublicBaseUrl"] = "https://127.0.0.1/";
        _factory.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate)));
        _factory.StartServer();
        _port = BrowserHost.BoundPort(_factory.Services);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _factory.DisposeAsync();

    public void Dispose()
    {
        _factory.Dispose();
        _certificate.Dispose();
    }

    /// <summary>The raw response to one request line: its head and the bytes after it, as they came on the wire.</summary>
    private async Task<(string Head, string Body)> SendAsync(string method, string path)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, presented, _, _) => presented?.GetCertHashString() == _certificate.GetCertHashString());
        await tls.AuthenticateAsClientAsync("127.0.0.1");
        await tls.WriteAsync(Encoding.ASCII.GetBytes($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
        using var reader = new StreamReader(tls, Encoding.UTF8);
        var text = await reader.ReadToEndAsync();
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return (text[..end], text[(end + 4)..]);
    }

    [Fact]
    public async Task Head_SignInPage_200WithGetsContentTypeAndNoBody()
    {
        // Act
        var (getHead, getBody) = await SendAsync("GET", "/Account/Login");
        var (head, body) = await SendAsync("HEAD", "/Account/Login");

        // Assert: the same status and type as GET, and not one byte of the page
        Assert.StartsWith("HTTP/1.1 200", getHead, StringComparison.Ordinal);
        Assert.NotEmpty(getBody);
        Assert.StartsWith("HTTP/1.1 200", head, StringComparison.Ordinal);
        Assert.Contains("Content-Type: text/html", head, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("", body);
    }

    [Fact]
    public async Task Head_ApiWithoutAKey_401AsForGet()
    {
        // Act
        var (head, body) = await SendAsync("HEAD", "/api/v1/models/serving");

        // Assert
        Assert.StartsWith("HTTP/1.1 401", head, StringComparison.Ordinal);
        Assert.Equal("", body);
    }
}
