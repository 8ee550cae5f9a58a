using FraudWeb.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Accounts;

/// <summary>
/// The link in an invitation: Identity's data-protected token with its own purpose and lifetime. A password-reset
/// link lasts two hours (someone asked for it just now); an invitation arrives unannounced and may wait days, and a
/// reset link must never open an invitation or the other way round.
/// </summary>
public sealed class InvitationTokenProvider(
    IDataProtectionProvider dataProtectionProvider,
    IOptions<InvitationTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<ApplicationUser>> logger)
    : DataProtectorTokenProvider<ApplicationUser>(dataProtectionProvider, options, logger)
{
    public const string ProviderName = "Invitation";
    public const string Purpose = "AcceptInvitation";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    /// <summary>The account the token was made for; null when it is not an invitation token (made up or tampered).</summary>
    public string? UserIdOf(string token) => TokenPayload.UserIdOf(Protector, token);
}

public sealed class InvitationTokenProviderOptions : DataProtectionTokenProviderOptions
{
    public InvitationTokenProviderOptions()
    {
        Name = InvitationTokenProvider.ProviderName;
        TokenLifespan = InvitationTokenProvider.Lifetime;
    }
}
