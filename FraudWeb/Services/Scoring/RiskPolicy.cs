using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Options;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// Turns a fraud probability into a 0-99 risk score (floor(p * 100), capped at 99: monotone, so thresholds on the
/// score are thresholds on the probability) and the score into a decision.
/// </summary>
public sealed class RiskPolicy
{
    public RiskPolicy(IOptions<ScoringOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // Validated once, at start-up (ScoringOptions.Validate): review never above block.
        var value = options.Value;
        ReviewThreshold = value.ReviewThreshold;
        BlockThreshold = value.BlockThreshold;
    }

    public int ReviewThreshold { get; }
    public int BlockThreshold { get; }

    public static int RiskScore(double probability) => RiskScale.FromProbability(probability);

    public Decision Decide(int riskScore) =>
        riskScore >= BlockThreshold ? Decision.Declined
        : riskScore >= ReviewThreshold ? Decision.Review
        : Decision.Approved;
}
