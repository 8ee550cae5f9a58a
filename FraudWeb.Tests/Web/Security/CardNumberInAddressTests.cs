using System.Net;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Security;

/// <summary>
/// A whole card number pasted into a GET search box (the boxes ask for the last 4 digits) is sent on to the same page
/// with the number reduced, so no address the browser keeps holds it (PCI DSS 3.4.1).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class CardNumberInAddressTests(FraudWebFactory factory)
{
    private const string Number = "4111111111111111";

    [Fact]
    public async Task Get_SearchTermIsAWholeCardNumber_SeeOtherToTheLastFourDigits()
    {
        // Arrange
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);

        // Act
        using var response = await admin.Client.GetAsync($"/AdminUsers?Search={Number}");

        // Assert: sent on at once, to an address without the number, and nothing cached
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/AdminUsers?Search=1111", response.Headers.Location!.OriginalString);
        Assert.True(response.Headers.CacheControl!.NoStore);
        using var page = await admin.Client.GetAsync(response.Headers.Location);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Get_NumberWrittenWithSpacesInsideOtherText_MaskedOtherParametersKept()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var typed = Uri.EscapeDataString("card 4111 1111 1111 1111 please");

        // Act
        using var response = await analyst.Client.GetAsync($"/Review?Kind=held&Search={typed}&MinRisk=10");

        // Assert
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = Uri.UnescapeDataString(response.Headers.Location!.OriginalString).Replace('+', ' ');
        Assert.DoesNotContain("4111 1111 1111 1111", location, StringComparison.Ordinal);
        Assert.Contains("1111", location, StringComparison.Ordinal);
        Assert.StartsWith("/Review?Kind=held&Search=card ", location, StringComparison.Ordinal);
        Assert.EndsWith("&MinRisk=10", location, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/Rules/Details/" + Number)]
    [InlineData("/AdminUsers/Details/4111-1111-1111-1111?tab=cards")]
    public async Task Get_CardNumberInThePath_SeeOtherWithItMaskedAndNeverEchoed(string address)
    {
        // Arrange (privacy test: the not-found page repeated the address in its language switch, the sign-in redirect in its ReturnUrl)
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var anonymous = factory.CreateBrowserClient();

        // Act
        using var response = await analyst.Client.GetAsync(new Uri(address, UriKind.Relative));
        using var anonymousResponse = await anonymous.GetAsync(new Uri(address, UriKind.Relative));
        using var page = await analyst.Client.GetAsync(response.Headers.Location);

        // Assert
        foreach (var answer in new[] { response, anonymousResponse })
        {
            Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
            var location = Uri.UnescapeDataString(answer.Headers.Location!.OriginalString);
            Assert.DoesNotMatch(@"4111\D?1111\D?1111\D?1111", location);
            Assert.Contains("1111", location, StringComparison.Ordinal);
        }
        Assert.DoesNotMatch(@"4111\D{0,3}1111\D{0,3}1111\D{0,3}1111", Uri.UnescapeDataString(await page.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("/AdminUsers?Search=1111")]
    [InlineData("/AdminUsers?Search=4111111111111112")] // not a card number: fails Luhn's check
    [InlineData("/AdminUsers?Search=Wang%20Fang&cursor=MjAyNjEyMDUxMjM0NTY3ODkw")]
    public async Task Get_NoCardNumberInTheQuery_PageServedAsAsked(string address)
    {
        // Arrange
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);

        // Act
        using var response = await admin.Client.GetAsync(address);

        // Assert: the page itself (a bad cursor may send it to its first page, never to a reduced address)
        Assert.NotEqual(HttpStatusCode.SeeOther, response.StatusCode);
    }

    // One account id in about 800 (a random GUID) holds a Luhn-valid run of digits across its dashes, as this one does
    // (a Visa number from 4893-9860-999540486491): emailed links and sign-in's return address carry account ids.
    private const string AccountId = "eb2d7b74-0961-4893-9860-999540486491";

    [Theory]
    [InlineData("/Account/ConfirmEmail?userId=" + AccountId + "&token=abc")]
    [InlineData("/Account/Login?ReturnUrl=%2FAdminUsers%2FDetails%2F" + AccountId)]
    public async Task Get_AccountIdWhoseDigitsPassAsACardNumber_PageServedAsAsked(string address)
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act
        using var response = await client.GetAsync(address);

        // Assert: an identifier is not a pasted number; reduced, the link would name no account or page
        Assert.NotEqual(HttpStatusCode.SeeOther, response.StatusCode);
    }

    [Fact]
    public async Task Get_PathStartingWithTwoSlashes_NeverSentToAnotherSite()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act: anyone may craft such a link; "//evil.example" as a Location is that site (a protocol-relative address)
        using var response = await client.GetAsync(new Uri($"{client.BaseAddress!.GetLeftPart(UriPartial.Authority)}//evil.example/?Search={Number}"));

        // Assert: sent on within this site, still without the number
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.False(location.StartsWith("//", StringComparison.Ordinal) || location.StartsWith("/\\", StringComparison.Ordinal), location);
        Assert.Equal(client.BaseAddress!.Host, new Uri(client.BaseAddress!, response.Headers.Location).Host);
        Assert.DoesNotContain(Number, location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AnonymousPageWithANumberInItsQuery_SentOnBeforeSignIn()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();

        // Act: before authentication, so the sign-in redirect's return address never holds the number either
        using var response = await client.GetAsync($"/Review?Search={Number}");

        // Assert
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/Review?Search=1111", response.Headers.Location!.OriginalString);
    }
}
