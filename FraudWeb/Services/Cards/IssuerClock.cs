using FraudWeb.Domain.Cards;
using FraudWeb.Infrastructure.Options;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Cards;

/// <summary>
/// The card issuer's clock (Scoring:TimeZone): its date decides a card's expiry and a holder's age, as its hour decides
/// the model's night and weekend features (docs/decisions/0022).
/// </summary>
public sealed class IssuerClock(TimeProvider clock, IOptions<ScoringOptions> scoring)
{
    public IssuerTime Now() => At(clock.GetUtcNow().UtcDateTime);

    /// <summary>The instant <paramref name="utc"/> on the issuer's calendar (a payment's own time, say).</summary>
    public IssuerTime At(DateTime utc) => IssuerTime.At(utc, scoring.Value.Features().LocalTime);

    public DateOnly Today => Now().Date;
}
