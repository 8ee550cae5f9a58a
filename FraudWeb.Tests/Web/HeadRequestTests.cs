using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web;

/// <summary>HEAD on a page answers as GET would, headers only (RFC 9110 9.3.2), on a real Kestrel port over TLS.</summary>
public sealed class HeadRequestTests : IAsyncLifetime, IDisposable
{
    private KestrelTlsHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new KestrelTlsHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose() => _host?.Dispose();

    private Task<(string Head, string Body)> SendAsync(string method, string path) => _host.SendAsync(method, path);

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
