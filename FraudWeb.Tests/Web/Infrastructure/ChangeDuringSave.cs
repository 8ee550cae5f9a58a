using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// At every save that <c>when</c> picks, another request's change (its own connection) is started and given a second
/// to commit before the save goes on. A change that holds its rows from before its reads makes the other one wait until
/// it commits (<see cref="CompletedDuringSave"/> stays 0); one that does not lets it commit in between, over what it read.
/// </summary>
public sealed class ChangeDuringSave(Func<DbContext, bool> when, Func<Task> change) : SaveChangesInterceptor
{
    private readonly List<Task> _changes = [];
    private int _saves;
    private int _completedDuringSave;

    /// <summary>How many picked saves ran.</summary>
    public int Saves => Volatile.Read(ref _saves);

    /// <summary>At how many of them the other change had committed before the save went on.</summary>
    public int CompletedDuringSave => Volatile.Read(ref _completedDuringSave);

    /// <summary>Set false to stop picking saves (a test's own arrangement saves before the act).</summary>
    public bool Armed { get; set; } = true;

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (!Armed || eventData.Context is not { } db || !when(db)) return result;
        Interlocked.Increment(ref _saves);
        var other = Task.Run(change, CancellationToken.None);
        lock (_changes) _changes.Add(other);
        if (await Task.WhenAny(other, Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)) == other) Interlocked.Increment(ref _completedDuringSave);
        return result;
    }

    /// <summary>Every change started, once done (each waits while the saving change holds its rows).</summary>
    public Task AllDoneAsync()
    {
        lock (_changes) return Task.WhenAll(_changes.ToArray());
    }
}

/// <summary>Registered once in a factory's host; a test puts its <see cref="ChangeDuringSave"/> in <see cref="Inner"/> and takes it out after.</summary>
public sealed class SaveInterceptorSlot : SaveChangesInterceptor
{
    public SaveChangesInterceptor? Inner { get; set; }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default) =>
        Inner is { } inner ? inner.SavingChangesAsync(eventData, result, cancellationToken) : ValueTask.FromResult(result);
}
