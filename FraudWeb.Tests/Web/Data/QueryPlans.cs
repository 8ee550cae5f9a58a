using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>The database's own plan for a query as EF Core writes it, on either provider.</summary>
internal static class QueryPlans
{
    /// <summary>
    /// EXPLAIN (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of <paramref name="sql"/>, one line per step. PostgreSQL
    /// picks by cost, and a small test table may be cheaper to scan: asked not to scan, it still scans if no index can
    /// answer, so the plan shows whether one can.
    /// </summary>
    public static Task<string> ExplainAsync(FraudWebFactory factory, Func<FraudDbContext, string> sql) =>
        factory.QueryAsync(async db =>
        {
            var postgres = db.Database.IsNpgsql();
            await db.Database.OpenConnectionAsync();
            try
            {
                if (postgres) await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = (postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql(db);
                var lines = new List<string>();
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync()) lines.Add(reader.GetValue(reader.FieldCount - 1).ToString()!);
                return string.Join('\n', lines);
            }
            finally
            {
                if (postgres) await db.Database.ExecuteSqlRawAsync("RESET enable_seqscan");
                await db.Database.CloseConnectionAsync();
            }
        });
}
