namespace FraudWeb.Domain.Learning;

/// <summary>How ML.NET FastTree fits each tree to the gradients.</summary>
public enum TreeFitMethod
{
    /// <summary>FastTree's default: least-squares split gains on the gradients, Newton leaf outputs.</summary>
    FastTree,

    /// <summary>Second derivatives in the split gains too (ML.NET's BestStepRankingRegressionTrees), as XGBoost does.</summary>
    SecondOrder,
}
