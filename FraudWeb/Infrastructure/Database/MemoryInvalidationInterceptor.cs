using System.Data.Common;
using System.Runtime.CompilerServices;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;
using FraudWeb.Services.Transactions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Infrastructure.Database;

/// <summary>
/// Keeps what SQLite's payment path holds in memory (<see cref="FeatureHistory"/>, <see cref="CardMemory"/>;
/// docs/decisions/0018) true to the database: every change saved through EF Core that touches payments, cards or
/// merchants makes them forget what it touched once it has committed (at once without a transaction, else when the
/// transaction ends; forgetting after a rollback too is harmless). Forgetting before the commit would let a read of the
/// old rows be kept after it. A deleted card, holder, user or terminal takes rows with it that EF Core never loaded, and
/// a statement that writes in bulk (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>, SQL) names none, so these forget all of
/// that kind. Only the payment writer's own statements and the seeder's bulk insert pass outside EF Core: the writer
/// adds what it commits, the seeder forgets everything.
/// </summary>
public sealed class MemoryInvalidationInterceptor(FeatureHistory history, CardMemory cards) : SaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
{
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Collect(eventData);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        FlushUnlessInTransaction(eventData);
        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        FlushUnlessInTransaction(eventData);
        return ValueTask.FromResult(result);
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => FlushUnlessInTransaction(eventData);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        FlushUnlessInTransaction(eventData);
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData?.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData?.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Flush(eventData?.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Flush(eventData?.Context);
        return Task.CompletedTask;
    }

    public int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Bulk(command, eventData);
        return result;
    }

    public ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Bulk(command, eventData);
        return ValueTask.FromResult(result);
    }

    private void Bulk(DbCommand command, CommandExecutedEventData eventData)
    {
        if (eventData.Context is not { } context) return;
        var text = command.CommandText;
        var payments = text.Contains("\"Transactions\"", StringComparison.OrdinalIgnoreCase);
        var cardRows = text.Contains("\"Cards\"", StringComparison.OrdinalIgnoreCase) || text.Contains("\"CardHolders\"", StringComparison.OrdinalIgnoreCase);
        var merchants = text.Contains("\"Terminals\"", StringComparison.OrdinalIgnoreCase);
        if (!payments && !cardRows && !merchants) return;
        var pending = _pending.GetValue(context, _ => new Pending());
        lock (pending)
        {
            pending.AllPayments |= payments || cardRows;
            pending.AllCards |= cardRows;
            pending.Merchants |= merchants;
        }
        if (context.Database.CurrentTransaction is null) Flush(context);
    }

    private void Collect(DbContextEventData eventData)
    {
        if (eventData.Context is not { } context) return;
        Pending? pending = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            pending ??= _pending.GetValue(context, _ => new Pending());
            lock (pending) Collect(entry, pending);
        }
    }

    private static void Collect(Microsoft.EntityFrameworkCore.ChangeTracking.EntityEntry entry, Pending pending)
    {
        var deleted = entry.State == EntityState.Deleted;
        switch (entry.Entity)
        {
            case CardTransaction payment:
                pending.PaymentCards.Add(payment.CardId);
                pending.PaymentTerminals.Add(payment.TerminalId);
                // A payment moved to another card or terminal leaves the old one's series too.
                if (entry.State == EntityState.Modified)
                {
                    pending.PaymentCards.Add((long)entry.Property(nameof(CardTransaction.CardId)).OriginalValue!);
                    pending.PaymentTerminals.Add((long)entry.Property(nameof(CardTransaction.TerminalId)).OriginalValue!);
                }
                break;
            case Card card when deleted:
                // Its payments go with it (a cascade EF Core does not see): every terminal's series may change.
                pending.Cards.Add(card.Id);
                pending.AllPayments = true;
                break;
            case Card card when entry.State == EntityState.Modified:
                pending.Cards.Add(card.Id);
                break;
            case CardHolder or ApplicationUser when deleted:
                pending.AllCards = true;
                pending.AllPayments = true;
                break;
            case Terminal when entry.State != EntityState.Added:
                pending.Merchants = true;
                pending.AllPayments |= deleted;
                break;
        }
    }

    private void FlushUnlessInTransaction(DbContextEventData eventData)
    {
        if (eventData.Context is { } context && context.Database.CurrentTransaction is null) Flush(context);
    }

    private void Flush(DbContext? context)
    {
        if (context is null || !_pending.TryGetValue(context, out var pending)) return;
        lock (pending)
        {
            if (pending.AllPayments) history.ForgetAll();
            else if (pending.PaymentCards.Count > 0 || pending.PaymentTerminals.Count > 0) history.Forget(pending.PaymentCards, pending.PaymentTerminals);
            if (pending.AllCards) cards.ForgetAllCards();
            else if (pending.Cards.Count > 0) cards.ForgetCards(pending.Cards);
            if (pending.Merchants) cards.ForgetMerchants();
            pending.Clear();
        }
    }

    private sealed class Pending
    {
        public HashSet<long> PaymentCards { get; } = [];
        public HashSet<long> PaymentTerminals { get; } = [];
        public HashSet<long> Cards { get; } = [];
        public bool AllPayments { get; set; }
        public bool AllCards { get; set; }
        public bool Merchants { get; set; }

        public void Clear()
        {
            PaymentCards.Clear();
            PaymentTerminals.Clear();
            Cards.Clear();
            AllPayments = AllCards = Merchants = false;
        }
    }
}
