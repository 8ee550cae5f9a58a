using FraudWeb.Infrastructure.Localization;

namespace FraudWeb.ViewModels.Common;

/// <summary>A payment's latest report as the card holder reads it, in the page's language, from "Kind: Status" (e.g. "NotMe: Open").</summary>
public static class ReportStatusText
{
    /// <summary>
    /// Whether the holder may report the payment (again) from the page, as the report service allows: never reported, or
    /// its latest report decided (a rejected claim may be made again, with more to say); an open one is being reviewed.
    /// </summary>
    public static bool AllowsAnother(string? report) => report is null || !report.EndsWith(": Open", StringComparison.Ordinal);

    public static string For(string report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var parts = report.Split(": ");
        var said = parts[0] switch { "NotMe" => Text.InContext("report", "not me"), "ThisWasMe" => Text.InContext("report", "this was me"), _ => parts[0] };
        if (parts.Length < 2) return Text.Format("You reported: {0}", said);
        return parts[1] switch
        {
            "Open" => Text.Format("You reported: {0} (being reviewed)", said),
            "Confirmed" => Text.Format("You reported: {0} (confirmed)", said),
            "Rejected" => Text.Format("You reported: {0} (not upheld)", said),
            _ => Text.Format("You reported: {0} ({1})", said, parts[1]),
        };
    }
}
