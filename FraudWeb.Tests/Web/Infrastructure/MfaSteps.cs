using System.Globalization;
using System.Net;
using FraudWeb.Services.Accounts;
using FraudWeb.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// Two-step sign-in as a person with an authenticator app would do it: codes are computed from the shared key
/// (RFC 6238 via Otp.NET), the key read from the enrolment page or, for the second sign-in step, from the user store.
/// </summary>
public static class MfaSteps
{
    public static string CodeFor(string sharedKey)
    {
        ArgumentNullException.ThrowIfNull(sharedKey);
        return new Totp(Base32Encoding.ToBytes(sharedKey.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant())).ComputeTotp();
    }

    /// <summary>
    /// A code the app accepts now for an enrolled person: codes work once (the step of the last one accepted is stored),
    /// so this is the code of the current step or, when that was used, of a later one within the app's window of two
    /// steps ahead; past that (a person signing in more than three times in half a minute), it waits for the clock.
    /// </summary>
    public static async Task<string> NextCodeAsync(FraudWebFactory factory, string email)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException("User not found.");
        var key = await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("The user has no authenticator key.");
        var last = await users.GetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, SingleUseAuthenticatorTokenProvider.LastStepName);
        var step = Math.Max(StepNow(), SingleUseAuthenticatorTokenProvider.LastStep(last, SingleUseAuthenticatorTokenProvider.KeyId(key)) is { } used ? used + 1 : 0);
        while (step > StepNow() + 2) await Task.Delay(TimeSpan.FromSeconds(1));
        return new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UnixEpoch.AddSeconds(step * 30));
    }

    private static long StepNow() => DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 30;

    /// <summary>
    /// Signs in through the login form and finishes what two-step sign-in asks for: the code step for enrolled
    /// people, enrolment for staff who have none. Returns the last sign-in response (a redirect on success).
    /// </summary>
    public static async Task<HttpResponseMessage> SignInAsync(FraudWebFactory factory, HttpClient client, string email, string password)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var response = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = password });
        if (response.StatusCode != HttpStatusCode.Redirect) return response;
        if (Html.Location(response).StartsWith("/Account/Mfa/SignIn", StringComparison.Ordinal))
        {
            response = await SecondStepAsync(factory, client, email, Html.Location(response));
        }
        if (response.StatusCode == HttpStatusCode.Redirect && await MustEnrolAsync(factory, email)) await EnrolAsync(client);
        return response;
    }

    /// <summary>Enters the current code on the second-step page (after the password was accepted).</summary>
    public static async Task<HttpResponseMessage> SecondStepAsync(FraudWebFactory factory, HttpClient client, string email, string formPage, bool rememberBrowser = false)
    {
        var fields = new Dictionary<string, string> { ["Code"] = await NextCodeAsync(factory, email), ["RememberBrowser"] = rememberBrowser ? "true" : "false" };
        return await Html.SubmitAsync(client, "/Account/Mfa/SignIn", fields, formPage);
    }

    /// <summary>Enrols the signed-in person from the enrolment page; returns the recovery codes shown once.</summary>
    public static async Task<IReadOnlyList<string>> EnrolAsync(HttpClient client)
    {
        var page = await Html.GetPageAsync(client, "/Account/Mfa");
        var key = page.QuerySelector("[data-testid=mfa-key]")?.TextContent ?? throw new InvalidOperationException("The enrolment page shows no key.");
        var response = await Html.SubmitAsync(client, "/Account/Mfa/Enable", new Dictionary<string, string> { ["Form.Code"] = CodeFor(key) }, "/Account/Mfa");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var codes = (await Html.ParseAsync(response)).QuerySelectorAll("[data-testid=recovery-codes] li").Select(li => li.TextContent.Trim()).ToList();
        Assert.NotEmpty(codes);
        return codes;
    }

    public static async Task<string> AuthenticatorKeyAsync(FraudWebFactory factory, string email)
    {
        ArgumentNullException.ThrowIfNull(factory);
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException("User not found.");
        return await users.GetAuthenticatorKeyAsync(user) ?? throw new InvalidOperationException("The user has no authenticator key.");
    }

    private static async Task<bool> MustEnrolAsync(FraudWebFactory factory, string email)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email);
        if (user is null || user.TwoFactorEnabled) return false;
        var roles = await users.GetRolesAsync(user);
        return roles.Contains(Roles.Analyst) || roles.Contains(Roles.Admin);
    }
}
