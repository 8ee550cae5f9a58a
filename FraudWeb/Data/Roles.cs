namespace FraudWeb.Data;

public static class Roles
{
    public const string Customer = "Customer";
    public const string Analyst = "Analyst";
    public const string Admin = "Admin";

    public static IReadOnlyList<string> All { get; } = [Customer, Analyst, Admin];
}
