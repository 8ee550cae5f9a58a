using FraudWeb.ViewModels.Common;

namespace FraudWeb.Tests.Web.Security;

/// <summary>Search terms keep account ids (GUIDs) whose digits pass as a card number, and never a card number.</summary>
public sealed class SearchTermTests
{
    // A Luhn-valid run across the dashes (a Visa number from 4893-9860-999540486491), as about one id in 800 holds.
    private const string AccountId = "eb2d7b74-0961-4893-9860-999540486491";

    // A dashless GUID holding the same (the form's one-time key): masked, the confirmed payment was refused (CI, 2026-12-07).
    private const string FormKey = "4111111111111111abcdef0123456789";

    [Theory]
    [InlineData(AccountId)]
    [InlineData("/AdminUsers/Details/" + AccountId)]
    [InlineData("userId=" + AccountId + "&token=abc")]
    [InlineData(FormKey)] // the payment form's one-time key: a GUID without dashes
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
    // Only digits is no key: 32 of them hold a card number as any digits do
    [InlineData("41111111111111114111111111111111")]
    [InlineData("4111111111111111" + FormKey)]
    public void HoldsCardNumber_CardNumberBesideOrRunningIntoAnId_Found(string term)
    {
        Assert.True(SearchTerm.HoldsCardNumber(term));
        Assert.DoesNotContain("4111111111111111", SearchTerm.WithoutCardNumber(term)!.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }
}
