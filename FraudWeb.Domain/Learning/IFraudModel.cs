namespace FraudWeb.Domain.Learning;

/// <summary>
/// A trained binary fraud model. Implementations are immutable and thread-safe, so one
/// instance serves every request; an ML.NET-backed model could implement this too.
/// </summary>
public interface IFraudModel
{
    IReadOnlyList<string> FeatureNames { get; }

    /// <summary>Raw additive score (log-odds scaled by the sigmoid parameter).</summary>
    double PredictMargin(ReadOnlySpan<float> features);

    /// <summary>Probability of fraud in [0, 1]; allocates nothing.</summary>
    double PredictProbability(ReadOnlySpan<float> features);

    /// <summary>
    /// Exact TreeSHAP: writes one contribution per feature (in margin units) and returns the
    /// bias, so that bias + sum(contributions) == PredictMargin(features).
    /// </summary>
    double Explain(ReadOnlySpan<float> features, Span<double> contributions);
}
