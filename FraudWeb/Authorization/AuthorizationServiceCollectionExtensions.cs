using Microsoft.AspNetCore.Authorization;

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
        return services;
    }
}
