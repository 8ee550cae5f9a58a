using FraudWeb.Api;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Reports;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers.Api;

[Route("api/v1/labels"), Tags("Labels")]
public sealed class LabelsApiController(ReviewService review) : ApiControllerBase
{
    /// <summary>
    /// Applies confirmed labels from a case tool, each as an analyst's decision in the review queue (same rules, each
    /// audited, retraining told). Labels are independent: the result lists what became of each, in order.
    /// </summary>
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status413PayloadTooLarge, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status415UnsupportedMediaType, "application/problem+json")]
    [HttpPost, Idempotent]
    [Authorize(Policy = ApiPolicies.LabelsWrite)]
    [ProducesResponseType<LabelsResult>(StatusCodes.Status200OK)]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status409Conflict, "application/problem+json")]
    [ProducesResponseType<ProblemDetails>(StatusCodes.Status422UnprocessableEntity, "application/problem+json")]
    public async Task<ActionResult<LabelsResult>> Submit(LabelsRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var analystId = User.GetUserId();
        var keyId = IdempotencyFilter.ApiKeyId(User);
        var outcomes = new List<LabelOutcome>(request.Labels!.Count);
        foreach (var item in request.Labels)
        {
            var label = item.Label == LabelValue.Fraud ? FraudLabel.Fraud : FraudLabel.Legitimate;
            var result = await review.LabelAsync(item.PaymentId!.Value, item.ReportId, label, analystId, keyId, cancellationToken);
            outcomes.Add(new LabelOutcome(item.PaymentId.Value, item.ReportId, Outcome(result), result.Succeeded ? null : result.Errors[0].Message));
        }
        return new LabelsResult(outcomes.Count(o => o.Outcome == "applied"), outcomes);
    }

    private static string Outcome(Result result) => result.Code switch
    {
        null => "applied",
        ErrorCode.NotFound => "not-found",
        ErrorCode.Conflict => "conflict",
        ErrorCode.Refused => "refused",
        _ => "invalid",
    };
}
