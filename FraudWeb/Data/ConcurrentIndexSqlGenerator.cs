using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Migrations;

namespace FraudWeb.Data;

/// <summary>
/// PostgreSQL's migrations SQL, with one change for idempotent scripts: there every statement runs inside a PL/pgSQL
/// block (the check that its migration has not run yet), where PostgreSQL refuses CONCURRENTLY. So a script builds those
/// indexes the plain way (each statement has IF NOT EXISTS: an operator who built the index concurrently beforehand loses
/// nothing); Migrate() and plain scripts keep CONCURRENTLY (docs/decisions/0029).
/// </summary>
#pragma warning disable EF1001 // The provider's own generator takes its options through an internal interface; nothing else is used.
public sealed class ConcurrentIndexSqlGenerator(MigrationsSqlGeneratorDependencies dependencies,
    Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure.Internal.INpgsqlSingletonOptions npgsqlOptions)
    : NpgsqlMigrationsSqlGenerator(dependencies, npgsqlOptions)
#pragma warning restore EF1001
{
    public const string Concurrently = " CONCURRENTLY ";

    public override IReadOnlyList<MigrationCommand> Generate(IReadOnlyList<MigrationOperation> operations, IModel? model = null,
        MigrationsSqlGenerationOptions options = MigrationsSqlGenerationOptions.Default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (options.HasFlag(MigrationsSqlGenerationOptions.Idempotent))
        {
            operations = [.. operations.Select(o => o is SqlOperation { SuppressTransaction: true } sql && sql.Sql.Contains(Concurrently, StringComparison.Ordinal)
                ? new SqlOperation { Sql = sql.Sql.Replace(Concurrently, " ", StringComparison.Ordinal) }
                : o)];
        }
        return base.Generate(operations, model, options);
    }

    /// <summary>Uses this generator for <paramref name="options"/> (the app's contexts, dotnet-ef's and the migration tests'; not from OnConfiguring, which pooled contexts refuse).</summary>
    public static void Use(DbContextOptionsBuilder options) =>
        (options ?? throw new ArgumentNullException(nameof(options))).ReplaceService<IMigrationsSqlGenerator, ConcurrentIndexSqlGenerator>();
}
