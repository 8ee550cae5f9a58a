using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Data;

/// <summary>
/// .NET functions SQL on SQLite calls, registered on every connection EF Core opens: SQLite has no Unicode case or
/// accent folding of its own (its LIKE and lower() fold ASCII letters only).
/// </summary>
public sealed class SqliteFunctions : DbConnectionInterceptor
{
    /// <summary><see cref="MerchantSearch.Fold"/>.</summary>
    public const string Fold = "fw_fold";

    public static SqliteFunctions Instance { get; } = new();

    private SqliteFunctions() { }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Register(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Register(connection);
        return Task.CompletedTask;
    }

    private static void Register(DbConnection connection)
    {
        if (connection is SqliteConnection sqlite) sqlite.CreateFunction<string?, string?>(Fold, text => text is null ? null : MerchantSearch.Fold(text), isDeterministic: true);
    }
}
