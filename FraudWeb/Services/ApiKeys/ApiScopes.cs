using FraudWeb.Authorization;

namespace FraudWeb.Services.ApiKeys;

/// <summary>
/// What an API key may do. Each scope also needs a permission its owner holds at the time of the request, so a key
/// never does more than its owner could do in the web pages, and losing a permission disables the scope at once.
/// </summary>
public static class ApiScopes
{
    public const string ClaimType = "scope";

    public const string PaymentsRead = "payments:read";
    public const string PaymentsWrite = "payments:write";
    public const string ReportsWrite = "reports:write";
    public const string LabelsWrite = "labels:write";
    public const string ModelsRead = "models:read";
    public const string PaymentsScore = "payments:score";

    /// <summary>Stopping the holder's cards (remove, report lost or stolen): final, so a key that pays does not get it (docs/decisions/0026).</summary>
    public const string CardsWrite = "cards:write";

    /// <summary>The bank's block on any holder's card and lifting it, as the card lookup's forms (docs/decisions/0028).</summary>
    public const string CardsBlock = "cards:block";

    /// <summary>Every scope and the permission its owner must hold.</summary>
    public static IReadOnlyDictionary<string, string> RequiredPermission { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [PaymentsRead] = Permissions.TransactionsSubmit,
        [PaymentsWrite] = Permissions.TransactionsSubmit,
        [ReportsWrite] = Permissions.ReportsCreate,
        [LabelsWrite] = Permissions.ReportsReview,
        [ModelsRead] = Permissions.ModelsView,
        // The scorer's numbers are what the review queue shows analysts, and what a fraudster tunes payments against.
        [PaymentsScore] = Permissions.ReportsReview,
        // The web's Remove / Report lost or stolen buttons need the same permission.
        [CardsWrite] = Permissions.TransactionsSubmit,
        [CardsBlock] = Permissions.CardsBlock,
    };

    public static IReadOnlyList<string> All { get; } = [PaymentsRead, PaymentsWrite, ReportsWrite, CardsWrite, LabelsWrite, ModelsRead, PaymentsScore, CardsBlock];

    /// <summary>
    /// The scopes card holders give their own keys, and only they: a key an administrator creates for someone else
    /// carries staff scopes only, so no administrator can act as a card holder through the API.
    /// </summary>
    public static IReadOnlyList<string> SelfService { get; } = [PaymentsRead, PaymentsWrite, ReportsWrite, CardsWrite];

    /// <summary>The scopes on keys administrators create for staff (case tools, monitoring).</summary>
    public static IReadOnlyList<string> Integration { get; } = [LabelsWrite, ModelsRead, PaymentsScore, CardsBlock];

    /// <summary>The scopes a user holding <paramref name="permissions"/> can use.</summary>
    public static IEnumerable<string> AllowedBy(IEnumerable<string> permissions)
    {
        var held = permissions.ToHashSet(StringComparer.Ordinal);
        return All.Where(scope => held.Contains(RequiredPermission[scope]));
    }

    /// <summary>What a scope lets the key do, in words for the key pages.</summary>
    public static string Describe(string scope) => scope switch
    {
        PaymentsRead => "Read your payments and your cards",
        PaymentsWrite => "Make payments with your cards",
        ReportsWrite => "Report your payments as fraud or dispute a stop",
        CardsWrite => "Stop your cards: remove them or report them lost or stolen",
        LabelsWrite => "Submit analysts' confirmed labels",
        ModelsRead => "Read the serving model's version and metrics",
        PaymentsScore => "Score payments on any card without recording them: probability, risk score and reasons",
        CardsBlock => "Block card holders' cards and lift the bank's block (never on your own card)",
        _ => scope,
    };
}
