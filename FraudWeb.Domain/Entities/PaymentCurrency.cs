namespace FraudWeb.Domain.Entities;

/// <summary>The one currency of every card, payment and balance.</summary>
public static class PaymentCurrency
{
    public const string Code = "EUR";
    public const string Symbol = "€";
}
