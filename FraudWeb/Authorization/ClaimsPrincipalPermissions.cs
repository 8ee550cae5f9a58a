using System.Security.Claims;

namespace FraudWeb.Authorization;

/// <summary>Reads what services check from the signed-in principal, so services take plain values, never the principal.</summary>
public static class ClaimsPrincipalPermissions
{
    /// <summary>The permissions the person holds (their roles' permission claims).</summary>
    public static IReadOnlySet<string> GetPermissions(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        // The claim type compared exactly, as the permission checks do (FindAll would ignore case).
        return user.Claims.Where(c => c.Type == Permissions.ClaimType).Select(c => c.Value).ToHashSet(StringComparer.Ordinal);
    }
}
