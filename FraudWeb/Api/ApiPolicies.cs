using FraudWeb.Services.ApiKeys;
using Microsoft.AspNetCore.Authorization;

namespace FraudWeb.Api;

/// <summary>One authorization policy per scope, each authenticating with API keys only.</summary>
public static class ApiPolicies
{
    public const string PaymentsRead = "api:" + ApiScopes.PaymentsRead;
    public const string PaymentsWrite = "api:" + ApiScopes.PaymentsWrite;
    public const string ReportsWrite = "api:" + ApiScopes.ReportsWrite;
    public const string LabelsWrite = "api:" + ApiScopes.LabelsWrite;
    public const string ModelsRead = "api:" + ApiScopes.ModelsRead;
    public const string PaymentsScore = "api:" + ApiScopes.PaymentsScore;
    public const string CardsWrite = "api:" + ApiScopes.CardsWrite;
    public const string CardsBlock = "api:" + ApiScopes.CardsBlock;

    public static void Add(AuthorizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var scope in ApiScopes.All)
        {
            options.AddPolicy("api:" + scope, policy => policy
                .AddAuthenticationSchemes(ApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser()
                .RequireClaim(ApiScopes.ClaimType, scope));
        }
    }
}
