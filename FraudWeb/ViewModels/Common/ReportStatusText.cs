namespace FraudWeb.ViewModels.Common;

/// <summary>A payment's latest report as the card holder reads it, from "Kind: Status" (e.g. "NotMe: Open").</summary>
public static class ReportStatusText
{
    public static string For(string report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var parts = report.Split(": ");
        var said = parts[0] switch { "NotMe" => "not me", "ThisWasMe" => "this was me", _ => parts[0] };
        var status = parts.Length < 2 ? "" : parts[1] switch
        {
            "Open" => " (being reviewed)",
            "Confirmed" => " (confirmed)",
            "Rejected" => " (not upheld)",
            _ => " (" + parts[1] + ")",
        };
        return "You reported: " + said + status;
    }
}
