using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Features;

namespace FraudWeb.Domain.Rules;

public enum RuleValueType
{
    Number,
    Text,
    Boolean,
    /// <summary>The card itself: only <c>card in @list</c> (a rule never sees a card number or fingerprint).</summary>
    Card,
}

/// <summary>
/// A name a rule may use: its type, what it means, which kind of list it can be tested against, and the values it can
/// take (a text's known values, a number's range), so a condition outside them is refused rather than never matching.
/// </summary>
public sealed record RuleName(string Name, RuleValueType Type, string Description, RuleListKind? ListKind = null, IReadOnlyList<string>? Values = null,
    NumberRange? Range = null);

/// <summary>
/// The values a number can take: from <see cref="Min"/> (above it when <see cref="MinExclusive"/>) to <see cref="Max"/>,
/// whole numbers only when <see cref="Whole"/>. Deliberately wide: a range only refuses conditions that can never hold.
/// </summary>
public sealed record NumberRange(double Min, double Max = double.PositiveInfinity, bool Whole = false, bool MinExclusive = false)
{
    public static readonly NumberRange Positive = new(0, MinExclusive: true);
    public static readonly NumberRange NotNegative = new(0);
    public static readonly NumberRange NotNegativeWhole = new(0, Whole: true);
    public static readonly NumberRange Flag = new(0, 1, Whole: true);
    public static readonly NumberRange Share = new(0, 1);

    /// <summary>Whether the value is one the number can take.</summary>
    public bool Contains(double value) =>
        (MinExclusive ? value > Min : value >= Min) && value <= Max && (!Whole || Math.Floor(value) == value);

    /// <summary>Whether <c>name op value</c> holds for some value in the range.</summary>
    public bool CanHold(RuleOperator op, double value) => op switch
    {
        RuleOperator.Equal => Contains(value),
        RuleOperator.Less => value > Min,
        RuleOperator.LessEqual => MinExclusive ? value > Min : value >= Min,
        RuleOperator.Greater => value < Max,
        RuleOperator.GreaterEqual => value <= Max,
        _ => true,
    };
}

/// <summary>
/// Every name a rule can use: the model's features (the names of data/SCHEMA.md, described in words), the payment's attributes and the
/// model's risk score. Nothing else is reachable from a rule.
/// </summary>
public static class RuleVocabulary
{
    public static IReadOnlyList<string> CardBrands { get; } = Enum.GetNames<CardBrand>();

    public static IReadOnlyList<RuleName> Attributes { get; } =
    [
        new("amount", RuleValueType.Number, "The payment's amount.", Range: NumberRange.Positive),
        new("merchant", RuleValueType.Text, "The merchant's name; merchant in @list tests a merchant list.", RuleListKind.Merchant),
        new("merchant_id", RuleValueType.Number, "The merchant's id.", Range: new NumberRange(1, Whole: true)),
        new("merchant_category", RuleValueType.Text, "The merchant's category; merchant_category in @list tests a category list.", RuleListKind.MerchantCategory),
        new("card", RuleValueType.Card, "The card; only card in @list (a card list).", RuleListKind.Card),
        new("card_brand", RuleValueType.Text, "The card's brand: " + string.Join(", ", CardBrands) + ".", null, CardBrands),
        new("card_age_days", RuleValueType.Number, "Days since the card was added.", Range: NumberRange.NotNegative),
        new("hour", RuleValueType.Number, "Hour of the payment, 0-23, on the issuer's clock (Scoring:TimeZone), as the night feature.", Range: new NumberRange(0, 23, Whole: true)),
        new("risk_score", RuleValueType.Number, "The model's risk score, 0-99.", Range: new NumberRange(0, 99, Whole: true)),
    ];

