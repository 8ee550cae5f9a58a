using System.Net;
using FraudWeb.Data;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Security;

/// <summary>
/// The app on a clock the tests move forward (<see cref="FixedStartTimeProvider.Advance"/> on the factory's
/// <see cref="FraudWebFactory.Clock"/>): an app of its own, as every test sharing the clock jumps with it.
/// </summary>
public sealed class MovableClockFactory : FraudWebFactory
{
}

/// <summary>Session limits (ASVS 3.3): absolute lifetime, staff idle timeout, no persistent staff cookie, sign-out ends copies.</summary>
public sealed class SessionLifetimeTests(MovableClockFactory factory) : IClassFixture<MovableClockFactory>
{
    [Fact]
    public async Task Request_CardHolderActiveForMoreThan12Hours_RedirectsToLogin()
    {
        // Arrange: active every 6 hours, so the 8-hour sliding cookie alone would never end.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        factory.Clock.Advance(TimeSpan.FromHours(6));
        Assert.Equal(HttpStatusCode.OK, (await Get(holder.Client, "/Profile")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromHours(6.2));

        // Act
        var response = await Get(holder.Client, "/Profile");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", Html.Location(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_PasswordChangedLateInTheSession_SessionStillEndsTwelveHoursAfterSigningIn()
    {
        // Arrange (review: the new cookie after a change of password, address or two-step sign-in was stamped as a new
        // sign-in, so each change restarted the 12-hour limit)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        factory.Clock.Advance(TimeSpan.FromHours(6));
        Assert.Equal(HttpStatusCode.OK, (await Get(holder.Client, "/Profile")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromHours(5));
        const string newPassword = "Glacier mosaic 7 tundra";
        var changed = await Html.SubmitAsync(holder.Client, "/Account/ChangePassword", new Dictionary<string, string>
        {
            ["CurrentPassword"] = FraudWebFactory.Password, ["NewPassword"] = newPassword, ["ConfirmPassword"] = newPassword,
        });
        Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Get(holder.Client, "/Profile")).StatusCode);
        // A change of credentials is audited as its owner's (auditor's test: nothing recorded it).
        Assert.True(await factory.QueryAsync(db => db.Set<FraudWeb.Domain.Entities.AuditEntry>().AnyAsync(e => e.Action == FraudWeb.Services.Accounts.AccountAuditActions.PasswordChange
            && e.ActorId == e.TargetId && e.TargetId == db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).FirstOrDefault())));
        factory.Clock.Advance(TimeSpan.FromHours(1.2));

        // Act
        var response = await Get(holder.Client, "/Profile");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", Html.Location(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_StaffIdleFor31Minutes_RedirectsToLogin()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        factory.Clock.Advance(TimeSpan.FromMinutes(31));

        // Act
        var response = await Get(analyst.Client, "/Account/ChangePassword");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", Html.Location(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_StaffActiveEvery20Minutes_StaysSignedIn()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        factory.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(HttpStatusCode.OK, (await Get(analyst.Client, "/Account/ChangePassword")).StatusCode);
        factory.Clock.Advance(TimeSpan.FromMinutes(20));

        // Act
        var response = await Get(analyst.Client, "/Account/ChangePassword");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Login_StaffAsksToBeKeptSignedIn_SessionCookieOnly()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var client = factory.CreateBrowserClient();

        var password = await Html.SubmitAsync(client, "/Account/Login",
            new Dictionary<string, string> { ["Email"] = analyst.Email, ["Password"] = FraudWebFactory.Password, ["RememberMe"] = "true" });
        Assert.StartsWith("/Account/Mfa/SignIn", Html.Location(password), StringComparison.Ordinal);

        // Act: the second step carries "keep me signed in" on; staff get a session cookie anyway.
        var response = await MfaSteps.SecondStepAsync(factory, client, analyst.Email, Html.Location(password));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var auth = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.Contains("fraudweb.auth=", StringComparison.Ordinal));
        Assert.DoesNotContain("expires=", auth, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Logout_CopiedCookieUsedAfterwards_RedirectsToLogin()
    {
        // Arrange: a cookie jar the test can read, so the sign-in cookie can be copied.
        var jar = new CookieContainer();
        using var client = factory.CreateDefaultClient(FraudWebFactory.HttpsBaseAddress, new CookieContainerHandler(jar));
        var email = factory.NewEmail();
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, FraudWebFactory.Password).Build())).StatusCode);
        await CardHolderSession.ConfirmAndSignInAsync(factory, client, email);
        var copied = jar.GetCookies(FraudWebFactory.HttpsBaseAddress).Single(c => c.Name.EndsWith("fraudweb.auth", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Account/Logout", [], "/Profile")).StatusCode);
        using var thief = factory.CreateDefaultClient(FraudWebFactory.HttpsBaseAddress);

        // Act
        using var request = new HttpRequestMessage(HttpMethod.Get, "/Profile");
        request.Headers.Add("Cookie", $"{copied.Name}={copied.Value}");
        var response = await thief.SendAsync(request);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains("/Account/Login", Html.Location(response), StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> Get(HttpClient client, string url) => client.GetAsync(new Uri(url, UriKind.Relative));
}
