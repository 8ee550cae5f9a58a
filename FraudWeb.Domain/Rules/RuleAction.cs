namespace FraudWeb.Domain.Rules;

/// <summary>What a matching rule (or list) does to a payment.</summary>
public enum RuleAction
{
    /// <summary>Approve: skips every block and review, the model's included (the card's limit still applies).</summary>
    Allow = 0,
    /// <summary>Hold for an analyst's review.</summary>
    Review = 1,
    /// <summary>Decline.</summary>
    Block = 2,
}

/// <summary>What a rule list holds; a rule tests membership with <c>card in @name</c>, <c>merchant in @name</c>, <c>merchant_category in @name</c>.</summary>
public enum RuleListKind
{
    /// <summary>Card fingerprints (keyed HMAC), picked from stored cards: never a card number.</summary>
    Card = 0,
    /// <summary>Merchants (terminal ids).</summary>
    Merchant = 1,
    /// <summary>Merchant categories (names).</summary>
    MerchantCategory = 2,
}

/// <summary>
/// What a list does on its own: an allow or block list decides a payment whose card, merchant or category is on it
/// (before any rule of the same action); a reference list only serves rules that name it.
/// </summary>
public enum RuleListPurpose
{
    Reference = 0,
    Allow = 1,
    Block = 2,
}
