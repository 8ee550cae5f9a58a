using System.Globalization;

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

    /// <summary>The sentence for a group's net <paramref name="contribution"/> (positive: towards fraud).</summary>
    public static string Describe(string group, double contribution, IReadOnlyList<string> names, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(names);
        var raises = contribution > 0;
        var pushed = raises ? "raised" : "lowered";
        switch (group)
        {
            case Amount:
                return AmountSentence(raises, names, values);
            case CardActivity:
                var lastDay = Value("customer_nb_tx_1day", names, values);
                return raises && lastDay >= 1 ? $"This card has been used {Count(lastDay)} in the last day." : $"This card's recent use {pushed} the risk.";
            case MerchantFraud:
                var fraud = false;
                for (var i = 0; i < names.Count && i < values.Length; i++) fraud |= GroupOf(names[i]) == MerchantFraud && values[i] > 0;
                if (raises) return fraud ? "This merchant has had confirmed fraud recently." : "This merchant's recent record raised the risk.";
                return fraud ? "This merchant's recent record lowered the risk." : "This merchant has had no confirmed fraud recently.";
            case MerchantActivity:
                return $"This merchant's recent number of payments {pushed} the risk.";
            case MerchantFamiliarity:
                var regular = Value("customer_terminal_nb_tx_30day", names, values) >= 0.5;
                return raises == !regular ? (regular ? "You pay at this merchant regularly." : "You have not paid at this merchant recently.") : $"Your history with this merchant {pushed} the risk.";
            case Night:
                var night = Value("tx_during_night", names, values) > 0.5;
                return raises == night ? (night ? "This payment was made at night." : "This payment was made during the day.") : $"The time of day {pushed} the risk.";
            case Weekend:
                var weekend = Value("tx_during_weekend", names, values) > 0.5;
                return raises == weekend ? (weekend ? "This payment was made at the weekend." : "This payment was made on a weekday.") : $"The day of the week {pushed} the risk.";
            default:
                return raises ? $"An unusual pattern ({group.Replace('_', ' ')})." : $"A usual pattern ({group.Replace('_', ' ')}).";
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
            return ratio >= 1.5 ? $"This amount is {ratio.ToString(ratio >= 10 ? "0" : "0.#", CultureInfo.InvariantCulture)}x this card's usual spend." : "The amount of this payment raised the risk.";
        if (ratio <= 0.67) return "This amount is below this card's usual spend.";
        return ratio < 1.5 ? "This amount is in line with this card's usual spend." : "The amount of this payment lowered the risk.";
    }

    private static string Count(double times)
    {
        var n = (int)Math.Round(times);
        return n == 1 ? "once" : $"{n} times";
    }

    private static double Value(string feature, IReadOnlyList<string> names, ReadOnlySpan<float> values)
    {
        for (var i = 0; i < names.Count && i < values.Length; i++)
        {
            if (names[i] == feature) return values[i];
        }
        return double.NaN;
    }
}
