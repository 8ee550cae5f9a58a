namespace FraudWeb.Services.Retraining;

/// <summary>Wakes the retraining worker early (a run was queued, a label was added) instead of waiting for its poll.</summary>
public sealed class RetrainingSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Wake()
    {
        // At most one pending wake-up: many labels in a row need one look, not many.
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _semaphore.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _semaphore.Dispose();
}
