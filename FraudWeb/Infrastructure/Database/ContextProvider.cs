using FraudWeb.Data;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// Which provider a context is on, from its type: EF Core's <c>Database.IsSqlite()</c> reads the provider's assembly
/// name by reflection on every call, asked at least once per request (0.8% of a page's CPU under load, perf, issue 17).
/// </summary>
public static class ContextProvider
{
    public static bool OnSqlite(this DbContext db) => db switch
    {
        SqliteFraudDbContext => true,
        PostgresFraudDbContext => false,
        _ => db?.Database.IsSqlite() ?? throw new ArgumentNullException(nameof(db)),
    };
}
