using System.ComponentModel.DataAnnotations;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Cards;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.ViewModels.Cards;

/// <summary>The lookup by a whole card number. Only ever bound from the form; never rendered back (the view leaves the field empty).</summary>
public sealed class CardNumberLookupViewModel
{
    [Required(ErrorMessage = "Enter the card number.")]
    [CardNumber]
    [Display(Name = "Card number")]
    public string? CardNumber { get; set; }
}

/// <summary>The lookup by the card holder's email address.</summary>
public sealed class EmailLookupViewModel
{
    [Required(ErrorMessage = "Enter the card holder's email address.")]
    [EmailAddress(ErrorMessage = "Enter a valid email address.")]
    [StringLength(256, ErrorMessage = "{0} can have at most {1} characters.")]
    [Display(Name = "Email")]
    public string? Email { get; set; }
}

/// <summary>One card found: what staff tell the caller apart by, its state, its holder, and what may be done with it.</summary>
public sealed record CardLookupRowViewModel(
    long Id,
    string Masked,
    string Expiry,
    CardStop? StoppedAs,
    DateTime? StoppedUtc,
    CardBlockReason? BlockReason,
    string? BlockNote,
    string HolderName,
    string? HolderEmail,
    CardLookupHolder Holder)
{
    public bool IsBlocked => StoppedAs == CardStop.Blocked;

    /// <summary>The block form: a card that takes payments, of another person whose account is open (CardBlockService decides again).</summary>
    public bool MayBlock => StoppedAs is null && Holder is CardLookupHolder.Other or CardLookupHolder.Simulated;

    /// <summary>The unblock button: the bank's block on another person's open account.</summary>
    public bool MayUnblock => IsBlocked && Holder is CardLookupHolder.Other or CardLookupHolder.Simulated;
}

/// <summary>Whose card it is, as far as blocking goes (docs/decisions/0028).</summary>
public enum CardLookupHolder
{
    Other,
    /// <summary>The staff member's own: another member of staff blocks it.</summary>
    Self,
    /// <summary>The holder closed their account: the card takes no payments, and is kept as it is.</summary>
    Closed,
    /// <summary>A simulated holder (seeded history): no account, its cards block as any.</summary>
    Simulated,
}

/// <summary>The page: both forms, and the cards the last lookup found (null before any).</summary>
public sealed class CardLookupPageViewModel
{
    public CardNumberLookupViewModel ByNumber { get; init; } = new();

    public EmailLookupViewModel ByEmail { get; init; } = new();

    public CardLookupBy? SearchedBy { get; init; }

    public IReadOnlyList<CardLookupRowViewModel>? Results { get; init; }

    /// <summary>Where the block forms come back to: this page, which shows the same cards again.</summary>
    public const string ReturnUrl = "/CardLookup";
}
