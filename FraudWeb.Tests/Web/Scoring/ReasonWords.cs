namespace FraudWeb.Tests.Web.Scoring;

/// <summary>Words of the English reasons that say the risk went up, and words that say it went down.</summary>
internal static class ReasonWords
{
    public static readonly string[] Raising =
        ["raised the risk", "x this card's usual spend", "no recent spending on this card", "has been used", "already been used", "has had confirmed fraud", "at night",
         "at the weekend", "have not paid at this merchant"];

    public static readonly string[] Lowering =
        ["lowered the risk", "in line with this card's usual spend", "below this card's usual spend", "no confirmed fraud", "during the day",
         "on a weekday", "pay at this merchant regularly"];

    /// <summary>Whether <paramref name="text"/> says the direction of <paramref name="contribution"/>'s sign, and not the other.</summary>
    public static bool AgreesWith(string text, double contribution)
    {
        ArgumentNullException.ThrowIfNull(text);
        var (words, opposite) = contribution > 0 ? (Raising, Lowering) : (Lowering, Raising);
        return words.Any(w => text.Contains(w, StringComparison.Ordinal)) && !opposite.Any(w => text.Contains(w, StringComparison.Ordinal));
    }
}
