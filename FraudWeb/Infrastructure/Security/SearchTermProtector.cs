using System.Text.RegularExpressions;
using Microsoft.AspNetCore.DataProtection;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// An email address typed into a staff list's filter (the users' search, the audit log's actor and target, the API
/// keys' owner) never reaches an address in clear, as a card number never does: the address (hence access logs,
/// history and Referer) carries it encrypted and authenticated by Data Protection, readable by every instance for
/// <see cref="Lifetime"/>. <see cref="Middleware.EmailInAddressMiddleware"/> reads it back before anything binds the query.
/// </summary>
public sealed partial class SearchTermProtector(IDataProtectionProvider provider)
{
    /// <summary>Marks an encrypted term (Data Protection's output is base64url, which never starts with it).</summary>
    public const char Prefix = '~';

    /// <summary>As long as a staff session: a link copied from a page works while its session could.</summary>
    public static readonly TimeSpan Lifetime = SessionLifetime.StaffLifetime;

    /// <summary>The query fields that are staff lists' free-text filters.</summary>
    public static readonly IReadOnlySet<string> Fields = new HashSet<string>(["Search", "Actor", "Target", "owner"], StringComparer.OrdinalIgnoreCase);

    private readonly ITimeLimitedDataProtector _protector = provider.CreateProtector("FraudWeb.SearchTerm.v1").ToTimeLimitedDataProtector();

    /// <summary>The term as an address may carry it: encrypted if it holds an email address, as it is otherwise.</summary>
    public string? ForAddress(string? term) => term is not null && HoldsEmail(term) ? Prefix + _protector.Protect(term, Lifetime) : term;

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

    /// <summary>Whether a term holds something like an email address: a character, an @, a character.</summary>
    public static bool HoldsEmail(string term) => EmailLike().IsMatch(term);

    [GeneratedRegex(@"[^\s@]@[^\s@]", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex EmailLike();
}
