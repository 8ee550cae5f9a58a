using System.Data.Common;
using System.Diagnostics;
using FraudWeb.Data;
using FraudWeb.Services.Scoring;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Simulation;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace FraudWeb.Services.Seeding;

/// <summary>
/// First start: merchants from the simulator's terminals and a deterministic history of simulated card holders'
/// payments (fixed seed, ending yesterday). All simulated cards belong to one card holder with no user account,
/// so they can never be signed in to; their transactions carry the simulator's fraud label.
/// Refunds: the simulated frauds are history, inserted already labelled with no verdict and never charged to the
/// cards' balances (which stay 0), so nothing is refunded for them, at seeding or by any migration; only fraud an
/// analyst confirms on a payment the app charged is credited back (<see cref="CardTransaction.Refund"/>).
/// </summary>
public sealed partial class HistorySeeder(FraudDbContext db, IOptions<SeedOptions> options, CardKeyProvider keys, FeatureHistory history, TimeProvider clock,
    Cards.IssuerClock issuer, ILogger<HistorySeeder> logger)
{
    public async Task SeedIfEmptyAsync(CancellationToken cancellationToken)
    {
        if (await db.Terminals.AnyAsync(cancellationToken)) return;
        var seed = options.Value;
        var stopwatch = Stopwatch.StartNew();
        // Days on the issuer's calendar, ending yesterday there: the history is the issuer's holders' (ADR 0022).
        var today = issuer.Today.ToDateTime(TimeOnly.MinValue);
        var simulation = TransactionSimulator.Generate(new SimulatorOptions
        {
            Customers = seed.CardHolders,
            Terminals = seed.Terminals,
            Days = seed.Days,
            Start = DateTime.SpecifyKind(today.AddDays(-seed.Days), DateTimeKind.Utc),
            Seed = seed.RandomSeed,
        });
        LogStep(logger, "Simulated", simulation.Transactions.Count, stopwatch.Elapsed.TotalSeconds);

        await using var dbTransaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var terminalIds = new Dictionary<long, long>(simulation.Terminals.Count);
        var terminals = new List<(long SimulatedId, Terminal Terminal)>(simulation.Terminals.Count);
        for (var i = 0; i < simulation.Terminals.Count; i++)
        {
            var simulated = simulation.Terminals[i];
            var (name, category) = MerchantNames.For(i);
            terminals.Add((simulated.TerminalId, Terminal.Create(name, category, simulated.X, simulated.Y)));
        }
        db.Terminals.AddRange(terminals.Select(t => t.Terminal));

        var holder = CardHolder.Simulated("Simulated card holders", clock.GetUtcNow().UtcDateTime);
        db.CardHolders.Add(holder);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (simulatedId, terminal) in terminals) terminalIds[simulatedId] = terminal.Id;

        var cards = new List<(long SimulatedId, Card Card)>(simulation.Customers.Count);
        foreach (var customer in simulation.Customers)
        {
            // Synthetic "numbers" contain letters, so their fingerprints can never equal a real card's.
            var fingerprint = keys.Fingerprinter.Fingerprint($"SIMULATED-{seed.RandomSeed}-{customer.CustomerId}");
            var last4 = (customer.CustomerId % 10_000).ToString("0000", System.Globalization.CultureInfo.InvariantCulture);
            var limit = Math.Clamp(decimal.Round((decimal)customer.MeanAmount) * 100m, Card.MinimumCreditLimit, Card.MaximumCreditLimit);
            cards.Add((customer.CustomerId, Card.Simulated(holder.Id, fingerprint, last4, limit, issuer.ToUtc(today.AddDays(-seed.Days)))));
        }
        db.Cards.AddRange(cards.Select(c => c.Card));
        await db.SaveChangesAsync(cancellationToken);
        var cardIds = cards.ToDictionary(c => c.SimulatedId, c => c.Card.Id);
        db.ChangeTracker.Clear();

        var inserting = Stopwatch.StartNew();
        await InsertTransactionsAsync(issuer.OnIssuersClock(simulation.Transactions), cardIds, terminalIds, cancellationToken);
        await dbTransaction.CommitAsync(cancellationToken);
        // Written by plain SQL, which the features' memory does not see (docs/decisions/0018).
        history.ForgetAll();
        LogStep(logger, db.Database.IsNpgsql() ? "Copied (COPY BINARY) and committed" : "Inserted (one prepared command) and committed",
            simulation.Transactions.Count, inserting.Elapsed.TotalSeconds);
        LogSeeded(logger, terminals.Count, cards.Count, simulation.Transactions.Count, stopwatch.Elapsed.TotalSeconds);
    }

    /// <summary>Each provider's fastest bulk path, inside the seeding transaction (measured: bench/README.md).</summary>
    private Task InsertTransactionsAsync(IReadOnlyList<SimulatedTransaction> transactions, Dictionary<long, long> cardIds,
        Dictionary<long, long> terminalIds, CancellationToken cancellationToken) =>
        db.Database.GetDbConnection() is NpgsqlConnection npgsql
            ? CopyTransactionsAsync(npgsql, transactions, cardIds, terminalIds, cancellationToken)
            : InsertWithoutTriggersAsync(db.Database.GetDbConnection(), transactions, cardIds, terminalIds, cancellationToken);

    /// <summary>
    /// PostgreSQL: one binary COPY stream (Npgsql's importer), no statement per row, with the triggers that keep the
    /// cards' payment counts and the hourly totals off (the row triggers and the insert's statement trigger); the totals are then summed once for the new cards and
    /// merchants. Per row, each trigger updated the same card's row again within the one transaction: every update a
    /// new row version its card's chain had to walk, 38 s for the 93,769 seeded payments, past Npgsql's 30 s read
    /// timeout, so a first start on PostgreSQL failed. The table's triggers are off only inside this transaction
    /// (PostgreSQL's DDL is transactional: a failure rolls the change back with the rows).
    /// </summary>
    private async Task CopyTransactionsAsync(NpgsqlConnection connection, IReadOnlyList<SimulatedTransaction> transactions,
        Dictionary<long, long> cardIds, Dictionary<long, long> terminalIds, CancellationToken cancellationToken)
    {
        await db.Database.ExecuteSqlRawAsync(
            "ALTER TABLE \"Transactions\" DISABLE TRIGGER \"Transactions_CardPaymentCount\", DISABLE TRIGGER \"Transactions_CardFlaggedCount\", " +
            "DISABLE TRIGGER \"Transactions_HourlyTotals\", DISABLE TRIGGER \"Transactions_Inserted\"", cancellationToken);
        await CopyRowsAsync(connection, transactions, cardIds, terminalIds, cancellationToken);
        // What the triggers would have kept, from the new rows (the cards and merchants are new in this transaction, so
        // they have no totals yet; the seeded payments are unscored, so each one counts as spend and only confirmed
        // frauds are flagged).
        var cards = cardIds.Values.ToArray();
        await db.Database.ExecuteSqlRawAsync("""
            UPDATE "Cards" c SET "PaymentCount" = n.count, "FlaggedCount" = n.flagged
            FROM (SELECT "CardId", count(*) AS count, count(*) FILTER (WHERE "Label" = 'Fraud') AS flagged FROM "Transactions" WHERE "CardId" = ANY({0}) GROUP BY 1) n
            WHERE c."Id" = n."CardId"
            """, [cards], cancellationToken);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "CardSpendHours" ("CardId", "HourUtc", "Count", "Amount")
            SELECT "CardId", date_trunc('hour', "TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), sum("Amount")
            FROM "Transactions" WHERE "CardId" = ANY({0}) GROUP BY 1, 2
            """, [cards], cancellationToken);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "TerminalHours" ("TerminalId", "HourUtc", "Count", "FraudCount")
            SELECT "TerminalId", date_trunc('hour', "TimestampUtc" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', count(*), count(*) FILTER (WHERE "Label" = 'Fraud')
            FROM "Transactions" WHERE "CardId" = ANY({0}) GROUP BY 1, 2
            """, [cards], cancellationToken);
        await db.Database.ExecuteSqlRawAsync(
            "ALTER TABLE \"Transactions\" ENABLE TRIGGER \"Transactions_CardPaymentCount\", ENABLE TRIGGER \"Transactions_CardFlaggedCount\", " +
            "ENABLE TRIGGER \"Transactions_HourlyTotals\", ENABLE TRIGGER \"Transactions_Inserted\"", cancellationToken);
    }

    private static async Task CopyRowsAsync(NpgsqlConnection connection, IReadOnlyList<SimulatedTransaction> transactions,
        Dictionary<long, long> cardIds, Dictionary<long, long> terminalIds, CancellationToken cancellationToken)
    {
        await using var importer = await connection.BeginBinaryImportAsync(
            "COPY \"Transactions\" (\"CardId\", \"TerminalId\", \"Amount\", \"TimestampUtc\", \"Source\", \"Label\", \"LabelledUtc\", \"LabelledBy\") " +
            "FROM STDIN (FORMAT BINARY)", cancellationToken);
        // A one-off bulk load at first start, not a request: the connection's read timeout (30 s) is not its limit.
        importer.Timeout = TimeSpan.FromMinutes(10);
        foreach (var tx in transactions)
        {
            var timestamp = DateTime.SpecifyKind(tx.Timestamp, DateTimeKind.Utc);
            await importer.StartRowAsync(cancellationToken);
            await importer.WriteAsync(cardIds[tx.CustomerId], NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(terminalIds[tx.TerminalId], NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(Cents(tx.Amount), NpgsqlDbType.Bigint, cancellationToken);
            await importer.WriteAsync(timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(nameof(TransactionSource.Simulated), NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(tx.IsFraud ? nameof(FraudLabel.Fraud) : nameof(FraudLabel.Legitimate), NpgsqlDbType.Varchar, cancellationToken);
            await importer.WriteAsync(timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
            await importer.WriteAsync(CardTransaction.SimulatorLabeller, NpgsqlDbType.Varchar, cancellationToken);
        }
        await importer.CompleteAsync(cancellationToken);
    }

    private static long Cents(double amount) => decimal.ToInt64(decimal.Round((decimal)amount * 100m, MidpointRounding.ToEven));

    /// <summary>SQLite's insert triggers on the payments (docs/decisions/0014): the hourly totals and the card's count.</summary>
    private static readonly string[] SqliteInsertTriggers = ["Transactions_HourlyTotals_Insert", "Transactions_CardPaymentCount_Insert", "Transactions_CardFlaggedCount_Insert"];

    /// <summary>
    /// SQLite: the rows inserted with the insert triggers dropped for this transaction, the totals summed once for the
    /// new cards and merchants, then the triggers created again from their stored definitions (SQLite's DDL is
    /// transactional: a failure restores them with the rest). Per row, the two triggers were most of the first start's
    /// insert (9.8 s for the 93,769 seeded payments).
    /// </summary>
    private async Task InsertWithoutTriggersAsync(DbConnection connection, IReadOnlyList<SimulatedTransaction> transactions, Dictionary<long, long> cardIds,
        Dictionary<long, long> terminalIds, CancellationToken cancellationToken)
    {
        var definitions = await db.Database.SqlQueryRaw<string>(
            "SELECT sql AS \"Value\" FROM sqlite_master WHERE type = 'trigger' AND name IN ({0}, {1}, {2})", SqliteInsertTriggers[0], SqliteInsertTriggers[1], SqliteInsertTriggers[2])
            .ToListAsync(cancellationToken);
        if (definitions.Count != SqliteInsertTriggers.Length) throw new InvalidOperationException("The payments' insert triggers are missing; run the migrations.");
        await db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"Transactions_HourlyTotals_Insert\"", cancellationToken);
        await db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"Transactions_CardPaymentCount_Insert\"", cancellationToken);
        await db.Database.ExecuteSqlRawAsync("DROP TRIGGER \"Transactions_CardFlaggedCount_Insert\"", cancellationToken);
        await InsertTransactionsAsync(connection, transactions, cardIds, terminalIds, cancellationToken);
        // What the triggers would have kept (the cards and merchants are new in this transaction; the seeded payments
        // are unscored, so each one counts as spend and only confirmed frauds are flagged). The same hour text as the
        // triggers'.
        var cards = "[" + string.Join(',', cardIds.Values) + "]";
        await db.Database.ExecuteSqlRawAsync("""
            UPDATE "Cards" SET "PaymentCount" = (SELECT count(*) FROM "Transactions" t WHERE t."CardId" = "Cards"."Id"),
              "FlaggedCount" = (SELECT count(*) FROM "Transactions" t WHERE t."CardId" = "Cards"."Id" AND t."Label" = 'Fraud')
            WHERE "Id" IN (SELECT value FROM json_each({0}))
            """, [cards], cancellationToken);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "CardSpendHours" ("CardId", "HourUtc", "Count", "Amount")
            SELECT "CardId", substr("TimestampUtc", 1, 13) || ':00:00', count(*), sum("Amount") FROM "Transactions"
            WHERE "CardId" IN (SELECT value FROM json_each({0})) GROUP BY 1, 2
            """, [cards], cancellationToken);
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "TerminalHours" ("TerminalId", "HourUtc", "Count", "FraudCount")
            SELECT "TerminalId", substr("TimestampUtc", 1, 13) || ':00:00', count(*), sum("Label" = 'Fraud') FROM "Transactions"
            WHERE "CardId" IN (SELECT value FROM json_each({0})) GROUP BY 1, 2
            """, [cards], cancellationToken);
        foreach (var definition in definitions) await db.Database.ExecuteSqlRawAsync(definition, cancellationToken);
    }

    /// <summary>SQLite: one prepared command reused for every row, in the one transaction (one commit, one fsync).</summary>
    private async Task InsertTransactionsAsync(DbConnection connection, IReadOnlyList<SimulatedTransaction> transactions, Dictionary<long, long> cardIds,
        Dictionary<long, long> terminalIds, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText =
            "INSERT INTO Transactions (CardId, TerminalId, Amount, TimestampUtc, Source, Label, LabelledUtc, LabelledBy) " +
            "VALUES (@card, @terminal, @amount, @time, @source, @label, @labelledUtc, @labelledBy)";
        var card = Add(command, "@card");
        var terminal = Add(command, "@terminal");
        var amount = Add(command, "@amount");
        var time = Add(command, "@time");
        var source = Add(command, "@source");
        var label = Add(command, "@label");
        var labelledUtc = Add(command, "@labelledUtc");
        var labelledBy = Add(command, "@labelledBy");
        source.Value = nameof(TransactionSource.Simulated);
        labelledBy.Value = CardTransaction.SimulatorLabeller;
        await command.PrepareAsync(cancellationToken);
        foreach (var tx in transactions)
        {
            card.Value = cardIds[tx.CustomerId];
            terminal.Value = terminalIds[tx.TerminalId];
            amount.Value = Cents(tx.Amount);
            time.Value = DateTime.SpecifyKind(tx.Timestamp, DateTimeKind.Utc);
            label.Value = tx.IsFraud ? nameof(FraudLabel.Fraud) : nameof(FraudLabel.Legitimate);
            labelledUtc.Value = DateTime.SpecifyKind(tx.Timestamp, DateTimeKind.Utc);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static DbParameter Add(DbCommand command, string name)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        command.Parameters.Add(parameter);
        return parameter;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeding: {Step} {Count} transactions in {Seconds:F1} s")]
    private static partial void LogStep(ILogger logger, string step, int count, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Terminals} merchants, {Cards} simulated cards and {Transactions} transactions in {Seconds:F1} s")]
    private static partial void LogSeeded(ILogger logger, int terminals, int cards, int transactions, double seconds);
}
