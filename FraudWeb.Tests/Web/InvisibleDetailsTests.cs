using System.Net;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web;

/// <summary>
/// A personal detail of invisible characters only (a zero-width space) shows as nothing, so it is taken as nothing
/// (exploratory testing: City="\u200b" was told "at most 60 characters"): a required field asks for its value under
/// the field, and the optional second address line is saved as none. The administrators' form: AdminUsersTests.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class InvisibleDetailsTests(FraudWebFactory factory)
{
    private const string ZeroWidthSpace = "\u200b";

    private static async Task<Dictionary<string, string>> ProfileFormAsync(CardHolderSession holder) =>
        (await Html.GetPageAsync(holder.Client, "/Profile/Edit")).QuerySelectorAll("form[action='/Profile/Edit'] input[name]:not([type=hidden]), form[action='/Profile/Edit'] input[name=RowVersion]")
            .ToDictionary(i => i.GetAttribute("name")!, i => i.GetAttribute("value") ?? "");

    private Task<(string? Line2, string? City)> StoredAddressAsync(string email) =>
        factory.QueryAsync(async db =>
        {
            var userId = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
            var address = await db.CardHolders.Where(h => h.UserId == userId).Select(h => new { h.Address!.Line2, h.Address.City }).SingleAsync();
            return (address.Line2, (string?)address.City);
        });

    [Fact]
    public async Task EditProfile_CityOfAZeroWidthSpace_AsksForTheCityUnderItAndKeepsTheStoredOne()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var fields = await ProfileFormAsync(holder);
        var city = fields["City"];
        fields["City"] = ZeroWidthSpace;

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Profile/Edit", fields);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Html.ParseAsync(response);
        Assert.Equal("Enter your town or city.", page.QuerySelector("[data-valmsg-for='City']")?.TextContent.Trim());
        Assert.DoesNotContain(Html.ValidationMessages(page), m => m.Contains("at most", StringComparison.Ordinal));
        Assert.Equal(city, (await StoredAddressAsync(holder.Email)).City);
    }

    [Fact]
    public async Task EditProfile_SecondAddressLineOfAZeroWidthSpace_SavedAsNone()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var fields = await ProfileFormAsync(holder);
        fields["AddressLine2"] = ZeroWidthSpace;

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Profile/Edit", fields);

        // Assert
        Assert.Equal("/Profile", Html.Location(response));
        Assert.Null((await StoredAddressAsync(holder.Email)).Line2);
    }
}
