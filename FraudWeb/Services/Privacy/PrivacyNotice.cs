namespace FraudWeb.Services.Privacy;

/// <summary>
/// The privacy notice's version (Views/Home/PrivacyNotice). A card holder's separate consent (PIPL article 29) is to
/// one version: a change of what the notice says gets a new version, and every holder is asked again on their next page.
/// </summary>
public static class PrivacyNotice
{
    public const string Version = "2026-12-07";
}
