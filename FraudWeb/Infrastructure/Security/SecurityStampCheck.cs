using FraudWeb.Infrastructure.Database;
using System.Security.Claims;
using FraudWeb.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// The sign-in cookie is checked on every request against the user's current security stamp: from
/// <see cref="SecurityStampCache"/>, else with one indexed lookup of that one column. Every change that must end or rebuild a session (roles, a role's permissions, a lock, a
/// password, sign-out) renews the stamp, so nothing else needs reading. Identity's own validator at interval 0 also
/// rebuilt the principal (roles, claims, role claims) and re-issued the cookie on every request: measured at 29% of a
/// signed-in page's time under load (bench/load.sh, dotnet-trace).
/// </summary>
public static class SecurityStampCheck
{
    private static readonly Func<FraudDbContext, string, CancellationToken, Task<string?>> CurrentStamp =
        EF.CompileAsyncQuery((FraudDbContext db, string id, CancellationToken cancellationToken) =>
            db.Users.TagWith(SqlitePreparedReads.Tag).Where(u => u.Id == id).Select(u => u.SecurityStamp).FirstOrDefault());

    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var services = context.HttpContext.RequestServices;
        var claimTypes = services.GetRequiredService<IOptions<IdentityOptions>>().Value.ClaimsIdentity;
        var userId = context.Principal?.FindFirstValue(claimTypes.UserIdClaimType);
        var stamp = context.Principal?.FindFirstValue(claimTypes.SecurityStampClaimType);
        if (userId is not null && stamp is not null)
        {
            var cache = services.GetRequiredService<SecurityStampCache>();
            if (cache.Matches(userId, stamp)) return;
            var readAt = cache.Generation;
            var current = await CurrentStamp(services.GetRequiredService<FraudDbContext>(), userId, context.HttpContext.RequestAborted);
            if (string.Equals(current, stamp, StringComparison.Ordinal))
            {
                cache.Remember(userId, stamp, readAt);
                return;
            }
        }
        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
    }
}
