using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Rules;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;

namespace FraudWeb.Tests.Web.Rules;

/// <summary>The rule editor's list of names says what each one means, in words and in the page's language.</summary>
[Collection(WebTestGroup.Name)]
public sealed class RuleEditorPageTests(FraudWebFactory factory)
{
    private static Dictionary<string, string> Descriptions(AngleSharp.Html.Dom.IHtmlDocument page) =>
        page.QuerySelectorAll("tr").Where(r => r.QuerySelector("th code") is not null)
            .ToDictionary(r => r.QuerySelector("th code")!.TextContent.Trim(), r => r.QuerySelector("td")!.TextContent.Trim(), StringComparer.Ordinal);

    [Fact]
    public async Task Create_ModelFeatures_EachDescribedInWordsNotByARepositoryPath()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var page = await Html.GetPageAsync(analyst.Client, "/Rules/Create");

        // Assert: every feature is listed with its own description
        var descriptions = Descriptions(page);
        var features = RuleVocabulary.Features.Select(f => f.Name).ToList();
        Assert.All(features, f => Assert.Contains(f, descriptions.Keys));
        Assert.Equal(features.Count, features.Select(f => descriptions[f]).Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain("SCHEMA.md", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.StartsWith("Model feature: the share of the merchant's payments that were fraud in the 7 days", descriptions["terminal_risk_7day"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amount >")]
    [InlineData("amount > 5 and")]
    [InlineData("amount > > 5")]
    public async Task Create_ChineseExpressionCutShort_WhatWasExpectedSaidInChinese(string expression)
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var response = await analyst.SubmitRuleAsync("cut short", RuleAction.Review, expression);

        // Assert: the grammar's words ("value", "condition") in the page's language, like the rest of the message.
        var message = Assert.Single(Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.DoesNotContain("value", message, StringComparison.Ordinal);
        Assert.DoesNotContain("condition", message, StringComparison.Ordinal);
        Assert.True(message.Contains(Chinese.Of("rule|value"), StringComparison.Ordinal) || message.Contains(Chinese.Of("rule|condition"), StringComparison.Ordinal), message);
    }

    [Fact]
    public async Task Create_Chinese_FeatureDescriptionsInChinese()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var descriptions = Descriptions(await Html.GetPageAsync(analyst.Client, "/Rules/Create"));

        // Assert
        Assert.All(RuleVocabulary.Features, f => Assert.Equal(Chinese.Of(f.Description), descriptions[f.Name]));
    }

    [Fact]
    public async Task Create_CategoryAsTheChinesePagesNameIt_RefusedNamingTheStoredCategory()
    {
        // Arrange (Chinese review: merchant_category = '咖啡馆' was saved, and its backtest matched nothing)
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");
        var shown = Chinese.Of("Cafés");

        // Act
        var response = await analyst.SubmitRuleAsync("cafe-zh", RuleAction.Review, $"merchant_category = '{shown}'");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var message = Assert.Single(Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.Contains("'Cafés'", message, StringComparison.Ordinal);
        Assert.Contains(shown, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_CategoryNoMerchantIsIn_RefusedAtItsPositionWithTheCategories()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.SubmitRuleAsync("unknown-category", RuleAction.Review, "amount > 5 and merchant_category in ('cafés', 'gambling')");

        // Assert
        var message = Assert.Single(Html.ValidationMessages(await Html.ParseAsync(response)));
        Assert.StartsWith("Position 47: No merchant is in the category 'gambling'; the categories are ", message, StringComparison.Ordinal);
        Assert.Contains("Cafés", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("merchant_category = 'cafés'")]
    [InlineData("merchant_category != 'ELECTRONICS'")]
    [InlineData("not merchant_category in ('Fuel', 'travel')")]
    public async Task Create_StoredCategoryInAnyCase_Saved(string expression)
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.SubmitRuleAsync("known-category-" + Guid.NewGuid().ToString("N")[..8], RuleAction.Review, expression);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task Create_Chinese_CategoriesListedAsStoredWithTheirNames()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var page = await Html.GetPageAsync(analyst.Client, "/Rules/Create");

        // Assert
        var rows = page.QuerySelectorAll("[data-testid=categories] tr").ToDictionary(r => r.QuerySelector("code")!.TextContent, r => r.QuerySelector("td")!.TextContent, StringComparer.Ordinal);
        Assert.Equal(Chinese.Of("Cafés"), rows["'Cafés'"]);
        Assert.Equal(Chinese.Of("Groceries"), rows["'Groceries'"]);
    }

    [Fact]
    public async Task Edit_AnotherAnalystSavedMeanwhile_StoredVersionShownAndSavableFromThere()
    {
        // Arrange: two analysts open the same rule's editor; the first saves a new version
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var id = await first.CreateRuleAsync("edit-race-" + Guid.NewGuid().ToString("N")[..8], RuleAction.Review, "amount > 900");
        var url = $"/Rules/Edit/{RuleSteps.Id(id)}";
        var firstPage = await Html.GetPageAsync(first.Client, url);
        var secondPage = await Html.GetPageAsync(second.Client, url);
        Assert.Equal(HttpStatusCode.Redirect, (await Post(first, url, firstPage, "amount > 950")).StatusCode);

        // Act: the second saves from the page opened before that
        var refused = await Post(second, url, secondPage, "amount > 990");
        var shown = await Html.ParseAsync(refused);
        var again = await Post(second, url, shown, "amount > 990");

        // Assert: the stored version is shown (with its token), and saving from it works
        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Equal("amount > 950", ((AngleSharp.Html.Dom.IHtmlTextAreaElement)shown.QuerySelector("[name=Expression]")!).Value.Trim());
        Assert.Contains(FraudWeb.Services.Rules.RuleService.ChangedMeanwhile, shown.Body!.TextContent, StringComparison.Ordinal);
        // What the second analyst wrote is shown beside it, not lost (staff test)
        Assert.Equal("amount > 990", shown.QuerySelector("[data-testid=unsaved-rule] code")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
    }

    private static Task<HttpResponseMessage> Post(CardHolderSession analyst, string url, AngleSharp.Html.Dom.IHtmlDocument page, string expression)
    {
        var form = page.QuerySelector($"form[action$='{url}']") ?? throw new InvalidOperationException("No editor form.");
        var fields = form.QuerySelectorAll("input[name], textarea[name], select[name]")
            .Select(e => new KeyValuePair<string, string>(e.GetAttribute("name")!, e switch
            {
                AngleSharp.Html.Dom.IHtmlTextAreaElement area => area.Value ?? "",
                AngleSharp.Html.Dom.IHtmlSelectElement select => select.Value ?? "",
                AngleSharp.Html.Dom.IHtmlInputElement input => input.Value ?? "",
                _ => "",
            }))
            .Where(f => f.Key != "Expression").Append(new("Expression", expression)).ToList();
        return analyst.Client.PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent(fields));
    }

    [Fact]
    public async Task Backtest_ReadInChinese_ShareOfFraudJoinedWithChinesePunctuation()
    {
        // Arrange: a rule that matches some of the seeded history's frauds, backtested
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var id = await analyst.CreateRuleAsync("share in chinese", RuleAction.Review, "amount > 900");
        await analyst.BacktestAsync(id, 30);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var page = await Html.GetPageAsync(analyst.Client, $"/Rules/Details/{RuleSteps.Id(id)}");

        // Assert: "…(€1,234.00)；占期间内…", not the English "; " between a Chinese sentence's parts
        var line = page.QuerySelector("[data-testid=bt-fraud]")!.ParentElement!.TextContent.Trim();
        Assert.Contains(Chinese.Of("; {0} of the period's {1} frauds").Split(' ')[0], line, StringComparison.Ordinal);
        Assert.DoesNotContain(";", line, StringComparison.Ordinal);
    }
}
