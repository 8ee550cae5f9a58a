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
        var keyId = KeyId(key);
        if (LastStep(await manager.GetAuthenticationTokenAsync(user, LoginProvider, LastStepName), keyId) is { } lastStep && step <= lastStep) return false;
        // Saved with the user's concurrency stamp: of two requests racing with one code, the second save fails.
        var stored = await manager.SetAuthenticationTokenAsync(user, LoginProvider, LastStepName, string.Create(CultureInfo.InvariantCulture, $"{step}:{keyId}"));
        return stored.Succeeded;
    }

    /// <summary>
    /// The last step accepted with this key ("step:key id"; a bare step, stored before, holds for any key). A step of
    /// another key says nothing about this one: turned off and on again within 30 s, the new key's first code was
    /// refused (the browser tests' two widths found it).
    /// </summary>
    public static long? LastStep(string? stored, string keyId)
    {
        if (stored is null) return null;
        var parts = stored.Split(':');
        if (parts.Length == 2 && parts[1] != keyId) return null;
        return long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var step) ? step : null;
    }

    /// <summary>A short, one-way name of the key, so the stored step says which key it was taken with.</summary>
    public static string KeyId(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)).AsSpan(0, 8));
    }
}
