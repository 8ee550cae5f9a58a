using Bunit;
using FraudWeb.Components;
using System.Globalization;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Tests.Web.Localization;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.Tests.Components;

/// <summary>The paged table of payments: one row each with its link, amount in euros and status; labels for phones; paging links.</summary>
public sealed class TransactionTableTests : ComponentTestContext
{
    private static TransactionRowViewModel Row(long id, PaymentStatus status, string? label = null, string? report = null, string? settlement = null) =>
        new(id, new DateTime(2026, 11, 30, 14, 5, 0, DateTimeKind.Utc), "4242", "Meadow Cinema, Northam", "Entertainment", 23.4m, status, 12, label, report, settlement);

    [Fact]
    public void Render_NoRows_SaysTheEmptyText()
    {
        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, []).Add(t => t.EmptyText, "Nothing suspicious so far."));

        // Assert
        cut.MarkupMatches("""<p class="text-muted mb-0">Nothing suspicious so far.</p>""");
    }

    [Fact]
    public void Render_Rows_OneRowEachWithLinkAmountCardAndLabelledCells()
    {
        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, [Row(7, PaymentStatus.Approved), Row(9, PaymentStatus.Review)]).Add(t => t.Caption, "Payment history"));

        // Assert
        var rows = cut.FindAll("tbody tr");
        Assert.Equal(["7", "9"], rows.Select(r => r.GetAttribute("data-transaction-id")));
        Assert.Equal("/Transactions/Details/7", rows[0].QuerySelector("a")!.GetAttribute("href"));
        Assert.Equal(LocalTime.In(TimeZoneInfo.Utc).Format(new DateTime(2026, 11, 30, 14, 5, 0, DateTimeKind.Utc)), rows[0].QuerySelector("a")!.TextContent);
        Assert.Equal(["When", "Merchant", "Card", "Amount", "Verdict"], rows[0].QuerySelectorAll("td").Select(td => td.GetAttribute("data-label")));
        Assert.Contains("€23.40", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("•••• 4242", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Review", rows[1].QuerySelector("[data-decision]")!.GetAttribute("data-decision"));
        Assert.Equal("Payment history", cut.Find("caption").TextContent);
        Assert.Empty(cut.FindAll("nav"));
    }

    [Fact]
    public void Render_TwoPaymentsInOneMinute_LinksNamedApartBeginningWithTheTime()
    {
        // Arrange: same minute, so the same visible time
        var other = Row(9, PaymentStatus.Approved) with { Merchant = "Harbour Books", Amount = 8m };

        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, [Row(7, PaymentStatus.Approved), other]));

        // Assert
        var time = LocalTime.In(TimeZoneInfo.Utc).Format(new DateTime(2026, 11, 30, 14, 5, 0, DateTimeKind.Utc));
        Assert.Equal([$"{time} (€23.40 at Meadow Cinema, Northam, •••• 4242)", $"{time} (€8.00 at Harbour Books, •••• 4242)"],
            cut.FindAll("tbody a").Select(a => a.GetAttribute("aria-label")));
    }

    [Fact]
    public void Render_ConfirmedFraudNotRefunded_SaysConfirmedFraud()
    {
        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, [Row(1, PaymentStatus.DeclinedAfterReview, label: "Fraud")]));

        // Assert
        Assert.Equal("Confirmed fraud", cut.Find(".badge.text-bg-dark").TextContent);
        Assert.Empty(cut.FindAll("[data-testid=refund-note]"));
    }

    [Fact]
    public void Render_Refunded_SaysCreditedBackNotConfirmedFraudBadge()
    {
        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, [Row(1, PaymentStatus.Refunded, label: "Fraud", report: "NotMe: Confirmed")]));

        // Assert: the refunded badge already says confirmed fraud
        Assert.Empty(cut.FindAll(".badge.text-bg-dark"));
        Assert.Equal("The amount has been credited back to your card.", cut.Find("[data-testid=refund-note]").TextContent);
        Assert.Equal(ReportStatusText.For("NotMe: Confirmed"), cut.Find("[data-testid=report-status]").TextContent);
    }

    [Fact]
    public void Render_SettlementReason_ShownUnderTheStatus()
    {
        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, [Row(1, PaymentStatus.DeclinedAfterReview, settlement: "The card's credit was used up meanwhile.")]));

        // Assert
        Assert.Equal("The card's credit was used up meanwhile.", cut.Find("[data-testid=settlement-reason]").TextContent);
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void Render_PagedHistory_NewerOlderAndNewestLinkWhereThereIsMoreAndAtTheEndsAreNoLinks(bool hasNewer, bool hasOlder)
    {
        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, [Row(1, PaymentStatus.Approved)])
            .Add(t => t.Caption, "Payment history").Add(t => t.TotalCount, 12)
            .Add(t => t.NewerHref, hasNewer ? "/Profile?cursor=bjox#transactions" : null).Add(t => t.OlderHref, hasOlder ? "/Profile?cursor=bzox#transactions" : null)
            .Add(t => t.NewestHref, "/Profile#transactions"));

        // Assert: newest, newer, the count, older; past either end there is nothing to follow or focus.
        Assert.Equal("Payment history pages", cut.Find("nav").GetAttribute("aria-label"));
        var items = cut.FindAll(".pagination .page-item");
        Assert.Equal(["Newest payments", "Newer payments", "12 payments in all", "Older payments"], items.Select(i => i.TextContent));
        Assert.Equal(hasNewer ? "/Profile#transactions" : null, items[0].QuerySelector("a")?.GetAttribute("href"));
        Assert.Equal(hasNewer ? "/Profile?cursor=bjox#transactions" : null, items[1].QuerySelector("a")?.GetAttribute("href"));
        Assert.Equal(hasOlder ? "/Profile?cursor=bzox#transactions" : null, items[3].QuerySelector("a")?.GetAttribute("href"));
        Assert.Equal(!hasNewer, items[0].ClassList.Contains("disabled"));
        Assert.Equal(!hasNewer, items[1].ClassList.Contains("disabled"));
        Assert.Equal(!hasOlder, items[3].ClassList.Contains("disabled"));
        Assert.Equal(hasNewer ? null : "true", items[1].QuerySelector("span")?.GetAttribute("aria-disabled"));
        Assert.Equal(hasOlder ? null : "true", items[3].QuerySelector("span")?.GetAttribute("aria-disabled"));
    }

    [Theory]
    [InlineData("en", "200,229 payments in all")]
    [InlineData("zh-CN", "200,229")]
    public void Render_LongHistory_TotalWithTheLanguagesThousandsSeparator(string language, string expected)
    {
        // Arrange (exploratory testing, volume: "200229 payments in all" after two years of payments)
        using var culture = CultureScope.Use(language == "en" ? CultureInfo.GetCultureInfo("en") : Chinese.Culture);

        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, [Row(1, PaymentStatus.Approved)])
            .Add(t => t.TotalCount, 200229).Add(t => t.OlderHref, "/Profile?cursor=bzox#transactions").Add(t => t.NewestHref, "/Profile#transactions"));

        // Assert
        var total = cut.FindAll(".pagination .page-item")[2].TextContent;
        Assert.Contains(expected, total, StringComparison.Ordinal);
        Assert.DoesNotContain("200229", total, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_OnePage_NoPaging()
    {
        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, [Row(1, PaymentStatus.Approved)])
            .Add(t => t.TotalCount, 1).Add(t => t.NewestHref, "/Profile#transactions"));

        // Assert
        Assert.Empty(cut.FindAll("nav"));
    }

    [Fact]
    public void Render_Chinese_HeadingsStatusAndTimeInChinese()
    {
        // Arrange
        using var chinese = CultureScope.Use(Chinese.Culture);

        // Act
        var cut = Render<TransactionTable>(p => p.Add(t => t.DetailsPath, "/Transactions/Details").Add(t => t.Rows, [Row(7, PaymentStatus.Approved)]).Add(t => t.Caption, "Payment history"));

        // Assert: the column names, the badge's words and the time as Chinese readers write it
        var row = cut.Find("tbody tr");
        Assert.Equal([Chinese.Of("When"), Chinese.Of("Merchant"), Chinese.Of("Card"), Chinese.Of("Amount"), Chinese.Of("Verdict")],
            row.QuerySelectorAll("td").Select(td => td.GetAttribute("data-label")));
        Assert.Equal("2026/11/30 14:05", row.QuerySelector("a")!.TextContent);
        Assert.Contains(Chinese.Of("Approved"), row.QuerySelector("[data-decision]")!.TextContent, StringComparison.Ordinal);
    }
}
