using System.Security.Claims;

namespace FraudWeb.Infrastructure.Security;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id (the fallback policy guarantees an authenticated user in protected actions).</summary>
    public static string GetUserId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in user.");
    }

    /// <summary>The user's id, or null when the principal carries none (as Identity's UserManager.GetUserId reads it).</summary>
    public static string? FindUserId(this ClaimsPrincipal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        return principal.FindFirstValue(ClaimTypes.NameIdentifier);
    }
}
