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
        var notice = await db.CardHolders.OwnedBy(user.Id).Where(h => h.ConsentedUtc != null).Select(h => h.ConsentNotice).FirstOrDefaultAsync();
        if (notice is not null) identity.AddClaim(new Claim(HolderConsentFilter.ClaimType, notice));
        return identity;
    }
}
