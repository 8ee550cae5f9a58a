namespace FraudWeb.Infrastructure;

/// <summary>
/// A published app started from another folder (a service unit without a working directory) ran without its
/// appsettings.json and wwwroot: logging at Information, no styles or scripts, one warning. Its own folder is then the
/// content root, unless one is given (--contentRoot, ASPNETCORE_CONTENTROOT) or the current folder has the settings.
/// A command (create-admin, bench-retrain) needs only the settings, so a build's bin folder serves it too: run from
/// the repository's root it logged every SQL statement to its standard output (exploratory test).
/// </summary>
public static class ContentRoot
{
    /// <summary>The app's own folder when it is a published app's and nothing else says where; otherwise null (ASP.NET Core's default).</summary>
    /// <param name="needsStaticFiles">The web app (it serves wwwroot); a command does not.</param>
    public static string? ForPublishedApp(string[] args, string currentDirectory, string ownDirectory, bool needsStaticFiles = true)
    {
        ArgumentNullException.ThrowIfNull(args);
        var given = args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
            || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 }
            || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is { Length: > 0 };
        if (given || File.Exists(Path.Combine(currentDirectory, "appsettings.json"))) return null;
        return File.Exists(Path.Combine(ownDirectory, "appsettings.json")) && (!needsStaticFiles || Directory.Exists(Path.Combine(ownDirectory, "wwwroot")))
            ? ownDirectory : null;
    }
}
