using System.Data.Common;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// The app on a database the query-plan tests alone read. On PostgreSQL its tables are grown past the seed to a
/// production-like volume (20,000 accounts, about 100,000 payments and audit entries, 5,000 payments held and
/// 1,000 reported) and their statistics gathered,
/// because PostgreSQL plans by cost: on the shared test database's few rows every plan costs about the same, and which
/// one it took changed with when autovacuum had last sampled the tables (a CI run read a role's members through the key
/// index). SQLite keeps no statistics unless asked (ANALYZE), so it plans alike at any size and is left as seeded.
/// </summary>
public sealed class QueryPlanFactory : FraudWebFactory
{
    public const int Accounts = 20_000;
    public const int Rows = 100_000;

    /// <summary>Copy n of card c is card c + n x this (explicit keys: the payments' copies refer to them).</summary>
    private const long CardIdStep = 1_000_000;

    /// <summary>A card holder's address (an account that exists, made on first use).</summary>
    public string? AccountEmail { get; private set; }

    private readonly SemaphoreSlim _grow = new(1, 1);
    private bool _grown;

    /// <summary>The database, with its accounts made and, on PostgreSQL, grown, on first use.</summary>
    public async Task<T> PlanQueryAsync<T>(Func<FraudDbContext, Task<T>> query)
    {
        await _grow.WaitAsync();
        try
        {
            if (!_grown) await GrowAsync();
            _grown = true;
        }
        finally
        {
            _grow.Release();
        }
        return await QueryAsync(query);
    }

