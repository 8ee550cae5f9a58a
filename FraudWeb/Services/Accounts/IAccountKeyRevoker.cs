namespace FraudWeb.Services.Accounts;

/// <summary>
/// The account's API keys, from the account's side: a password replaced (by its owner through a reset link or the
/// change form, or by an administrator) ends them, since keys outlive sessions and whoever had the account may have
/// made one. Implemented by the API keys' service, which depends on accounts, not the other way round.
/// </summary>
public interface IAccountKeyRevoker
{
    /// <summary>Revokes every active key of the user, each audited as <paramref name="actorId"/>'s; saved with the caller's changes.</summary>
    /// <returns>How many keys were revoked.</returns>
    Task<int> RevokeAllAsync(string userId, string actorId, CancellationToken cancellationToken);

    /// <summary>
    /// Revokes every active key the user, as an administrator, made for someone else (they were shown its text), each
    /// audited as <paramref name="actorId"/>'s; saved with the caller's changes. For an administrator's forced reset and
    /// an account's erasure: the person may no longer be the one who should hold those secrets.
    /// </summary>
    /// <returns>How many keys were revoked.</returns>
    Task<int> RevokeMadeForOthersAsync(string userId, string actorId, CancellationToken cancellationToken);
}
