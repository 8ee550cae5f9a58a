using System.Text;
using FraudWeb.Data;
using FraudWeb.Services.ApiKeys;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// Header values clients make up, with a byte outside ASCII (Latin-1 "café"): the app answers with its problem and a
/// request id, on a real Kestrel port; Kestrel alone answers a bare 400 before the app runs.
/// </summary>
public sealed class ApiHeaderBytesTests : IAsyncLifetime, IDisposable
{
    private KestrelTlsHost _host = null!;

    public Task InitializeAsync()
    {
        _host = new KestrelTlsHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    public void Dispose() => _host?.Dispose();

    /// <summary>A POST to the payments with the given extra header line, the value's bytes as Latin-1.</summary>
    private Task<(string Head, string Body)> PayAsync(string authorization, string extraHeader)
    {
        const string body = """{"cardId":1,"terminalId":1,"amount":10.00}""";
        var head = $"POST /api/v1/payments HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {authorization}\r\n{extraHeader}"
            + $"Content-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}";
        return _host.SendAsync(Encoding.Latin1.GetBytes(head));
    }

    /// <summary>A card holder's key to pay with, issued through the service (the host has no test client to click through the pages).</summary>
    private async Task<string> HolderKeyAsync()
    {
        await using var scope = _host.Factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = "latin1@example.com", Email = "latin1@example.com", EmailConfirmed = true };
        Assert.True((await users.CreateAsync(user)).Succeeded);
        Assert.True((await users.AddToRoleAsync(user, Roles.Customer)).Succeeded);
        return await _host.Factory.IssueKeyAsync(user.Id, ApiScopes.PaymentsWrite);
    }

    [Fact]
    public async Task Pay_IdempotencyKeyWithALatin1Byte_ValidationProblemNamingTheHeader()
    {
        // Arrange
        var key = await HolderKeyAsync();

        // Act
        var (head, body) = await PayAsync("Bearer " + key, "Idempotency-Key: caf\u00e9\r\n");

        // Assert: the app's answer (a problem with the field and a request id), not Kestrel's bare 400
        Assert.StartsWith("HTTP/1.1 400", head, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", head, StringComparison.Ordinal);
        Assert.Contains("X-Request-Id:", head, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"Idempotency-Key\"", body, StringComparison.Ordinal);
        Assert.Contains("visible ASCII", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pay_KeyWithALatin1Byte_401Problem()
    {
        // Act
        var (head, body) = await PayAsync("Bearer fw_caf\u00e9", "");

        // Assert
        Assert.StartsWith("HTTP/1.1 401", head, StringComparison.Ordinal);
        Assert.Contains("application/problem+json", head, StringComparison.Ordinal);
        Assert.Contains("\"requestId\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pay_RequestIdWithALatin1Byte_AnsweredWithTheAppsOwnId()
    {
        // Act
        var (head, _) = await PayAsync("Bearer fw_nothing", "X-Request-Id: caf\u00e9\r\n");

        // Assert: answered by the app, which does not echo an id it cannot log safely
        Assert.StartsWith("HTTP/1.1 401", head, StringComparison.Ordinal);
        var requestId = head.Split("\r\n").Single(l => l.StartsWith("X-Request-Id:", StringComparison.OrdinalIgnoreCase));
        // The app's own id (trace id and span id in hex), which may hold "caf" by chance: its shape, not its letters (CI).
        Assert.Matches("^X-Request-Id: [0-9a-f]{32}-[0-9a-f]{16}$", requestId);
    }

    [Fact]
    public async Task Pay_OtherHeaderWithALatin1Byte_StillRefusedByKestrel()
    {
        // Act: only the headers clients make up are read as Latin-1; the rest stay ASCII-only
        var (head, _) = await PayAsync("Bearer fw_nothing", "X-Anything: caf\u00e9\r\n");

        // Assert
        Assert.StartsWith("HTTP/1.1 400", head, StringComparison.Ordinal);
        Assert.DoesNotContain("X-Request-Id:", head, StringComparison.OrdinalIgnoreCase);
    }
}
