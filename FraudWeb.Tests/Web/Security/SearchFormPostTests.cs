using System.Net;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Security;

/// <summary>
/// Auditor's finding: a whole card number typed into a list's search box reached the URL (access logs, history,
/// Referer) before the redirect to its last four. The boxes post now, and are sent on to the list's GET address with
/// only the last four; a plain GET link with a safe query still works (bookmarks, paging).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class SearchFormPostTests(FraudWebFactory factory)
{
    private const string Number = "4111111111111111";

    public static TheoryData<string, string, string, string> Lists => new()
    {
        { Roles.Admin, "/AdminUsers", "Search", "/AdminUsers?Search=1111" },
        { Roles.Admin, "/AdminAudit", "Target", "/AdminAudit?Target=1111" },
        { Roles.Analyst, "/Review", "Search", "/Review?Search=1111" },
        { Roles.Admin, "/AdminApiKeys", "owner", "/AdminApiKeys?owner=1111" },
    };

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task SearchForm_ListPage_PostsWithAnAntiforgeryToken(string role, string list, string field, string expected)
    {
        // Arrange
        _ = expected;
        using var staff = await ReviewSteps.SignedInAsAsync(factory, role);

        // Act
        var page = await Html.GetPageAsync(staff.Client, list);

        // Assert
        var form = page.QuerySelector("form[role=search]")!;
        Assert.NotNull(form.QuerySelector($"input[name={field}]"));
        Assert.Equal("post", form.GetAttribute("method"), ignoreCase: true);
        Assert.NotNull(form.QuerySelector("input[name=__RequestVerificationToken]"));
    }

    [Theory]
    [MemberData(nameof(Lists))]
    public async Task Post_SearchHoldsAWholeCardNumber_SeeOtherToTheLastFourAndTheListWorks(string role, string list, string field, string expected)
    {
        // Arrange
        using var staff = await ReviewSteps.SignedInAsAsync(factory, role);

        // Act
        using var response = await Html.SubmitAsync(staff.Client, list, [new(field, "4111 1111 1111 1111")]);
        using var listed = await staff.Client.GetAsync(response.Headers.Location);

        // Assert: the number is in no address, and the list answers at the one it was sent to
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(expected, Html.Location(response));
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        var page = await Html.ParseAsync(listed);
        Assert.Equal("1111", page.QuerySelector($"form[role=search] input[name={field}]")!.GetAttribute("value"));
        Assert.DoesNotContain(Number, page.Source.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ReviewFilters_SentOnWithEveryFilterKept()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        using var response = await Html.SubmitAsync(analyst.Client, "/Review",
            [new("Kind", "held"), new("MinRisk", "10"), new("MaxRisk", ""), new("Search", "card " + Number + " please")]);

        // Assert: empty fields left out, the number masked inside the text
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        var location = Uri.UnescapeDataString(Html.Location(response));
        Assert.StartsWith("/Review?Kind=held&MinRisk=10&Search=card ", location, StringComparison.Ordinal);
        Assert.DoesNotContain(Number, location, StringComparison.Ordinal);
        Assert.DoesNotContain("MaxRisk", location, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/AdminUsers?Search=1111&Status=active")]
    [InlineData("/AdminAudit?Operation=user.lock&From=2026-01-01")]
    public async Task Get_SafeQuery_ListServedAsBookmarked(string address)
    {
        // Arrange
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);

        // Act
        using var response = await admin.Client.GetAsync(address);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
