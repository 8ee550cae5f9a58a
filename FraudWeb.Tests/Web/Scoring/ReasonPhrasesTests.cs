using FraudWeb.Domain.Features;
using FraudWeb.Services.Scoring;

namespace FraudWeb.Tests.Web.Scoring;

public sealed class ReasonPhrasesTests
{
    public static TheoryData<string> Features() => [.. TransactionFeatures.Names];

    [Theory]
    [MemberData(nameof(Features))]
    public void Describe_EveryModelFeature_HasItsOwnSentenceBothWays(string feature)
    {
        var names = TransactionFeatures.Names;
        var values = new float[names.Count];
        values.AsSpan().Fill(1f);

        var risky = ReasonPhrases.Describe(feature, +1, names, values);
        var reassuring = ReasonPhrases.Describe(feature, -1, names, values);

        // The fallback names the raw feature; a card holder should never see that.
        Assert.DoesNotContain(feature.Replace('_', ' '), risky, StringComparison.Ordinal);
        Assert.DoesNotContain(feature.Replace('_', ' '), reassuring, StringComparison.Ordinal);
        Assert.EndsWith(".", risky, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_SpendingShift_SaysWhetherRecentSpendingIsAboveUsual()
    {
        var names = TransactionFeatures.Names;
        var values = new float[names.Count];

        var risky = ReasonPhrases.Describe("customer_avg_amount_7day_to_30day", +0.8, names, values);
        var reassuring = ReasonPhrases.Describe("customer_avg_amount_7day_to_30day", -0.2, names, values);

        Assert.Equal("This card's spending this week is well above its usual level.", risky);
        Assert.Equal("This card's spending this week is in line with its usual level.", reassuring);
    }
}
