namespace FraudWeb.Infrastructure.Options;

/// <summary>A required setting is missing or wrong; the message says what to set.</summary>
public sealed class ConfigurationException(string message) : Exception(message);
