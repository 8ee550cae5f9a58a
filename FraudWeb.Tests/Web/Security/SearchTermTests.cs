using FraudWeb.ViewModels.Common;

namespace FraudWeb.Tests.Web.Security;

/// <summary>Search terms keep account ids (GUIDs) whose digits pass as a card number, and never a card number.</summary>
public sealed class SearchTermTests
{
    // A Luhn-valid run across the dashes (a Visa number from 4893-9860-999540486491), as about one id in 800 holds.
    private const string AccountId = "eb2d7b74-0961-4893-9860-999540486491";

    // A dashless GUID holding a Luhn-valid run: no form key is drawn like it (FormKey).
    private const string DashlessGuid = "4111111111111111abcdef0123456789";

    [Theory]
    [InlineData(AccountId)]
    [InlineData("/AdminUsers/Details/" + AccountId)]
    [InlineData("userId=" + AccountId + "&token=abc")]
    public void WithoutCardNumber_AccountIdWhoseDigitsPassAsACardNumber_KeptAsTyped(string term)
    {
        Assert.False(SearchTerm.HoldsCardNumber(term));
        Assert.Equal(term, SearchTerm.WithoutCardNumber(term));
    }

    [Theory]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111111111111111 " + AccountId)]
    // A number whose last digits run on into an id (diff review: the id was set aside first, and the number with it)
    [InlineData("4111 1111 1111 11111111-2222-3333-4444-555555555555")]
    [InlineData("eb2d7b74-0961-4893-9860-99954048 4111111111111111")]
    [InlineData(DashlessGuid)]
    // A separator CardNumber reads between digits joins the number to the id's digits as a space does (review)
    [InlineData("4111:1111:1111:11111111-2222-3333-4444-555555555555")]
    public void HoldsCardNumber_CardNumberBesideOrRunningIntoAnId_Found(string term)
    {
        Assert.True(SearchTerm.HoldsCardNumber(term));
        Assert.DoesNotContain("4111111111111111", SearchTerm.WithoutCardNumber(term)!.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public void New_DrawHoldsACardNumber_DrawnAgain()
    {
        // Arrange: the first draw's digits read as a Visa number
        var draws = new Queue<Guid>([Guid.Parse(DashlessGuid), Guid.Parse("0123456789abcdef0123456789abcdef")]);

        // Act
        var key = FormKey.New(draws.Dequeue);

        // Assert
        Assert.Equal("0123456789abcdef0123456789abcdef", key);
        Assert.Empty(draws);
    }
}
