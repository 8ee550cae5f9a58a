using FraudWeb.Api;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Cards;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers.Api;

[Route("api/v1/cards"), Tags("Cards")]
// The mail and the site's address in the constructor, not [FromServices] on the action: the API fuzzer reads an
// action's non-simple parameters as its body.
public sealed class CardsApiController(CardService cards, CardResources resources, AccountService accounts, PublicSite site) : ApiControllerBase
{
    /// <summary>Your cards, in the order added: brand, last four, expiry, status (active, removed, lost-or-stolen, blocked), limit, balance and credit left.</summary>
    [HttpGet]
    [Authorize(Policy = ApiPolicies.PaymentsRead)]
    [ProducesResponseType<CardList>(StatusCodes.Status200OK)]
    public async Task<ActionResult<CardList>> List(CancellationToken cancellationToken) =>
        await resources.ListAsync(User.GetUserId(), cancellationToken);

    /// <summary>One of your cards.</summary>
    /// <param name="id">The card's id (a 404 when it is not one of yours).</param>
    [HttpGet("{id:long:digits}")]
    [Authorize(Policy = ApiPolicies.PaymentsRead)]
    [ProducesResponseType<CardResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [AuditsOthersRecord(OwnedRecord.Card, "id")]
    public async Task<ActionResult<CardResource>> Get(long id, CancellationToken cancellationToken)
    {
        var card = await resources.FindAsync(User.GetUserId(), id, cancellationToken);
        return card is null ? Problem(Result.NotFound(CardResources.NoSuchCard)) : card;
    }

    /// <summary>Stops one of your cards, as its page's Remove card and Report lost or stolen buttons do: final, audited; lost or stolen mails you.</summary>
    /// <remarks>A card already stopped is a 409 of type card-stopped, naming how and when: a stop is never undone or changed.</remarks>
    /// <param name="id">The card's id (a 404 when it is not one of yours).</param>
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [HttpPost("{id:long:digits}/stop"), Idempotent]
    [Authorize(Policy = ApiPolicies.CardsWrite)]
    [ProducesResponseType<CardResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    [AuditsOthersRecord(OwnedRecord.Card, "id")]
    public async Task<ActionResult<CardResource>> Stop(long id, CardStopRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var userId = User.GetUserId();
        var stop = CardResources.StopOf(request.Reason!.Value);
        var result = await cards.StopAsync(userId, id, stop, cancellationToken);
        if (result.Code == ErrorCode.NotFound) return Problem(Result.NotFound(CardResources.NoSuchCard));
        if (result.Code == ErrorCode.Conflict) return await AlreadyStoppedAsync(userId, id, result, cancellationToken);
        if (!result.Succeeded) return Problem(result);
        // As the card page's button does: the holder is mailed in their language, with a link to the card's page.
        if (stop == CardStop.LostOrStolen)
            await accounts.MailCardLostOrStolenAsync(userId, result.Value.Brand, result.Value.Last4, site.Link(Url.Action("Details", "Cards", new { id })!), cancellationToken);
        var card = await resources.FindAsync(userId, id, cancellationToken);
        return card is null ? Problem(Result.NotFound(CardResources.NoSuchCard)) : card;
    }

    /// <summary>The 409 for a card stopped before: the domain's words, and how and since when as members a client reads.</summary>
    private async Task<ActionResult<CardResource>> AlreadyStoppedAsync(string userId, long id, Result refused, CancellationToken cancellationToken)
    {
        var card = await resources.FindAsync(userId, id, cancellationToken);
        if (card is null) return Problem(Result.NotFound(CardResources.NoSuchCard));
        var type = ApiProblems.CardStopped;
        var problem = ProblemDetailsFactory.CreateProblemDetails(HttpContext, type.Status, type.Title, type.Uri, refused.Errors[0].Message);
        problem.Extensions["cardStatus"] = card.Status;
        problem.Extensions["stoppedUtc"] = card.StoppedUtc;
        return new ObjectResult(problem) { StatusCode = type.Status, ContentTypes = { "application/problem+json" } };
    }
}
