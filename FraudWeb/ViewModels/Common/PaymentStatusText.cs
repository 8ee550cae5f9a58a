using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;

namespace FraudWeb.ViewModels.Common;

/// <summary>How a payment's status reads on screen (the badge and the report form's summary), in the page's language.</summary>
public static class PaymentStatusText
{
    public static string For(PaymentStatus status) => status switch
    {
        PaymentStatus.Approved => Text.Get("Approved"),
        PaymentStatus.Review => Text.Get("Held for review"),
        PaymentStatus.ApprovedAfterReview => Text.Get("Approved after review"),
        PaymentStatus.DeclinedAfterReview => Text.Get("Declined after review"),
        PaymentStatus.Refunded => Text.Get("Refunded — confirmed fraud"),
        PaymentStatus.Declined => Text.Get("Declined"),
        _ => Text.Get("Not scored"),
    };

    /// <summary>The verdict page's heading and title: a screen reader's list of tabs tells the verdicts apart.</summary>
    public static string Headline(PaymentStatus status) => status switch
    {
        PaymentStatus.Approved => Text.Get("Payment approved"),
        PaymentStatus.Declined => Text.Get("Payment declined"),
        PaymentStatus.NotScored => Text.Get("Payment not scored"),
        _ => For(status),
    };
}
