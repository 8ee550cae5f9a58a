namespace FraudWeb.ViewModels.Common;

/// <summary>
/// A form page's one-time key (the payment form's, the API key form's): 32 hex digits. A key whose digits read as a
/// card number (about one in a few thousand) is drawn again: a form shown again masks such a value as a typed number
/// (<see cref="Infrastructure.ModelBinding.CardNumberEchoFilter"/>), and the form sent back with it was refused as
/// expired (a confirmed payment, once in a CI run).
/// </summary>
public static class FormKey
{
    public static string New() => New(Guid.NewGuid);

    /// <summary>The same from <paramref name="draw"/> (a test's fixed GUIDs).</summary>
    internal static string New(Func<Guid> draw)
    {
        ArgumentNullException.ThrowIfNull(draw);
        while (true)
        {
            var key = draw().ToString("N");
            if (!SearchTerm.HoldsCardNumber(key)) return key;
        }
    }
}
