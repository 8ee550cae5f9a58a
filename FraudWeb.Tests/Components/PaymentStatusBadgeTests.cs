using Bunit;
using FraudWeb.Components;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Components;

/// <summary>One badge for a payment's status everywhere: its colour, icon and words follow the status rule's outcome.</summary>
public sealed class PaymentStatusBadgeTests : ComponentTestContext
{
    [Theory]
    [InlineData(PaymentStatus.Approved, "text-bg-success", "bi-check-circle", "Approved")]
    [InlineData(PaymentStatus.ApprovedAfterReview, "text-bg-success", "bi-check-circle", "Approved after review")]
    [InlineData(PaymentStatus.Review, "text-bg-warning", "bi-hourglass-split", "Held for review")]
    [InlineData(PaymentStatus.Declined, "text-bg-danger", "bi-x-octagon", "Declined")]
    [InlineData(PaymentStatus.DeclinedAfterReview, "text-bg-danger", "bi-x-octagon", "Declined after review")]
    [InlineData(PaymentStatus.Refunded, "text-bg-info", "bi-arrow-counterclockwise", "Refunded — confirmed fraud")]
    [InlineData(PaymentStatus.NotScored, "text-bg-secondary", "bi-dash-circle", "Not scored")]
    public void Render_EachStatus_ColourIconAndWords(PaymentStatus status, string css, string icon, string words)
    {
        // Act
        var cut = Render<PaymentStatusBadge>(p => p.Add(b => b.Status, status));

        // Assert
        cut.MarkupMatches($"""<span class="badge {css}" data-decision="{status}"><i class="bi {icon}" aria-hidden="true"></i> {words}</span>""");
    }
}
