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