    /// <summary>What each model feature means, in words (the editor shows them; pages translate them).</summary>
    private static readonly Dictionary<string, string> FeatureDescriptions = new(StringComparer.Ordinal)
    {
        ["tx_amount"] = "Model feature: the payment's amount.",
        ["tx_during_weekend"] = "Model feature: 1 if the payment is on a Saturday or Sunday on the issuer's clock (Scoring:TimeZone), else 0.",
        ["tx_during_night"] = "Model feature: 1 if the payment is between 0:00 and 6:59 on the issuer's clock (Scoring:TimeZone), else 0.",
        ["customer_nb_tx_1day"] = "Model feature: the card's number of payments in the last day, this one included.",
        ["customer_avg_amount_1day"] = "Model feature: the card's mean payment amount in the last day, this one included.",
        ["customer_nb_tx_7day"] = "Model feature: the card's number of payments in the last 7 days, this one included.",
        ["customer_avg_amount_7day"] = "Model feature: the card's mean payment amount in the last 7 days, this one included.",
        ["customer_nb_tx_30day"] = "Model feature: the card's number of payments in the last 30 days, this one included.",
        ["customer_avg_amount_30day"] = "Model feature: the card's mean payment amount in the last 30 days, this one included.",
        ["terminal_nb_tx_1day"] = "Model feature: the merchant's number of payments in the 1 day before the last 7 days (fraud is known only after 7 days).",
        ["terminal_risk_1day"] = "Model feature: the share of the merchant's payments that were fraud in the 1 day before the last 7 days, from 0 to 1.",
        ["terminal_nb_tx_7day"] = "Model feature: the merchant's number of payments in the 7 days before the last 7 days (fraud is known only after 7 days).",
        ["terminal_risk_7day"] = "Model feature: the share of the merchant's payments that were fraud in the 7 days before the last 7 days, from 0 to 1.",
        ["terminal_nb_tx_30day"] = "Model feature: the merchant's number of payments in the 30 days before the last 7 days (fraud is known only after 7 days).",
        ["terminal_risk_30day"] = "Model feature: the share of the merchant's payments that were fraud in the 30 days before the last 7 days, from 0 to 1.",
        ["customer_amount_ratio_30day"] = "Model feature: the payment's amount divided by the card's mean amount in the last 30 days (1 when there is none).",
        ["customer_avg_amount_1day_to_30day"] = "Model feature: the card's mean amount in the last day divided by its mean in the last 30 days (1 when there is none).",
        ["customer_avg_amount_7day_to_30day"] = "Model feature: the card's mean amount in the last 7 days divided by its mean in the last 30 days (1 when there is none).",
    };

    public static IReadOnlyList<RuleName> Features { get; } =
        TransactionFeatures.Names.Select(n => new RuleName(n, RuleValueType.Number,
            FeatureDescriptions.TryGetValue(n, out var description) ? description : throw new InvalidOperationException($"The model feature {n} has no description."),
            Range: FeatureRange(n))).ToArray();

    /// <summary>The values a feature takes (data/SCHEMA.md): flags 0 or 1, shares 0 to 1, amounts above 0, counts and means not negative.</summary>
    private static NumberRange FeatureRange(string name) => name switch
    {
        "tx_amount" => NumberRange.Positive,
        "tx_during_weekend" or "tx_during_night" => NumberRange.Flag,
        _ when name.StartsWith("terminal_risk_", StringComparison.Ordinal) => NumberRange.Share,
        _ when name.Contains("_nb_tx_", StringComparison.Ordinal) => NumberRange.NotNegativeWhole,
        _ => NumberRange.NotNegative,
    };

    public static IReadOnlyList<RuleName> All { get; } = [.. Attributes, .. Features];

    private static readonly Dictionary<string, RuleName> ByName = All.ToDictionary(n => n.Name, StringComparer.Ordinal);

    public static bool TryGet(string name, out RuleName found) => ByName.TryGetValue(name, out found!);

    /// <summary>The index of a feature in the model's vector, or -1.</summary>
    public static int FeatureIndex(string name)
    {
        for (var i = 0; i < TransactionFeatures.Names.Count; i++)
        {
            if (string.Equals(TransactionFeatures.Names[i], name, StringComparison.Ordinal)) return i;
        }
        return -1;
    }
}
