using System.Globalization;
using System.Text.RegularExpressions;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// Puts a verdict's reasons into plain words. Related features say one thing (the merchant's fraud over 1, 7 and 30
/// days; the amount and its ratios; the card's activity), so they form one group: one reason with the group's net
/// contribution, phrased from the actual values and the direction it pushed, and never saying what the values do not
/// show (a sentence that would contradict the direction becomes "... raised/lowered the risk"). Unknown features fall
/// back to a neutral sentence, so a new feature never breaks the result page.
/// </summary>
public static class ReasonPhrases
{
    public const string Amount = "amount";
    public const string CardActivity = "card_activity";
    public const string MerchantFraud = "merchant_fraud";
    public const string MerchantActivity = "merchant_activity";
    public const string MerchantFamiliarity = "merchant_familiarity";
    public const string Night = "night";
    public const string Weekend = "weekend";

    /// <summary>The group a feature belongs to (a feature of no group is its own).</summary>
    public static string GroupOf(string feature)
    {
        ArgumentNullException.ThrowIfNull(feature);
        return feature switch
        {
            "tx_amount" or "customer_amount_ratio_30day" or "customer_amount_zscore_30day" => Amount,
            _ when feature.StartsWith("customer_avg_amount_", StringComparison.Ordinal) => Amount,
            _ when feature.StartsWith("customer_nb_tx_", StringComparison.Ordinal) || feature == "customer_seconds_since_prev_tx" => CardActivity,
            _ when feature.StartsWith("terminal_risk_", StringComparison.Ordinal) => MerchantFraud,
            _ when feature.StartsWith("terminal_nb_tx_", StringComparison.Ordinal) => MerchantActivity,
            "customer_terminal_nb_tx_30day" => MerchantFamiliarity,
            "tx_during_night" => Night,
            "tx_during_weekend" => Weekend,
            _ => feature,
        };
    }

    // Whole sentences, so each translates as a whole; {0} holds a number only (the English is stored with the verdict).
    private const string UsedOnce = "This card has already been used once in the last day.";
    private const string UsedTimes = "This card has already been used {0} times in the last day.";
    // The wording until 2026-12-04, which counted this payment too ("used once" on a card's first payment): still
    // stored with older verdicts, so still translated.
    private const string UsedOnceUntil20261204 = "This card has been used once in the last day.";
    private const string UsedTimesUntil20261204 = "This card has been used {0} times in the last day.";
    // The merchant's fraud features end the label delay before the payment (frauds confirmed since are not in them):
    // "no confirmed fraud recently" was shown the day 64 were confirmed there (fraud-operations test).
    private const string NoMerchantFraudBefore = "This merchant had no confirmed fraud in the 30 days before the last {0} days.";
    private const string NoMerchantFraudBeforeADay = "This merchant had no confirmed fraud in the 30 days before the last day.";
    private const string NoMerchantFraudUntil20261206 = "This merchant has had no confirmed fraud recently.";
    private const string AmountTimesUsual = "This amount is {0}x this card's usual spend.";
    private const string UnusualPattern = "An unusual pattern ({0}).";
    private const string UsualPattern = "A usual pattern ({0}).";

    /// <summary>Every sentence a reason can say (templates with {0} included): the keys of their translations.</summary>
    public static IReadOnlyList<string> Templates { get; } =
    [
        UsedOnce, UsedTimes, UsedOnceUntil20261204, UsedTimesUntil20261204, AmountTimesUsual, UnusualPattern, UsualPattern,
        NoMerchantFraudBefore, NoMerchantFraudBeforeADay, NoMerchantFraudUntil20261206,
        "This card's recent use raised the risk.", "This card's recent use lowered the risk.",
        "This merchant has had confirmed fraud recently.", "This merchant's recent record raised the risk.",
        "This merchant's recent record lowered the risk.",
        "This merchant's recent number of payments raised the risk.", "This merchant's recent number of payments lowered the risk.",
        "You pay at this merchant regularly.", "You have not paid at this merchant recently.",
        "Your history with this merchant raised the risk.", "Your history with this merchant lowered the risk.",
        "This payment was made at night.", "This payment was made during the day.",
        "The time of day raised the risk.", "The time of day lowered the risk.",
        "This payment was made at the weekend.", "This payment was made on a weekday.",
        "The day of the week raised the risk.", "The day of the week lowered the risk.",
        "There is no recent spending on this card to compare this amount with.",
        "The amount of this payment raised the risk.", "The amount of this payment lowered the risk.",
        "This amount is below this card's usual spend.", "This amount is in line with this card's usual spend.",
    ];

