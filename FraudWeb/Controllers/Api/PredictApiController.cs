using FraudWeb.Api;
using FraudWeb.Services.Transactions;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers.Api;

[Route("api/v1/predict"), Tags("Scoring")]
public sealed class PredictApiController(TransactionService transactions, TimeProvider clock) : ApiControllerBase
{
    /// <summary>How far ahead of the server's clock a timestamp may be (clock skew), and how far back.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan Oldest = TimeSpan.FromDays(365);

    /// <summary>Scores a payment on any card without recording it: probability, risk score, decision, reasons (staff keys with payments:score).</summary>
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [HttpPost]
    [Authorize(Policy = ApiPolicies.PaymentsScore)]
    [ProducesResponseType<PredictionResource>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status404NotFound, "application/problem+json")]
    [ProducesResponseType<HttpValidationProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status503ServiceUnavailable, "application/problem+json")]
    public async Task<ActionResult<PredictionResource>> Predict(PredictRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = clock.GetUtcNow();
        var at = request.Timestamp ?? now;
        if (at > now + Skew || at < now - Oldest) return FieldProblem("timestamp", "The timestamp must be within the last 365 days and not in the future.");
        var result = await transactions.PredictAsync(request.CardId!.Value, request.TerminalId!.Value, request.Amount!.Value, at.UtcDateTime, cancellationToken);
        if (!result.Succeeded) return Problem(result);
        var prediction = result.Value;
        return new PredictionResource(Math.Round(prediction.Probability, 6), prediction.Verdict.RiskScore, PaymentResources.Name(prediction.Verdict.Decision),
            PaymentResources.ScoredReasons(prediction.Reasons), prediction.Verdict.ModelVersion, at.UtcDateTime);
    }
}
