using FraudWeb.Domain.Features;
using FraudWeb.Domain.Rules;

namespace FraudWeb.Tests.Domain.Rules;

/// <summary>What a compiled rule reads from a payment: features by their index, attributes, list membership.</summary>
public sealed class RuleEvaluationTests
{
    private static readonly int Width = TransactionFeatures.Names.Count;

    private static bool Matches(string text, RuleInput input) => RuleSamples.Parse(text).Matches(input);

    /// <summary>Feature i is 10 + i: distinct values, exact in float, so a name read at the wrong index never matches.</summary>
    private static float[] DistinctFeatures() => Enumerable.Range(0, Width).Select(i => 10f + i).ToArray();

    public static TheoryData<string, int> FeatureIndexes()
    {
        var data = new TheoryData<string, int>();
        for (var i = 0; i < TransactionFeatures.Names.Count; i++) data.Add(TransactionFeatures.Names[i], i);
        return data;
    }

    [Theory]
    [MemberData(nameof(FeatureIndexes))]
    public void Matches_FeatureName_ReadsItsIndexInTheVector(string name, int index)
    {
        var input = new RuleInput { Features = DistinctFeatures() };

        // Through "* 1": the values are outside most features' ranges, which a bare comparison would refuse.
        Assert.True(Matches($"{name} * 1 = {10 + index}", input));
        Assert.False(Matches($"{name} * 1 != {10 + index}", input));
    }

    [Fact]
    public void Matches_KnownFeatureNames_IndexesFromSchema()
    {
        // Independent of the vocabulary's lookup: positions as data/SCHEMA.md lists them.
        var input = new RuleInput { Features = DistinctFeatures() };

        Assert.True(Matches("tx_amount * 1 = 10", input));
        Assert.True(Matches("tx_during_night * 1 = 12", input));
        Assert.True(Matches("terminal_risk_7day * 1 = 22", input));
        Assert.True(Matches("customer_avg_amount_7day_to_30day * 1 = 27", input));
    }

    [Fact]
    public void Matches_FeatureChangesBetweenCalls_ReadsCurrentValue()
    {
        // The scorer and the backtester reuse one input and one vector: the delegate must not capture values.
        var rule = RuleSamples.Parse("terminal_risk_7day > 0.5");
        var input = new RuleInput { Features = new float[Width] };

        var before = rule.Matches(input);
        input.Features[12] = 0.75f;
        var after = rule.Matches(input);

        Assert.False(before);
        Assert.True(after);
    }

    [Theory]
    [InlineData("tx_amount > 0")]
    [InlineData("tx_amount < 1")]
    [InlineData("tx_amount = 1")]
    [InlineData("tx_amount in (1)")]
    public void Matches_FeatureVectorMissing_ComparisonsFalse(string text)
    {
        Assert.False(Matches(text, new RuleInput()));
    }

    [Theory]
    [InlineData("merchant = 'acme shop'", true)]
    [InlineData("merchant = 'ACME SHOP'", true)]
    [InlineData("merchant != 'acme shop'", false)]
    [InlineData("merchant = 'acme'", false)]
    [InlineData("merchant_category = 'GROCERY'", true)]
    [InlineData("merchant_category in ('grocery', 'fuel')", true)]
    [InlineData("card_brand = 'VISA'", true)]
    [InlineData("card_brand = 'Mastercard'", false)]
    [InlineData("card_brand in ('visa', 'jcb')", true)]
    public void Matches_Text_EqualityIgnoresCase(string text, bool expected)
    {
        var input = new RuleInput { MerchantName = "Acme Shop", MerchantCategory = "Grocery", CardBrand = "Visa" };

        Assert.Equal(expected, Matches(text, input));
    }

    [Fact]
    public void Matches_TextComparedWithText_IgnoresCase()
    {
        Assert.True(Matches("merchant = merchant_category", new RuleInput { MerchantName = "Fuel", MerchantCategory = "FUEL" }));
    }

