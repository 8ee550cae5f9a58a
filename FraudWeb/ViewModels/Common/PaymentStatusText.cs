using FraudWeb.Domain.Entities;

namespace FraudWeb.ViewModels.Common;

/// <summary>How a payment's status reads on screen (the badge and the report form's summary).</summary>
public static class PaymentStatusText
{
    public static string For(PaymentStatus status) => status switch
    {
        PaymentStatus.Approved => "Approved",
        PaymentStatus.Review => "Held for review",
        PaymentStatus.ApprovedAfterReview => "Approved after review",
        PaymentStatus.DeclinedAfterReview => "Declined after review",
        PaymentStatus.Refunded => "Refunded — confirmed fraud",
        PaymentStatus.Declined => "Declined",
        _ => "Not scored",
    };
}
