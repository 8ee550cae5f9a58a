using FraudWeb.Domain.Learning;

namespace FraudWeb.Services.Models;

/// <summary>An immutable pairing of a model and the version it was registered under.</summary>
public sealed record ServingSnapshot(IFraudModel Model, string Version);

/// <summary>
/// The model that scores live transactions; null until one is loaded. It lives with the registry, which alone decides
/// what serves (start-up, promotion, rollback); scoring only reads it.
/// </summary>
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
