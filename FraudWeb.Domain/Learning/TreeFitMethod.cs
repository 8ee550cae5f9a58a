namespace FraudWeb.Domain.Learning;

/// <summary>How each tree is fit to the gradients.</summary>
public enum TreeFitMethod
{
    /// <summary>
    /// FastTree: splits by least-squares gain GL²/nL + GR²/nR - G²/n (row counts),
    /// leaf output learning rate x sum(g)/sum(h).
    /// </summary>
    FastTree,

    /// <summary>
    /// XGBoost/LightGBM-style second order: splits by GL²/(HL+λ) + GR²/(HR+λ) - G²/(H+λ),
    /// leaf output learning rate x sum(g)/(sum(h)+λ).
    /// </summary>
    SecondOrder,
}
