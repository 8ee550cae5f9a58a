using FraudWeb.Data;
using FraudWeb.Services.ApiKeys;
using FraudWeb.ViewModels.ApiKeys;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The API key pages: a holder's own keys, or every key for administrators.</summary>
public sealed class ApiKeyViewModelBuilder(FraudDbContext db, TimeProvider clock)
{
    /// <param name="canCreate">Whether the user creates keys (card holders); others see and revoke the keys made for them.</param>
    public async Task<ApiKeysViewModel> OwnKeysAsync(string userId, bool canCreate, CreateApiKeyViewModel? form, CancellationToken cancellationToken)
    {
        // The working keys (at most MaxActiveKeysPerOwner) and the newest revoked or expired ones as history: every key
        // ever made on one page grew with each rotation, for years (1.6 MB at 3,000 keys; volume review).
        var now = clock.GetUtcNow().UtcDateTime;
        var owned = db.ApiKeys.AsNoTracking().OwnedBy(userId);
        var working = await owned.Where(k => k.RevokedUtc == null && k.ExpiresUtc > now).ToListAsync(cancellationToken);
        var history = await owned.Where(k => k.RevokedUtc != null || k.ExpiresUtc <= now).OrderByDescending(k => k.Id).Take(InactiveShown).ToListAsync(cancellationToken);
        var keys = working.Concat(history).OrderByDescending(k => k.Id).ToList();
        return new ApiKeysViewModel
        {
            Keys = keys.ConvertAll(k => new ApiKeyRowViewModel(k.Id, k.Name, k.Prefix, k.ScopeList, k.CreatedUtc, k.ExpiresUtc, k.LastUsedUtc, k.RevokedUtc, null)),
            ScopeChoices = ApiScopes.SelfService,
            CanCreate = canCreate,
            Form = Shown(form) ?? new CreateApiKeyViewModel { Scopes = [ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite] },
            NowUtc = now,
        };
    }

    /// <param name="owner">Part of the owners' email addresses to show keys of; null for everyone's.</param>
    /// <param name="before">Working keys older than this key (the "Older" link); null for the newest.</param>
    public async Task<ApiKeysViewModel> AllKeysAsync(CreateApiKeyViewModel? form, string? owner, long? before, CancellationToken cancellationToken)
    {
        // The working keys a page at a time, newest first, so each can be reached and revoked however many there are
        // (all of them on one page was 23 MB at 20,000 keys); on the first page, the newest revoked or expired ones as history.
        var now = clock.GetUtcNow().UtcDateTime;
        owner = string.IsNullOrWhiteSpace(owner) ? null : owner.Trim();
        var keys = db.ApiKeys.AsNoTracking();
        if (owner is not null)
        {
            var normalized = owner.ToUpperInvariant();
            keys = keys.Where(k => db.Users.Any(u => u.Id == k.OwnerId && u.NormalizedEmail!.Contains(normalized)));
        }
        var active = keys.Where(k => k.RevokedUtc == null && k.ExpiresUtc > now);
        var workingCount = await active.CountAsync(cancellationToken);
        var page = await WithOwnersAsync((before is { } older ? active.Where(k => k.Id < older) : active).OrderByDescending(k => k.Id).Take(WorkingPageSize + 1), cancellationToken);
        var more = page.Count > WorkingPageSize;
        if (more) page.RemoveAt(WorkingPageSize);
        var history = before is null
            ? await WithOwnersAsync(keys.Where(k => k.RevokedUtc != null || k.ExpiresUtc <= now).OrderByDescending(k => k.Id).Take(InactiveShown), cancellationToken)
            : [];
        var rows = page.Concat(history).ToList();
        return new ApiKeysViewModel
        {
            Owner = owner,
            WorkingCount = workingCount,
            Before = before,
            OlderFrom = more ? page[^1].Key.Id : null,
            Keys = rows.ConvertAll(r => new ApiKeyRowViewModel(r.Key.Id, r.Key.Name, r.Key.Prefix, r.Key.ScopeList, r.Key.CreatedUtc, r.Key.ExpiresUtc,
                r.Key.LastUsedUtc, r.Key.RevokedUtc, r.Email)),
            ScopeChoices = ApiScopes.Integration,
            Form = Shown(form) ?? new CreateApiKeyViewModel(),
            ForAdministrators = true,
            NowUtc = clock.GetUtcNow().UtcDateTime,
        };
    }

    /// <summary>How many revoked or expired keys a holder's page and the administrators' first page show, newest first.</summary>
    public const int InactiveShown = 50;

    /// <summary>Working keys a page of the administrators' list shows.</summary>
    public const int WorkingPageSize = 50;

    private async Task<List<KeyWithOwner>> WithOwnersAsync(IQueryable<Domain.Entities.ApiKey> keys, CancellationToken cancellationToken) =>
        await keys.Select(k => new KeyWithOwner(k, db.Users.Where(u => u.Id == k.OwnerId).Select(u => u.Email).FirstOrDefault())).ToListAsync(cancellationToken);

    private sealed record KeyWithOwner(Domain.Entities.ApiKey Key, string? Email);

    /// <summary>
    /// A refused form as it is shown again: its fields render from this model (prefix "Form"), not from what binding
    /// kept, so a card number typed as the name is masked here (PCI DSS 3.4.1; CardNumberEchoFilter covers the rest).
    /// </summary>
    private static CreateApiKeyViewModel? Shown(CreateApiKeyViewModel? form)
    {
        if (form?.Name is { } name) form.Name = Domain.Cards.CardNumber.Redact(name);
        return form;
    }
}
