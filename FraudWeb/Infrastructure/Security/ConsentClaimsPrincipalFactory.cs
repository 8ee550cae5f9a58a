using System.Security.Claims;
using FraudWeb.Authorization;
using FraudWeb.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// Identity's principal, plus the privacy notice version a card holder consented to (<see cref="HolderConsentFilter"/>):
/// one read at sign-in, none per request.
/// </summary>
public sealed class ConsentClaimsPrincipalFactory(UserManager<ApplicationUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, FraudDbContext db)
    : UserClaimsPrincipalFactory<ApplicationUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var identity = await base.GenerateClaimsAsync(user);
        if (!identity.HasClaim(Options.ClaimsIdentity.RoleClaimType, Roles.Customer)) return identity;
        var holder = await db.CardHolders.OwnedBy(user.Id).Select(h => new { h.ConsentedUtc, h.ConsentNotice }).FirstOrDefaultAsync();
        // A customer account without a holder record (made by an administrator without details) holds no cards or
        // payments to consent for: it cannot add a card, and CardService asks for the consent again when one is made.
        var notice = holder is null ? HolderConsentFilter.NoHolder : holder.ConsentedUtc is null ? null : holder.ConsentNotice;
        if (notice is not null) identity.AddClaim(new Claim(HolderConsentFilter.ClaimType, notice));
        return identity;
    }
}
