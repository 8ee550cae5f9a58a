using System.Net;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Security;

/// <summary>
/// The per-request session check compares the security stamp only, from memory once seen; a renewed stamp (sign-out,
/// lock, roles, a role's permissions) still ends the session on the next request.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class SecurityStampCheckTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Request_SignedInAndNothingChanged_NoSessionQueriesAndNoNewCookie()
    {
        // Arrange
        using var everything = factory.Logs.KeepEverything(); // EF Core's commands, with their SQL
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative))).StatusCode);
        var before = factory.Logs.Entries.Count;

        // Act
        var response = await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sql = string.Join('\n', factory.Logs.Entries.Skip(before));
        Assert.Contains("Executed DbCommand", sql, StringComparison.Ordinal); // the page's own queries were seen
        // The stamp seen on the first request is remembered: nothing about the session is read again.
        Assert.DoesNotContain("\"SecurityStamp\"", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("\"AspNetUserRoles\"", sql, StringComparison.Ordinal);
        Assert.DoesNotContain("\"AspNetRoleClaims\"", sql, StringComparison.Ordinal);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.Contains("fraudweb.auth", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Request_StampRenewedElsewhere_SignedOutOnTheNextRequest()
    {
        // Arrange: the same account signed in twice; one signs out, which renews the stamp.
        using var first = await CardHolderSession.RegisteredAsync(factory);
        using var second = CardHolderSession.Anonymous(factory);
        var signedIn = await MfaSteps.SignInAsync(factory, second.Client, first.Email, FraudWebFactory.Password);
        Assert.Equal("/Profile", Html.Location(signedIn));
        await first.SignOutAsync();

        // Act
        var response = await second.Client.GetAsync(new Uri("/Profile", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", Html.Location(response), StringComparison.Ordinal);
    }
}
