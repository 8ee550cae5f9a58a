using System.Net;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Reports;
using LinqKit;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>The status rule's expression, translated to SQL, agrees with the entity's own property on every kind of row.</summary>
public sealed class PaymentStatusQueryTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    [Fact]
    public async Task StatusExpression_InSql_MatchesEntityPropertyForEveryStatus()
    {
        // Arrange: one payment of each status, beside the seeded (unscored) history.
        var (holder, card, approved) = await factory.NewHolderPaidAsync(100m, ControlledRiskModel.ApprovedProbability, Decision.Approved);
        using var _ = holder;
        var held = await factory.PayAtRiskAsync(holder, card, 20m, ControlledRiskModel.HeldProbability);
        var cleared = await factory.PayAtRiskAsync(holder, card, 21m, ControlledRiskModel.HeldProbability);
        var stopped = await factory.PayAtRiskAsync(holder, card, 22m, ControlledRiskModel.HeldProbability);
        var declined = await factory.PayAtRiskAsync(holder, card, 23m, 0.95);
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, cleared, confirm: false)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, stopped, confirm: true)).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(approved, ReportKind.NotMe, "I have never shopped there.")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, approved, confirm: true)).StatusCode);

        // Act
        var inSql = await factory.QueryAsync(db => db.Transactions.AsNoTracking()
            .Select(t => new { t.Id, Status = PaymentStatusRule.Expression.Invoke(t) }).ToDictionaryAsync(r => r.Id, r => r.Status));
        var inMemory = await factory.QueryAsync(db => db.Transactions.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Status));
        var refundedInSql = await factory.QueryAsync(db => db.Transactions.Where(t => PaymentStatusRule.Expression.Invoke(t) == PaymentStatus.Refunded)
            .Select(t => t.Id).ToListAsync());

        // Assert
        Assert.Equal(inMemory, inSql);
        Assert.Equal(PaymentStatus.Refunded, inSql[approved]);
        Assert.Equal(PaymentStatus.Review, inSql[held]);
        Assert.Equal(PaymentStatus.ApprovedAfterReview, inSql[cleared]);
        Assert.Equal(PaymentStatus.DeclinedAfterReview, inSql[stopped]);
        Assert.Equal(PaymentStatus.Declined, inSql[declined]);
        Assert.Contains(PaymentStatus.NotScored, inSql.Values);
        Assert.Equal([approved], refundedInSql);
    }
}
