namespace FraudWeb.Data;

public static class Roles
{
    public const string Customer = "Customer";
    public const string Analyst = "Analyst";
    public const string Admin = "Admin";

    public static IReadOnlyList<string> All { get; } = [Customer, Analyst, Admin];

    /// <summary>The roles of people who work on others' payments (not card holders).</summary>
    public static IReadOnlyList<string> Staff { get; } = [Analyst, Admin];
}
