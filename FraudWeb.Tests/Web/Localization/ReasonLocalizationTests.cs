using System.Globalization;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;

namespace FraudWeb.Tests.Web.Localization;

/// <summary>A verdict's reasons are stored in English (the API's words) and shown in the page's language.</summary>
public sealed class ReasonLocalizationTests
{
    private static string InCulture(CultureInfo culture, Func<string> read)
    {
        using var scope = CultureScope.Use(culture);
        return read();
    }

    private static VerdictReason Reason(string text) => new("amount", 1, 0.5, text);

    [Fact]
    public void Localized_EveryTemplateInChinese_TranslatedWithItsNumber()
    {
        foreach (var template in ReasonPhrases.Templates)
        {
            // Arrange: the English as stored
            var stored = string.Format(CultureInfo.InvariantCulture, template, "2.5");

            // Act
            var shown = InCulture(Chinese.Culture, () => ReasonPhrases.Localized(Reason(stored)));

            // Assert
            Assert.Equal(Chinese.Of(template, "2.5"), shown);
        }
    }

    [Fact]
    public void Localized_English_StoredTextAsIs()
    {
        var stored = "This amount is 12x this card's usual spend.";
        Assert.Equal(stored, InCulture(CultureInfo.GetCultureInfo("en"), () => ReasonPhrases.Localized(Reason(stored))));
    }

    [Fact]
    public void Localized_TextOfNoTemplate_ShownAsStored()
    {
        var stored = "A reason worded by an older version.";
        Assert.Equal(stored, InCulture(Chinese.Culture, () => ReasonPhrases.Localized(Reason(stored))));
    }

    [Fact]
    public void Describe_EverySentence_IsATemplate()
    {
        // Arrange: every group, both directions, with and without values
        string[] names = ["tx_amount", "customer_avg_amount_30day", "customer_nb_tx_30day", "customer_nb_tx_1day", "terminal_risk_7day",
            "terminal_nb_tx_7day", "customer_terminal_nb_tx_30day", "tx_during_night", "tx_during_weekend", "some_new_feature"];
        float[][] valueSets = [[0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [500, 60, 10, 1, 0.2f, 30, 2, 1, 1, 1], [30, 60, 10, 3, 0, 30, 0, 0, 0, 1], [100, 100, 10, 5, 0, 3, 1, 0, 1, 0]];
        var sentences = from values in valueSets
                        from feature in names
                        from contribution in new[] { 0.4, -0.4 }
                        select ReasonPhrases.Describe(ReasonPhrases.GroupOf(feature), contribution, names, values);

        // Act and assert: each one is shown in Chinese (none falls through untranslated)
        foreach (var sentence in sentences.Distinct())
        {
            var shown = InCulture(Chinese.Culture, () => ReasonPhrases.Localized(Reason(sentence)));
            Assert.True(shown != sentence, $"\"{sentence}\" has no Chinese.");
        }
    }
}
