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
            options.AddPolicy(Permissions.StaffWork, policy => policy.RequireAuthenticatedUser().RequireAssertion(context => Permissions.DoesStaffWork(context.User)));
        });
        // The sign-in cookie is checked against the user's security stamp on every request (SecurityStampCheck): a
        // change of roles or permissions renews the affected users' stamps, so it takes effect on their next request.
        // Interval zero here covers Identity's own validators (the remembered-browser cookie).
        services.Configure<SecurityStampValidatorOptions>(options => options.ValidationInterval = TimeSpan.Zero);
        return services;
    }
}
