using System.Globalization;
using FraudWeb.Domain.Rules;
using FraudWeb.Services.Rules;

namespace FraudWeb.Tests.Web.Localization;

/// <summary>Which rule or list decided a payment is stored in English and read by staff in the page's language.</summary>
public sealed class RuleHitLocalizationTests
{
    private static string? InCulture(CultureInfo culture, Func<string?> read)
    {
        using var scope = CultureScope.Use(culture);
        return read();
    }

    [Theory]
    [InlineData(RuleAction.Review, "规则 12 v3“Big 'new' cards”（审核）")]
    [InlineData(RuleAction.Block, "规则 12 v3“Big 'new' cards”（阻止）")]
    [InlineData(RuleAction.Allow, "规则 12 v3“Big 'new' cards”（允许）")]
    public void Localized_RuleInChinese_WholePhraseWithTheRulesOwnName(RuleAction action, string expected)
    {
        // Arrange: stored as the rule book describes it; the name holds quotes of its own.
        var stored = new RuleHit(12, null, "Big 'new' cards", 3, action).Describe();

        // Act
        var shown = InCulture(Chinese.Culture, () => RuleHitPhrases.Localized(stored));

        // Assert
        Assert.Equal(expected, shown);
    }

    [Theory]
    [InlineData(RuleAction.Block, "阻止名单“stolen”")]
    [InlineData(RuleAction.Allow, "允许名单“stolen”")]
    public void Localized_ListInChinese_WholePhrase(RuleAction action, string expected)
    {
        var stored = new RuleHit(null, 4, "stolen", 0, action).Describe();
        Assert.Equal(expected, InCulture(Chinese.Culture, () => RuleHitPhrases.Localized(stored)));
    }

    [Theory]
    [InlineData("Rule 12 v3 'Big' (review)")]
    [InlineData("Block list 'stolen'")]
    [InlineData("Something an older version wrote")]
    public void Localized_English_StoredTextAsIs(string stored)
    {
        Assert.Equal(stored, InCulture(CultureInfo.GetCultureInfo("en"), () => RuleHitPhrases.Localized(stored)));
    }
}
