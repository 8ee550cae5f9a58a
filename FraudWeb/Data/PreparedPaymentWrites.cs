using System.Data.Common;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace FraudWeb.Data;

/// <summary>
/// The payment writer's statements on SQLite (docs/decisions/0016): a payment's row, its card's new balance and its
/// Idempotency-Key, and the reads of a batch's cards and keys, each one statement compiled once on the writer's own
/// connection and run again with new values.
/// EF Core's SaveChanges cost a payment more than the rest of its write (perf: change tracking, building the batch's
/// SQL, and SQLite compiling that SQL, with the hourly-totals triggers, on every commit). The columns come from EF
/// Core's model, converters included, so the rows are the ones SaveChanges writes (PreparedPaymentWritesTests).
/// </summary>
public sealed class PreparedPaymentWrites : IDisposable
{
    private readonly DbConnection _connection;
    private readonly RowInsert _payments;
    private readonly RowInsert _keys;
    private readonly string _balanceSql;
    private readonly RelationalTypeMapping _idMapping;
    private readonly RelationalTypeMapping _balanceMapping;
    private readonly Dictionary<string, DbCommand> _commands = new(StringComparer.Ordinal);
    private readonly EntityColumns<Card> _cardColumns;
    private readonly string _cardSql;
    private readonly EntityColumns<IdempotencyRecord> _keyColumns;
    private readonly string _keySql;

    /// <param name="db">A context whose connection stays open while this is used: the statements live on that connection.</param>
    public PreparedPaymentWrites(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        _connection = db.Database.GetDbConnection();
        var sql = db.GetService<ISqlGenerationHelper>();
        _payments = RowInsert.For(db.Model.FindEntityType(typeof(CardTransaction))!, sql);
        _keys = RowInsert.For(db.Model.FindEntityType(typeof(IdempotencyRecord))!, sql);
        var cards = db.Model.FindEntityType(typeof(Card))!;
        var table = StoreObjectIdentifier.Table(cards.GetTableName()!, cards.GetSchema());
        var id = cards.FindProperty(nameof(Card.Id))!;
        var balance = cards.FindProperty(nameof(Card.Balance))!;
        _idMapping = id.GetRelationalTypeMapping();
        _balanceMapping = balance.GetRelationalTypeMapping();
        var balanceColumn = sql.DelimitIdentifier(balance.GetColumnName(table)!);
        // The balance is the card's concurrency token, as in SaveChanges: a balance changed under the writer fails the batch.
        _balanceSql = $"UPDATE {sql.DelimitIdentifier(table.Name, table.Schema)} SET {balanceColumn} = @p0 " +
            $"WHERE {sql.DelimitIdentifier(id.GetColumnName(table)!)} = @p1 AND {balanceColumn} = @p2";
        // The batch's reads too: as EF Core queries their SQL changed with the batch's number of cards and keys (an id
        // list as values), so each batch had its SQL generated and compiled again (perf, issue 17).
        _cardColumns = EntityColumns.Of<Card>(db, "c");
        // A card whose holder's account was closed (erased) is not read: its payment is refused, not charged to a closed
        // account, however recently the payment was checked (docs/decisions/0024).
        var holders = db.Model.FindEntityType(typeof(CardHolder))!;
        var holderTable = StoreObjectIdentifier.Table(holders.GetTableName()!, holders.GetSchema());
        string HolderColumn(string property) => $"{sql.DelimitIdentifier("h")}.{sql.DelimitIdentifier(holders.FindProperty(property)!.GetColumnName(holderTable)!)}";
        _cardSql = $"SELECT {_cardColumns.Select} FROM {sql.DelimitIdentifier(table.Name, table.Schema)} AS {sql.DelimitIdentifier("c")} " +
            $"WHERE {sql.DelimitIdentifier("c")}.{sql.DelimitIdentifier(id.GetColumnName(table)!)} = @p0 " +
            $"AND EXISTS (SELECT 1 FROM {sql.DelimitIdentifier(holderTable.Name, holderTable.Schema)} AS {sql.DelimitIdentifier("h")} " +
            $"WHERE {HolderColumn(nameof(CardHolder.Id))} = {sql.DelimitIdentifier("c")}.{sql.DelimitIdentifier(cards.FindProperty(nameof(Card.CardHolderId))!.GetColumnName(table)!)} " +
            $"AND {OwnershipQueries.OpenAccountSql(HolderColumn)})";
        var keys = db.Model.FindEntityType(typeof(IdempotencyRecord))!;
        var keyTable = StoreObjectIdentifier.Table(keys.GetTableName()!, keys.GetSchema());
        string KeyColumn(string property) => $"{sql.DelimitIdentifier("k")}.{sql.DelimitIdentifier(keys.FindProperty(property)!.GetColumnName(keyTable)!)}";
        _keyColumns = EntityColumns.Of<IdempotencyRecord>(db, "k");
        _keySql = $"SELECT {_keyColumns.Select} FROM {sql.DelimitIdentifier(keyTable.Name, keyTable.Schema)} AS {sql.DelimitIdentifier("k")} " +
            $"WHERE {KeyColumn(nameof(IdempotencyRecord.ApiKeyId))} = @p0 AND {KeyColumn(nameof(IdempotencyRecord.Key))} = @p1";
    }

