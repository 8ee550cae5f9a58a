using System.ComponentModel.DataAnnotations;
using System.Globalization;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ModelBinding.Validation;

namespace FraudWeb.ViewModels.Transactions;

public sealed class NewTransactionViewModel
{
    [Required(ErrorMessage = "Choose one of your cards.")]
    [Display(Name = "Card")]
    public long? CardId { get; set; }

    [Required(ErrorMessage = "Choose a merchant.")]
    [Display(Name = "Merchant")]
    public long? TerminalId { get; set; }

    [Required(ErrorMessage = "Enter the amount.")]
    [Range(typeof(decimal), "0.01", "1000000", ErrorMessage = "The amount must be between 0.01 and 1,000,000.")]
    [Display(Name = "Amount (EUR)")]
    public decimal? Amount { get; set; }

    /// <summary>
    /// The payment the holder confirmed (<see cref="PaymentKey"/> as shown with the confirmation): a changed card,
    /// merchant or amount is checked again.
    /// </summary>
    public string? ConfirmedPayment { get; set; }

    /// <summary>Set when the amount must be confirmed before paying (the form is shown again with it).</summary>
    // Shown, never posted: what the server worked out is not read back from the form.
    [BindNever, ValidateNever]
    public Services.Transactions.AmountToConfirm? Confirmation { get; set; }

    // Worked out from the inputs, not inputs themselves: nothing to validate.
    [ValidateNever]
    public string PaymentKey => string.Create(CultureInfo.InvariantCulture, $"{CardId}:{TerminalId}:{Amount:F2}");

    [ValidateNever]
    public bool IsConfirmed => ConfirmedPayment == PaymentKey;

    /// <summary>
    /// The form page's one-time key (a new one with every page of the form): the same form sent twice pays once.
    /// </summary>
    /// <remarks>
    /// Required: a form sent without one paid again every time (money QA, a script's POST); a browser always sends it.
    /// </remarks>
    [Required(ErrorMessage = ExpiredMessage), RegularExpression("^[0-9a-f]{32}$", ErrorMessage = ExpiredMessage, MatchTimeoutInMilliseconds = Timeout.Infinite)]
    public string? SubmissionKey { get; set; }

    public const string ExpiredMessage = "This form has expired. Reload the page and pay again.";

    /// <summary>A key for a new form page.</summary>
    public static string NewSubmissionKey() => FormKey.New();

    /// <summary>What the holder typed to find a merchant (the form's Search button): number, name or category.</summary>
    [Display(Name = "Find a merchant")]
    public string? MerchantSearch { get; set; }

    [BindNever, ValidateNever]
    public IReadOnlyList<CardSummaryViewModel> Cards { get; set; } = [];

    /// <summary>The holder's cards the bank blocked: not offered, but named with what to do (docs/decisions/0028).</summary>
    [BindNever, ValidateNever]
    public IReadOnlyList<CardSummaryViewModel> BlockedCards { get; set; } = [];

    /// <summary>The merchants to choose from: the search's matches, or without a search the holder's recent ones.</summary>
    [BindNever, ValidateNever]
    public MerchantChoices Merchants { get; set; } = MerchantChoices.None;
}

/// <summary>A merchant to choose: its name says the town, the number tells two branches apart for certain.</summary>
public sealed record MerchantOption(long Id, string Name, string Category)
{
    public string Label => Text.Format("{0} (no. {1})", Name, Id.ToString(CultureInfo.InvariantCulture));
}

/// <summary>
/// Merchants offered on the payment form: the matches of <see cref="Search"/> (at most
/// <see cref="MerchantChoices.MaxShown"/>, <see cref="More"/> if there were more), or the holder's recent merchants.
/// The chosen merchant is always among them, so a re-shown form keeps it.
/// </summary>
public sealed record MerchantChoices(string? Search, IReadOnlyList<MerchantOption> Options, bool More)
{
    public const int MaxShown = 50;
    public const int MaxSearchLength = 100;

    public static readonly MerchantChoices None = new(null, [], false);

    public bool IsSearch => !string.IsNullOrEmpty(Search);

    /// <summary>How many of <see cref="Options"/> the search found: the chosen merchant, kept in the list, is not a match.</summary>
    public int Matches { get; init; } = -1;

    private int Found => Matches >= 0 ? Matches : Options.Count;

    /// <summary>What the list holds, in the page's language: said under the search field (and to the page's script).</summary>
    public string Status => this switch
    {
        { IsSearch: true, Found: 0 } => Text.Format("No merchant matches \"{0}\". Try part of the name, the town or the number.", Search),
        { IsSearch: true, More: true } => Text.Format("The first {0} merchants matching \"{1}\"; type more to narrow them down.", Found, Search),
        { IsSearch: true, Found: 1 } => Text.Format("{0} merchant matches \"{1}\".", Found, Search),
        { IsSearch: true } => Text.Format("{0} merchants match \"{1}\".", Found, Search),
        { Options.Count: 0 } => Text.Get("Search for the merchant you are paying."),
        _ => Text.Get("Your recent merchants, or search for another."),
    };
}

public sealed class TransactionResultViewModel
{
    public required long Id { get; init; }
    public required DateTime TimestampUtc { get; init; }
    public required string Card { get; init; }
    public required string Merchant { get; init; }
    public required string Category { get; init; }
    public required decimal Amount { get; init; }
    /// <summary>The verdict's own decision (null for seeded history).</summary>
    public required Decision? Decision { get; init; }
    /// <summary>Where the payment stands now (<see cref="PaymentStatusRule"/>).</summary>
    public required PaymentStatus Status { get; init; }
    public string? DeclineReason { get; init; }
    /// <summary>
    /// The verdict's reasons in plain words only, in the page's language: the exact score, feature values and
    /// contributions would let a fraudster tune payments until they pass, so they stay on staff screens.
    /// </summary>
    public required IReadOnlyList<string> Reasons { get; init; }
    /// <summary>
    /// A fraud team's rule or list decided, not the model's thresholds: the model's reasons would then explain a verdict
    /// it did not give ("lowered the risk" under "held"), so the holder reads that a rule decided, never which one.
    /// </summary>
    public bool DecidedByRule { get; init; }
    /// <summary>Null when the card is stopped.</summary>
    public decimal? AvailableCredit { get; init; }
    /// <summary>A held payment's outcome once reviewed (null while it waits).</summary>
    public ReviewSettlement? Settlement { get; init; }
    public string? SettlementReason { get; init; }
    public DateTime? SettledUtc { get; init; }
    /// <summary>When the amount was credited back after fraud was confirmed (null if it never was).</summary>
    public DateTime? RefundedUtc { get; init; }
    public string? RefundReason { get; init; }
    /// <summary>The holder's latest report on it ("Kind: Status", <see cref="ReportStatusText"/>); null if never reported.</summary>
    public string? Report { get; init; }
    /// <summary>What a review or an upheld report found it to be (<see cref="FraudLabel.Unknown"/> until then).</summary>
    public FraudLabel Label { get; init; }
}
