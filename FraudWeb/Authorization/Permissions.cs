using FraudWeb.Data;

namespace FraudWeb.Authorization;

/// <summary>
/// Fine-grained permissions, held as role claims (claim type <see cref="ClaimType"/>) and checked by one authorization
/// policy each, named after the permission: <c>[Authorize(Policy = Permissions.ReportsReview)]</c>.
/// </summary>
public static class Permissions
{
    public const string ClaimType = "permission";

    public const string TransactionsSubmit = "transactions.submit";
    public const string ReportsCreate = "reports.create";
    public const string ReportsReview = "reports.review";
    public const string ModelsView = "models.view";
    public const string ModelsRetrain = "models.retrain";
    public const string ModelsManage = "models.manage";
    public const string UsersManage = "users.manage";
    public const string AuditRead = "audit.read";
    public const string RulesManage = "rules.manage";

    public static IReadOnlyList<string> All { get; } =
        [TransactionsSubmit, ReportsCreate, ReportsReview, ModelsView, ModelsRetrain, ModelsManage, UsersManage, AuditRead, RulesManage];

    /// <summary>What each role holds on first start; administrators change it later.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultGrants { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [Roles.Customer] = [TransactionsSubmit, ReportsCreate],
        [Roles.Analyst] = [ReportsReview, ModelsView, ModelsRetrain, RulesManage],
        [Roles.Admin] = [ModelsView, ModelsRetrain, ModelsManage, UsersManage, AuditRead],
    };
}
