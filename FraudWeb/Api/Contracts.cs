using FraudWeb.Domain.Entities;
using System.Collections.Frozen;
using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FraudWeb.Api;

/// <summary>The API's one currency: amounts are in it, as decimal strings with two decimals in responses.</summary>
public static class ApiMoney
{
    public const string Currency = FraudWeb.Domain.Entities.PaymentCurrency.Code;
    public const double Max = 1_000_000;

    public static string Format(decimal amount) => amount.ToString("F2", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An amount: more than 0, at most 1,000,000, at most two decimals.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class MoneyAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (value is not decimal amount) return ValidationResult.Success;
        var members = validationContext.MemberName is { } name ? new[] { name } : null;
        if (amount <= 0) return new ValidationResult("The amount must be more than 0.", members);
        if (amount > (decimal)ApiMoney.Max) return new ValidationResult("The amount can be at most 1000000.", members);
        if (decimal.Round(amount, 2) != amount) return new ValidationResult("The amount can have at most two decimals.", members);
        return ValidationResult.Success;
    }
}

/// <summary>
/// An amount as a JSON number, or as a decimal string of digits with at most two decimals ("129.90"): the string forms
/// a number parser would also take ("1e2", "+10", " 5") are refused, as the documented pattern says.
/// </summary>
public sealed partial class ApiAmountConverter : JsonConverter<decimal?>
{
    public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return null;
            // Past 28 digits a decimal rounds ("5.0000000000000000000000000001" would be read as 5): refused, not rounded.
            case JsonTokenType.Number when SignificantDigits(reader) <= MaxDigits && reader.TryGetDecimal(out var number):
                return number;
            case JsonTokenType.String when reader.GetString() is { } text && Digits().IsMatch(text)
                && decimal.TryParse(text, System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var parsed):
                return parsed;
            default:
                throw new JsonException("Expected an amount: a number, or a decimal string with at most two decimals such as \"129.90\".");
        }
    }

    /// <summary>The digits a decimal holds exactly.</summary>
    private const int MaxDigits = 28;

    /// <summary>The digits of a JSON number's mantissa, leading zeros aside (an exponent's digits do not count).</summary>
    private static int SignificantDigits(Utf8JsonReader reader)
    {
        var text = reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan.ToArray();
        var digits = 0;
        foreach (var c in text)
        {
            if (c is (byte)'e' or (byte)'E') break;
            if (c is >= (byte)'0' and <= (byte)'9' && (digits > 0 || c != (byte)'0')) digits++;
        }
        return digits;
    }

    public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } amount) writer.WriteStringValue(ApiMoney.Format(amount));
        else writer.WriteNullValue();
    }

    /// <summary>What an amount given as a string must look like (also the OpenAPI document's pattern).</summary>
    public const string Pattern = @"^\d{1,15}(\.\d{1,2})?$";

    [System.Text.RegularExpressions.GeneratedRegex(Pattern)]
    private static partial System.Text.RegularExpressions.Regex Digits();
}

/// <summary>RFC 3339 date-times only: a time without an offset is ambiguous, so it is refused rather than guessed.</summary>
public sealed class Rfc3339Converter : JsonConverter<DateTimeOffset?>
{
    public const string Expected = "Expected an RFC 3339 date-time with an offset, e.g. 2026-11-30T14:05:00Z.";

    /// <summary>Written as RFC 3339 says, but no such instant: a 29 February of a common year, or past either end of years 1-9999 in UTC.</summary>
    public const string NoSuchTime = "Expected a date-time that exists, from 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z once its offset is applied, e.g. 2026-11-30T14:05:00Z.";

    /// <summary>Why <see cref="TryParse"/> refused the text: its form, or the instant it names.</summary>
    public static string ProblemWith(string? text) =>
        text is not null && System.Text.RegularExpressions.Regex.IsMatch(text, Pattern) ? NoSuchTime : Expected;

    /// <summary>RFC 3339's date-time with an offset (also the OpenAPI document's pattern).</summary>
    public const string Pattern = @"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$";

