using System.Globalization;
using FraudWeb.Services.Transactions;

namespace FraudWeb.Tests.Web.Api;

/// <summary>The payment's Idempotency-Key hash: stored with each payment, so keys from earlier releases must still match.</summary>
public sealed class ApiPaymentIdempotencyTests
{
    [Theory]
    // SHA-256 of "POST /api/v1/payments 12 34 129.90" and "... 5.00", as the API controller hashed them before the move.
    [InlineData(129.9, "c16a6f1d3d410ed06609749bc04d6233ab71c06206797525ade39851ab7b6f35")]
    [InlineData(5, "795677286638813af345dff69bae87d3e2fb7129f20b5b4e37f3a3d6f6433bbd")]
    public void ApiIdempotency_SameValues_HashAsStoredBefore(double amount, string expected)
    {
        // Act
        var key = TransactionService.ApiIdempotency(7, "retry-1", 12, 34, (decimal)amount);

        // Assert
        Assert.Equal(expected, key.RequestHash);
        Assert.Equal(7, key.ApiKeyId);
        Assert.Equal("retry-1", key.Key);
    }

    [Fact]
    public void ApiIdempotency_CultureWithCommaDecimals_SameHash()
    {
        // Arrange: a request's culture (Accept-Language) must not change what "the same request" is.
        var before = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            // Act
            var key = TransactionService.ApiIdempotency(7, "retry-1", 12, 34, 129.90m);

            // Assert
            Assert.Equal("c16a6f1d3d410ed06609749bc04d6233ab71c06206797525ade39851ab7b6f35", key.RequestHash);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void ApiIdempotency_OtherAmount_OtherHash()
    {
        // Act
        var first = TransactionService.ApiIdempotency(7, "retry-1", 12, 34, 129.90m);
        var other = TransactionService.ApiIdempotency(7, "retry-1", 12, 34, 129.91m);

        // Assert
        Assert.NotEqual(first.RequestHash, other.RequestHash);
    }
}
