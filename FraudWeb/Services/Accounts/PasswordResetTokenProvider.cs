using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FraudWeb.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Accounts;

/// <summary>
/// Mailed links bound to the account's password and address instead of its security stamp. Every sign-out renews the
/// stamp (a copied cookie must die with it), and with Identity's default provider that also killed every link already
/// mailed: one opened on another device, or one an administrator's forced reset of their own account sent just before
/// signing them out. A link still dies once used (the password or the address changes), when an administrator removes
/// the password, when the address changes, and after its lifetime.
/// </summary>
public abstract class AccountStateTokenProvider(
    IDataProtectionProvider dataProtectionProvider,
    IOptions<DataProtectionTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<ApplicationUser>> logger)
    : DataProtectorTokenProvider<ApplicationUser>(dataProtectionProvider, options, logger)
{
    public override async Task<string> GenerateAsync(string purpose, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        using var stream = new MemoryStream();
        await using (var writer = new BinaryWriter(stream, new UTF8Encoding(false, true), leaveOpen: true))
        {
            writer.Write(DateTimeOffset.UtcNow.UtcTicks);
            writer.Write(await manager.GetUserIdAsync(user));
            writer.Write(purpose ?? "");
            writer.Write(await StateAsync(manager, user));
        }
        return Convert.ToBase64String(Protector.Protect(stream.ToArray()));
    }

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        try
        {
            var payload = Protector.Unprotect(Convert.FromBase64String(token ?? ""));
            using var reader = new BinaryReader(new MemoryStream(payload), new UTF8Encoding(false, true));
            var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var userId = reader.ReadString();
            var madeFor = reader.ReadString();
            var state = reader.ReadString();
            var current = await StateAsync(manager, user);
            return created + Options.TokenLifespan >= DateTimeOffset.UtcNow
                && string.Equals(userId, await manager.GetUserIdAsync(user), StringComparison.Ordinal)
                && string.Equals(madeFor, purpose, StringComparison.Ordinal)
                && CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(state), Encoding.ASCII.GetBytes(current))
                && reader.PeekChar() == -1;
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or IOException or ArgumentException)
        {
            // Not base64, not ours, or not this layout (EndOfStreamException is an IOException).
            return false;
        }
    }

    /// <summary>The account the token was made for; null when it is not one of this provider's (made up or tampered).</summary>
    public string? UserIdOf(string token) => TokenPayload.UserIdOf(Protector, token);

    /// <summary>The purpose the token was made for (an address change's names the new address); null when it is not one of ours.</summary>
    public string? PurposeOf(string token) => TokenPayload.PurposeOf(Protector, token);

    /// <summary>
    /// A digest of what a link is for: the password it replaces, the address it was mailed to, and how many address
    /// changes the account has made (<see cref="ChangeEmailTokenProvider.CountChangeAsync"/>): the address alone would
    /// let a link verify again after a change from A to B and back to A.
    /// </summary>
    protected async Task<string> StateAsync(UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        ArgumentNullException.ThrowIfNull(user);
        var changes = await manager.GetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, ChangeEmailTokenProvider.ChangesToken);
        return Digest(string.Create(CultureInfo.InvariantCulture, $"{user.PasswordHash}\n{user.NormalizedEmail}\n{user.EmailConfirmed}\n{changes ?? "0"}"));
    }

    protected static string Digest(string state) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(state)));
}

/// <summary>Password-reset links (<see cref="AccountStateTokenProvider"/>): they outlive sign-outs and work for two hours.</summary>
public sealed class PasswordResetTokenProvider(
    IDataProtectionProvider dataProtectionProvider,
    IOptions<PasswordResetTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<ApplicationUser>> logger)
    : AccountStateTokenProvider(dataProtectionProvider, options, logger)
{
    public const string ProviderName = "PasswordReset";
}

public sealed class PasswordResetTokenProviderOptions : DataProtectionTokenProviderOptions
{
    public PasswordResetTokenProviderOptions()
    {
        Name = PasswordResetTokenProvider.ProviderName;
        TokenLifespan = TimeSpan.FromHours(2);
    }
}

/// <summary>
/// Links that confirm a new address (<see cref="AccountStateTokenProvider"/>; Identity's purpose names the new
/// address). They outlive sign-outs, as the person may read the mail on another device; they die once used (the
/// address changes), when the password changes (an owner who takes the account back ends a change they did not ask
/// for), and after <see cref="Lifetime"/>. The address alone would not kill a used link for good: after a change from
/// A to B and back to A it would verify again and move the account to B a second time. So the state also holds how many
/// changes the account has made (<see cref="CountChangeAsync"/>), and every change ends every link made before it.
/// </summary>
public sealed class ChangeEmailTokenProvider(
    IDataProtectionProvider dataProtectionProvider,
    IOptions<ChangeEmailTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<ApplicationUser>> logger)
    : AccountStateTokenProvider(dataProtectionProvider, options, logger)
{
    public const string ProviderName = "ChangeEmail";

    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <summary>The account's count of address changes, kept as one of its Identity tokens (no column needed); part of every link's state.</summary>
    internal const string ChangesToken = "EmailChanges";

    /// <summary>Counts one more change of the account's address: every link made before it stops verifying.</summary>
    public static async Task CountChangeAsync(UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(manager);
        var changes = await manager.GetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, ChangesToken);
        var count = long.TryParse(changes, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        var result = await manager.SetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, ChangesToken,
            (count + 1).ToString(CultureInfo.InvariantCulture));
        if (!result.Succeeded) throw new InvalidOperationException("The account's count of address changes could not be saved.");
    }
}

public sealed class ChangeEmailTokenProviderOptions : DataProtectionTokenProviderOptions
{
    public ChangeEmailTokenProviderOptions()
    {
        Name = ChangeEmailTokenProvider.ProviderName;
        TokenLifespan = ChangeEmailTokenProvider.Lifetime;
    }
}

/// <summary>
/// Reads the account id from a data-protected Identity token (its layout: creation ticks, then the user id) without
/// looking anything up: a form given an address and a token finds the account from the token, so a made-up link is
/// answered without the address being looked up at all, and the answer's time does not tell who has an account
/// (docs/decisions/0031).
/// </summary>
internal static class TokenPayload
{
    public static string? UserIdOf(IDataProtector protector, string token)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(protector.Unprotect(Convert.FromBase64String(token ?? ""))), new UTF8Encoding(false, true));
            reader.ReadInt64();
            return reader.ReadString();
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or IOException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The token's purpose (after the ticks and the user id); null when it is not this protector's.</summary>
    public static string? PurposeOf(IDataProtector protector, string token)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(protector.Unprotect(Convert.FromBase64String(token ?? ""))), new UTF8Encoding(false, true));
            reader.ReadInt64();
            reader.ReadString();
            return reader.ReadString();
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or IOException or ArgumentException)
        {
            return null;
        }
    }
}
