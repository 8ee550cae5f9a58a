using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Authorization;

public static class AuthorizationServiceCollectionExtensions
{
    /// <summary>Deny by default (authenticated users only) and one policy per permission claim.</summary>
    public static IServiceCollection AddFraudAuthorization(this IServiceCollection services)
    {
        services.AddAuthorization(options =>
        {
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
            foreach (var permission in Permissions.All)
            {
                options.AddPolicy(permission, policy => policy.RequireAuthenticatedUser().RequireClaim(Permissions.ClaimType, permission));
            }
        });
        // Interval zero: every request re-reads the user's security stamp, roles and permission claims, so a change
        // of roles or permissions (which renews the affected users' stamps) takes effect on their next request.
        // Cost: one small user lookup per authenticated request.
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero);
        return services;
    }
}
