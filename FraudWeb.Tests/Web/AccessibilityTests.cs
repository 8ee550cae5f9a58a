using FraudWeb.Data;
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
    [InlineData("/Account/ChangeEmail", true)]
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

    [Fact]
    public async Task ApiKeyCreate_WithoutAName_TheNameFieldNamesAMessageOnThePage()
    {
        // Arrange
        using var session = await CardHolderSession.RegisteredAsync(factory);
        var form = await Html.GetPageAsync(session.Client, "/ApiKeys");

        // Act
        var response = await session.Client.PostAsync(new Uri("/ApiKeys/Create", UriKind.Relative), new FormUrlEncodedContent(CardHolderSession.WithFormKeys(form,
            new Dictionary<string, string> { ["Name"] = "", ["LifetimeDays"] = "30" })));

        // Assert: the field marked invalid points at its message, which is there to be read
        var page = await Html.ParseAsync(response);
        Assert.Equal("true", page.QuerySelector("input[name=Name]")!.GetAttribute("aria-invalid"));
        Assert.Empty(Html.UnlinkedErrors(page));
    }

    [Theory]
    [InlineData("", "Sideways", "amount > 5", "input[name=Name], input[name=Action]")]
    [InlineData("Cut short", "Review", "amount >", "textarea[name=Expression]")]
    public async Task RuleCreate_Refused_EachWrongFieldNamesItsMessage(string name, string action, string expression, string wrong)
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await Html.SubmitAsync(analyst.Client, "/Rules/Create", new Dictionary<string, string>
        {
            ["Name"] = name,
            ["Action"] = action,
            ["Expression"] = expression,
        });

        // Assert: the name, each choice of action and the condition say what is wrong where a screen reader looks
        var page = await Html.ParseAsync(response);
        Assert.All(page.QuerySelectorAll(wrong), field => Assert.Equal("true", field.GetAttribute("aria-invalid")));
        Assert.Empty(Html.UnlinkedErrors(page));
    }
}
