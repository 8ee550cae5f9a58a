using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FraudWeb.Data;

/// <summary>The embedded default: one file in the data directory. Migrations in Data/Migrations/Sqlite.</summary>
public sealed class SqliteFraudDbContext(DbContextOptions<SqliteFraudDbContext> options) : FraudDbContext(options);

/// <summary>Several instances on one PostgreSQL database. Migrations in Data/Migrations/Postgres.</summary>
public sealed class PostgresFraudDbContext(DbContextOptions<PostgresFraudDbContext> options) : FraudDbContext(options);

/// <summary>For dotnet-ef only: generating a migration needs the provider, not a database.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteFraudDbContext>
{
    public SqliteFraudDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteFraudDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For dotnet-ef only: generating a migration needs the provider, not a database.</summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresFraudDbContext>
{
    public PostgresFraudDbContext CreateDbContext(string[] args)
    {
        // As the app's contexts: `migrations script --idempotent` builds concurrent indexes as a script can.
        var options = new DbContextOptionsBuilder<PostgresFraudDbContext>().UseNpgsql("Host=localhost;Database=fraudweb_design");
        ConcurrentIndexSqlGenerator.Use(options);
        return new(options.Options);
    }
}
