using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Tests.Builders;

namespace FraudWeb.Tests.Domain.Entities;

/// <summary>
/// Direction controls (Unicode's Bidi_Control) in free text that someone else reads: refused with one message in every
/// such field, so an override cannot make a reason, a name or a description read backwards in a staff list.
/// </summary>
public sealed class TextDirectionTests
{
    private const string Refusal = "Remove the text-direction control characters.";
    private static readonly DateTime Now = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);

    private static readonly char[] BidiControls = ['\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069'];

    /// <summary>Every Bidi_Control character, each inside otherwise ordinary text.</summary>
    public static TheoryData<string> Controlled() => new(BidiControls.Select(c => $"evil {c}txet desrever"));

    [Theory]
    [MemberData(nameof(Controlled))]
    public void IsControl_EachBidiControl_True(string text) => Assert.Contains(text, TextDirection.IsControl);

    [Theory]
    [InlineData("Ada Lovelace")]
    [InlineData("زهرة")]
    [InlineData("עברית")]
    [InlineData("zero\u200Bwidth join\u200D")]
    public void RefusedIn_TextWithoutDirectionControls_Unchanged(string text) => Assert.Equal(text, TextDirection.RefusedIn(text));

    [Theory]
    [MemberData(nameof(Controlled))]
    public void Open_ReasonWithDirectionControl_Refused(string reason)
    {
        // Arrange
        var (_, payment) = Payments.Submitted(Decision.Approved);

        // Act
        var exception = Record.Exception(() => FraudReport.Open(payment, ReportKind.NotMe, reason, Now));

        // Assert
        Assert.Equal(Refusal, Assert.IsType<DomainException>(exception).Message);
    }

    [Theory]
    [InlineData("\u0007\u0007\u0007\u0007", FreeText.ControlMessage)] // four bells: an empty reason in the queue (money QA)
    [InlineData("I was \u001b[2Jat home", FreeText.ControlMessage)]
    [InlineData("\u200b\u200b\u200b\u200b", "The reason must be between 4 and 500 characters.")] // nothing that shows
    [InlineData("\u200bab\u200b\u200b", "The reason must be between 4 and 500 characters.")]
    [InlineData("I was\r\n\tat home", null)] // a text area's lines and a pasted tab
    public void Open_ReasonWithControlOrInvisibleCharacters_RefusedButLineBreaksKept(string escaped, string? expected)
    {
        // Arrange
        var (_, payment) = Payments.Submitted(Decision.Approved);
        var reason = System.Text.RegularExpressions.Regex.Unescape(escaped);

        // Act
        var exception = Record.Exception(() => FraudReport.Open(payment, ReportKind.NotMe, reason, Now));

        // Assert
        Assert.Equal(expected, exception?.Message);
    }

    [Theory]
    [MemberData(nameof(Controlled))]
    public void CreateApiKey_NameWithDirectionControl_Refused(string name)
    {
        // Act
        var exception = Record.Exception(() => ApiKey.Create("user-1", name, "fwk_abcdefgh", "hash", ["payments:read"], "user-1", Now, TimeSpan.FromDays(30)));

        // Assert
        Assert.Equal(Refusal, Assert.IsType<DomainException>(exception).Message);
    }

    [Fact]
    public void CreateAndEditRule_NameWithDirectionControl_Refused()
    {
        // Arrange
        var rule = FraudRule.Create("Big payments", RuleAction.Review, "amount > 500", "analyst-1", Now);

        // Act
        var created = Record.Exception(() => FraudRule.Create("Big \u202Espayment", RuleAction.Review, "amount > 500", "analyst-1", Now));
        var edited = Record.Exception(() => rule.Edit("Big \u2067payments\u2069", RuleAction.Review, "amount > 500", "analyst-1", Now));

        // Assert
        Assert.Equal(Refusal, Assert.IsType<DomainException>(created).Message);
        Assert.Equal(Refusal, Assert.IsType<DomainException>(edited).Message);
        Assert.Equal("Big payments", rule.Name);
    }

    [Fact]
    public void CreateList_DescriptionWithDirectionControl_Refused()
    {
        // Act
        var exception = Record.Exception(() => RuleList.Create("seen_cards", RuleListKind.Card, RuleListPurpose.Block, "cards \u202Enees", "analyst-1", Now));

        // Assert
        Assert.Equal(Refusal, Assert.IsType<DomainException>(exception).Message);
    }

    [Fact]
    public void CheckReason_DirectionControl_Refused() =>
        Assert.Equal(Refusal, Assert.Throws<DomainException>(() => RuleList.CheckReason("seen in \u202Eduarf")).Message);

    [Fact]
    public void AddAndRenewCard_CardholderNameWithDirectionControl_Refused()
    {
        // Arrange
        var card = CardTests.NewCard(1000m);
        var later = CardExpiry.Create(12, 2030, DateOnly.FromDateTime(Now));

        // Act
        var added = Record.Exception(() => Card.Add(1, CardNumber.Parse(TestCards.Visa), new string('a', 64), later, "ADA \u202ELOVELACE", 1000m, IssuerTime.InUtc(Now)));
        var renewed = Record.Exception(() => card.Renew(later, "ADA \u200FLOVELACE"));

        // Assert
        Assert.Equal(Refusal, Assert.IsType<DomainException>(added).Message);
        Assert.Equal(Refusal, Assert.IsType<DomainException>(renewed).Message);
        Assert.Equal(("ADA LOVELACE", 2028), (card.CardholderName, card.ExpiryYear));
    }

    [Fact]
    public void Register_PersonalDetailWithDirectionControl_Refused()
    {
        // Arrange
        var home = new Address("1 High Street", null, "Leeds", "LS1 1AA", "United Kingdom");

        // Act
        var name = Record.Exception(() => CardHolder.Register("user-1", "Mallory \u202Eexe.gpj", "+1 555 0100", new DateOnly(1990, 1, 1), home, IssuerTime.InUtc(Now)));
        var city = Record.Exception(() => new Address("1 High Street", null, "Le\u2066eds\u2069", "LS1 1AA", "United Kingdom"));

        // Assert
        Assert.Equal(Refusal, Assert.IsType<DomainException>(name).Message);
        Assert.Equal(Refusal, Assert.IsType<DomainException>(city).Message);
    }
}
