using FraudWeb.Domain.Learning;

namespace FraudWeb.Services.Scoring;

/// <summary>An immutable pairing of a model and the version it was registered under.</summary>
public sealed record ServingSnapshot(IFraudModel Model, string Version);

/// <summary>The model that scores live transactions; null until one is loaded.</summary>
public interface IServingModel
{
    ServingSnapshot? Current { get; }

    /// <summary>Atomically replaces the serving model; requests in flight keep the snapshot they read.</summary>
    void Promote(ServingSnapshot snapshot);
}

/// <summary>Singleton holder: readers take one volatile read of an immutable snapshot, so no locks are needed.</summary>
public sealed class ServingModel : IServingModel
{
    private ServingSnapshot? _current;

    public ServingSnapshot? Current => Volatile.Read(ref _current);

    public void Promote(ServingSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        Interlocked.Exchange(ref _current, snapshot);
    }
}

/// <summary>No model is loaded, so no verdict can be given (the caller shows a 503-style message).</summary>
public sealed class ScorerUnavailableException() : Exception("The fraud scorer is not available right now.");
