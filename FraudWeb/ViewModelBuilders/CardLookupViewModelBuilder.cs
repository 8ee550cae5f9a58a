using FraudWeb.ViewModels.Common;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Cards;
using FraudWeb.ViewModels.Cards;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The card lookup page (docs/decisions/0030): the cards a lookup found, as they are now, with their holders.</summary>
public sealed class CardLookupViewModelBuilder(FraudDbContext db)
{
    /// <summary>The page for <paramref name="staffUserId"/>; <paramref name="found"/> null before any lookup.</summary>
    public async Task<CardLookupPageViewModel> BuildAsync(string staffUserId, CardLookupBy? searchedBy, IReadOnlyList<long>? found,
        CardNumberLookupViewModel? number, EmailLookupViewModel? email, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(staffUserId);
        return new CardLookupPageViewModel
        {
            ByNumber = number ?? new(),
            ByEmail = email ?? new(),
            SearchedBy = found is null ? null : searchedBy,
            Results = found is null ? null : await RowsAsync(staffUserId, found, cancellationToken),
        };
    }

    private async Task<IReadOnlyList<CardLookupRowViewModel>> RowsAsync(string staffUserId, IReadOnlyList<long> ids, CancellationToken cancellationToken)
    {
        if (ids.Count == 0) return [];
        var cards = await db.Cards.AsNoTracking().Where(c => ids.Contains(c.Id)).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Brand, c.Last4, c.ExpiryMonth, c.ExpiryYear, c.StoppedAs, c.StoppedUtc, c.BlockReason, c.BlockNote, c.CardHolderId })
            .ToListAsync(cancellationToken);
        var holderIds = cards.Select(c => c.CardHolderId).Distinct().ToList();
        var holders = await db.CardHolders.AsNoTracking().Where(h => holderIds.Contains(h.Id))
            .Select(h => new { h.Id, h.UserId, h.FullName, h.IsSimulated }).ToDictionaryAsync(h => h.Id, cancellationToken);
        var userIds = holders.Values.Select(h => h.UserId).OfType<string>().Distinct().ToList();
        var emails = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email, cancellationToken);
        return cards.ConvertAll(c =>
        {
            var holder = holders[c.CardHolderId];
            var whose = holder.IsSimulated ? CardLookupHolder.Simulated
                : holder.UserId is null ? CardLookupHolder.Closed
                : holder.UserId == staffUserId ? CardLookupHolder.Self
                : CardLookupHolder.Other;
            return new CardLookupRowViewModel(c.Id, CardLabel.Mask(c.Brand, c.Last4), $"{c.ExpiryMonth:00}/{c.ExpiryYear % 100:00}",
                // An erased holder's name is the domain's English placeholder: shown in the page's language.
                c.StoppedAs, c.StoppedUtc, c.BlockReason, whose == CardLookupHolder.Closed && c.BlockNote == Card.ErasedBlockNote ? Text.Get(Card.ErasedBlockNote) : c.BlockNote,
                whose switch
                {
                    CardLookupHolder.Closed => Text.Get(CardHolder.ErasedName),
                    CardLookupHolder.Simulated => Text.Get("Simulated card holders"),
                    _ => holder.FullName,
                },
                holder.UserId is { } user ? emails.GetValueOrDefault(user) : null, whose);
        });
    }
}