    [Fact]
    public void Matches_TextIsNotTrimmedOrPartial_ExactApartFromCase()
    {
        Assert.False(Matches("merchant = 'Acme'", new RuleInput { MerchantName = "Acme " }));
        Assert.False(Matches("merchant = 'Acme'", new RuleInput { MerchantName = "Acme Shop" }));
    }

    [Fact]
    public void Matches_DivisionByPositiveOverZero_InfinityComparesAboveEverything()
    {
        var input = new RuleInput { Amount = 50, Features = new float[Width] };

        // customer_avg_amount_30day is 0: 50 / 0 is +inf, above any number and below none.
        Assert.True(Matches("amount / customer_avg_amount_30day > 1000000", input));
        Assert.False(Matches("amount / customer_avg_amount_30day < 1000000", input));
        Assert.True(Matches("-amount / 0 < -1000000", input));
    }

    [Fact]
    public void Matches_ZeroOverZero_EveryComparisonFalse()
    {
        // 0 / 0 is NaN: no exception, and no comparison holds (not even with itself).
        var input = new RuleInput { Amount = 0 };

        Assert.False(Matches("amount / 0 > 1", input));
        Assert.False(Matches("amount / 0 < 1", input));
        Assert.False(Matches("amount / 0 = amount / 0", input));
        Assert.False(Matches("amount / 0 != 1", input));
        Assert.False(Matches("amount / 0 <> amount / 0", input));
        Assert.True(Matches("not amount / 0 > 1", input));
        // An ordinary "not equal" still holds.
        Assert.True(Matches("amount != 1", input));
    }

    [Theory]
    [InlineData(23, true)]
    [InlineData(2, true)]
    [InlineData(6, false)]
    [InlineData(12, false)]
    public void Matches_Hour_NightWindow(int hour, bool expected)
    {
        Assert.Equal(expected, Matches("hour >= 22 or hour < 6", new RuleInput { Hour = hour }));
    }

    [Theory]
    [InlineData(80, true)]
    [InlineData(79, false)]
    public void Matches_RiskScore_Threshold(int score, bool expected)
    {
        Assert.Equal(expected, Matches("risk_score >= 80", new RuleInput { RiskScore = score }));
    }

    [Theory]
    [InlineData(0.5, 600, true)]
    [InlineData(6.99, 501, true)]
    [InlineData(7, 600, false)]
    [InlineData(1, 500, false)]
    public void Matches_CardAgeAndAmount_BigPaymentsOnNewCards(double days, double amount, bool expected)
    {
        Assert.Equal(expected, Matches("card_age_days < 7 and amount > 500", new RuleInput { CardAgeDays = days, Amount = amount }));
    }

    [Fact]
    public void Matches_MerchantId_ReadAsNumber()
    {
        var input = new RuleInput { MerchantId = 4711 };

        Assert.True(Matches("merchant_id = 4711", input));
        Assert.True(Matches("merchant_id in (1, 4711)", input));
        Assert.True(Matches("merchant_id / 10 > 471", input));
    }

    [Fact]
    public void Matches_ListFromDictionary_TestsTheKeyOfEachKind()
    {
        var lists = new RuleLists(new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["stolen_cards"] = new(StringComparer.Ordinal) { "fp-stolen" },
            ["risky_merchants"] = new(StringComparer.Ordinal) { "77" },
            ["risky_categories"] = new(StringComparer.Ordinal) { "gambling" },
        });
        var input = new RuleInput { Lists = lists, CardFingerprint = "fp-stolen", MerchantId = 77, MerchantName = "Casino", MerchantCategory = "gambling" };
        var other = new RuleInput { Lists = lists, CardFingerprint = "fp-other", MerchantId = 78, MerchantName = "77", MerchantCategory = "grocery" };

