using System.Net;
using AngleSharp.Html.Dom;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Rules;

namespace FraudWeb.Tests.Web.Localization;

/// <summary>
/// The footer's language switcher returns with a GET. On a page a form's POST produced it returns to the GET that
/// shows that page again, and where a secret is shown only once it is not offered: switching never ends on an error
/// page nor loses the secret.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class LanguageSwitchTests(FraudWebFactory factory)
{
    /// <summary>Presses the switcher's Chinese button with the form's own fields, as a browser would; where it returned to and that page.</summary>
    private static async Task<(string ReturnedTo, HttpResponseMessage Page)> SwitchToChineseAsync(HttpClient client, IHtmlDocument page)
    {
        var form = page.QuerySelector("[data-testid=language-switcher] form") ?? throw new InvalidOperationException("The page offers no language switch.");
        var fields = form.QuerySelectorAll("input[type=hidden]")
            .Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value") ?? ""))
            .Append(new("culture", "zh-CN"));
        var response = await client.PostAsync(new Uri("/Language/Set", UriKind.Relative), new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var returnedTo = Html.Location(response);
        return (returnedTo, await client.GetAsync(new Uri(returnedTo, UriKind.Relative)));
    }

    [Fact]
    public async Task Switch_ResetPasswordFormShownAgainWithErrors_ReturnsToTheMailedLinksForm()
    {
        // Arrange: the form from a mailed link, posted with passwords that differ
        using var client = factory.CreateBrowserClient();
        var link = "/Account/ResetPassword?token=abc123";
        var refused = await Html.SubmitAsync(client, "/Account/ResetPassword", new Dictionary<string, string>
        {
            ["Email"] = "someone@example.test", ["Token"] = "abc123", ["Password"] = "Reset-Pass-2024-x", ["ConfirmPassword"] = "Other-Pass-2024-y",
        }, link);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);

        // Act
        var (returnedTo, response) = await SwitchToChineseAsync(client, await Html.ParseAsync(refused));
        var page = await Html.ParseAsync(response);

        // Assert: the same form, token and all, in Chinese; not "reset link invalid"
        Assert.Equal("/Account/ResetPassword?token=abc123", returnedTo);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("zh-CN", page.DocumentElement.GetAttribute("lang"));
        Assert.Equal("abc123", ((IHtmlInputElement)page.QuerySelector("input[name=Token]")!).Value);
    }

    [Fact]
    public async Task Switch_OnANotFoundPage_ReturnsToTheAddressAskedForNotTheErrorPage()
    {
        // Arrange (review: the re-executed error page's own path, /Error/404, was the return address)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var missing = await holder.Client.GetAsync(new Uri("/Cards/Details/987654321?tab=limits", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);

        // Act
        var (returnedTo, _) = await SwitchToChineseAsync(holder.Client, await Html.ParseAsync(missing));

        // Assert
        Assert.Equal("/Cards/Details/987654321?tab=limits", returnedTo);
    }

    [Fact]
    public async Task Switch_ReportFormShownAgainWithErrors_ReturnsToThePaymentsReportForm()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await holder.PayAndGetIdAsync(await holder.AddCardAsync(), await Merchants.OrdinaryAsync(factory), 42m);
        var refused = await holder.ReportAsync(id, ReportKind.NotMe, "no");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);

        // Act
        var (returnedTo, response) = await SwitchToChineseAsync(holder.Client, await Html.ParseAsync(refused));

        // Assert
        Assert.Equal($"/Reports/New?transactionId={RuleSteps.Id(id)}", returnedTo);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull((await Html.ParseAsync(response)).QuerySelector("[data-testid=report-summary]"));
    }

    [Fact]
    public async Task Switch_ListEntryRefusedAfterASearch_ReturnsToTheListWithTheSearch()
    {
        // Arrange: an entry added without a reason, from the results of a search
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var listId = await analyst.CreateListAsync("switch_" + Guid.NewGuid().ToString("N")[..6], RuleListKind.Merchant, RuleListPurpose.Reference);
        var details = $"/RuleLists/Details/{RuleSteps.Id(listId)}?q=harbour";
        var refused = await Html.SubmitAsync(analyst.Client, $"/RuleLists/Add/{RuleSteps.Id(listId)}?q=harbour",
            new Dictionary<string, string> { ["Entry"] = "", ["Reason"] = "" }, details);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);

        // Act
        var (returnedTo, response) = await SwitchToChineseAsync(analyst.Client, await Html.ParseAsync(refused));

        // Assert
        Assert.Equal(details, returnedTo);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Switch_EnrolmentCodeRefused_ReturnsToTheEnrolmentPage()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var refused = await Html.SubmitAsync(holder.Client, "/Account/Mfa/Enable", new Dictionary<string, string> { ["Form.Code"] = "000000" }, "/Account/Mfa");
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);

        // Act
        var (returnedTo, response) = await SwitchToChineseAsync(holder.Client, await Html.ParseAsync(refused));

        // Assert
        Assert.Equal("/Account/Mfa", returnedTo);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Layout_RecoveryCodesShownOnce_SwitchNotOfferedAndSaysWhy()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var enrolment = await Html.GetPageAsync(holder.Client, "/Account/Mfa");
        var key = enrolment.QuerySelector("[data-testid=mfa-key]")!.TextContent;

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Account/Mfa/Enable", new Dictionary<string, string> { ["Form.Code"] = MfaSteps.CodeFor(key) }, "/Account/Mfa");
        var page = await Html.ParseAsync(response);

        // Assert: the codes, and no button that would reload the page without them
        Assert.NotEmpty(page.QuerySelectorAll("[data-testid=recovery-codes] li"));
        Assert.Null(page.QuerySelector("[data-testid=language-switcher] form"));
        Assert.NotNull(page.QuerySelector("[data-testid=language-switcher] [data-testid=language-switch-later]"));
    }

    [Fact]
    public async Task Layout_NewApiKeyShownOnce_SwitchNotOffered()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await ApiSteps.SubmitKeyFormAsync(holder.Client, "/ApiKeys/Create", "/ApiKeys", "switch test", [ApiScopes.PaymentsRead]);
        var page = await Html.ParseAsync(response);

        // Assert
        Assert.NotNull(page.QuerySelector("[data-testid=new-api-key]"));
        Assert.Null(page.QuerySelector("[data-testid=language-switcher] form"));
        Assert.NotNull(page.QuerySelector("[data-testid=language-switch-later]"));
    }

    [Fact]
    public async Task Switch_ApiKeyFormRefused_ReturnsToTheKeysPage()
    {
        // Arrange: a key without a name
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var refused = await ApiSteps.SubmitKeyFormAsync(holder.Client, "/ApiKeys/Create", "/ApiKeys", "", [ApiScopes.PaymentsRead]);
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);

        // Act
        var (returnedTo, response) = await SwitchToChineseAsync(holder.Client, await Html.ParseAsync(refused));

        // Assert
        Assert.Equal("/ApiKeys", returnedTo);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
