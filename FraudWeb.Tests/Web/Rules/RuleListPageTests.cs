using System.Globalization;
using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Rules;

/// <summary>A list's page names merchants and categories in the page's language, whatever the language they were added in.</summary>
[Collection(WebTestGroup.Name)]
public sealed class RuleListPageTests(FraudWebFactory factory)
{
    private static string NewName(string prefix) => prefix + "_" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Posts the same form from two analysts at the same moment, each with their own page's token.</summary>
    private static async Task<HttpResponseMessage[]> AtOnceAsync(CardHolderSession[] analysts, string url, string formPage, Dictionary<string, string> fields)
    {
        var pages = await Task.WhenAll(analysts.Select(a => Html.GetPageAsync(a.Client, formPage)));
        return await Task.WhenAll(analysts.Select((a, i) => a.Client.PostAsync(new Uri(url, UriKind.Relative),
            new FormUrlEncodedContent(fields.Append(new("__RequestVerificationToken", Html.AntiforgeryToken(pages[i])))))));
    }

    [Fact]
    public async Task Add_SameEntryByTwoAnalystsAtOnce_OneEntryOnTheListAndNoError()
    {
        // Arrange
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var merchant = RuleSteps.Id(await Merchants.OrdinaryAsync(factory));
        var failures = new List<string>();

        // Act: a few rounds, as the two requests may or may not overlap
        for (var round = 0; round < 5; round++)
        {
            var listId = await first.CreateListAsync(NewName("race"), RuleListKind.Merchant, RuleListPurpose.Reference);
            var page = $"/RuleLists/Details/{RuleSteps.Id(listId)}";
            var responses = await AtOnceAsync([first, second], $"/RuleLists/Add/{RuleSteps.Id(listId)}", page, new() { ["Entry"] = merchant, ["Reason"] = "watched" });
            var onTheList = await factory.QueryAsync(db => db.RuleListEntries.CountAsync(e => e.ListId == listId && e.RemovedUtc == null));
            if (responses.Any(r => (int)r.StatusCode >= 500) || onTheList != 1)
                failures.Add($"round {round}: {string.Join(", ", responses.Select(r => (int)r.StatusCode))}, {onTheList} on the list");
        }

        // Assert
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Fact]
    public async Task Create_SameNameByTwoAnalystsAtOnce_OneListAndTheOtherTold()
    {
        // Arrange
        using var first = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        using var second = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var failures = new List<string>();

        // Act
        for (var round = 0; round < 5; round++)
        {
            var name = NewName("twin");
            var responses = await AtOnceAsync([first, second], "/RuleLists/Create", "/RuleLists/Create",
                new() { ["Name"] = name, ["Kind"] = nameof(RuleListKind.Card), ["Purpose"] = nameof(RuleListPurpose.Block), ["Description"] = "" });
            var lists = await factory.QueryAsync(db => db.RuleLists.CountAsync(l => l.Name == name));
            if (responses.Any(r => (int)r.StatusCode >= 500) || lists != 1 || responses.Count(r => r.StatusCode == HttpStatusCode.Redirect) != 1)
                failures.Add($"round {round}: {string.Join(", ", responses.Select(r => (int)r.StatusCode))}, {lists} lists");
        }

        // Assert
        Assert.True(failures.Count == 0, string.Join("; ", failures));
    }

    [Fact]
    public async Task Details_CategoryListInChinese_CategoryChoicesInChineseWithTheStoredValues()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var listId = await analyst.CreateListAsync(NewName("kinds"), RuleListKind.MerchantCategory, RuleListPurpose.Reference);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var page = await Html.GetPageAsync(analyst.Client, $"/RuleLists/Details/{RuleSteps.Id(listId)}");