    // One "(.+)" between fixed words, over a stored sentence: no wall-clock time-out, which a garbage collection's pause
    // can trip as well as backtracking (a verdict page would answer 500).
    private static readonly (string Template, Regex Pattern)[] Parsers = Templates.Where(t => t.Contains("{0}", StringComparison.Ordinal))
        .Select(t => (t, new Regex("^" + Regex.Escape(t).Replace(@"\{0}", "(.+)", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant)))
        .ToArray();

    /// <summary>
    /// A stored reason in the page's language: the English sentence stored with the verdict is matched to its template
    /// (numbers kept); a sentence of no known template (an older wording) is shown as stored.
    /// </summary>
    public static string Localized(VerdictReason reason)
    {
        ArgumentNullException.ThrowIfNull(reason);
        return Localized(reason.Text);
    }

    /// <summary>A stored reason's English sentence in the page's language (see <see cref="Localized(VerdictReason)"/>).</summary>
    public static string Localized(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Templates.Contains(text, StringComparer.Ordinal)) return Text.Get(text);
        foreach (var (template, pattern) in Parsers)
        {
            var match = pattern.Match(text);
            if (match.Success) return Text.Format(template, match.Groups[1].Value);
        }
        return text;
    }

    /// <summary>The sentence for a group's net <paramref name="contribution"/> (positive: towards fraud), in English.</summary>
    /// <param name="labelDelayDays">How long before a payment the merchant's fraud features end (Scoring:LabelDelayDays).</param>
    public static string Describe(string group, double contribution, IReadOnlyList<string> names, ReadOnlySpan<float> values, int labelDelayDays = 7)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(names);
        var raises = contribution > 0;
        string Pushed(string subject) => subject + (raises ? " raised the risk." : " lowered the risk.");
        switch (group)
        {
            case Amount:
                return AmountSentence(raises, names, values);
            case CardActivity:
                // The handbook's one-day count includes this payment: the card's other uses are one fewer.
                var before = (int)Math.Round(Value("customer_nb_tx_1day", names, values)) - 1;
                if (!raises || !(before >= 1)) return Pushed("This card's recent use");
                return before == 1 ? UsedOnce : Invariant(UsedTimes, before);
            case MerchantFraud:
                var fraud = false;
                for (var i = 0; i < names.Count && i < values.Length; i++) fraud |= GroupOf(names[i]) == MerchantFraud && values[i] > 0;
                if (raises) return fraud ? "This merchant has had confirmed fraud recently." : "This merchant's recent record raised the risk.";
                if (fraud) return "This merchant's recent record lowered the risk.";
                return labelDelayDays == 1 ? NoMerchantFraudBeforeADay : Invariant(NoMerchantFraudBefore, labelDelayDays);
            case MerchantActivity:
                return Pushed("This merchant's recent number of payments");
            case MerchantFamiliarity:
                var regular = Value("customer_terminal_nb_tx_30day", names, values) >= 0.5;
                return raises == !regular ? (regular ? "You pay at this merchant regularly." : "You have not paid at this merchant recently.") : Pushed("Your history with this merchant");
            case Night:
                var night = Value("tx_during_night", names, values) > 0.5;
                return raises == night ? (night ? "This payment was made at night." : "This payment was made during the day.") : Pushed("The time of day");
            case Weekend:
                var weekend = Value("tx_during_weekend", names, values) > 0.5;
                return raises == weekend ? (weekend ? "This payment was made at the weekend." : "This payment was made on a weekday.") : Pushed("The day of the week");
            default:
                return Invariant(raises ? UnusualPattern : UsualPattern, group.Replace('_', ' '));
        }
    }

    private static string AmountSentence(bool raises, IReadOnlyList<string> names, ReadOnlySpan<float> values)
    {
        // The handbook's 30-day average includes this payment; take it out to compare with the usual spend.
        var amount = Value("tx_amount", names, values);
        var average = Value("customer_avg_amount_30day", names, values);
        var count = Value("customer_nb_tx_30day", names, values);
        var usual = count > 1.5 ? (average * count - amount) / (count - 1) : double.NaN;
        if (!(amount > 0 && usual > 0))
            return raises ? "There is no recent spending on this card to compare this amount with." : "The amount of this payment lowered the risk.";
        var ratio = amount / usual;
        if (raises)
            return ratio >= 1.5 ? Invariant(AmountTimesUsual, ratio.ToString(ratio >= 10 ? "0" : "0.#", CultureInfo.InvariantCulture)) : "The amount of this payment raised the risk.";
        if (ratio <= 0.67) return "This amount is below this card's usual spend.";
        return ratio < 1.5 ? "This amount is in line with this card's usual spend." : "The amount of this payment lowered the risk.";
    }

    private static string Invariant(string template, object value) => string.Format(CultureInfo.InvariantCulture, template, value);

    private static double Value(string feature, IReadOnlyList<string> names, ReadOnlySpan<float> values)
    {
        for (var i = 0; i < names.Count && i < values.Length; i++)
        {
            if (names[i] == feature) return values[i];
        }
        return double.NaN;
    }
}
