using System.Globalization;

namespace FraudWeb.ViewModels.Common;

/// <summary>
/// Counts as people read them in the page's language: with its thousands separators (200,229), as amounts have them;
/// a bare 200229 in a history, queue or log total is hard to read at a glance.
/// </summary>
public static class Counts
{
    public static string Format(long count) => count.ToString("N0", CultureInfo.CurrentCulture);
}
