namespace FraudWeb.Infrastructure;

/// <summary>Names of the rate-limit policies, used by [EnableRateLimiting] and as keys under "RateLimits".</summary>
public static class RateLimitPolicies
{
    public const string SignIn = "SignIn";
    public const string Register = "Register";
    public const string PasswordReset = "PasswordReset";
    public const string AddCard = "AddCard";
    public const string Payment = "Payment";
    /// <summary>Downloading everything kept about oneself: a heavy read, rarely needed.</summary>
    public const string DataExport = "DataExport";
    /// <summary>Staff looking a card up by its number or its holder's email address (docs/decisions/0030).</summary>
    public const string CardLookup = "CardLookup";
    /// <summary>Every /api/v1 endpoint, per API key.</summary>
    public const string Api = "Api";
}
