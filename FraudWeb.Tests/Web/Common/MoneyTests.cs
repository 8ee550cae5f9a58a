using System.Globalization;
using FraudWeb.ViewModels.Common;
using FsCheck;
using FsCheck.Fluent;

namespace FraudWeb.Tests.Web.Common;

/// <summary>Amounts are read the page's way, strictly: a comma typed out of habit is refused with the right form, never read as thousands.</summary>
public sealed class MoneyTests
{
    private static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");
    private static readonly CultureInfo Chinese = CultureInfo.GetCultureInfo("zh-CN");
    private static readonly CultureInfo[] PageCultures = [English, Chinese];
    private static readonly string[] Writings = ["N2", "F2", "0.##"];

    [Theory]
    [InlineData("12.50", 12.50)]
    [InlineData("12.5", 12.5)]
    [InlineData("12", 12)]
    [InlineData(" 1,250.00 ", 1250)]
    [InlineData("1,234,567.89", 1234567.89)]
    [InlineData("€12.50", 12.50)]
    [InlineData("12.50 EUR", 12.50)]
    [InlineData("eur 3", 3)]
    [InlineData("１２．５０", 12.50)]
    [InlineData("12。50", 12.50)] // review: the ideographic full stop a Chinese input method types for the point
    [InlineData("0.01", 0.01)]
    public void TryParse_WellFormedEnglish_ReadsTheAmount(string text, double expected)
    {
        // Act
        var ok = Money.TryParse(text, English, out var amount, out var error);

        // Assert
        Assert.True(ok, error);
        Assert.Equal((decimal)expected, amount);
    }

    [Theory]
    [InlineData("12,50", "Use \".\" before the cents: 12.50.")]
    [InlineData("12,5", "Use \".\" before the cents: 12.50.")]
    [InlineData("1250,00", "Use \".\" before the cents: 1250.00.")]
    [InlineData("12.505", "Enter at most two decimals (cents), like 12.50.")]
    [InlineData("-5", "Enter an amount above zero.")]
    [InlineData("1,25.00", "\"1,25.00\" is not an amount. Write it like 12.50.")]
    [InlineData("12.", "\"12.\" is not an amount. Write it like 12.50.")]
    [InlineData("1e3", "\"1e3\" is not an amount. Write it like 12.50.")]
    [InlineData("12.5.0", "\"12.5.0\" is not an amount. Write it like 12.50.")]
    [InlineData("", "Enter the amount in euros, like 12.50.")]
    [InlineData("99999999999999999999999999999999", "The amount is too large.")]
    public void TryParse_Malformed_RefusedWithHowToWriteIt(string text, string message)
    {
        // Act
        var ok = Money.TryParse(text, English, out _, out var error);

        // Assert
        Assert.False(ok);
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("en", 1250.5, "€1,250.50")]
    [InlineData("zh-CN", 1250.5, "€1,250.50")]
    [InlineData("fr-FR", 1250.5, "1 250,50 €")]
    public void Format_ByCulture_ShowsEuroTheCulturesWay(string culture, double amount, string expected)
    {
        // Act
        var shown = Money.Format((decimal)amount, CultureInfo.GetCultureInfo(culture));

        // Assert: French groups with a narrow no-break space
        Assert.Equal(expected, shown.Replace('\u202F', ' ').Replace('\u00A0', ' '));
    }

    [Fact]
    public void TryParse_AnyAmountWrittenByTheCulture_ReadsBackExactly()
    {
        // Arrange: every amount in cents up to the form's limit, written plain and grouped, in both page languages
        var cents = Gen.Choose(1, 100_000_000).Select(c => c / 100m);

        // Act + Assert
        Prop.ForAll(cents.ToArbitrary(), amount =>
            PageCultures.All(culture =>
                Writings.All(format =>
                    Money.TryParse(amount.ToString(format, culture), culture, out var read, out _) && read == amount)))
            .QuickCheckThrowOnFailure();
    }

    [Fact]
    public void TryParse_AnyText_ReadsNoAmountItWouldNotWriteTheSameWay()
    {
        // Arrange: short strings over digits and separators (where misreadings hide)
        var text = Gen.Elements('0', '1', '2', '5', '9', ',', '.', ' ', '€', '-').ArrayOf().Select(chars => new string(chars));

        // Act + Assert: whatever parses is an amount above zero with at most two decimals, written back identically
        Prop.ForAll(text.ToArbitrary(), s =>
            !Money.TryParse(s, English, out var amount, out _)
            || (amount >= 0 && decimal.Round(amount, 2) == amount
                && Money.TryParse(amount.ToString("N2", English), English, out var again, out _) && again == amount))
            .QuickCheckThrowOnFailure();
    }
}