    private async Task GrowAsync()
    {
        // The seed writes payments but no accounts and no audit: one card holder, a few administrators (a role few hold)
        // and one audit entry are made as the app makes them, and copied.
        await using (var scope = Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            foreach (var role in new[] { Roles.Customer, Roles.Admin, Roles.Admin, Roles.Admin })
            {
                var email = NewEmail();
                var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, CreatedUtc = Clock.UtcNow };
                Assert.True((await users.CreateAsync(user, Password)).Succeeded);
                Assert.True((await users.AddToRoleAsync(user, role)).Succeeded);
                AccountEmail ??= email;
            }
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            db.Set<AuditEntry>().Add(AuditEntry.Record("staff", "user.edit", "user", "someone@example.test", null, null, Clock.UtcNow));
            await db.SaveChangesAsync();
        }
        if (!await QueryAsync(db => Task.FromResult(db.Database.IsNpgsql()))) return;
        await QueryAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            try
            {
                var connection = db.Database.GetDbConnection();
                // Copies as an import would write them: the payment triggers' hourly sums are not what is planned here.
                await ExecuteAsync(connection, "SET session_replication_role = replica");
                var customers = $"SELECT ur.\"UserId\" FROM \"AspNetUserRoles\" ur JOIN \"AspNetRoles\" r ON r.\"Id\" = ur.\"RoleId\" WHERE r.\"Name\" = '{Roles.Customer}'";
                await CopyAsync(connection, "AspNetUsers", Accounts, new Dictionary<string, string>
                {
                    ["Id"] = "s.\"Id\" || '-v' || n",
                    ["UserName"] = "'v' || n || '-' || s.\"UserName\"",
                    ["NormalizedUserName"] = "upper('v' || n || '-' || s.\"UserName\")",
                    ["Email"] = "'v' || n || '-' || s.\"Email\"",
                    ["NormalizedEmail"] = "upper('v' || n || '-' || s.\"Email\")",
                }, $"s.\"Id\" IN ({customers})");
                await ExecuteAsync(connection, $"INSERT INTO \"AspNetUserRoles\" (\"UserId\", \"RoleId\") SELECT u.\"Id\", r.\"Id\" FROM \"AspNetUsers\" u, \"AspNetRoles\" r " +
                    $"WHERE u.\"Id\" LIKE '%-v%' AND r.\"Name\" = '{Roles.Customer}'");
                // Mostly the analysts' daily work and the system's, an administrator's edit of an account now and then.
                const string action = "CASE WHEN n % 100 = 0 THEN 'user.edit' ELSE (ARRAY['review.decide','review.assign','review.release','card.lookup'," +
                    "'user.export','model.retrain'])[1 + n % 6] END";
                await CopyAsync(connection, "AuditEntries", Rows, new Dictionary<string, string>
                {
                    ["Action"] = action,
                    ["TargetType"] = $"CASE WHEN {action} LIKE 'user.%' THEN 'user' ELSE 'transaction' END",
                    ["TargetId"] = "'target-' || n",
                });
                var payments = await CountAsync(connection, "SELECT count(*) FROM \"Transactions\"");
                // Each copy of the history on copies of the cards: a card's share of the payments stays a bank's (one
                // of thousands), not one of the seed's 80, which made walking the key back cheaper than a card's index.
                var copies = Rows / Math.Max(1, payments) - 1;
                await CopyAsync(connection, "Cards", copies, new Dictionary<string, string>
                {
                    ["Id"] = $"s.\"Id\" + n * {CardIdStep}",
                    ["Fingerprint"] = "encode(sha256(convert_to(s.\"Fingerprint\" || n, 'UTF8')), 'hex')",
                });
                await CopyAsync(connection, "Transactions", copies, new Dictionary<string, string> { ["CardId"] = $"s.\"CardId\" + n * {CardIdStep}" });
                // Scored as an issuer's are (bench/queue_volume.py at a tenth): one in twenty held for review nobody
                // labelled, risk 40-99; one in a hundred reported, half of them held ones.
                await ExecuteAsync(connection, "UPDATE \"Transactions\" SET \"Decision\" = CASE WHEN \"Id\" % 20 = 0 THEN 'Review' ELSE 'Approved' END, " +
                    "\"RiskScore\" = CASE WHEN \"Id\" % 20 = 0 THEN 40 + (\"Id\" / 20) % 60 ELSE \"Id\" % 40 END, \"ModelVersion\" = 'plan', \"Label\" = 'Unknown'");
                await ExecuteAsync(connection, "INSERT INTO \"FraudReports\" (\"TransactionId\", \"Kind\", \"Reason\", \"Status\", \"CreatedUtc\", \"RowVersion\", \"CardId\", \"Risk\") " +
                    "SELECT \"Id\", 'NotMe', 'plan report', 'Open', \"TimestampUtc\" + interval '1 hour', gen_random_uuid(), \"CardId\", \"RiskScore\" FROM \"Transactions\" " +
                    "WHERE \"Id\" % 200 IN (0, 7) AND NOT EXISTS (SELECT 1 FROM \"FraudReports\" r WHERE r.\"TransactionId\" = \"Transactions\".\"Id\")");
                await ExecuteAsync(connection, "RESET session_replication_role");
                // Vacuumed as autovacuum keeps a live table: the visibility map lets an index answer alone, which the
                // planner otherwise prices as a heap read per row, close to walking the key back (a CI run took that).
                await ExecuteAsync(connection, "VACUUM ANALYZE");
                Assert.True(await CountAsync(connection, "SELECT count(*) FROM \"AspNetUsers\"") > Accounts, "the accounts were not copied");
                Assert.True(await CountAsync(connection, "SELECT count(*) FROM \"AuditEntries\"") > Rows, "the audit entries were not copied");
                return true;
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        });
    }

    /// <summary>
    /// Inserts <paramref name="copies"/> copies of the table's rows (those <paramref name="where"/> selects), with the
    /// columns in <paramref name="changed"/> written from the source row <c>s</c> and the copy's number <c>n</c>, and
    /// identity columns not among them left to the database.
    /// </summary>
    private static async Task CopyAsync(DbConnection connection, string table, int copies, Dictionary<string, string> changed, string? where = null)
    {
        if (copies < 1) return;
        var columns = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT column_name, is_identity FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = '" + table +
                "' AND is_generated = 'NEVER' ORDER BY ordinal_position";
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                if (reader.GetString(1) == "NO" || changed.ContainsKey(reader.GetString(0))) columns.Add(reader.GetString(0));
            }
        }
        var names = string.Join(", ", columns.Select(c => $"\"{c}\""));
        var values = string.Join(", ", columns.Select(c => changed.TryGetValue(c, out var value) ? value : $"s.\"{c}\""));
        await ExecuteAsync(connection, $"INSERT INTO \"{table}\" ({names}) SELECT {values} FROM \"{table}\" s CROSS JOIN generate_series(1, {copies}) AS n" +
            (where is null ? "" : " WHERE " + where));
    }

    private static async Task<int> CountAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task ExecuteAsync(DbConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = 300;
        await command.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class QueryPlanGroup : ICollectionFixture<QueryPlanFactory>
{
    public const string Name = "query plans";
}
