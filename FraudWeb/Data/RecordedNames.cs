using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Data;

/// <summary>
/// The records that name who acted by sign-in name, not by account id: who labelled a payment, decided a report, asked
/// for a retraining (its run and the model version's trigger, "manual: name"). When that name changes (a new address, or
/// the erasure's marker) every one of them follows, so no earlier address stays readable there.
/// </summary>
public static class RecordedNames
{
    public static async Task RenameAsync(this FraudDbContext db, string from, string to, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrEmpty(from);
        ArgumentException.ThrowIfNullOrEmpty(to);
        // Read first, from the analysts' labels' own index: a bulk update of payments makes the payment path forget what
        // it keeps in memory (MemoryInvalidationInterceptor), which a holder's change of address has no reason to cost.
        var labelled = db.Transactions.Where(t => t.LabelledBy != null && t.LabelledBy != Domain.Entities.CardTransaction.SimulatorLabeller && t.LabelledBy == from);
        if (await labelled.AnyAsync(cancellationToken))
            await labelled.ExecuteUpdateAsync(u => u.SetProperty(t => t.LabelledBy, to), cancellationToken);
        await RowLocks.HoldReportsDecidedByAsync(db, from, cancellationToken);
        await db.FraudReports.Where(r => r.DecidedBy == from).ExecuteUpdateAsync(u => u.SetProperty(r => r.DecidedBy, to), cancellationToken);
        await db.RetrainingRuns.Where(r => r.RequestedBy == from).ExecuteUpdateAsync(u => u.SetProperty(r => r.RequestedBy, to), cancellationToken);
        // A manual run's trigger is "manual: <name>" exactly; a substring match renamed longer addresses that contain this one.
        var trigger = "manual: " + from;
        await db.ModelVersions.Where(m => m.Trigger == trigger).ExecuteUpdateAsync(u => u.SetProperty(m => m.Trigger, "manual: " + to), cancellationToken);
    }
}
