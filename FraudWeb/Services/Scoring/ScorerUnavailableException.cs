namespace FraudWeb.Services.Scoring;

/// <summary>No model is loaded, so no verdict can be given (the caller shows a 503-style message).</summary>
public sealed class ScorerUnavailableException() : Exception("The fraud scorer is not available right now.");
