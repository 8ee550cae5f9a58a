using FraudWeb.Api;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Reports;
using FraudWeb.Services.Transactions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers.Api;

[Route("api/v1/payments"), Tags("Payments")]
public sealed class PaymentsApiController(TransactionService transactions, ReportService reports, PaymentResources resources) : ApiControllerBase
{
    /// <summary>Scores and records a payment on one of your cards, exactly as the payment form does.</summary>
    /// <remarks>A payment over the card's available credit is a 422 of type insufficient-credit; it is recorded as
    /// declined (the card holder sees it in their history) and the problem names it. A decline for risk is a 201 with
    /// decision declined: the payment was made and refused by the scorer.</remarks>
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [HttpPost, AcceptsIdempotencyKey]
    [Authorize(Policy = ApiPolicies.PaymentsWrite)]
    [ProducesResponseType<PaymentResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    [AuditsOthersRecord(OwnedRecord.Card, "request", Member = nameof(PaymentRequest.CardId))]
    public async Task<ActionResult<PaymentResource>> Create(PaymentRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var userId = User.GetUserId();
        PaymentIdempotency? key = null;
        if (Request.Headers.TryGetValue(IdempotencyFilter.Header, out var header))
        {
            if (!IdempotencyFilter.IsValid(header)) return FieldProblem(IdempotencyFilter.Header, IdempotencyFilter.InvalidKey);
            key = TransactionService.ApiIdempotency(IdempotencyFilter.ApiKeyId(User), header.ToString(), request.CardId!.Value, request.TerminalId!.Value, request.Amount!.Value);
        }
        var result = await transactions.SubmitAsync(userId, request.CardId!.Value, request.TerminalId!.Value, request.Amount!.Value, key, cancellationToken);
        return result.Succeeded ? await AnswerAsync(userId, result.Value, key, cancellationToken) : Problem(result);
    }

    /// <summary>201 with the payment; a replay says so in Idempotent-Replayed; a key reused for another request is 422.</summary>
    private async Task<ActionResult<PaymentResource>> AnswerAsync(string userId, RecordedPayment recorded, PaymentIdempotency? key, CancellationToken cancellationToken)
    {
        if (recorded.IsReplay)
        {
            if (recorded.IsKeyReusedBy(key)) return Problem(ApiProblems.IdempotencyKeyReused);
            Response.Headers[IdempotencyFilter.ReplayedHeader] = "true";
        }
        var payment = PaymentResources.Recorded(recorded) ?? await resources.FindAsync(userId, recorded.PaymentId, cancellationToken);
        // 422 only when the payment was declined for credit when submitted: a replay answers as the first request was
        // answered, even after a held payment was settled (declined for credit) by an analyst since.
        if (payment is { DeclineReason: PaymentResources.InsufficientCreditReason } && payment.Decision == PaymentResources.Name(Decision.Declined)) return OverCredit(payment);
        return CreatedAtAction(nameof(Get), new { id = recorded.PaymentId }, payment);
    }

    /// <summary>The 422 for a payment over the available credit, naming the declined payment it recorded.</summary>
    private ObjectResult OverCredit(PaymentResource payment)
    {
        var type = ApiProblems.InsufficientCredit;
        var problem = ProblemDetailsFactory.CreateProblemDetails(HttpContext, type.Status, type.Title, type.Uri,
            $"The payment of {payment.Amount} {payment.Currency} is over the card's available credit ({payment.BalanceEffect.AvailableCredit} {payment.Currency}); it is recorded as declined.");
        problem.Extensions["paymentId"] = payment.Id;
        problem.Extensions["payment"] = payment.Links.Self;
        problem.Extensions["availableCredit"] = payment.BalanceEffect.AvailableCredit;
        return new ObjectResult(problem) { StatusCode = type.Status, ContentTypes = { "application/problem+json" } };
    }

    /// <summary>One of your payments.</summary>
    /// <param name="id">The payment's id (a 404 when it is not one of yours).</param>
    [HttpGet("{id:long:digits}")]
    [Authorize(Policy = ApiPolicies.PaymentsRead)]
    [ProducesResponseType<PaymentResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [AuditsOthersRecord(OwnedRecord.Payment, "id")]
    public async Task<ActionResult<PaymentResource>> Get(long id, CancellationToken cancellationToken)
    {
        var payment = await resources.FindAsync(User.GetUserId(), id, cancellationToken);
        return payment is null ? Problem(Services.Result.NotFound(NoSuchPayment)) : payment;
    }

    /// <summary>A payment that does not exist or is another holder's, in the same words wherever the API answers it (no probing).</summary>
    public const string NoSuchPayment = "This payment does not exist.";

    /// <summary>Your payments, newest first, a page at a time (pass nextCursor back as cursor).</summary>
    /// <param name="cardId">Only this card's payments.</param>
    /// <param name="from">From this time (RFC 3339, inclusive).</param>
    /// <param name="to">Before this time (RFC 3339, exclusive).</param>
    /// <param name="cursor">The nextCursor of the previous page.</param>
    /// <param name="limit">Page size, 1 to 100 (default 25).</param>
    /// <param name="cancellationToken">Ends the query when the client goes away.</param>
    [HttpGet]
    [Authorize(Policy = ApiPolicies.PaymentsRead)]
    [ProducesResponseType<PaymentPage>(StatusCodes.Status200OK)]
    public async Task<ActionResult<PaymentPage>> List(long? cardId, DateTimeOffset? from, DateTimeOffset? to, string? cursor,
        [System.ComponentModel.DataAnnotations.Range(1, PaymentResources.MaxPageSize, ErrorMessage = "The limit is between 1 and 100.")] int? limit, CancellationToken cancellationToken)
    {
        if (limit is < 1 or > PaymentResources.MaxPageSize) return FieldProblem("limit", $"The limit is between 1 and {PaymentResources.MaxPageSize}.");
        long? after = null;
        // "cursor=" binds to null; a client that sent one, even empty, meant to continue, not to start again.
        if (cursor is null && Request.Query.ContainsKey("cursor")) cursor = "";
        if (cursor is not null && (after = PaymentResources.DecodeCursor(cursor)) is null) return FieldProblem("cursor", "This cursor was not issued by this API; pass nextCursor unchanged.");
        if (from is not null && to is not null && from >= to) return FieldProblem("to", "'to' must be after 'from'.");
        return await resources.ListAsync(User.GetUserId(), cardId, from?.UtcDateTime, to?.UtcDateTime, after, limit ?? PaymentResources.DefaultPageSize, cancellationToken);
    }

    /// <summary>Reports one of your payments: not-me (it is fraud) or this-was-me (the fraud check's decline or hold, or a finding of fraud, was wrong).</summary>
    /// <param name="id">The payment's id (a 404 when it is not one of yours).</param>
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [HttpPost("{id:long:digits}/reports"), Idempotent]
    [Authorize(Policy = ApiPolicies.ReportsWrite)]
    [ProducesResponseType<ReportResource>(StatusCodes.Status201Created)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [AuditsOthersRecord(OwnedRecord.Payment, "id")]
    public async Task<ActionResult<ReportResource>> Report(long id, ReportRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var kind = request.Kind == ReportKindValue.NotMe ? ReportKind.NotMe : ReportKind.ThisWasMe;
        var result = await reports.CreateFromApiAsync(User.GetUserId(), id, kind, request.Reason!, cancellationToken);
        if (result.Code == Services.ErrorCode.NotFound) return Problem(Services.Result.NotFound(NoSuchPayment));
        // A reason the domain refuses is a malformed request (400, the key left free), should it ever pass ReportReason.
        if (result is { Code: Services.ErrorCode.Invalid, Errors: [{ Field: ReportService.Fields.Reason } error] }) return FieldProblem("reason", error.Message);
        if (!result.Succeeded) return Problem(result);
        var report = result.Value;
        var resource = new ReportResource(report.Id, id, report.Kind == ReportKind.NotMe ? "not-me" : "this-was-me", "open", report.CreatedUtc);
        return StatusCode(StatusCodes.Status201Created, resource);
    }
}
