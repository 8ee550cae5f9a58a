using FraudWeb.Data;
using FraudWeb.Services.Retraining;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// Retraining's label trigger counts analysts' labels on every poll; the count is answered from the partial index of
/// those labels, not by reading every payment (on both providers).
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class AnalystLabelsIndexTests(FraudWebFactory factory)
{
    [Fact]
    public async Task AnalystLabelCount_SeededHistory_ReadsThePartialIndexNotTheTable()
    {
        // Arrange: the count's condition as EF Core writes it, under the database's own EXPLAIN
        var plan = await factory.QueryAsync(async db =>
        {
            var sql = db.Transactions.Where(RetrainingService.AnalystLabelled).Select(t => t.LabelledBy).ToQueryString();
            var postgres = db.Database.IsNpgsql();
            await db.Database.OpenConnectionAsync();
            try
            {
                // PostgreSQL picks by cost, and a small test table may be cheaper to scan: asked not to scan, it still
                // scans if no index can answer, so the plan shows whether this one can.
                if (postgres) await db.Database.ExecuteSqlRawAsync("SET enable_seqscan = off");
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = (postgres ? "EXPLAIN " : "EXPLAIN QUERY PLAN ") + sql;
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

        // Assert
        Assert.Contains("IX_Transactions_AnalystLabels", plan, StringComparison.Ordinal);
    }
}
