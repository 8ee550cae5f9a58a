using System.Security.Cryptography;
using System.Text;
using FraudWeb.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Accounts;

/// <summary>
/// Whether a token of Identity's default provider (confirmation and reset links) was made by this server for this
/// user and purpose, even once it no longer verifies: its security stamp changes at every sign-out, so a confirmation
/// link opened again later fails, and only a genuine one may be told "already confirmed" (no answer for guessed ids).
/// A subclass for the provider's own protector, key and name; it is not registered as a provider.
/// </summary>
public sealed class IssuedTokenReader(
    IDataProtectionProvider dataProtectionProvider,
    IOptions<DataProtectionTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<ApplicationUser>> logger)
    : DataProtectorTokenProvider<ApplicationUser>(dataProtectionProvider, options, logger)
{
    public bool WasIssued(string token, string userId, string purpose)
    {
        ArgumentNullException.ThrowIfNull(token);
        try
        {
            // The provider's layout: creation ticks, user id, purpose, stamp. Age and stamp do not matter here.
            var payload = Protector.Unprotect(Convert.FromBase64String(token));
            using var reader = new BinaryReader(new MemoryStream(payload), new UTF8Encoding(false, true));
            _ = reader.ReadInt64();
            return string.Equals(reader.ReadString(), userId, StringComparison.Ordinal) && string.Equals(reader.ReadString(), purpose, StringComparison.Ordinal);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or IOException or ArgumentException)
        {
            // Not base64, not ours, or not that layout (EndOfStreamException is an IOException, DecoderFallbackException an ArgumentException).
            return false;
        }
    }
}
