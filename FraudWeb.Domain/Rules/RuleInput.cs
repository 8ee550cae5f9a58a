using System.Globalization;

namespace FraudWeb.Domain.Rules;

/// <summary>List membership as rules see it: list names are lower-case, values as stored in the list's entries.</summary>
public interface IRuleListMembership
{
    bool Contains(string listName, string value);
}

/// <summary>
/// One payment as the rules see it: the model's feature vector (<see cref="Features.TransactionFeatures.Names"/>
/// order), the payment's attributes and the model's risk score. Reused between evaluations; nothing here allocates.
/// </summary>
public sealed class RuleInput
{
    private long _merchantId;

    public float[] Features { get; set; } = [];
    public double Amount { get; set; }
    public long MerchantId
    {
        get => _merchantId;
        set
        {
            _merchantId = value;
            MerchantKey = value.ToString(CultureInfo.InvariantCulture);
        }
    }
    /// <summary>The merchant id as a merchant list stores it.</summary>
    public string MerchantKey { get; private set; } = "0";
    public string MerchantName { get; set; } = "";
    public string MerchantCategory { get; set; } = "";
    public string CardBrand { get; set; } = "";
    /// <summary>The card's fingerprint (keyed HMAC), as a card list stores it.</summary>
    public string CardFingerprint { get; set; } = "";
    public double CardAgeDays { get; set; }
    /// <summary>Hour of the payment on the issuer's clock (as the night feature), 0-23.</summary>
    public int Hour { get; set; }
    public int RiskScore { get; set; }
    public IRuleListMembership Lists { get; set; } = RuleLists.Empty;

    public double Feature(int index) => index < Features.Length ? Features[index] : double.NaN;
}

/// <summary>The entries of every list, by lower-case list name: the snapshot the rules run against.</summary>
public sealed class RuleLists : IRuleListMembership
{
    public static RuleLists Empty { get; } = new(new Dictionary<string, HashSet<string>>(StringComparer.Ordinal));

    private readonly Dictionary<string, HashSet<string>> _entries;

    public RuleLists(Dictionary<string, HashSet<string>> entries) => _entries = entries ?? throw new ArgumentNullException(nameof(entries));

    public bool Contains(string listName, string value) => _entries.TryGetValue(listName, out var set) && set.Contains(value);
}
