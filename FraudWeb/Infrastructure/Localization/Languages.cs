using System.Globalization;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// The languages FraudWeb writes in (<see cref="WebServiceCollectionExtensions.SupportedCultures"/>), and a way to
/// write something, such as a mail for someone else, in one of them whatever the current request's language is.
/// </summary>
public static class Languages
{
    /// <summary>Each language's culture name and its name as its own speakers write it (shown untranslated).</summary>
    public static readonly IReadOnlyList<(string Culture, string Name)> Choices = [("en", "English"), ("zh-CN", "简体中文")];

    public static bool IsSupported(string? culture) =>
        culture is not null && WebServiceCollectionExtensions.SupportedCultures.Contains(culture, StringComparer.Ordinal);

    /// <summary>The supported language of the current UI culture (or of its parent), English otherwise.</summary>
    public static string Current
    {
        get
        {
            for (var culture = CultureInfo.CurrentUICulture; !Equals(culture, CultureInfo.InvariantCulture); culture = culture.Parent)
            {
                if (IsSupported(culture.Name)) return culture.Name;
            }
            return WebServiceCollectionExtensions.SupportedCultures[0];
        }
    }

    /// <summary>Runs a block in <paramref name="culture"/> (formats and UI language); disposing puts the previous ones back.</summary>
    public static IDisposable Use(string culture) => new Scope(CultureInfo.GetCultureInfo(culture));

    private sealed class Scope : IDisposable
    {
        private readonly CultureInfo _culture = CultureInfo.CurrentCulture;
        private readonly CultureInfo _uiCulture = CultureInfo.CurrentUICulture;

        public Scope(CultureInfo culture) => CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;

        public void Dispose() => (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (_culture, _uiCulture);
    }
}
