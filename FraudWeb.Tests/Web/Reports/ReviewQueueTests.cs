using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>The queue is one database query over open reports and unreported held payments, ordered and paged there.</summary>
public sealed class ReviewQueueTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    [Fact]
    public async Task Queue_HeldPaymentsReportedOrNot_EachListedOnceHighestRiskFirstAcrossPages()
    {
        // Arrange: more held payments than one page, two risks; one held payment also reported.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(20000m);
        var merchant = await Merchants.OrdinaryAsync(factory);
        var held = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            factory.Risk.Probability = i % 2 == 0 ? 0.655 : 0.735;
            held.Add(await holder.PayAndGetIdAsync(card, merchant, 10m + i));
        }
        factory.Risk.Probability = ControlledRiskModel.HeldProbability;
        var reported = held[3];
        await holder.ReportAsync(reported, ReportKind.ThisWasMe, "That was me, at the bakery.");
        var reportId = await factory.QueryAsync(db => db.FraudReports.Where(r => r.TransactionId == reported).Select(r => r.Id).SingleAsync());
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act: every page
        var items = new List<(long Transaction, string Report, int Risk)>();
        var total = -1;
        await foreach (var document in analyst.QueuePagesAsync(maxPages: int.MaxValue))
        {
            if (total < 0) total = int.Parse(document.QuerySelector("[data-testid=queue-count]")!.TextContent, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            foreach (var item in document.QuerySelectorAll("[data-testid=review-item]"))
            {
                var risk = item.QuerySelector("[data-testid=risk]")!.TextContent.Replace("Risk", "", StringComparison.Ordinal).Trim();
                items.Add((long.Parse(item.GetAttribute("data-transaction-id")!, CultureInfo.InvariantCulture),
                    item.GetAttribute("data-report-id") ?? "", int.Parse(risk, CultureInfo.InvariantCulture)));
            }
        }

        // Assert
        Assert.Equal(total, items.Count);
        Assert.Equal(items.Count, items.Select(i => i.Transaction).Distinct().Count());
        Assert.All(held, id => Assert.Single(items, i => i.Transaction == id));
        Assert.Equal(reportId.ToString(CultureInfo.InvariantCulture), items.Single(i => i.Transaction == reported).Report);
        Assert.All(items.Where(i => i.Transaction != reported && held.Contains(i.Transaction)), i => Assert.Equal("", i.Report));
        Assert.Equal(items.Select(i => i.Risk).OrderByDescending(r => r), items.Select(i => i.Risk));
        Assert.Equal(2, items.Where(i => held.Contains(i.Transaction)).Select(i => i.Risk).Distinct().Count());
    }

    [Fact]
    public async Task Queue_HolderPaidOnSecondCard_ItemListsThatPaymentWithItsCardButNotOtherHolders()
    {
        // Arrange: one holder, two cards; the payment on the second card is approved, the one on the first is held
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var first = await holder.AddCardAsync(5000m);
        var second = await holder.AddCardAsync(5000m);
        await factory.PayAtRiskAsync(holder, second, 23.45m, ControlledRiskModel.ApprovedProbability);
        var held = await factory.PayAtRiskAsync(holder, first, 67.89m, ControlledRiskModel.HeldProbability);
        var (stranger, _, _) = await factory.NewHolderPaidAsync(31.17m, ControlledRiskModel.ApprovedProbability, Decision.Approved);
        stranger.Dispose();
        var secondLast4 = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == second).Select(c => c.Last4).SingleAsync());
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var firstLast4 = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == first).Select(c => c.Last4).SingleAsync());
        var page = await Html.GetPageAsync(analyst.Client, "/Review?Kind=held&Search=" + firstLast4);
        var item = page.QuerySelectorAll("[data-testid=review-item]").Single(i => i.GetAttribute("data-transaction-id") == held.ToString(CultureInfo.InvariantCulture));
        var rows = item.QuerySelectorAll("[data-testid=holder-payment]");

        // Assert: the second card's payment is there, named by its card; nobody else's is
        Assert.Contains(item.QuerySelectorAll("h3"), h => h.TextContent == "Card holder's recent payments");
        var row = Assert.Single(rows, r => r.TextContent.Contains("€23.45", StringComparison.Ordinal));
        Assert.EndsWith(secondLast4, row.QuerySelector("[data-testid=holder-payment-card]")!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(rows, r => r.TextContent.Contains("€31.17", StringComparison.Ordinal));
    }
}