        // Assert: each choice posts the category as merchants have it and reads as the Chinese page says it
        var options = page.QuerySelectorAll("select#category option").ToList();
        Assert.NotEmpty(options);
        Assert.All(options, o => Assert.Equal(Chinese.Of(o.GetAttribute("value")!), o.TextContent.Trim()));
    }

    [Fact]
    public async Task Details_EntriesAddedInEnglishReadInChinese_MerchantAndCategoryNamedInChinese()
    {
        // Arrange: a merchant and its category added from English pages
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var terminal = await factory.QueryAsync(db => db.Terminals.Where(t => t.Id == merchant).Select(t => new { t.Name, t.Category }).SingleAsync());
        var merchants = await analyst.CreateListAsync(NewName("shops"), RuleListKind.Merchant, RuleListPurpose.Reference);
        var categories = await analyst.CreateListAsync(NewName("kinds"), RuleListKind.MerchantCategory, RuleListPurpose.Reference);
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.AddToListAsync(merchants, merchant.ToString(CultureInfo.InvariantCulture), "watched for a test")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.AddToListAsync(categories, terminal.Category, "watched for a test")).StatusCode);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var merchantPage = await Html.GetPageAsync(analyst.Client, $"/RuleLists/Details/{RuleSteps.Id(merchants)}");
        var categoryPage = await Html.GetPageAsync(analyst.Client, $"/RuleLists/Details/{RuleSteps.Id(categories)}");

        // Assert
        var merchantLabel = merchantPage.QuerySelector("[data-testid=entry] strong")!.TextContent.Trim();
        Assert.Equal(Chinese.Of("{0} ({1}, #{2})", terminal.Name, Chinese.Of(terminal.Category), merchant), merchantLabel);
        Assert.DoesNotContain($"({terminal.Category},", merchantLabel, StringComparison.Ordinal);
        Assert.Equal(Chinese.Of(terminal.Category), categoryPage.QuerySelector("[data-testid=entry] strong")!.TextContent.Trim());
    }

    [Fact]
    public async Task Add_MerchantAlreadyOnTheListInChinese_MessageNamesItInChinese()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var category = await factory.QueryAsync(db => db.Terminals.Where(t => t.Id == merchant).Select(t => t.Category).SingleAsync());
        var listId = await analyst.CreateListAsync(NewName("shops"), RuleListKind.Merchant, RuleListPurpose.Reference);
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.AddToListAsync(listId, merchant.ToString(CultureInfo.InvariantCulture), "watched for a test")).StatusCode);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var again = await analyst.AddToListAsync(listId, merchant.ToString(CultureInfo.InvariantCulture), "watched again");

        // Assert
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        var messages = Html.ValidationMessages(await Html.ParseAsync(again));
        Assert.Contains(messages, m => m.Contains(Chinese.Of(category), StringComparison.Ordinal));
        // The English category nowhere in the entry's label (a merchant's own name may hold the word, e.g. "Redwood Electronics").
        Assert.DoesNotContain(messages, m => m.Contains($"({category}", StringComparison.Ordinal) || m.Contains($"（{category}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Remove_EntryWaitingForApproval_WithdrawnNeverInForceAndHeadingCountsIt()
    {
        // Arrange (rules review: a waiting allow-list entry could not be removed, "already removed", and the heading said 0)
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var merchant = RuleSteps.Id(await Merchants.OrdinaryAsync(factory));
        var listId = await analyst.CreateListAsync(NewName("trusted"), RuleListKind.Merchant, RuleListPurpose.Allow);
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.AddToListAsync(listId, merchant, "trusted for a test")).StatusCode);
        var page = $"/RuleLists/Details/{RuleSteps.Id(listId)}";
        var before = await Html.GetPageAsync(analyst.Client, page);
        var entryId = await factory.QueryAsync(db => db.RuleListEntries.Where(e => e.ListId == listId).Select(e => e.Id).SingleAsync());

        // Act
        var removed = await Html.SubmitAsync(analyst.Client, $"/RuleLists/Remove/{RuleSteps.Id(listId)}",
            new Dictionary<string, string> { ["EntryId"] = RuleSteps.Id(entryId), ["Reason"] = "added by mistake" }, page);
        var again = await analyst.AddToListAsync(listId, merchant, "the right one this time");

        // Assert
        Assert.Equal("Entries (0 in force, 1 waiting for approval)", before.QuerySelector("#entries-heading")!.TextContent.Trim());
        Assert.Equal(HttpStatusCode.Redirect, removed.StatusCode);
        var entry = await factory.QueryAsync(db => db.RuleListEntries.AsNoTracking().SingleAsync(e => e.Id == entryId));
        Assert.NotNull(entry.RemovedUtc);
        Assert.Null(entry.ApprovedUtc);
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        // The log says "Waiting for approval", as the page does (review: adding said "Pending", removing the page's words).
        var logged = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(a => a.TargetType == "rule-list" && a.TargetId == RuleSteps.Id(listId))
            .OrderBy(a => a.Id).Select(a => a.Before ?? a.After).ToListAsync());
        Assert.All(logged.Skip(1), json => Assert.Contains("\"WaitingForApproval\":true", json, StringComparison.Ordinal));
        Assert.DoesNotContain(logged, json => json!.Contains("Pending", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RulesPage_InChinese_IntroWithoutSpacesBetweenItsPieces()
    {
        // Arrange (Chinese UI test: "决定： 允许名单，然后是 允许规则 （批准")
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", "zh-CN");

        // Act
        var page = await Html.GetPageAsync(analyst.Client, "/Rules");

        // Assert
        var intro = page.QuerySelector("p.text-muted")!.TextContent.Trim();
        Assert.Contains(Chinese.Of("Every payment is scored by the model, then decided in this order:") + Chinese.Of("allow lists") + Chinese.Of(", then") + Chinese.Of("allow rules") + Chinese.Of("(approve, skipping every block and review);"), intro, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Add_CategoryInAnotherCase_StoredAsTheMerchantsSpellIt()
    {
        // Arrange (rules review: "ENTERTAINMENT" was "not one of the merchants' categories")
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var category = await factory.QueryAsync(db => db.Terminals.Where(t => t.Id == merchant).Select(t => t.Category).SingleAsync());
        var listId = await analyst.CreateListAsync(NewName("kinds"), RuleListKind.MerchantCategory, RuleListPurpose.Reference);

        // Act
        var added = await analyst.AddToListAsync(listId, category.ToUpperInvariant(), "watched for a test");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Equal(category, await factory.QueryAsync(db => db.RuleListEntries.Where(e => e.ListId == listId).Select(e => e.Value).SingleAsync()));
    }

    [Theory]
    [InlineData("Cafés")]
    [InlineData("CAFÉS")]
    public async Task Add_CategoryWithAnAccent_StoredAsTheMerchantsSpellIt(string typed)
    {
        // Arrange (Chinese review: choosing 咖啡馆, value "Cafés", from the page's own list was refused: SQLite's upper() leaves "é" alone)
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        Assert.True(await factory.QueryAsync(db => db.Terminals.AnyAsync(t => t.Category == "Cafés")));
        var listId = await analyst.CreateListAsync(NewName("cafes"), RuleListKind.MerchantCategory, RuleListPurpose.Reference);

        // Act
        var added = await analyst.AddToListAsync(listId, typed, "watched for a test");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Equal("Cafés", await factory.QueryAsync(db => db.RuleListEntries.Where(e => e.ListId == listId).Select(e => e.Value).SingleAsync()));
    }

    [Fact]
    public async Task Create_ConditionPaddedPastTheLimit_SavedTrimmed()
    {
        // Arrange (rules review: the form counted the spaces around a condition and gave no position)
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var response = await analyst.SubmitRuleAsync(NewName("padded"), RuleAction.Review, "amount > 5" + new string(' ', 1_995));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    [Fact]
    public async Task Editor_ListWithOneEntry_SaysOneEntry()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var name = NewName("one");
        var list = await analyst.CreateListAsync(name, RuleListKind.Merchant, RuleListPurpose.Reference);
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.AddToListAsync(list, (await Merchants.OrdinaryAsync(factory)).ToString(CultureInfo.InvariantCulture), "watched for a test")).StatusCode);

        // Act
        var page = await Html.GetPageAsync(analyst.Client, "/Rules/Create");

        // Assert: the editor's list of lists counts in English as English counts ("1 entry", not "1 entries")
        var line = page.QuerySelectorAll("li").Single(li => li.QuerySelector("code")?.TextContent == "@" + name).TextContent.Trim();
        Assert.EndsWith(", 1 entry", line, StringComparison.Ordinal);
    }
}
