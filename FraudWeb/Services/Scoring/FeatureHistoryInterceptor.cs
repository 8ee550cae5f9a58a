using System.Data.Common;
using System.Runtime.CompilerServices;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// Sees every saved change of payments through EF Core (a label, a review's settlement, a refund, a payment saved
/// outside the payment writer) and makes <see cref="FeatureHistory"/> forget their cards' and terminals' series once the
/// change has committed: at once without a transaction, else when the transaction ends (forgetting after a rollback too
/// is harmless). A deleted card, holder, user or terminal takes payments with it that EF Core never loaded, and a statement
/// that writes payments in bulk (<c>ExecuteUpdate</c>, <c>ExecuteDelete</c>, SQL) names none, so these forget everything. Forgetting before the commit would let a read of the old rows be kept after it.
/// </summary>
public sealed class FeatureHistoryInterceptor(FeatureHistory history) : SaveChangesInterceptor, IDbTransactionInterceptor, IDbCommandInterceptor
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
        if (eventData.Context is not { } context || !command.CommandText.Contains(PaymentsTable, StringComparison.OrdinalIgnoreCase)) return;
        var pending = _pending.GetValue(context, _ => new Pending());
        lock (pending) pending.All = true;
        if (context.Database.CurrentTransaction is null) Flush(context);
    }

    /// <summary>The payments' table as SQL names it (both providers quote it).</summary>
    private const string PaymentsTable = "\"Transactions\"";

    private void Collect(DbContextEventData eventData)
    {
        if (eventData.Context is not { } context) return;
        Pending? pending = null;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            if (entry.State is not (EntityState.Added or EntityState.Modified or EntityState.Deleted)) continue;
            switch (entry.Entity)
            {
                case CardTransaction payment:
                    pending ??= _pending.GetValue(context, _ => new Pending());
                    lock (pending)
                    {
                        pending.Cards.Add(payment.CardId);
                        pending.Terminals.Add(payment.TerminalId);
                        // A payment moved to another card or terminal leaves the old one's series too.
                        if (entry.State == EntityState.Modified)
                        {
                            pending.Cards.Add((long)entry.Property(nameof(CardTransaction.CardId)).OriginalValue!);
                            pending.Terminals.Add((long)entry.Property(nameof(CardTransaction.TerminalId)).OriginalValue!);
                        }
                    }
                    break;
                case Card or CardHolder or ApplicationUser or Terminal when entry.State == EntityState.Deleted:
                    pending ??= _pending.GetValue(context, _ => new Pending());
                    lock (pending) pending.All = true;
                    break;
            }
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
            if (pending.All) history.ForgetAll();
            else if (pending.Cards.Count > 0 || pending.Terminals.Count > 0) history.Forget(pending.Cards, pending.Terminals);
            pending.All = false;
            pending.Cards.Clear();
            pending.Terminals.Clear();
        }
    }

    private sealed class Pending
    {
        public HashSet<long> Cards { get; } = [];
        public HashSet<long> Terminals { get; } = [];
        public bool All { get; set; }
    }
}
