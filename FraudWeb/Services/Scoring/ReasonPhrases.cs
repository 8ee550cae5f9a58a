using System.Globalization;

namespace FraudWeb.Services.Scoring;

/// <summary>
/// Puts a feature's contribution into plain words for the card holder. Unknown features fall back to a neutral
/// sentence, so a new feature never breaks the result page.
/// </summary>
public static class ReasonPhrases
{
    public static string Describe(string feature, double contribution, IReadOnlyList<string> names, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(feature);
        ArgumentNullException.ThrowIfNull(names);
        var risky = contribution > 0;
        var value = Value(feature, names, values);
        switch (feature)
        {
            case "tx_amount":
            case "customer_amount_ratio_30day":
            case "customer_amount_zscore_30day":
            case "customer_avg_amount_1day":
            case "customer_avg_amount_7day":
            case "customer_avg_amount_30day":
                return AmountSentence(risky, names, values);
            case "customer_avg_amount_1day_to_30day":
                return risky ? "This card's spending today is well above its usual level." : "This card's spending today is in line with its usual level.";
            case "customer_avg_amount_7day_to_30day":
                return risky ? "This card's spending this week is well above its usual level." : "This card's spending this week is in line with its usual level.";
            case "tx_during_night":
                return value > 0.5 ? "This payment was made at night." : "This payment was made during the day.";
            case "tx_during_weekend":
                return value > 0.5 ? "This payment was made at the weekend." : "This payment was made on a weekday.";
            case "customer_nb_tx_1day":
                return risky ? $"This card has been used {Count(value)} in the last day." : "This card's use today is normal.";
            case "customer_nb_tx_7day":
                return risky ? $"This card has been used {Count(value)} in the last week." : "This card's use this week is normal.";
            case "customer_nb_tx_30day":
                return risky ? $"This card has been used {Count(value)} in the last month." : "This card's use this month is normal.";
            case "customer_seconds_since_prev_tx":
                return risky ? "This card was used again very soon after its last payment." : "The time since this card's last payment is normal.";
            case "customer_terminal_nb_tx_30day":
                return value < 0.5 ? "You have not paid at this merchant recently." : "You pay at this merchant regularly.";
            case "terminal_risk_1day":
            case "terminal_risk_7day":
            case "terminal_risk_30day":
                return value > 0 ? "This merchant has had recent fraud." : "This merchant has had no recent fraud.";
            case "terminal_nb_tx_1day":
            case "terminal_nb_tx_7day":
            case "terminal_nb_tx_30day":
                return risky ? "This merchant's recent activity is unusual." : "This merchant's recent activity is normal.";
            default:
                return risky ? $"An unusual pattern ({feature.Replace('_', ' ')})." : $"A usual pattern ({feature.Replace('_', ' ')}).";
        }
    }

    private static string AmountSentence(bool risky, IReadOnlyList<string> names, ReadOnlySpan<float> values)
    {
        // The handbook's 30-day average includes this payment; take it out to compare with the usual spend.
        var amount = Value("tx_amount", names, values);
        var average = Value("customer_avg_amount_30day", names, values);
        var count = Value("customer_nb_tx_30day", names, values);
        var usual = count > 1.5 ? (average * count - amount) / (count - 1) : double.NaN;
        if (amount > 0 && usual > 0)
        {
            var ratio = amount / usual;
            if (ratio >= 1.5) return $"This amount is {ratio.ToString(ratio >= 10 ? "0" : "0.#", CultureInfo.InvariantCulture)}x your usual spend.";
            if (ratio <= 0.67) return "This amount is below your usual spend.";
            return "This amount is in line with your usual spend.";
        }
        return risky ? "There is no recent spending on this card to compare this amount with." : "This amount looks ordinary.";
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
