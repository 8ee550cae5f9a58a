using System.Net;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Security;

/// <summary>The per-request session check reads the security stamp only; a renewed stamp still ends the session at once.</summary>
[Collection(WebTestGroup.Name)]
public sealed class SecurityStampCheckTests(FraudWebFactory factory)
{
    [Fact]
    public async Task Request_SignedInAndNothingChanged_NoRoleOrClaimQueriesAndNoNewCookie()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative))).StatusCode);
        var before = factory.Logs.Entries.Count;

        // Act
        var response = await holder.Client.GetAsync(new Uri("/Profile", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sql = string.Join('\n', factory.Logs.Entries.Skip(before));
        Assert.Contains("\"SecurityStamp\"", sql, StringComparison.Ordinal);
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
