namespace FraudWeb.Domain.Entities;

/// <summary>A business rule was broken; the message is meant for the user.</summary>
public sealed class DomainException(string message) : Exception(message);
