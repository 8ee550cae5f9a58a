using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using SQLitePCL;

namespace FraudWeb.Data;

/// <summary>
/// An entity's INSERT: every mapped column of its table (owned types' too) but the generated key; on SQLite one row
/// (<see cref="InsertAsync"/>), on PostgreSQL many rows as one statement (<see cref="InsertManyAsync"/>).
/// </summary>
internal sealed class RowInsert
{
    private readonly Column[] _columns;
    private readonly IProperty _key;
    private readonly string _table;
    private readonly string _names;
    private readonly string _keyColumn;
    private readonly string _keyName;

    private RowInsert(string sql, Column[] columns, IProperty key, string table, string names, string keyColumn, string keyName) =>
        (Sql, _columns, _key, _table, _names, _keyColumn, _keyName) = (sql, columns, key, table, names, keyColumn, keyName);

    public string Sql { get; }

    private sealed record Column(IProperty Property, INavigation? Owner, RelationalTypeMapping Mapping);

    public static RowInsert For(IEntityType entity, ISqlGenerationHelper sql)
    {
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var key = entity.FindPrimaryKey()!.Properties.Single();
        var columns = new List<Column>();
        foreach (var property in entity.GetProperties().Where(p => p != key)) columns.Add(Of(property, null));
        foreach (var owned in entity.GetNavigations().Where(n => n.TargetEntityType.IsOwned()))
        {
            if (owned.IsCollection || owned.TargetEntityType.GetTableName() != table.Name)
                throw new NotSupportedException($"{entity.DisplayName()}.{owned.Name} is not stored in {table.Name}'s own row.");
            // The owned type's key is the owner's id: the same column.
            foreach (var property in owned.TargetEntityType.GetProperties().Where(p => !p.IsPrimaryKey())) columns.Add(Of(property, owned));
        }
        var names = string.Join(", ", columns.Select(c => sql.DelimitIdentifier(c.Property.GetColumnName(table)!)));
        var values = string.Join(", ", columns.Select((_, i) => "@p" + i));
        var tableName = sql.DelimitIdentifier(table.Name, table.Schema);
        var keyColumn = key.GetColumnName(table)!;
        var keyName = sql.DelimitIdentifier(keyColumn);
        // No RETURNING: SQLite buffers RETURNING's rows in a temporary b-tree, a page cache made and torn down for
        // every row (perf, issue 17: 5% of the payment writer's thread); the new key is the connection's last rowid.
        var text = $"INSERT INTO {tableName} ({names}) VALUES ({values})";
        return new RowInsert(text, [.. columns], key, tableName, names, keyColumn, keyName);
    }

    private static Column Of(IProperty property, INavigation? owner)
    {
        // A shadow property's value lives in the change tracker, which these writes do not use.
        if (property.IsShadowProperty()) throw new NotSupportedException($"{property.DeclaringType.DisplayName()}.{property.Name} is a shadow property.");
        return new Column(property, owner, property.GetRelationalTypeMapping());
    }

    /// <summary>SQLite: inserts one row with <see cref="Sql"/> and sets the entity's key to the new row's id.</summary>
    public async Task InsertAsync(DbCommand command, object entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Connection is not SqliteConnection { Handle: { } handle })
            throw new NotSupportedException("A single-row insert reads its new id from an open SQLite connection.");
        for (var i = 0; i < _columns.Length; i++) command.Parameters.Add(Parameter(command, "@p" + i, entity, _columns[i]));
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1) throw new InvalidOperationException("The insert stored no row.");
        // The rowid of this statement's own row: rows the table's triggers insert elsewhere do not change it once
        // the statement has ended (SQLite's sqlite3_last_insert_rowid), and the connection is the writer's alone.
        SetKey(entity, raw.sqlite3_last_insert_rowid(handle));
    }

    /// <summary>
    /// Inserts one row unless a row with the same unique key is there (SQLite and PostgreSQL: <c>ON CONFLICT DO
    /// NOTHING</c>): true with the entity's key set, or false and nothing written. A race that is expected (two
    /// retries claiming one key) is then no exception, which EF Core and the provider would log as an error.
    /// </summary>
    public async Task<bool> TryInsertAsync(DbCommand command, object entity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.CommandText = $"{Sql} ON CONFLICT DO NOTHING RETURNING {_keyName}";
        for (var i = 0; i < _columns.Length; i++) command.Parameters.Add(Parameter(command, "@p" + i, entity, _columns[i]));
        if (await command.ExecuteScalarAsync(cancellationToken) is not { } id || id is DBNull) return false;
        SetKey(entity, id);
        return true;
    }

    /// <summary>
    /// PostgreSQL: the rows as one multi-row statement, so the table's statement-level trigger runs once for them all.
    /// Their ids are drawn first from the key's identity sequence and written explicitly: the order of RETURNING's rows
    /// is not one PostgreSQL promises, so ids are never matched back from it.
    /// </summary>
    public async Task InsertManyAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<object> entities, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entities);
        if (entities.Count == 0) return;
        var ids = new long[entities.Count];
        await using (var next = connection.CreateCommand())
        {
            next.Transaction = transaction;
            next.CommandText = "SELECT nextval(pg_get_serial_sequence(@table, @column)) FROM generate_series(1, @count)";
            Add(next, "@table", _table);
            Add(next, "@column", _keyColumn);
            Add(next, "@count", entities.Count);
            await using var reader = await next.ExecuteReaderAsync(cancellationToken);
            for (var k = 0; await reader.ReadAsync(cancellationToken); k++) ids[k] = reader.GetInt64(0);
        }
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        var keyMapping = _key.GetRelationalTypeMapping();
        var text = new StringBuilder($"INSERT INTO {_table} ({_keyName}, {_names}) VALUES ");
        for (var r = 0; r < entities.Count; r++)
        {
            var entity = entities[r];
            text.Append(r == 0 ? "(" : ", (").Append(CultureInfo.InvariantCulture, $"@k{r}");
            insert.Parameters.Add(keyMapping.CreateParameter(insert, $"@k{r}", ids[r], nullable: false));
            for (var i = 0; i < _columns.Length; i++)
            {
                var name = string.Create(CultureInfo.InvariantCulture, $"@p{r}_{i}");
                text.Append(", ").Append(name);
                insert.Parameters.Add(Parameter(insert, name, entity, _columns[i]));
            }
            text.Append(')');
        }
        insert.CommandText = text.ToString();
        await insert.ExecuteNonQueryAsync(cancellationToken);
        for (var r = 0; r < entities.Count; r++) SetKey(entities[r], ids[r]);
    }

    private static DbParameter Parameter(DbCommand command, string name, object entity, Column column)
    {
        var (property, owner, mapping) = column;
        var container = owner is null ? entity : owner.GetGetter().GetClrValueUsingContainingEntity(entity);
        var value = container is null ? null : property.GetGetter().GetClrValue(container);
        return mapping.CreateParameter(command, name, value, property.IsNullable || owner is not null);
    }

    private static void Add(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    // The key's setter is private (EF Core sets it after SaveChanges the same way).
    private void SetKey(object entity, object id) =>
        _key.PropertyInfo!.SetValue(entity, Convert.ChangeType(id, _key.ClrType, CultureInfo.InvariantCulture));
}
