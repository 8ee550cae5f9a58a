using FraudWeb.Data;
using FraudWeb.Services.ApiKeys;
using FraudWeb.ViewModels.ApiKeys;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The API key pages: a holder's own keys, or every key for administrators.</summary>
public sealed class ApiKeyViewModelBuilder(FraudDbContext db, TimeProvider clock)
{
    public async Task<ApiKeysViewModel> OwnKeysAsync(string userId, CreateApiKeyViewModel? form, CancellationToken cancellationToken)
    {
        var keys = await db.ApiKeys.AsNoTracking().OwnedBy(userId).OrderByDescending(k => k.Id).ToListAsync(cancellationToken);
        return new ApiKeysViewModel
        {
            Keys = keys.ConvertAll(k => new ApiKeyRowViewModel(k.Id, k.Name, k.Prefix, k.ScopeList, k.CreatedUtc, k.ExpiresUtc, k.LastUsedUtc, k.RevokedUtc, null)),
            ScopeChoices = ApiScopes.SelfService,
            Form = form ?? new CreateApiKeyViewModel { Scopes = [ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite] },
            NowUtc = clock.GetUtcNow().UtcDateTime,
        };
    }

    public async Task<ApiKeysViewModel> AllKeysAsync(CreateApiKeyViewModel? form, CancellationToken cancellationToken)
    {
        // Every key that still works (so each can be revoked here, however many were made since), then the newest
        // revoked or expired ones as history.
        var now = clock.GetUtcNow().UtcDateTime;
        var active = db.ApiKeys.AsNoTracking().Where(k => k.RevokedUtc == null && k.ExpiresUtc > now);
        var inactive = db.ApiKeys.AsNoTracking().Where(k => k.RevokedUtc != null || k.ExpiresUtc <= now).OrderByDescending(k => k.Id).Take(InactiveShown);
        var rows = new[] { await WithOwnersAsync(active.OrderByDescending(k => k.Id), cancellationToken), await WithOwnersAsync(inactive, cancellationToken) }
            .SelectMany(r => r).ToList();
        return new ApiKeysViewModel
        {
            Keys = rows.ConvertAll(r => new ApiKeyRowViewModel(r.Key.Id, r.Key.Name, r.Key.Prefix, r.Key.ScopeList, r.Key.CreatedUtc, r.Key.ExpiresUtc,
                r.Key.LastUsedUtc, r.Key.RevokedUtc, r.Email)),
            ScopeChoices = ApiScopes.Integration,
            Form = form ?? new CreateApiKeyViewModel(),
            ForAdministrators = true,
            NowUtc = clock.GetUtcNow().UtcDateTime,
        };
    }

    /// <summary>How many revoked or expired keys the administrators' page shows, newest first.</summary>
    public const int InactiveShown = 200;

    private async Task<List<KeyWithOwner>> WithOwnersAsync(IQueryable<Domain.Entities.ApiKey> keys, CancellationToken cancellationToken) =>
        await keys.Select(k => new KeyWithOwner(k, db.Users.Where(u => u.Id == k.OwnerId).Select(u => u.Email).FirstOrDefault())).ToListAsync(cancellationToken);

    private sealed record KeyWithOwner(Domain.Entities.ApiKey Key, string? Email);
}
