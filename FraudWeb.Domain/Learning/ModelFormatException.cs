namespace FraudWeb.Domain.Learning;

/// <summary>A model file is corrupt, truncated, of an unknown format version, or of another feature schema.</summary>
public sealed class ModelFormatException(string message, Exception? inner = null) : Exception(message, inner);