    public override DateTimeOffset? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Null) return null;
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (!TryParse(text, out var value)) throw new JsonException(ProblemWith(text));
        return value;
    }

    /// <summary>The same rule for a query string's value.</summary>
    public static bool TryParse(string? text, out DateTimeOffset value)
    {
        value = default;
        if (text is null || !System.Text.RegularExpressions.Regex.IsMatch(text, Pattern)) return false;
        // RFC 3339 puts no limit on a fraction's digits (Go and Java write nine); .NET keeps seven (100 ns ticks).
        var fraction = text.IndexOf('.', StringComparison.Ordinal);
        if (fraction > 0)
        {
            var end = fraction + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            if (end - fraction - 1 > 7) text = string.Concat(text.AsSpan(0, fraction + 8), text.AsSpan(end));
        }
        return DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out value);
    }

    public override void Write(Utf8JsonWriter writer, DateTimeOffset? value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        if (value is { } v) writer.WriteStringValue(v.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
        else writer.WriteNullValue();
    }
}

[Description("A payment to score and record.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public class PaymentRequest
{
    // Messages name the fields as the JSON does: the framework's own named the C# property ("The CardId field is required.").
    [Required(ErrorMessage = "'cardId' is required."), Description("The card's id in FraudWeb: for a payment, one of your cards.")]
    public long? CardId { get; init; }

    [Required(ErrorMessage = "'terminalId' is required."), Description("The merchant's terminal id.")]
    public long? TerminalId { get; init; }

    [Required(ErrorMessage = "'amount' is required."), Money, Description("In EUR: a number or a decimal string, at most two decimals.")]
    [JsonConverter(typeof(ApiAmountConverter))]
    public decimal? Amount { get; init; }
}

[Description("A payment to score without recording it: a payment's fields and, optionally, when it would be made.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class PredictRequest : PaymentRequest
{
    [Description("RFC 3339 with an offset (Z or ±hh:mm); default now. The payment sees only the history before it.")]
    [JsonConverter(typeof(Rfc3339Converter))]
    public DateTimeOffset? Timestamp { get; init; }
}

[Description("A reason: a group of related features (amount, card_activity, merchant_fraud, merchant_activity, merchant_familiarity, night, weekend; payments before 2026-12 name one feature), the value of its strongest feature, its net push on the score (positive towards fraud) and the sentence shown to the card holder.")]
public sealed record ReasonResource(string Feature, double Value, double Contribution, string Direction, string Text);

/// <summary>
/// A reason as the card holder reads it on the payment's page: in words, without the scorer's numbers, which would let
/// a fraudster holding the account tune payments until they pass (docs/security.md, 8.2.x).
/// </summary>
[Description("Why the verdict, in words: the group of related features (amount, card_activity, merchant_fraud, merchant_activity, merchant_familiarity, night, weekend; or rule when a fraud-team rule decided), whether it raises or lowers the risk, and the sentence shown to the card holder.")]
public sealed record PaymentReasonResource(string Feature, string Direction, string Text);

[Description("The scorer's answer for a payment that was not recorded.")]
public sealed record PredictionResource(
    double Probability,
    int RiskScore,
    string Decision,
    IReadOnlyList<ReasonResource> Reasons,
    string ModelVersion,
    DateTime Timestamp);

[Description("What the payment did to the card: the amount charged now (0.00 if declined or held) and the credit left.")]
public sealed record BalanceEffectResource(
    string Charged,
    [property: Description("The card's credit left now; null when the card is stopped (it takes no payments), as the card's own availableCredit.")] string? AvailableCredit);

public sealed record PaymentLinks(string Self, string Reports);

[Description("A recorded payment and its verdict.")]
public sealed record PaymentResource(
    long Id,
    long CardId,
    [property: Description("Brand and last four digits only.")] string Card,
    long TerminalId,
    string Merchant,
    string Amount,
    string Currency,
    DateTime Timestamp,
    [property: Description("approved, review or declined (the verdict at submission).")] string Decision,
    [property: Description("Where the payment stands now: approved, review, declined, approved-after-review, declined-after-review, refunded.")] string Status,
    [property: Description("Why it was declined: high-risk, insufficient-credit, confirmed-fraud, card-expired, account-closed, card-removed, card-lost-or-stolen (a held payment whose card its holder stopped before the review), card-blocked (a held payment whose card the bank had blocked when the review was finished), cleared-after-decline (declined as fraud by a review that a later one reversed; never charged).")] string? DeclineReason,
    string? DeclineMessage,
    string ModelVersion,
    IReadOnlyList<PaymentReasonResource> Reasons,
    BalanceEffectResource BalanceEffect,
    PaymentLinks Links);

[Description("A page of payments, newest first.")]
public sealed record PaymentPage(IReadOnlyList<PaymentResource> Items, [property: Description("Pass as cursor for the next page; null on the last page.")] string? NextCursor);

[Description("A card holder's report on their own payment.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ReportRequest
{
    [Required(ErrorMessage = "'kind' is required: not-me or this-was-me."), Description("not-me (the payment is fraud) or this-was-me (the fraud check's stop or hold, or a finding of fraud, was wrong).")]
    public ReportKindValue? Kind { get; init; }

    [Required(ErrorMessage = "'reason' is required."), ReportReason, Description("What happened, 4 to 500 characters (spaces at either end and zero-width characters are not counted); no control characters but line breaks and tabs, no text-direction control characters.")]
    public string? Reason { get; init; }
}

/// <summary>
/// A report's reason as the domain takes it (FraudReport.Open): 4 to 500 characters once trimmed, without a
/// text-direction control. Checked here so that a reason the domain would refuse is a 400 that leaves the
/// Idempotency-Key free, not a 422 outcome kept under it (tester's report: "     a     " used up the key). A
/// StringLength, so the contract keeps its minLength and maxLength.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ReportReasonAttribute : StringLengthAttribute
{
    public static readonly string LengthMessage =
        $"'reason' must be {FraudReport.ReasonMinLength} to {FraudReport.ReasonMaxLength} characters long, not counting spaces at either end.";

    public const string ControlMessage = "'reason' must not hold control characters other than line breaks and tabs (such as U+0007); remove them.";

    public const string DirectionMessage = "'reason' must not hold text-direction control characters (such as U+202E); remove them.";

    public ReportReasonAttribute() : base(FraudReport.ReasonMaxLength) => MinimumLength = FraudReport.ReasonMinLength;

    public override bool IsValid(object? value) => value is not string text || Problem(text) is null;

    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        ArgumentNullException.ThrowIfNull(validationContext);
        if (value is not string text || Problem(text) is not { } problem) return ValidationResult.Success;
        return new ValidationResult(problem, validationContext.MemberName is { } name ? [name] : null);
    }

    /// <summary>The domain's rules, in the API's words; null when the reason is fine.</summary>
    private static string? Problem(string text)
    {
        var trimmed = text.Trim();
        if (TextLength.Visible(trimmed) < FraudReport.ReasonMinLength || TextLength.Of(trimmed) > FraudReport.ReasonMaxLength) return LengthMessage;
        if (trimmed.Any(c => FreeText.IsControl(c, lines: true))) return ControlMessage;
        return text.Any(TextDirection.IsControl) ? DirectionMessage : null;
    }
}

[JsonConverter(typeof(NamesOnlyEnumConverter<ReportKindValue>))]
public enum ReportKindValue
{
    [JsonStringEnumMemberName("not-me")] NotMe,
    [JsonStringEnumMemberName("this-was-me")] ThisWasMe,
}

public sealed record ReportResource(long Id, long PaymentId, string Kind, string Status, DateTime Created);

[Description("Confirmed labels from a case tool; each is applied as an analyst's decision in the review queue.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class LabelsRequest : IValidatableObject
{
    [Required(ErrorMessage = "'labels' is required: 1 to 500 labels."), MinLength(1, ErrorMessage = LabelCount), MaxLength(500, ErrorMessage = LabelCount), Description("1 to 500 labels.")]
    public IReadOnlyList<LabelItem>? Labels { get; init; }

    private const string LabelCount = "'labels' must hold 1 to 500 labels.";

    /// <summary>A null in the list is no label at all (found by the API fuzzer: it reached the action).</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Labels is null) yield break;
        for (var i = 0; i < Labels.Count; i++)
        {
            if (Labels[i] is null) yield return new ValidationResult("Each label must be an object.", [$"labels[{i}]"]);
        }
    }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class LabelItem
{
    [Required(ErrorMessage = "'paymentId' is required.")]
    public long? PaymentId { get; init; }

    [Description("The holder's report this label decides, if any; without one the payment must be held for review.")]
    public long? ReportId { get; init; }

    [Required(ErrorMessage = "'label' is required: fraud or legitimate.")]
    public LabelValue? Label { get; init; }
}

[JsonConverter(typeof(NamesOnlyEnumConverter<LabelValue>))]
public enum LabelValue
{
    [JsonStringEnumMemberName("fraud")] Fraud,
    [JsonStringEnumMemberName("legitimate")] Legitimate,
}

[Description("What became of one label: applied, not-found, conflict (decided already or changed), invalid or refused.")]
public sealed record LabelOutcome(long PaymentId, long? ReportId, string Outcome, string? Detail);

public sealed record LabelsResult(int Applied, IReadOnlyList<LabelOutcome> Results);

[Description("The model scoring payments now.")]
public sealed record ServingModelResource(
    string Version,
    DateTime Created,
    DateTime? Activated,
    DateTime? TrainingWindowStart,
    DateTime? TrainingWindowEnd,
    int TrainingRows,
    int TrainingFrauds,
    [property: Description("Metrics on the holdout weeks (auc, average precision, card precision@100, ...).")] IReadOnlyDictionary<string, double> HoldoutMetrics);

[Description("A problem type this API uses (RFC 9457).")]
public sealed record ProblemTypeResource(string Type, int Status, string Title, string Description);

/// <summary>
/// An enum read from its documented names only, exactly as written. The framework's converter took numbers ("label": 7
/// bound as a value nobody defined: found by the API fuzzer), trimmed spaces ("removed ") and read a comma-separated
/// list as flags ("removed, lost-or-stolen" bound as lost-or-stolen). Anything else is a validation problem under the
/// field's name that lists the names; the OpenAPI schema lists them too (<see cref="ApiContractTransformers.NamesOnlyEnums"/>).
/// </summary>
public sealed class NamesOnlyEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly IReadOnlyList<(TEnum Value, string Name)> Members = NamesOnlyEnums.MembersOf<TEnum>();
    private static readonly FrozenDictionary<string, TEnum> ByName = Members.ToFrozenDictionary(m => m.Name, m => m.Value, StringComparer.Ordinal);
    private static readonly FrozenDictionary<TEnum, string> NameOf = Members.ToFrozenDictionary(m => m.Value, m => m.Name);
    private static readonly string Expected = NamesOnlyEnums.Expected(Members.Select(m => m.Name));

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String && ByName.TryGetValue(reader.GetString()!, out var value) ? value : throw new JsonException(Expected);

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(NameOf.TryGetValue(value, out var name) ? name : throw new JsonException(Expected));
    }
}

/// <summary>The documented names of the enums the API reads with <see cref="NamesOnlyEnumConverter{TEnum}"/>.</summary>
public static class NamesOnlyEnums
{
    /// <summary>Each member and its name: its JsonStringEnumMemberName, else its C# name, in declaration order.</summary>
    public static IReadOnlyList<(TEnum Value, string Name)> MembersOf<TEnum>() where TEnum : struct, Enum =>
        [.. Fields(typeof(TEnum)).Select(f => ((TEnum)f.GetValue(null)!, Name(f)))];

    /// <summary>The names a type (or its nullable) is read from, or null when the API does not read it by name only.</summary>
    public static IReadOnlyList<string>? NamesOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (!type.IsEnum || type.GetCustomAttribute<JsonConverterAttribute>()?.ConverterType is not { IsGenericType: true } converter
            || converter.GetGenericTypeDefinition() != typeof(NamesOnlyEnumConverter<>)) return null;
        return [.. Fields(type).Select(Name)];
    }

    private static IEnumerable<FieldInfo> Fields(Type type) => type.GetFields(BindingFlags.Public | BindingFlags.Static).OrderBy(f => f.MetadataToken);

    private static string Name(FieldInfo field) => field.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? field.Name;

    /// <summary>What a value not on the list is told (the problem names the field).</summary>
    public static string Expected(IEnumerable<string> names) =>
        "Expected one of the values the documentation lists, exactly as written: " + string.Join(", ", names) + ".";
}

[Description("How to stop one of your cards.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CardStopRequest
{
    [Required(ErrorMessage = "'reason' is required: removed or lost-or-stolen.")]
    [Description("removed (off your profile: it takes no payments; its number may be added again later as a new card) or lost-or-stolen (stopped for good: its number is never added again, and you are mailed).")]
    public CardStopValue? Reason { get; init; }
}

/// <summary>
/// The API's names of the ways a holder stops a card, one member per <see cref="CardStop"/> of the same C# name: the
/// table <see cref="CardResources.Status"/> and the stop request read (a new kind of holder's stop is one line here; the
/// bank's block is a status only, <see cref="CardResources.Blocked"/>).
/// </summary>
[JsonConverter(typeof(NamesOnlyEnumConverter<CardStopValue>))]
public enum CardStopValue
{
    [JsonStringEnumMemberName("removed")] Removed,
    [JsonStringEnumMemberName("lost-or-stolen")] LostOrStolen,
}

[Description("Why the bank blocks a card, and what staff note.")]
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class CardBlockRequest
{
    [Required(ErrorMessage = "'reason' is required: suspected-fraud, holder-request or other.")]
    [Description("suspected-fraud, holder-request (the holder asked by phone) or other (then say why in note).")]
    public CardBlockValue? Reason { get; init; }

    [StringLength(Card.BlockNoteMaxLength, ErrorMessage = "'note' has at most {1} characters.")]
    [Description("Staff's note: shown to staff, never mailed to the holder nor kept in the audit log, but part of the holder's personal data download (it is about them). Required when the reason is other.")]
    public string? Note { get; init; }
}

/// <summary>The API's names of why the bank blocks a card, one member per <see cref="CardBlockReason"/> of the same C# name.</summary>
[JsonConverter(typeof(NamesOnlyEnumConverter<CardBlockValue>))]
public enum CardBlockValue
{
    [JsonStringEnumMemberName("suspected-fraud")] SuspectedFraud,
    [JsonStringEnumMemberName("holder-request")] HolderRequest,
    [JsonStringEnumMemberName("other")] Other,
}

[Description("A card after the bank blocked it or lifted its block: brand and last four digits, never its number.")]
public sealed record CardBlockResource(
    long Id,
    [property: Description("Brand and last four digits, as staff pages show it.")] string Card,
    [property: Description("Every payment with it is refused while true; the holder was mailed either way.")] bool Blocked);

public sealed record CardLinks(string Self, string Payments);

[Description("One of your cards: brand and last four digits, never its number.")]
public sealed record CardResource(
    long Id,
    [property: Description("Visa, Mastercard, American Express, Discover, JCB, Diners Club, UnionPay, Maestro, or Card when unknown.")] string Brand,
    string Last4,
    int ExpiryMonth,
    int ExpiryYear,
    [property: Description("Its expiry month has ended on the issuer's calendar: payments with it are refused.")] bool Expired,
    [property: Description("active, removed, lost-or-stolen, or blocked (by the bank, which lifts it; a card not active takes no payments, its payments stay readable).")] string Status,
    [property: Description("When its holder stopped it; null while active.")] DateTime? StoppedUtc,
    string CreditLimit,
    [property: Description("What is owed on it now; a stopped card keeps its balance.")] string Balance,
    [property: Description("Credit left for payments; null when the card is stopped (it takes none).")] string? AvailableCredit,
    string Currency,
    CardLinks Links);

[Description("Your cards, in the order they were added.")]
public sealed record CardList(IReadOnlyList<CardResource> Items);
