using Microsoft.EntityFrameworkCore;
using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Rules;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Rules;

namespace FraudWeb.Tests.Web.Scoring;

/// <summary>An issuer in Shanghai (Scoring:TimeZone): the rules' hour and the night and weekend features on its clock.</summary>
public sealed class ShanghaiIssuerFactory : FraudWebFactory
{
    public const string Zone = "Asia/Shanghai";

    public ShanghaiIssuerFactory() => Settings["Scoring:TimeZone"] = Zone;
}

public sealed class IssuerTimeZoneTests(ShanghaiIssuerFactory factory) : IClassFixture<ShanghaiIssuerFactory>
{
    [Fact]
    public async Task Submit_RulesOnTheHourAndTheCalendarFeatures_MatchTheIssuersClockNotUtc()
    {
        // Arrange (edge-case review: the hour and the features were UTC's, 8 hours off for a Shanghai issuer)
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        var local = TimeZoneInfo.ConvertTimeFromUtc(now, TimeZoneInfo.FindSystemTimeZoneById(ShanghaiIssuerFactory.Zone));
        string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
        var night = local.Hour <= 6 ? 1 : 0;
        var weekend = local.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday ? 1 : 0;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var onLocalHour = await analyst.EnabledRuleAsync("Local hour", RuleAction.Review, $"hour = {Number(local.Hour)} and amount = 13.71");
        var onUtcHour = await analyst.EnabledRuleAsync("UTC hour", RuleAction.Review, $"hour = {Number(now.Hour)} and amount = 13.72");
        var onCalendar = await analyst.EnabledRuleAsync("Local calendar", RuleAction.Review,
            $"tx_during_night = {Number(night)} and tx_during_weekend = {Number(weekend)} and amount = 13.73");
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(1000m);
        var merchant = await Merchants.OrdinaryAsync(factory);

        // Act
        var localPayment = await factory.TransactionAsync(await holder.PayAndGetIdAsync(card, merchant, 13.71m));
        var utcPayment = await factory.TransactionAsync(await holder.PayAndGetIdAsync(card, merchant, 13.72m));
        var calendarPayment = await factory.TransactionAsync(await holder.PayAndGetIdAsync(card, merchant, 13.73m));

        // Assert: the local hour's rule decided its payment, UTC's never (8 hours apart), and the features agree
        Assert.NotEqual(local.Hour, now.Hour);
        Assert.Equal(onLocalHour, localPayment.Verdict!.RuleId);
        Assert.NotEqual(onUtcHour, utcPayment.Verdict!.RuleId);
        Assert.Equal(onCalendar, calendarPayment.Verdict!.RuleId);
    }

    [Fact]
    public async Task Seed_ShanghaiIssuer_SimulatedHoldersShopByDayOnShanghaisClock()
    {
        // Arrange (edge-case review: the seeded history was simulated on UTC's clock, so Shanghai's holders shopped at night)
        var zone = TimeZoneInfo.FindSystemTimeZoneById(ShanghaiIssuerFactory.Zone);
        _ = factory.Services;

        // Act
        var seeded = await factory.QueryAsync(db => db.Transactions.Where(t => t.Source == FraudWeb.Domain.Entities.TransactionSource.Simulated)
            .Select(t => t.TimestampUtc).ToListAsync());

        // Assert: the simulator's day centres on noon, on the issuer's clock; and nothing is later than now
        var byDay = seeded.Count(t => TimeZoneInfo.ConvertTimeFromUtc(t, zone).Hour is >= 6 and < 18);
        // The simulator draws the time of day around noon (sd 5.5 h): about 72% fall within 6 hours of it; on UTC's clock, 36%.
        Assert.True(byDay > seeded.Count * 0.6, $"{byDay} of {seeded.Count} seeded payments between 06:00 and 18:00 in Shanghai");
        Assert.True(seeded.Max() < factory.Clock.UtcNow);
        // Each simulated card was added before its first payment (its local midnight, in UTC: the day before, 16:00)
        var added = await factory.QueryAsync(db => db.Cards.Where(c => c.CardHolder!.IsSimulated).MaxAsync(c => c.AddedUtc));
        Assert.True(added <= seeded.Min(), $"cards added {added:O}, first payment {seeded.Min():O}");
    }
}
