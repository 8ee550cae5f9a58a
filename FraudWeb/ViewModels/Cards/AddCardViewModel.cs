using System.ComponentModel.DataAnnotations;
using FraudWeb.Services.Cards;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.ViewModels.Cards;

public sealed class AddCardViewModel
{
    /// <summary>Credit limits a card holder can choose from.</summary>
    public static IReadOnlyList<decimal> CreditLimits => CardService.OfferedCreditLimits;

    /// <summary>What the profile says after the card was saved (a renewal keeps the card's limit: said when another was chosen).</summary>
    public static string Saved(CardAdded added, decimal? chosenLimit)
    {
        ArgumentNullException.ThrowIfNull(added);
        return added.Outcome switch
        {
            CardAddOutcome.Renewed when added.CreditLimit != chosenLimit => Text.Format(
                "Your renewed card is saved: it is valid until {0}. Its credit limit stays {1}; a renewal does not change it.",
                added.ExpiryText, Money.Format(added.CreditLimit, System.Globalization.CultureInfo.CurrentCulture)),
            CardAddOutcome.Renewed => Text.Format("Your renewed card is saved: it is valid until {0}.", added.ExpiryText),
            CardAddOutcome.AlreadyAdded => Text.Get("This card is already on your profile."),
            _ => Text.Get("Your card has been added."),
        };
    }

    /// <summary>The validated values for the service (call only when the model state is valid).</summary>
    public NewCard ToNewCard() => new(CardNumber ?? "", CardholderName!, ExpiryMonth!.Value, ExpiryYear!.Value, CreditLimit!.Value);

    /// <summary>Only ever bound from the form; never rendered back (the view leaves the field empty).</summary>
    [Required(ErrorMessage = "Enter the card number.")]
    [CardNumber]
    [Display(Name = "Card number")]
    public string? CardNumber { get; set; }

    [Required(ErrorMessage = "Enter the name shown on the card.")]
    [CharacterLength(100, MinimumLength = 2, ErrorMessage = "The name must be 2 to 100 characters.")]
    [Display(Name = "Name on card")]
    public string? CardholderName { get; set; }

    [Required(ErrorMessage = "Choose the expiry month.")]
    [Range(1, 12, ErrorMessage = "The expiry month must be between 1 and 12.")]
    [Display(Name = "Expiry month")]
    public int? ExpiryMonth { get; set; }

    [Required(ErrorMessage = "Choose the expiry year.")]
    [Range(2000, 2100, ErrorMessage = "Enter a four-digit expiry year.")]
    [Display(Name = "Expiry year")]
    public int? ExpiryYear { get; set; }

    [Required(ErrorMessage = "Choose a credit limit.")]
    [Range(typeof(decimal), "100", "50000", ErrorMessage = "The credit limit must be between 100 and 50,000.")]
    [Display(Name = "Credit limit")]
    public decimal? CreditLimit { get; set; }
}

public sealed record CardDetailsViewModel(CardSummaryViewModel Card, IReadOnlyList<TransactionRowViewModel> RecentTransactions);
