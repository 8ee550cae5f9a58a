using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>Picks seeded merchants by their recent (labelled) fraud history.</summary>
public static class Merchants
{
    /// <summary>The merchant with the most confirmed fraud in the last five weeks of the seeded history.</summary>
    public static Task<long> WithRecentFraudAsync(FraudWebFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var since = factory.Clock.UtcNow.Date.AddDays(-35);
        return factory.QueryAsync(db => db.Transactions
            .Where(t => t.Label == FraudLabel.Fraud && t.TimestampUtc >= since)
            .GroupBy(t => t.TerminalId)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key)
            .Select(g => g.Key)
            .FirstAsync());
    }

    /// <summary>A busy merchant with no fraud at all in the seeded history.</summary>
    public static Task<long> OrdinaryAsync(FraudWebFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return factory.QueryAsync(db => db.Terminals
            .Where(m => !db.Transactions.Any(t => t.TerminalId == m.Id && t.Label == FraudLabel.Fraud))
            .OrderByDescending(m => db.Transactions.Count(t => t.TerminalId == m.Id)).ThenBy(m => m.Id)
            .Select(m => m.Id)
            .FirstAsync());
    }
}
