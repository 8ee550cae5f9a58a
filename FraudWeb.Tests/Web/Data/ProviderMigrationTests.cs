using FraudWeb.Data;
using FraudWeb.Data.Configurations;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace FraudWeb.Tests.Web.Data;

/// <summary>
/// Each provider's generated migrations: from an empty database they build exactly the model, and a database at the
/// previous release's schema upgrades with its data kept, and a migration that fills data (each card's payment count)
/// fills it. Both providers in one run (they name their database).
/// </summary>
[Trait("Category", TestPostgres.SqliteOnly)]
public sealed class ProviderMigrationTests : IDisposable
{
    /// <summary>The last migration of the previous release, per provider.</summary>
    private const string SqlitePreviousRelease = "20261130161715_ApiKeysAndIdempotency";
    private const string PostgresPreviousRelease = "20261130181700_Initial";

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "fraudweb-migrations", Guid.NewGuid().ToString("N"));
    private readonly List<string> _postgresDatabases = [];

    public ProviderMigrationTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task Migrate_EmptySqliteDatabase_BuildsExactlyTheModel() =>
        await AssertMigratesToModelAsync(Sqlite());

    [Fact]
    public async Task Migrate_EmptyPostgresDatabase_BuildsExactlyTheModel() =>
        await AssertMigratesToModelAsync(Postgres());

    [Fact]
    public async Task Migrate_SqliteAtPreviousRelease_UpgradesKeepingItsData() =>
        await AssertUpgradeKeepsDataAsync(() => Sqlite(), SqlitePreviousRelease);

    [Fact]
    public async Task Migrate_PostgresAtPreviousRelease_UpgradesKeepingItsData()
    {
        var database = TestPostgres.CreateDatabase();
        _postgresDatabases.Add(database);
        await AssertUpgradeKeepsDataAsync(() => Postgres(database), PostgresPreviousRelease);
    }

    [Fact]
    public async Task Migrate_SqliteCardsWithPayments_CountsFilledThenKeptByTriggers() =>
        await AssertCardPaymentCountsAsync(Sqlite(), "20261202050152_CardPageIndex");

    [Fact]
    public async Task Migrate_PostgresCardsWithPayments_CountsFilledThenKeptByTriggers() =>
        await AssertCardPaymentCountsAsync(Postgres(), "20261202050158_CardPageIndex");

    [Fact]
    public async Task GenerateScript_EmptySqliteDatabase_BuildsWhatMigrateBuilds()
    {
        // Arrange: operators who apply migrations as SQL run `dotnet ef migrations script` (the same generator).
        await using var scripted = Sqlite("scripted.db");
        await using var migrated = Sqlite("migrated.db");
        var script = scripted.GetService<IMigrator>().GenerateScript();

        // Act
        await ExecuteScriptAsync(scripted, script);
        await migrated.Database.MigrateAsync();

        // Assert
        Assert.Equal(migrated.Database.GetMigrations(), await scripted.Database.GetAppliedMigrationsAsync());
        Assert.Equal(await SqliteSchemaAsync(migrated), await SqliteSchemaAsync(scripted));
    }

    [Theory]
    [InlineData(MigrationsSqlGenerationOptions.Default, 1)]
    [InlineData(MigrationsSqlGenerationOptions.Idempotent, 2)]
    public async Task GenerateScript_EmptyPostgresDatabase_BuildsWhatMigrateBuilds(MigrationsSqlGenerationOptions options, int runs)
    {
        // Arrange: an idempotent script may be run again on a database it already built.
        await using var scripted = Postgres();
        await using var migrated = Postgres();
        var script = scripted.GetService<IMigrator>().GenerateScript(options: options);

        // Act
        for (var run = 0; run < runs; run++) await ExecuteScriptAsync(scripted, script);
        await migrated.Database.MigrateAsync();

        // Assert
        Assert.Equal(migrated.Database.GetMigrations(), await scripted.Database.GetAppliedMigrationsAsync());
        Assert.Equal(await PostgresSchemaAsync(migrated), await PostgresSchemaAsync(scripted));
    }

    [Theory]
    [InlineData("CardFingerprintIndex", "IX_Cards_Fingerprint", "\"Cards\" (\"Fingerprint\")")]
    [InlineData("CardLast4Index", "IX_Cards_Last4", "\"Cards\" (\"Last4\")")]
    [InlineData("ReviewQueueOrderIndex", "IX_Transactions_ReviewQueue", "\"Transactions\" (\"RiskScore\")")]
    // Its column and backfill committed before the failed build: they run again too.
    [InlineData("ReportRisk", "IX_FraudReports_Queue", "\"FraudReports\" (\"Risk\" DESC, \"CreatedUtc\", \"TransactionId\") WHERE \"Status\" = 'Open'",
        "ALTER TABLE \"FraudReports\" ADD COLUMN \"Risk\" integer NOT NULL DEFAULT 0")]
    public async Task Migrate_PostgresInvalidIndexLeftByAFailedConcurrentBuild_BuiltAgainAndValid(string migration, string index, string on, string? before = null)
    {
        // Arrange: the database as the migration before found it, with what a failed CREATE INDEX CONCURRENTLY leaves
        // behind: the index, marked invalid (which IF NOT EXISTS alone would keep for good)
        await using var db = Postgres();
        var all = db.Database.GetMigrations().ToList();
        var at = all.FindIndex(m => m.EndsWith("_" + migration, StringComparison.Ordinal));
        await db.GetService<IMigrator>().MigrateAsync(all[at - 1]);
        if (before is not null) await db.Database.ExecuteSqlRawAsync(before);
        var create = "CREATE INDEX \"" + index + "\" ON " + on;
        var invalidate = "UPDATE pg_index SET indisvalid = false WHERE indexrelid = '\"" + index + "\"'::regclass";
        await db.Database.ExecuteSqlRawAsync(create);
        await db.Database.ExecuteSqlRawAsync(invalidate);

        // Act
        await db.Database.MigrateAsync();

        // Assert: built again, valid, as the model has it
        var valid = await db.Database.SqlQuery<bool>($"SELECT i.indisvalid AS \"Value\" FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = {index}").ToListAsync();
        Assert.Equal([true], valid);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Migrate_SqliteAdminRoleWithoutReview_GrantedOnceAuditedUnlessSetByHand(bool setByHand) =>
        await AssertAdministratorsReviewAsync(Sqlite(), "20261206043931_AccountFailuresForgotten", setByHand);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Migrate_PostgresAdminRoleWithoutReview_GrantedOnceAuditedUnlessSetByHand(bool setByHand) =>
        await AssertAdministratorsReviewAsync(Postgres(), "20261206043936_AccountFailuresForgotten", setByHand);

    /// <summary>
    /// Migration AdministratorsReview (upgrade operator: an installation from before 2026-12-01 kept an Admin role that
    /// could not open the review queue): the default grant is added once as the system, with its audit entry, but not
    /// where an administrator has set the role's permissions by hand.
    /// </summary>
    private static async Task AssertAdministratorsReviewAsync(FraudDbContext db, string schemaBefore, bool setByHand)
    {
        await using (db)
        {
            // Arrange: the roles as an old installation made them (Admin without reports.review)
            await db.GetService<IMigrator>().MigrateAsync(schemaBefore);
            await db.Database.ExecuteSqlRawAsync("""
                INSERT INTO "AspNetRoles" ("Id", "Name", "NormalizedName") VALUES ('r-admin', 'Admin', 'ADMIN'), ('r-analyst', 'Analyst', 'ANALYST');
                INSERT INTO "AspNetRoleClaims" ("RoleId", "ClaimType", "ClaimValue") VALUES
                  ('r-admin', 'permission', 'users.manage'), ('r-admin', 'permission', 'models.view'), ('r-analyst', 'permission', 'models.view');
                """);
            // In SQL: today's model of the entry has columns that schema did not have.
            if (setByHand)
            {
                await db.Database.ExecuteSqlRawAsync("""
                    INSERT INTO "AuditEntries" ("TimestampUtc", "ActorId", "Action", "TargetType", "TargetId", "Before", "After")
                    VALUES ('2026-11-30 10:00:00', 'admin-1', 'role.permissions', 'role', 'Admin', NULL, NULL)
                    """);
            }

            // Act
            await db.Database.MigrateAsync();

            // Assert
            var admin = await db.RoleClaims.Where(c => c.RoleId == "r-admin").Select(c => c.ClaimValue).OrderBy(v => v).ToListAsync();
            var analyst = await db.RoleClaims.Where(c => c.RoleId == "r-analyst").Select(c => c.ClaimValue).ToListAsync();
            var granted = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.ActorId == "system").ToListAsync();
            Assert.Equal(["models.view"], analyst);
            if (setByHand)
            {
                Assert.Equal(["models.view", "users.manage"], admin);
                Assert.Empty(granted);
                return;
            }
            Assert.Equal(["models.view", "reports.review", "users.manage"], admin);
            var entry = Assert.Single(granted);
            Assert.Equal(("role.permissions", "role", "Admin"), (entry.Action, entry.TargetType, entry.TargetId));
            Assert.Equal(["models.view", "users.manage"], PermissionsIn(entry.Before));
            Assert.Equal(["models.view", "reports.review", "users.manage"], PermissionsIn(entry.After));
            Assert.True(DateTime.UtcNow - entry.TimestampUtc < TimeSpan.FromMinutes(5), $"stamped {entry.TimestampUtc:O}");
        }

        static List<string?> PermissionsIn(string? json) =>
            [.. System.Text.Json.JsonDocument.Parse(json!).RootElement.GetProperty("Permissions").EnumerateArray().Select(p => p.GetString())];
    }

    [Fact]
    public async Task AuditLog_Postgres_UpdateDeleteAndTruncateRefused()
    {
        // Arrange
        await using var db = Postgres();
        await db.Database.MigrateAsync();
        db.Set<AuditEntry>().Add(AuditEntry.Record("actor", "test", "user", "1", null, null, DateTime.UtcNow));
        await db.SaveChangesAsync();

        // Act
        var update = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("UPDATE \"AuditEntries\" SET \"Action\" = 'x'"));
        var delete = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("DELETE FROM \"AuditEntries\""));
        var truncate = await Record.ExceptionAsync(() => db.Database.ExecuteSqlRawAsync("TRUNCATE \"AuditEntries\""));

        // Assert
        Assert.All(new[] { update, delete, truncate }, e => Assert.Contains("append-only", e?.Message, StringComparison.Ordinal));
        Assert.Equal(1, await db.Set<AuditEntry>().CountAsync());
    }

    private static async Task AssertMigratesToModelAsync(FraudDbContext db)
    {
        await using (db)
        {
            // Act
            await db.Database.MigrateAsync();

            // Assert: every migration applied, and the schema they built is the model's (nothing left to generate).
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
            Assert.False(db.Database.HasPendingModelChanges());
        }
    }

    private static async Task AssertUpgradeKeepsDataAsync(Func<FraudDbContext> open, string previousRelease)
    {
        // Arrange: a database at the previous release's schema, with data in it.
        long terminalId;
        await using (var db = open())
        {
            await db.GetService<IMigrator>().MigrateAsync(previousRelease);
            var terminal = Terminal.Create("Corner shop", "grocery", 0.25, 0.75);
            db.Terminals.Add(terminal);
            await db.SaveChangesAsync();
            // Written in SQL: today's model of the row has columns the previous release did not have.
            var created = DateTime.UtcNow;
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO \"ModelVersions\" (\"Version\", \"FileName\", \"CreatedUtc\", \"TrainingRows\", \"TrainingFrauds\", \"MetricsJson\", \"Status\") VALUES ('gbt-old', 'gbt-old.model', {created}, 10, 1, '{{}}', 0)");
            terminalId = terminal.Id;
            Assert.NotEmpty(await db.Database.GetPendingMigrationsAsync());
        }

        // Act
        await using (var db = open()) await db.Database.MigrateAsync();

        // Assert: the rows are there, and what the new migrations added works.
        await using (var db = open())
        {
            Assert.Equal("Corner shop", (await db.Terminals.SingleAsync(t => t.Id == terminalId)).Name);
            Assert.Equal("gbt-old", (await db.ModelVersions.SingleAsync()).Version);
            db.ModelArtifacts.Add(new ModelArtifact { Name = "gbt-old.model", Content = [1, 2, 3], CreatedUtc = DateTime.UtcNow });
            db.DataProtectionKeys.Add(new Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey { FriendlyName = "key", Xml = "<key/>" });
            var run = RetrainingRun.Queue(RetrainingTrigger.Manual, "test", DateTime.UtcNow, 0);
            run.Start(DateTime.UtcNow);
            db.RetrainingRuns.Add(run);
            await db.SaveChangesAsync();
            Assert.NotNull((await db.RetrainingRuns.AsNoTracking().SingleAsync()).HeartbeatUtc);
            Assert.False(db.Database.HasPendingModelChanges());
        }
    }

    /// <summary>Migration CardPaymentCount: a database with payments gets each card's count, kept by the triggers through new, moved, changed and deleted payments.</summary>
    private static async Task AssertCardPaymentCountsAsync(FraudDbContext db, string schemaBefore)
    {
        await using (db)
        {
            // Arrange: the schema before the count; card 1 with three payments, card 2 with none.
            await db.GetService<IMigrator>().MigrateAsync(schemaBefore);
            var terminal = Terminal.Create("Corner shop", "grocery", 0.25, 0.75);
            db.Terminals.Add(terminal);
            await db.SaveChangesAsync();
            var at = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO \"CardHolders\" (\"Id\", \"IsSimulated\", \"FullName\", \"CreatedUtc\") VALUES (1, TRUE, 'Simulated', {at})");
            foreach (var (id, fingerprint) in new[] { (1L, new string('a', 64)), (2L, new string('b', 64)) })
            {
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO "Cards" ("Id", "CardHolderId", "Fingerprint", "Last4", "Brand", "ExpiryMonth", "ExpiryYear", "CardholderName", "CreditLimit", "Balance", "AddedUtc")
                    VALUES ({id}, 1, {fingerprint}, '1111', 'Visa', 12, 2030, 'ADA', 100000, 0, {at})
                    """);
            }
            for (var i = 0; i < 3; i++) await PayAsync(db, 1, terminal.Id, at.AddMinutes(i));

            // Act
            await db.Database.MigrateAsync();
            var migrated = await CountsAsync(db);
            await PayAsync(db, 2, terminal.Id, at.AddHours(1));
            await db.Database.ExecuteSqlRawAsync("""UPDATE "Transactions" SET "CardId" = 2 WHERE "Id" = (SELECT MIN("Id") FROM "Transactions" WHERE "CardId" = 1)""");
            await db.Database.ExecuteSqlRawAsync("""UPDATE "Transactions" SET "Amount" = "Amount" + 1, "CardId" = "CardId" """);
            await db.Database.ExecuteSqlRawAsync("""DELETE FROM "Transactions" WHERE "Id" = (SELECT MAX("Id") FROM "Transactions" WHERE "CardId" = 1)""");
            var kept = await CountsAsync(db);

            // Assert
            Assert.Equal([3L, 0L], migrated);
            Assert.Equal([1L, 2L], kept);
            Assert.Equal([1, 2], await db.Transactions.GroupBy(t => t.CardId).OrderBy(g => g.Key).Select(g => g.Count()).ToListAsync());
        }
    }

    private static Task<int> PayAsync(FraudDbContext db, long cardId, long terminalId, DateTime at) =>
        db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO \"Transactions\" (\"CardId\", \"TerminalId\", \"Amount\", \"TimestampUtc\", \"Source\", \"Label\") VALUES ({cardId}, {terminalId}, 1000, {at}, 'CardHolder', 'Unknown')");

    private static Task<List<long>> CountsAsync(FraudDbContext db) =>
        db.Cards.AsNoTracking().OrderBy(c => c.Id).Select(c => EF.Property<long>(c, CardConfiguration.PaymentCount)).ToListAsync();

    private SqliteFraudDbContext Sqlite(string file = "upgrade.db") =>
        new(new DbContextOptionsBuilder<SqliteFraudDbContext>().UseSqlite($"Data Source={Path.Combine(_directory, file)}").Options);

    /// <summary>The whole script as one command, as a SQL client runs the file: statements end at their semicolons.</summary>
    private static async Task ExecuteScriptAsync(FraudDbContext db, string script)
    {
        if (db is PostgresFraudDbContext)
        {
            await RunWithPsqlAsync(db.Database.GetConnectionString()!, script);
            return;
        }
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = script;
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            await connection.CloseAsync();
        }
    }

    /// <summary>
    /// A PostgreSQL script run as an operator runs it (`psql -f`, stopping at the first error): statement by statement,
    /// each its own transaction unless the script begins one. Sent as one command instead, the statements would share
    /// one implicit transaction, where PostgreSQL refuses CREATE INDEX CONCURRENTLY (docs/decisions/0029).
    /// </summary>
    private static async Task RunWithPsqlAsync(string connectionString, string script)
    {
        var settings = new Npgsql.NpgsqlConnectionStringBuilder(connectionString);
        var file = Path.Combine(Path.GetTempPath(), $"fraudweb-script-{Guid.NewGuid():N}.sql");
        await File.WriteAllTextAsync(file, script);
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(Psql())
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                ArgumentList = { "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", settings.Host!, "-p", settings.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "-U", settings.Username!, "-d", settings.Database!, "-f", file },
            };
            start.Environment["PGPASSWORD"] = settings.Password ?? "";
            using var psql = System.Diagnostics.Process.Start(start)!;
            var errors = psql.StandardError.ReadToEndAsync();
            await psql.StandardOutput.ReadToEndAsync();
            await psql.WaitForExitAsync();
            Assert.True(psql.ExitCode == 0, $"psql exited with {psql.ExitCode}: {await errors}");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>Debian's psql (the postgresql package the tests' clusters come from).</summary>
    private static string Psql() =>
        File.Exists("/usr/bin/psql") ? "/usr/bin/psql"
        : Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", "psql")).Where(File.Exists).Order(StringComparer.Ordinal).LastOrDefault()
          ?? throw new InvalidOperationException("psql is not installed (apt-get install postgresql).");

    /// <summary>Every table, index and trigger as SQLite stores its definition (but Migrate's own lock table).</summary>
    private static Task<List<string>> SqliteSchemaAsync(FraudDbContext db) =>
        db.Database.SqlQueryRaw<string>(
            "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') AS \"Value\" FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name <> '__EFMigrationsLock' ORDER BY type, name")
            .ToListAsync();

    /// <summary>
    /// Columns, indexes, constraints, triggers and functions of the public schema, as PostgreSQL prints them; runs of
    /// white space as one (an idempotent script indents a function's body inside its DO block).
    /// </summary>
    private static Task<List<string>> PostgresSchemaAsync(FraudDbContext db) =>
        db.Database.SqlQueryRaw<string>("""
            SELECT regexp_replace(v, '\s+', ' ', 'g') AS "Value" FROM (
              SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' ' || COALESCE(column_default, '') || ' ' || COALESCE(character_maximum_length::text, '') AS v
                FROM information_schema.columns WHERE table_schema = 'public'
              UNION ALL SELECT 'index ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
              UNION ALL SELECT 'constraint ' || conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
              UNION ALL SELECT 'trigger ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
              UNION ALL SELECT 'function ' || pg_get_functiondef(oid) FROM pg_proc WHERE pronamespace = 'public'::regnamespace
            ) s ORDER BY v
            """).ToListAsync();

    private PostgresFraudDbContext Postgres()
    {
        var database = TestPostgres.CreateDatabase();
        _postgresDatabases.Add(database);
        return Postgres(database);
    }

    /// <summary>A context as the app and dotnet-ef make one (their migrations SQL generator included).</summary>
    private static PostgresFraudDbContext Postgres(string connectionString)
    {
        var options = new DbContextOptionsBuilder<PostgresFraudDbContext>().UseNpgsql(connectionString);
        ConcurrentIndexSqlGenerator.Use(options);
        return new(options.Options);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        foreach (var database in _postgresDatabases) TestPostgres.DropDatabase(database);
        Directory.Delete(_directory, recursive: true);
    }
}
