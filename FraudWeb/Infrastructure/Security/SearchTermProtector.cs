using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// An email address typed into an administrator's list filter (the users' search, the audit log's actor and target,
/// the API keys' owner) never reaches an address in clear, as a card number never does: the address (hence access
/// logs, history and Referer) carries it encrypted and authenticated by Data Protection, readable by every instance for
/// <see cref="Lifetime"/>. <see cref="Middleware.EmailInAddressMiddleware"/> reads it back, on those lists' pages only,
/// before anything binds the query.
/// </summary>
public sealed partial class SearchTermProtector(IDataProtectionProvider provider)
{
    /// <summary>Marks an encrypted term (Data Protection's output is base64url, which never starts with it).</summary>
    public const char Prefix = '~';

    /// <summary>As long as a staff session: a link copied from a page works while its session could.</summary>
    public static readonly TimeSpan Lifetime = SessionLifetime.StaffLifetime;

    /// <summary>The query fields that are these lists' free-text filters.</summary>
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(["Search", "Actor", "Target", "owner"], StringComparer.OrdinalIgnoreCase);

    // Only these lists read a term back: elsewhere a page that echoes its query (a card holder's merchant search) would
    // decrypt a staff member's link for anyone who signs up.
    private static readonly string[] Lists = ["/AdminUsers", "/AdminAudit", "/AdminApiKeys"];

    /// <summary>The Data Protection purpose of encrypted terms.</summary>
    public const string Purpose = "FraudWeb.SearchTerm.v1";

    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <summary>Whether a query field is one of these filters, also as binding reads it with its model's prefix ("query.Actor").</summary>
    public static bool IsFilter(string name) => Fields.Contains(name.AsSpan(name.LastIndexOf('.') + 1).ToString());

    /// <summary>Whether the path is one of the lists whose filters travel encrypted (their pages and their actions).</summary>
    public static bool AppliesTo(PathString path) =>
        Array.Exists(Lists, list => path.StartsWithSegments(list, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The term as an address may carry it: encrypted if it holds an email address (or starts as an encrypted one
    /// does, which read back would otherwise look altered), as it is otherwise.
    /// </summary>
    public string? ForAddress(string? term) =>
        term is not null && (HoldsEmail(term) || term.StartsWith(Prefix)) ? Prefix + _protector.Protect(term, Lifetime) : term;

    /// <summary>An encrypted term read back; false if it is not one of ours, was altered or has expired.</summary>
    public bool TryRead(string value, out string term)
    {
        ArgumentNullException.ThrowIfNull(value);
        term = "";
        if (value.Length < 2 || value[0] != Prefix) return false;
        try
        {
            term = _protector.Unprotect(value[1..], out _);
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>Whether a term holds something like an email address: a character, an @ (or a full-width one), a character.</summary>
    public static bool HoldsEmail(string term) => EmailLike().IsMatch(term);

    [GeneratedRegex(@"[^\s@＠][@＠]|[@＠][^\s@＠]", RegexOptions.CultureInvariant)]
    private static partial Regex EmailLike();
}
