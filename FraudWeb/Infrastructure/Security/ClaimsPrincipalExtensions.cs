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
}
