using FraudWeb.Api;
using FraudWeb.Services.Paging;

namespace FraudWeb.Tests.Web.Api;

/// <summary>The app's one cursor format: the API's cursors unchanged by it, each list's cursors refused by the others.</summary>
public sealed class PageCursorTests
{
    [Fact]
    public void EncodeCursor_PaymentId_SameTextAsBeforeTheSharedFormat()
    {
        // Act / Assert: the example in docs/api.md, which clients may hold
        Assert.Equal("cDo5MzgxMg", PaymentResources.EncodeCursor(93812));
        Assert.Equal(93812, PaymentResources.DecodeCursor("cDo5MzgxMg"));
    }

    [Fact]
    public void Decode_KeysetCursor_RoundTripsAndNotAnApiCursor()
    {
        // Arrange
        var at = KeysetCursor.OlderThan(new DateTime(2026, 12, 4, 10, 30, 15, 123, DateTimeKind.Utc).AddTicks(4567), 42);

        // Act
        var text = at.Encode();

        // Assert
        Assert.Equal(at, KeysetCursor.Decode(text));
        Assert.Equal(DateTimeKind.Utc, KeysetCursor.Decode(text)!.Value.TimestampUtc.Kind);
        Assert.Equal(KeysetCursor.NewerThan(at.TimestampUtc, 42), KeysetCursor.Decode(KeysetCursor.NewerThan(at.TimestampUtc, 42).Encode()));
        Assert.Null(PaymentResources.DecodeCursor(text));
        Assert.Null(KeysetCursor.Decode(PaymentResources.EncodeCursor(42)));
    }
}
