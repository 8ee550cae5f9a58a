using System.Globalization;
using System.Resources;
using FraudWeb.Resources;

namespace FraudWeb.Tests.Web.Localization;

/// <summary>The Simplified Chinese text of an English key, as the built app has it (tests read pages in Chinese with it).</summary>
internal static class Chinese
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("zh-CN");

    private static readonly ResourceManager Resources = new("FraudWeb.Resources.SharedResource", typeof(SharedResource).Assembly);

    public static string Of(string english) =>
        Resources.GetString(english, Culture) ?? throw new KeyNotFoundException($"No Chinese for \"{english}\".");

    public static string Of(string englishFormat, params object[] arguments) => string.Format(Culture, Of(englishFormat), arguments);
}

/// <summary>Runs a block in a culture (format and UI language) and puts the previous one back when disposed.</summary>
internal sealed class CultureScope : IDisposable
{
    private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
    private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

    private CultureScope(CultureInfo culture) => CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;

    public static CultureScope Use(CultureInfo culture) => new(culture);

    public void Dispose() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture, _uiCulture);
}
