using System.Text.RegularExpressions;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>The database's own plan for a query as EF Core writes it, on either provider.</summary>
internal static partial class QueryPlans
{
    /// <summary>
    /// A query's SQL with its parameters written in as literals: ToQueryString declares them in lines of its own
    /// (".param set @p 'x'" on SQLite, "-- @p='x'" on PostgreSQL), which EXPLAIN cannot read.
    /// </summary>
    public static string Inlined(string queryString)
    {
        ArgumentNullException.ThrowIfNull(queryString);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var sql = new List<string>();
        foreach (var line in queryString.Split('\n'))
        {
            // Raw SQL's parameters (FromSql) are declared without their @ on SQLite.
            if (Declaration().Match(line) is { Success: true } declared) values["@" + declared.Groups["name"].Value] = declared.Groups["value"].Value;
            else sql.Add(line);
        }
        return Parameter().Replace(string.Join('\n', sql), m => values.TryGetValue(m.Value, out var value) ? value : m.Value);
    }

    [GeneratedRegex(@"^(?:\.param set |-- )@?(?<name>\w+)[ =](?<value>'(?:[^']|'')*'|\S+)")]
    private static partial Regex Declaration();

    [GeneratedRegex(@"@\w+")]
    private static partial Regex Parameter();

    /// <summary>
    /// EXPLAIN (PostgreSQL) or EXPLAIN QUERY PLAN (SQLite) of <paramref name="sql"/>, one line per step. PostgreSQL
    /// picks by cost, and a small test table may be cheaper to scan: asked not to scan, it still scans if no index can
    /// answer, so the plan shows whether one can. Run on <see cref="QueryPlanFactory"/>'s database, at a volume where the
    /// cost decides as in production.
    /// </summary>
    public static Task<string> ExplainAsync(QueryPlanFactory factory, Func<FraudDbContext, string> sql) =>
        factory.PlanQueryAsync(async db =>
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
