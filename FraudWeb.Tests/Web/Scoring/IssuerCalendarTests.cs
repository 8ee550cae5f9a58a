using System.Globalization;
using System.Net;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Scoring;

/// <summary>
/// A Shanghai issuer's calendar (UTC+8) decides card expiry and coming of age: between 16:00 and 24:00 UTC it is
/// already tomorrow there. These tests move their own app's clock to such an hour at a month's end.
/// </summary>
public sealed class IssuerCalendarTests(ShanghaiIssuerFactory factory) : IClassFixture<ShanghaiIssuerFactory>
{
    [Fact]
    public async Task Pay_CardExpiringThisMonthAfterMidnightInShanghai_RefusedAsExpired()
    {
        // Arrange (edge-case review: expiry was checked on UTC's date, so the card paid for 8 hours into the next month)
        MoveToLastDayOfMonthAt(hourUtc: 15); // 23:00 in Shanghai: the card's last valid hour
        var lastDay = factory.Clock.UtcNow;
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(new CardFormBuilder().WithExpiry(lastDay.Month, lastDay.Year))).StatusCode);
        var cardId = Assert.Single(await holder.CardIdsAsync());
        var merchant = await Merchants.OrdinaryAsync(factory);
        factory.Clock.Advance(TimeSpan.FromHours(2)); // 01:00 on the 1st in Shanghai, still the last day in UTC
        Assert.Equal(lastDay.Month, factory.Clock.UtcNow.Month);

        // Act
        var paid = await holder.PayAsync(cardId, merchant, 10m);
        var added = await holder.AddCardAsync(new CardFormBuilder().WithExpiry(lastDay.Month, lastDay.Year));

        // Assert
        Assert.Equal(HttpStatusCode.OK, paid.StatusCode);
        Assert.Contains("This card has expired.", Html.ValidationMessages(await Html.ParseAsync(paid)));
        Assert.Equal(0, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId)));
        Assert.Contains("This card has expired.", Html.ValidationMessages(await Html.ParseAsync(added)));
    }

    [Fact]
    public async Task Register_EighteenthBirthdayInShanghaiButNotYetInUtc_Accepted()
    {
        // Arrange: the 1st in Shanghai, still the last day of the month in UTC; born 18 years before Shanghai's today
        MoveToLastDayOfMonthAt(hourUtc: 17);
        var shanghaiToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(factory.Clock.UtcNow,
            TimeZoneInfo.FindSystemTimeZoneById(ShanghaiIssuerFactory.Zone)));
        var birthday = shanghaiToday.AddYears(-18);
        var tooYoung = CardHolderSession.Anonymous(factory);
        var adult = CardHolderSession.Anonymous(factory);
        using var _ = tooYoung;
        using var __ = adult;

        // Act
        var accepted = await adult.RegisterAsync(new RegistrationBuilder(adult.Email, FraudWebFactory.Password)
            .With("DateOfBirth", birthday.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        var refused = await tooYoung.RegisterAsync(new RegistrationBuilder(tooYoung.Email, FraudWebFactory.Password)
            .With("DateOfBirth", birthday.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));

        // Assert
        Assert.NotEqual(DateOnly.FromDateTime(factory.Clock.UtcNow), shanghaiToday);
        Assert.Equal("/Account/RegisterConfirmation", Html.Location(accepted));
        Assert.Contains("You must be at least 18 years old.", Html.ValidationMessages(await Html.ParseAsync(refused)));
    }

    /// <summary>Forward to the month's last day (UTC) at the hour, the next month's if that hour has passed.</summary>
    private void MoveToLastDayOfMonthAt(int hourUtc)
    {
        var now = factory.Clock.UtcNow;
        var target = LastDayAt(now.Year, now.Month, hourUtc);
        if (target <= now) target = LastDayAt(now.AddMonths(1).Year, now.AddMonths(1).Month, hourUtc);
        factory.Clock.Advance(target - now);
    }

    private static DateTime LastDayAt(int year, int month, int hourUtc) =>
        new(year, month, DateTime.DaysInMonth(year, month), hourUtc, 0, 0, DateTimeKind.Utc);
}
