using FraudWeb.Authorization;
using System.Globalization;
using System.Security.Claims;
using FraudWeb.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// Session limits (ASVS 3.3): an absolute lifetime counted from the sign-in (12 h card holders, 8 h staff), a 30-minute
/// idle timeout for staff, no persistent cookie for staff, and a new security stamp at sign-out so a copied cookie stops
/// working. The sign-in time is a claim, because the cookie's own issue time moves with every renewal.
/// </summary>
public static class SessionLifetime
{
    public const string SignedInAtClaim = "fraudweb:signed_in_at";
    public static readonly TimeSpan CardHolderLifetime = TimeSpan.FromHours(12);
    public static readonly TimeSpan StaffLifetime = TimeSpan.FromHours(8);
    public static readonly TimeSpan StaffIdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>Staff sessions are those holding a staff permission, as for two-step sign-in (MfaService.IsStaff).</summary>
    public static bool IsStaff(ClaimsPrincipal principal) => Permissions.DoesStaffWork(principal);

    public static void Apply(CookieAuthenticationEvents events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var validatePrincipal = events.OnValidatePrincipal;
        events.OnSigningIn = SigningIn;
        events.OnValidatePrincipal = async context =>
        {
            await validatePrincipal(context);
            if (context.Principal is not null) await ValidateAsync(context);
        };
        events.OnSigningOut = SigningOutAsync;
    }

    private static Task SigningIn(CookieSigningInContext context)
    {
        if (context.Principal?.Identity is ClaimsIdentity identity && !identity.HasClaim(c => c.Type == SignedInAtClaim))
        {
            var now = context.Options.TimeProvider!.GetUtcNow().ToUnixTimeSeconds();
            identity.AddClaim(new Claim(SignedInAtClaim, now.ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }
        // Staff never get a cookie that outlives the browser ("keep me signed in" is for card holders only).
        if (context.Principal is { } principal && IsStaff(principal)) context.Properties.IsPersistent = false;
        return Task.CompletedTask;
    }

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal!;
        var now = context.Options.TimeProvider!.GetUtcNow();
        var staff = IsStaff(principal);
        var expired = !long.TryParse(principal.FindFirst(SignedInAtClaim)?.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var signedInAt)
            || now - DateTimeOffset.FromUnixTimeSeconds(signedInAt) > (staff ? StaffLifetime : CardHolderLifetime)
            || (staff && (context.Properties.IssuedUtc is not { } issued || now - issued > StaffIdleTimeout));
        if (expired)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(context.Scheme.Name);
            return;
        }
        // Staff cookies are reissued on every request, so their issue time is the last activity.
        if (staff) context.ShouldRenew = true;
    }

    /// <summary>
    /// Identity's RefreshSignInAsync (a new cookie after the person changed their password, address or two-step
    /// sign-in), keeping the session's sign-in time: Identity builds the new principal without it, so the sign-in event
    /// stamped it anew and each such change restarted the 12 h (8 h) limit.
    /// </summary>
    public static async Task RefreshKeepingItsStartAsync(this SignInManager<ApplicationUser> signIn, ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(signIn);
        ArgumentNullException.ThrowIfNull(user);
        var current = await signIn.Context.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        // As Identity's own refresh: only the session of this very account is renewed.
        if (!current.Succeeded || current.Principal is not { } principal || signIn.UserManager.GetUserId(principal) != user.Id) return;
        // What RefreshSignInAsync carries over (how the person signed in), and the sign-in time.
        var kept = new List<Claim>();
        foreach (var type in (string[])[ClaimTypes.AuthenticationMethod, "amr", SignedInAtClaim])
        {
            if (principal.FindFirst(type) is { } claim) kept.Add(new Claim(claim.Type, claim.Value, claim.ValueType));
        }
        await signIn.SignInWithClaimsAsync(user, current.Properties, kept);
    }

    private static async Task SigningOutAsync(CookieSigningOutContext context)
    {
        if (context.HttpContext.User.Identity?.IsAuthenticated != true) return;
        var users = context.HttpContext.RequestServices.GetRequiredService<UserManager<ApplicationUser>>();
        if (await users.GetUserAsync(context.HttpContext.User) is { } user) await users.UpdateSecurityStampAsync(user);
    }
}
