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
    public const string CardsBlock = "cards.block";

    public static IReadOnlyList<string> All { get; } =
        [TransactionsSubmit, ReportsCreate, ReportsReview, ModelsView, ModelsRetrain, ModelsManage, UsersManage, AuditRead, RulesManage, CardsBlock];

    /// <summary>What each permission allows, in words (the roles page shows them beside the codes; pages translate them).</summary>
    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [TransactionsSubmit] = "Add cards and pay with them.",
        [ReportsCreate] = "Report a payment of one's own as fraud.",
        [ReportsReview] = "Decide reported and held payments (the labels retraining learns from).",
        [ModelsView] = "See the models, their metrics and the retraining runs.",
        [ModelsRetrain] = "Start a retraining.",
        [ModelsManage] = "Promote a model version to serve, or roll back to the one before.",
        [UsersManage] = "Create, edit, lock and delete accounts; change roles and their permissions.",
        [AuditRead] = "Read the audit log.",
        [RulesManage] = "Write, backtest, enable and disable fraud rules, and keep their lists.",
        [CardsBlock] = "Block a card holder's card (no payments) and lift the bank's block.",
    };

    /// <summary>
    /// The policy of the staff dashboard: any permission that is staff work (not a card holder's own payments). A
    /// policy rather than a permission so that the dashboard follows whatever the roles hold.
    /// </summary>
    public const string StaffWork = "staff.work";

    /// <summary>The permissions whose holders do staff work: each puts its own panel on the staff dashboard.</summary>
    public static IReadOnlyList<string> Staff { get; } = [ReportsReview, ModelsView, ModelsRetrain, ModelsManage, UsersManage, AuditRead, RulesManage, CardsBlock];

    /// <summary>Whether the signed-in person holds any staff permission.</summary>
    public static bool DoesStaffWork(System.Security.Claims.ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Claims.Any(c => c.Type == ClaimType && Staff.Contains(c.Value));
    }

    /// <summary>Whether these permissions include staff work (for services, which take the permissions, not the principal).</summary>
    public static bool DoesStaffWork(IEnumerable<string> permissions)
    {
        ArgumentNullException.ThrowIfNull(permissions);
        return permissions.Any(Staff.Contains);
    }

    /// <summary>Whether the signed-in person may pay with cards of their own (a card holder).</summary>
    public static bool HoldsCards(System.Security.Claims.ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.HasClaim(ClaimType, TransactionsSubmit);
    }

    /// <summary>What each role holds on first start; administrators change it later.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> DefaultGrants { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        [Roles.Customer] = [TransactionsSubmit, ReportsCreate],
        [Roles.Analyst] = [ReportsReview, ModelsView, ModelsRetrain, RulesManage, CardsBlock],
        // Administrators review too: an administrator who had to grant themselves Analyst to clear the queue found the
        // split a hurdle, not a safeguard (every decision is audited either way).
        [Roles.Admin] = [ReportsReview, ModelsView, ModelsRetrain, ModelsManage, UsersManage, AuditRead, CardsBlock],
    };
}
