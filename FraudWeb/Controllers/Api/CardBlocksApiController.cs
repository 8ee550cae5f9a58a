using FraudWeb.Api;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Cards;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers.Api;

/// <summary>
/// The bank's block on a card, for staff's case tools: the card lookup's forms as endpoints (docs/decisions/0028), with
/// the same service, rules, audit and mail to the holder.
/// </summary>
[Route("api/v1/cards"), Tags("Card blocks")]
public sealed class CardBlocksApiController(CardBlockService blocks, AccountService accounts, PublicSite site) : ApiControllerBase
{
    /// <summary>Blocks any holder's card: every payment with it is refused until the block is lifted; audited, the holder mailed.</summary>
    /// <remarks>Never your own card, nor one of the key's creator (422). A card its holder stopped, or already blocked, is a 409; so is one whose holder closed their account.</remarks>
    /// <param name="id">The card's id (staff find it with the card lookup, or from a payment).</param>
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [HttpPost("{id:long:digits}/block"), Idempotent]
    [Authorize(Policy = ApiPolicies.CardsBlock)]
    [ProducesResponseType<CardBlockResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<ActionResult<CardBlockResource>> Block(long id, CardBlockRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var reason = Enum.Parse<CardBlockReason>(request.Reason!.Value.ToString());
        return await AnswerAsync(await blocks.BlockAsync(User.GetUserId(), id, reason, request.Note, IdempotencyFilter.ApiKeyId(User), cancellationToken), cancellationToken);
    }

    /// <summary>Lifts the bank's block: the card takes payments again; audited, the holder mailed. A holder's own stop is never lifted (409).</summary>
    /// <param name="id">The card's id.</param>
    // A body is not read, but the Idempotency-Key's check reads whatever is sent (up to the API's limit).
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [HttpPost("{id:long:digits}/unblock"), Idempotent]
    [Authorize(Policy = ApiPolicies.CardsBlock)]
    [ProducesResponseType<CardBlockResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<ActionResult<CardBlockResource>> Unblock(long id, CancellationToken cancellationToken) =>
        await AnswerAsync(await blocks.UnblockAsync(User.GetUserId(), id, IdempotencyFilter.ApiKeyId(User), cancellationToken), cancellationToken);

    /// <summary>The holder mailed (in their language) as the web form does, then the card as it is now.</summary>
    private async Task<ActionResult<CardBlockResource>> AnswerAsync(Result<CardBlockChanged> result, CancellationToken cancellationToken)
    {
        if (!result.Succeeded) return Problem(result);
        var changed = result.Value;
        if (changed.HolderUserId is { } holder)
            await accounts.MailCardBlockChangedAsync(holder, changed.Brand, changed.Last4, changed.Blocked, site.Link(Url.Action("Details", "Cards", new { id = changed.Id })!), cancellationToken);
        return new CardBlockResource(changed.Id, changed.Masked, changed.Blocked);
    }
}