        Assert.True(Matches("card in @stolen_cards", input));
        Assert.True(Matches("merchant in @risky_merchants", input));
        Assert.True(Matches("merchant_category in @risky_categories", input));
        Assert.False(Matches("card in @stolen_cards", other));
        // A merchant list holds merchant ids: the merchant's name is not its key.
        Assert.False(Matches("merchant in @risky_merchants", other));
        Assert.False(Matches("merchant_category in @risky_categories", other));
        Assert.True(Matches("card not in @stolen_cards", other));
        Assert.False(Matches("card not in @stolen_cards", input));
    }

    [Fact]
    public void Matches_CardList_FingerprintComparedExactly()
    {
        var lists = new RuleLists(new Dictionary<string, HashSet<string>>(StringComparer.Ordinal)
        {
            ["stolen_cards"] = new(StringComparer.Ordinal) { "AbC" },
        });

        Assert.False(Matches("card in @stolen_cards", new RuleInput { Lists = lists, CardFingerprint = "abc" }));
    }

    [Fact]
    public void Matches_ListAbsentFromSnapshot_NotAMember()
    {
        // Parsed against a list that the evaluated snapshot lacks (e.g. RuleLists.Empty): no exception, no match.
        Assert.False(Matches("card in @stolen_cards", new RuleInput { CardFingerprint = "fp" }));
        Assert.True(Matches("card not in @stolen_cards", new RuleInput { CardFingerprint = "fp" }));
    }

    [Fact]
    public void Matches_RuleBookLists_CategoryIgnoresCaseCardDoesNot()
    {
        var book = new RuleBook([],
        [
            new RuleListEntries(1, "stolen_cards", RuleListKind.Card, RuleListPurpose.Reference, ["fp-stolen"]),
            new RuleListEntries(2, "risky_categories", RuleListKind.MerchantCategory, RuleListPurpose.Reference, ["Gambling"]),
            new RuleListEntries(3, "risky_merchants", RuleListKind.Merchant, RuleListPurpose.Reference, ["77"]),
        ]);

        Assert.True(Matches("merchant_category in @risky_categories", new RuleInput { Lists = book.Lists, MerchantCategory = "GAMBLING" }));
        Assert.True(Matches("card in @stolen_cards", new RuleInput { Lists = book.Lists, CardFingerprint = "fp-stolen" }));
        Assert.False(Matches("card in @stolen_cards", new RuleInput { Lists = book.Lists, CardFingerprint = "FP-STOLEN" }));
        Assert.True(Matches("merchant in @risky_merchants and card not in @stolen_cards", new RuleInput { Lists = book.Lists, MerchantId = 77 }));
    }

    [Fact]
    public void Matches_TrueAndFalseLiterals_Constant()
    {
        Assert.True(Matches("true", new RuleInput()));
        Assert.False(Matches("false", new RuleInput()));
        Assert.True(Matches("false or hour = 3", new RuleInput { Hour = 3 }));
    }

    [Theory]
    [InlineData(20, 20, true)]
    [InlineData(5, 5, true)]
    [InlineData(20, 5, false)]
    public void Matches_ConditionsCompared_EqualWhenBothHoldOrNeither(double amount, int hour, bool expected)
    {
        Assert.Equal(expected, Matches("(amount > 10) = (hour > 10)", new RuleInput { Amount = amount, Hour = hour }));
    }

    [Fact]
    public void Matches_RealisticRule_AllPartsTogether()
    {
        var features = new float[Width];
        features[2] = 1; // tx_during_night
        features[15] = 6.5f; // customer_amount_ratio_30day
        var rule = RuleSamples.Parse("tx_during_night = 1 and customer_amount_ratio_30day > 5 and card_brand in ('Visa', 'Mastercard') and not merchant_category in ('fuel')");

        Assert.True(rule.Matches(new RuleInput { Features = features, CardBrand = "Mastercard", MerchantCategory = "electronics" }));
        Assert.False(rule.Matches(new RuleInput { Features = features, CardBrand = "Mastercard", MerchantCategory = "Fuel" }));
        Assert.False(rule.Matches(new RuleInput { Features = features, CardBrand = "Jcb", MerchantCategory = "electronics" }));
    }

    [Fact]
    public void RuleHit_Describe_ListHitNamesActionAndList()
    {
        Assert.Equal("Block list 'stolen_cards'", new RuleHit(null, 4, "stolen_cards", 0, RuleAction.Block).Describe());
        Assert.Equal("Rule 12 v3 'Big payments on new cards' (review)", new RuleHit(12, null, "Big payments on new cards", 3, RuleAction.Review).Describe());
    }
}
