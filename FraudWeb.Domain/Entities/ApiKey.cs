namespace FraudWeb.Domain.Entities;

/// <summary>
/// A key an integrator sends as <c>Authorization: Bearer &lt;key&gt;</c>. Only its keyed hash is stored (the key is shown
/// once, at creation); the prefix identifies it in lists and finds it on each request. It acts for its owner, within
/// its scopes and the owner's current permissions, until it expires or is revoked (revocation is final).
/// </summary>
public class ApiKey
{
    public const int NameMaxLength = 80;
    public const int PrefixLength = 12;
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(366);

    private ApiKey()
    {
        OwnerId = Name = Prefix = Hash = Scopes = CreatedBy = "";
    }

    public long Id { get; private set; }
    /// <summary>The user the key acts for (its data and permissions).</summary>
    public string OwnerId { get; private set; }
    public string Name { get; private set; }
    /// <summary>The key's first characters ("fwk_" and 8 random ones): not secret, unique, shown in lists.</summary>
    public string Prefix { get; private set; }
    /// <summary>HMAC-SHA256 of the whole key under the server's key, hex.</summary>
    public string Hash { get; private set; }
    /// <summary>Space-separated scopes.</summary>
    public string Scopes { get; private set; }
    /// <summary>The user who created it: the owner, or an administrator for an integration key.</summary>
    public string CreatedBy { get; private set; }
    public DateTime CreatedUtc { get; private set; }
    public DateTime ExpiresUtc { get; private set; }
    public DateTime? RevokedUtc { get; private set; }
    public DateTime? LastUsedUtc { get; private set; }

    public IReadOnlyList<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    public bool IsRevoked => RevokedUtc is not null;

    public bool IsActive(DateTime nowUtc) => RevokedUtc is null && nowUtc < ExpiresUtc;

    public static ApiKey Create(string ownerId, string name, string prefix, string hash, IReadOnlyCollection<string> scopes,
        string createdBy, DateTime nowUtc, TimeSpan lifetime)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(ownerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(hash);
        ArgumentException.ThrowIfNullOrWhiteSpace(createdBy);
        ArgumentNullException.ThrowIfNull(scopes);
        if (nowUtc.Kind != DateTimeKind.Utc) throw new ArgumentException("Timestamps are UTC.", nameof(nowUtc));
        var trimmed = (name ?? "").Trim();
        if (trimmed.Length == 0 || TextLength.Of(trimmed) > NameMaxLength) throw DomainException.Format("Give the key a name of 1 to {0} characters.", NameMaxLength);
        if (scopes.Count == 0) throw new DomainException("Choose at least one scope.");
        if (lifetime <= TimeSpan.Zero || lifetime > MaxLifetime) throw new DomainException("A key lasts between one day and one year.");
        return new ApiKey
        {
            OwnerId = ownerId,
            // Listed to administrators too: no direction override.
            Name = Cards.CardNumber.RefusedIn(FreeText.Checked(trimmed)),
            Prefix = prefix,
            Hash = hash,
            Scopes = string.Join(' ', scopes.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)),
            CreatedBy = createdBy,
            CreatedUtc = nowUtc,
            ExpiresUtc = nowUtc + lifetime,
        };
    }

    /// <summary>Stops the key at once, for good.</summary>
    public const string AlreadyRevoked = "This key has already been revoked.";

    public void Revoke(DateTime nowUtc)
    {
        if (RevokedUtc is not null) throw new DomainException(AlreadyRevoked, DomainErrorCode.StateChanged);
        RevokedUtc = nowUtc;
    }
}
