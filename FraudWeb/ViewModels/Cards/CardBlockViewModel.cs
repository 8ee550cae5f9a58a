using System.ComponentModel.DataAnnotations;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.ViewModels.Cards;

/// <summary>Staff's block of a holder's card: why (one of a fixed list) and an optional note (docs/decisions/0028).</summary>
public sealed class CardBlockViewModel
{
    /// <summary>The reasons staff choose from, with the words the forms show (translated by the pages).</summary>
    public static IReadOnlyList<KeyValuePair<CardBlockReason, string>> Reasons { get; } =
    [
        new(CardBlockReason.SuspectedFraud, "Suspected fraud"),
        new(CardBlockReason.HolderRequest, "Holder's request by phone"),
        new(CardBlockReason.Other, "Other (see the note)"),
    ];

    /// <summary>The words of a stored reason (the English translation key).</summary>
    public static string Words(CardBlockReason reason) => Reasons.FirstOrDefault(r => r.Key == reason).Value ?? reason.ToString();

    [Required(ErrorMessage = "Choose why the card is blocked.")]
    [EnumDataType(typeof(CardBlockReason), ErrorMessage = "Choose why the card is blocked.")]
    public CardBlockReason? Reason { get; set; }

    [CharacterLength(Card.BlockNoteMaxLength, ErrorMessage = "The note has at most {1} characters.")]
    public string? Note { get; set; }
}

/// <summary>The block form of one card on a staff page: the card, and the page to come back to.</summary>
public sealed record CardBlockFormModel(long CardId, string Masked, string ReturnUrl)
{
    /// <summary>TempData's key for a refused block's fields (<see cref="CardBlockAttempt"/>), shown again by the card's form.</summary>
    public const string AttemptKey = "CardBlockAttempt";

    /// <summary>The refused attempt at this card's block, if the page comes back from one.</summary>
    public CardBlockAttempt? Attempt(object? kept) => CardBlockAttempt.Read(kept) is { } attempt && attempt.CardId == CardId ? attempt : null;
}

/// <summary>A refused block's fields: the reason chosen (its name) and the note (never one holding a card number).</summary>
public sealed record CardBlockAttempt(long CardId, string? Reason, string? Note)
{
    /// <summary>The attempt kept in TempData (<see cref="CardBlockFormModel.AttemptKey"/>), or null.</summary>
    public static CardBlockAttempt? Read(object? kept)
    {
        if (kept is not string json) return null;
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize<CardBlockAttempt>(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
