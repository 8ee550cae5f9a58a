using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Services.Transactions;

namespace FraudWeb.Tests.Web.Transactions;

public sealed class PaymentConfirmationTests
{
    private static readonly Card Card = Card.Simulated(1, "fingerprint", "4242", 20_000m, new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc));

    [Fact]
    public void Check_FiveTimesAnAverageOfThirds_AskedAndSaysFiveTimesNotFour()
    {
        // Arrange: 66.67 + 66.67 + 66.66 average 66.6667; 333.34 is five times that (review finding, 2026-12-04: the
        // multiple was taken against the rounded 66.67 and read "4 times")
        var spend = new WindowTotals(0, 0, 3, 0m, 0m, 200m);

        // Act
        var check = PaymentConfirmation.Check(Card, spend, 333.34m);

        // Assert
        Assert.NotNull(check);
        Assert.Equal(ConfirmReason.UnusualForCard, check.Reason);
        Assert.Equal(66.67m, check.Reference);
        Assert.Equal(5m, Math.Floor(check.Multiple));
    }

    [Fact]
    public void Check_JustUnderFiveTimes_NotAsked()
    {
        // Arrange
        var spend = new WindowTotals(0, 0, 3, 0m, 0m, 200m);

        // Act + Assert
        Assert.Null(PaymentConfirmation.Check(Card, spend, 333.33m));
    }
}
