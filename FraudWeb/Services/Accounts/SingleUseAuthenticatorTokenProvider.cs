using System.Globalization;
using FraudWeb.Data;
using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace FraudWeb.Services.Accounts;

/// <summary>
/// Authenticator-app codes (RFC 6238, 6 digits, 30 s) that work once (ASVS 2.8.4): Identity's own provider accepts
/// the same code again for its whole window, so an intercepted code could open a second session. The time step of the
/// last code accepted is kept with the user (a user token) and a code of that step or an earlier one is refused.
/// Codes are checked with Otp.NET, which says which step matched; the window is Identity's, two steps either way.
/// </summary>
public sealed class SingleUseAuthenticatorTokenProvider : AuthenticatorTokenProvider<ApplicationUser>
{
    public const string LoginProvider = "FraudWeb";
    public const string LastStepName = "AuthenticatorLastStep";
    private static readonly VerificationWindow Window = new(previous: 2, future: 2);

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        var key = await manager.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key) || token is not { Length: 6 } || !token.All(char.IsAsciiDigit)) return false;
        // The real clock, as the person's phone has it (the app's TimeProvider may be moved in tests).
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        if (!new Totp(Base32Encoding.ToBytes(key)).VerifyTotp(now, token, out var step, Window)) return false;
        var last = await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName);
        if (long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var lastStep) && step <= lastStep) return false;
        // Saved with the user's concurrency stamp: of two requests racing with one code, the second save fails.
        var stored = await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, step.ToString(CultureInfo.InvariantCulture));
        return stored.Succeeded;
    }
}
