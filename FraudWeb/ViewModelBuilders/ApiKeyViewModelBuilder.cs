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
        var rows = await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.Id).Take(500)
            .Select(k => new { Key = k, Email = db.Users.Where(u => u.Id == k.OwnerId).Select(u => u.Email).FirstOrDefault() })
            .ToListAsync(cancellationToken);
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

    /// <summary>The user an administrator names by email, or null.</summary>
    public Task<string?> UserIdByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var normalized = email.Trim().ToUpperInvariant();
        return db.Users.Where(u => u.NormalizedEmail == normalized).Select(u => u.Id).FirstOrDefaultAsync(cancellationToken);
    }
}
