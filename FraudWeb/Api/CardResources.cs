using System.Reflection;
using System.Text.Json.Serialization;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Cards;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Api;

/// <summary>The API's views of cards (what the card page's view-model builder is to the page): the caller's own only.</summary>
public sealed class CardResources(FraudDbContext db, IssuerClock issuer)
{
    /// <summary>A card its holder has not stopped.</summary>
    public const string Active = "active";

    /// <summary>A card the bank blocked (docs/decisions/0028): staff lift it, a holder cannot ask for it.</summary>
    public const string Blocked = "blocked";

    /// <summary>
    /// Each way a card is stopped and its API name: the holder's own stops from <see cref="CardStopValue"/> (the member of
    /// the same C# name, which a stop request may name), and the bank's block, which no request names.
    /// </summary>
    private static readonly Dictionary<CardStop, string> StopNames = Enum.GetValues<CardStopValue>().ToDictionary(
        v => Enum.Parse<CardStop>(v.ToString()),
        v => typeof(CardStopValue).GetField(v.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name)
        .Append(new(CardStop.Blocked, Blocked)).ToDictionary();

    /// <summary>The one mapping from the domain's stop to the API's status: active, or how it was stopped.</summary>
    public static string Status(CardStop? stop) => stop is { } stopped
        ? StopNames.TryGetValue(stopped, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(stop), stop, "A stop without an API name: add it to CardStopValue.")
        : Active;

    /// <summary>Every status a card can have, active first.</summary>
    public static IReadOnlyList<string> Statuses { get; } = [Active, .. Enum.GetValues<CardStop>().Select(s => Status(s))];

    /// <summary>The domain's stop a request names.</summary>
    public static CardStop StopOf(CardStopValue reason) => StopNames.Single(p => p.Value == Name(reason)).Key;

    private static string Name(CardStopValue reason) => typeof(CardStopValue).GetField(reason.ToString())!.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()!.Name;

    /// <summary>A card that does not exist or is another holder's, in the same words wherever the API answers it (no probing).</summary>
    public const string NoSuchCard = "This card does not exist.";

    /// <summary>The caller's card, or null (another holder's id looks the same as a missing one).</summary>
    public async Task<CardResource?> FindAsync(string userId, long id, CancellationToken cancellationToken)
    {
        var card = await db.Cards.AsNoTracking().OwnedBy(userId).Where(c => c.Id == id).Select(Projection).FirstOrDefaultAsync(cancellationToken);
        return card is null ? null : ToResource(card, issuer.Today);
    }

    /// <summary>
    /// The caller's cards in the order added, all of them: the profile lists them unpaged too (a holder has a few; adding
    /// one is rate-limited), so there is no cursor.
    /// </summary>
    public async Task<CardList> ListAsync(string userId, CancellationToken cancellationToken)
    {
        var cards = await db.Cards.AsNoTracking().OwnedBy(userId).OrderBy(c => c.Id).Select(Projection).ToListAsync(cancellationToken);
        var today = issuer.Today;
        return new CardList(cards.ConvertAll(c => ToResource(c, today)));
    }

    /// <summary>What a card resource shows, and nothing more: never the fingerprint, nor the name on the card.</summary>
    private sealed record Row(long Id, CardBrand Brand, string Last4, int ExpiryMonth, int ExpiryYear, CardStop? StoppedAs, DateTime? StoppedUtc, decimal CreditLimit, decimal Balance);

    private static readonly System.Linq.Expressions.Expression<Func<Card, Row>> Projection =
        c => new Row(c.Id, c.Brand, c.Last4, c.ExpiryMonth, c.ExpiryYear, c.StoppedAs, c.StoppedUtc, c.CreditLimit, c.Balance);

    private static CardResource ToResource(Row card, DateOnly issuerToday) => new(
        card.Id, card.Brand.DisplayName(), card.Last4, card.ExpiryMonth, card.ExpiryYear,
        CardExpiry.IsExpired(card.ExpiryYear, card.ExpiryMonth, issuerToday), Status(card.StoppedAs), card.StoppedUtc,
        ApiMoney.Format(card.CreditLimit), ApiMoney.Format(card.Balance),
        // As the card's page shows it: a stopped card offers no credit.
        card.StoppedAs is null ? ApiMoney.Format(card.CreditLimit - card.Balance) : null, ApiMoney.Currency,
        new CardLinks($"/api/v1/cards/{card.Id}", $"/api/v1/payments?cardId={card.Id}"));
}