    /// <summary>The card as stored now (in the writer's transaction), or null (also when its holder's account was erased).</summary>
    public async Task<Card?> ReadCardAsync(long id, DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        var command = Command(_cardSql, transaction);
        Bind(command, "@p0", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? _cardColumns.Read(reader, 0) : null;
    }

    /// <summary>The record of this API key's Idempotency-Key, or null.</summary>
    public async Task<IdempotencyRecord?> ReadKeyAsync(long apiKeyId, string key, DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        var command = Command(_keySql, transaction);
        Bind(command, "@p0", apiKeyId);
        Bind(command, "@p1", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? _keyColumns.Read(reader, 0) : null;
    }

    private static void Bind(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>Inserts the payment (and its verdict) and sets its new id.</summary>
    public async Task InsertAsync(CardTransaction payment, DbTransaction transaction, CancellationToken cancellationToken = default) =>
        await _payments.InsertAsync(Command(_payments.Sql, transaction), payment, cancellationToken);

    /// <summary>Inserts the Idempotency-Key record and sets its new id.</summary>
    public async Task InsertAsync(IdempotencyRecord record, DbTransaction transaction, CancellationToken cancellationToken = default) =>
        await _keys.InsertAsync(Command(_keys.Sql, transaction), record, cancellationToken);

    /// <summary>Writes the card's balance, which was <paramref name="originalBalance"/> when read in this transaction.</summary>
    /// <exception cref="DbUpdateConcurrencyException">The stored balance is no longer the one read.</exception>
    public async Task UpdateBalanceAsync(Card card, decimal originalBalance, DbTransaction transaction, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(card);
        var command = Command(_balanceSql, transaction);
        command.Parameters.Add(_balanceMapping.CreateParameter(command, "@p0", card.Balance, nullable: false));
        command.Parameters.Add(_idMapping.CreateParameter(command, "@p1", card.Id, nullable: false));
        command.Parameters.Add(_balanceMapping.CreateParameter(command, "@p2", originalBalance, nullable: false));
        if (await command.ExecuteNonQueryAsync(cancellationToken) != 1)
            throw new DbUpdateConcurrencyException($"Card {card.Id}'s balance changed while its payments were being written.");
    }

    /// <summary>The statement for this SQL on the connection, compiled on its first run; its values are set anew each time.</summary>
    private DbCommand Command(string sql, DbTransaction transaction)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            _commands[sql] = command;
        }
        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values) command.Dispose();
        _commands.Clear();
    }
}
