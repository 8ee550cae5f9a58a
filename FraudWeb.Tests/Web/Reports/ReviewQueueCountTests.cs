using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>
/// The queue's counts stop past a thousand ("more than 1,000"): an exact count read every waiting item, tens of
/// thousands at a bank's volume. Below the cap they are exact. Its own app: a thousand held payments would crowd
/// every other test's queue.
/// </summary>
public sealed class ReviewQueueCountTests(FraudWebFactory factory) : IClassFixture<FraudWebFactory>
{
    [Fact]
    public async Task Index_MoreThanTheCapWaiting_SaysMoreThanTheCapAndShowsTheHighestRiskFirst()
    {
        // Arrange: 1,005 of the seeded payments held for review as the payment path stores them, at risks 50-99 (by id)
        await factory.QueryAsync(db => db.Database.ExecuteSqlRawAsync(
            "UPDATE \"Transactions\" SET \"Decision\" = 'Review', \"Label\" = 'Unknown', \"LabelledBy\" = NULL, \"LabelledUtc\" = NULL, \"RiskScore\" = 50 + \"Id\" % 50 " +
            "WHERE \"Id\" IN (SELECT \"Id\" FROM \"Transactions\" ORDER BY \"Id\" LIMIT 1005)"));
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var all = await Html.GetPageAsync(analyst.Client, "/Review");
        var top = await Html.GetPageAsync(analyst.Client, "/Review?MinRisk=99");
        var most = await Html.GetPageAsync(analyst.Client, "/Review?MinRisk=50");

        // Assert: capped over the whole queue, exact for the 20 at risk 99 (ids 49, 99, ... 999), which come first
        Assert.Equal("more than 1,000", all.QuerySelector("[data-testid=queue-count]")!.TextContent.Trim());
        Assert.Equal("20", top.QuerySelector("[data-testid=queue-count]")!.TextContent.Trim());
        Assert.StartsWith("20 of more than 1,000 waiting match.", top.QuerySelector("[data-testid=queue-filtered]")!.TextContent.Trim(), StringComparison.Ordinal);
        // Both counts capped: one "more than", not "more than 1,000 of more than 1,000"
        Assert.StartsWith("More than 1,000 waiting items match.", most.QuerySelector("[data-testid=queue-filtered]")!.TextContent.Trim(), StringComparison.Ordinal);
        var first = all.QuerySelectorAll("[data-testid=review-item]")
            .Select(i => long.Parse(i.GetAttribute("data-transaction-id")!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal([49L, 99, 149, 199, 249, 299, 349, 399, 449, 499], first);
    }
}
