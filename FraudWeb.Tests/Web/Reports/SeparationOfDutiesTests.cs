using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>An analyst never decides a payment on their own card (no self-refund); every decision is audited.</summary>
public sealed class SeparationOfDutiesTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    /// <summary>A card holder with a held payment who is also an analyst, signed in again to get the new role.</summary>
    private async Task<(CardHolderSession Analyst, long TransactionId)> AnalystWithOwnHeldPaymentAsync()
    {
        var (holder, _, id) = await factory.NewHolderPaidAsync(250m, ControlledRiskModel.HeldProbability, Decision.Review);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByEmailAsync(holder.Email))!, Roles.Analyst)).Succeeded);
        }
        await holder.SignOutAsync();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.SignInAsync(FraudWebFactory.Password)).StatusCode);
        return (holder, id);
    }

    private Task<List<AuditEntry>> DecisionsOnAsync(long transactionId) =>
        factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.Action == AuditActions.ReviewDecide && e.TargetId == transactionId.ToString()).ToListAsync());

    [Fact]
    public async Task Decide_HeldPaymentOnOwnCard_RefusedAndUnlabelled()
    {
        // Arrange
        var (analyst, id) = await AnalystWithOwnHeldPaymentAsync();
        using var _ = analyst;

        // Act
        var response = await analyst.DecideAsync(id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(FraudLabel.Unknown, (await factory.TransactionAsync(id)).Label);
        Assert.Empty(await DecisionsOnAsync(id));
    }

    [Fact]
    public async Task Decide_ReportOnOwnCard_RefusedAndReportStaysOpen()
    {
        // Arrange
        var (analyst, id) = await AnalystWithOwnHeldPaymentAsync();
        using var _ = analyst;
        Assert.Equal(HttpStatusCode.Redirect, (await analyst.ReportAsync(id, ReportKind.ThisWasMe, "That was me, buying a present.")).StatusCode);

        // Act
        var response = await analyst.DecideAsync(id, confirm: true);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(ReportStatus.Open, (await factory.ReportOfAsync(id)).Status);
        Assert.Equal(FraudLabel.Unknown, (await factory.TransactionAsync(id)).Label);
    }

    [Fact]
    public async Task Decide_AnotherAnalyst_DecisionAuditedWithOutcome()
    {
        // Arrange
        var (holder, _, id) = await factory.NewHolderPaidAsync(250m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _ = holder;

        // Act
        var response = await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: false);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(FraudLabel.Legitimate, (await factory.TransactionAsync(id)).Label);
        var entry = Assert.Single(await DecisionsOnAsync(id));
        Assert.Contains("Legitimate", entry.After, StringComparison.Ordinal);
    }
}
