using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web;

[Collection(WebTestGroup.Name)]
public sealed class AccessibilityTests(FraudWebFactory factory)
{
    [Theory]
    [InlineData("/Account/Register", false)]
    [InlineData("/Account/Login", false)]
    [InlineData("/Account/ForgotPassword", false)]
    [InlineData("/Cards/Add", true)]
    [InlineData("/Transactions/New", true)]
    [InlineData("/Profile/Edit", true)]
    [InlineData("/Account/ChangePassword", true)]
    [InlineData("/ApiKeys", true)]
    public async Task FormPage_EveryVisibleField_HasALabel(string url, bool signedIn)
    {
        // Arrange
        using var session = signedIn ? await CardHolderSession.RegisteredAsync(factory) : CardHolderSession.Anonymous(factory);
        if (signedIn) await session.AddCardAsync();

        // Act
        var page = await Html.GetPageAsync(session.Client, url);

        // Assert
        var fields = page.QuerySelectorAll("main input:not([type=hidden]), main select, main textarea").ToList();
        Assert.NotEmpty(fields);
        Assert.All(fields, field =>
        {
            var id = field.GetAttribute("id");
            Assert.False(string.IsNullOrEmpty(id), $"{field.OuterHtml} has no id");
            Assert.NotNull(page.QuerySelector($"label[for='{id}']"));
        });
        Assert.Equal("en", page.DocumentElement.GetAttribute("lang"));
        Assert.NotNull(page.QuerySelector("main#main"));
        Assert.Single(page.QuerySelectorAll("h1"));
    }
}
