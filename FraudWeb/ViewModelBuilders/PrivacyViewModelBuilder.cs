using FraudWeb.Services.Privacy;
using FraudWeb.ViewModels.Privacy;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The "Your data" page from <see cref="AccountClosingService.SummaryAsync"/>.</summary>
public sealed class PrivacyViewModelBuilder(AccountClosingService closing)
{
    /// <returns>Null for an account that no longer exists.</returns>
    public async Task<PrivacyViewModel?> BuildAsync(string? userId, CancellationToken cancellationToken)
    {
        var summary = await closing.SummaryAsync(userId, cancellationToken);
        return summary is null ? null : new PrivacyViewModel
        {
            IsStaff = summary.IsStaff,
            Cards = summary.Cards,
            Payments = summary.Payments,
            HeldForReview = summary.HeldForReview,
            OpenReports = summary.OpenReports,
            Balance = summary.Balance,
            ActiveApiKeys = summary.ActiveApiKeys,
            ConsentGivenUtc = summary.Consent?.GivenUtc,
            ConsentNotice = summary.Consent?.Notice,
        };
    }
}
