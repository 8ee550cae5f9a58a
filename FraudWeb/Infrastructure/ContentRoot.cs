namespace FraudWeb.Infrastructure;

/// <summary>
/// A published app started from another folder (a service unit without a working directory) ran without its
/// appsettings.json and wwwroot: logging at Information, no styles or scripts, one warning. Its own folder is then the
/// content root, unless one is given (--contentRoot, ASPNETCORE_CONTENTROOT) or the current folder has the settings.
/// A command (create-admin, bench-retrain) needs only the settings, so a build's bin folder serves it too: run from
/// the repository's root it logged every SQL statement to its standard output (exploratory test); the web app too, when
/// the build's static web assets manifest can serve its files.
/// </summary>
public static class ContentRoot
{
    /// <summary>The app's own folder when it is a published app's and nothing else says where; otherwise null (ASP.NET Core's default).</summary>
    /// <param name="needsStaticFiles">The web app (it serves wwwroot); a command does not.</param>
    public static string? ForPublishedApp(string[] args, string currentDirectory, string ownDirectory, bool needsStaticFiles = true)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (IsGiven(args) || File.Exists(Path.Combine(currentDirectory, "appsettings.json"))) return null;
        return File.Exists(Path.Combine(ownDirectory, "appsettings.json"))
            && (!needsStaticFiles || Directory.Exists(Path.Combine(ownDirectory, "wwwroot")) || ServesBuildStaticAssets(ownDirectory))
            ? ownDirectory : null;
    }

    /// <summary>
    /// The arguments with a relative --contentRoot made absolute from the current folder, as someone typing it in a shell
    /// means it: ASP.NET Core takes a relative one from the app's own folder, so "--contentRoot FraudWeb" typed at the
    /// repository's root named a folder inside bin and was refused (QA).
    /// </summary>
    public static string[] FromCurrentDirectory(string[] args, string currentDirectory)
    {
        ArgumentNullException.ThrowIfNull(args);
        var resolved = (string[])args.Clone();
        for (var i = 0; i < resolved.Length; i++)
        {
            var (key, value) = resolved[i].Split('=', 2) is [var k, var v] ? (k, v) : (resolved[i], null);
            if (!key.Equals(ContentRootSwitch, StringComparison.OrdinalIgnoreCase)) continue;
            if (value is not null)
            {
                resolved[i] = $"{key}={Absolute(value, currentDirectory)}";
            }
            else if (i + 1 < resolved.Length)
            {
                resolved[i + 1] = Absolute(resolved[i + 1], currentDirectory);
                i++;
            }
        }
        return resolved;
    }

    private const string ContentRootSwitch = "--contentRoot";

    private static string Absolute(string path, string currentDirectory) =>
        path.Length == 0 || Path.IsPathFullyQualified(path) ? path : Path.GetFullPath(path, currentDirectory);

    private static bool IsGiven(string[] args) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
        || Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT") is { Length: > 0 }
        || Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT") is { Length: > 0 };

    /// <summary>
    /// Whether the web app's content root, as <see cref="ForPublishedApp"/> chose it (<paramref name="chosen"/>; null:
    /// the current folder unless one is given), is a build's output to serve through its manifest. Started in the bin
    /// folder itself, it ran unstyled (two exploratory tests).
    /// </summary>
    public static bool ServesBuildStaticAssets(string[] args, string currentDirectory, string? chosen) =>
        (chosen ?? (IsGiven(args) ? null : currentDirectory)) is { } root && ServesBuildStaticAssets(root);

    /// <summary>
    /// Whether <paramref name="root"/> is a build's output (no wwwroot, but the build's static web assets manifest, which
    /// names the project's wwwroot): the host then serves the files through it (UseStaticWebAssets), as dotnet run does.
    /// Started from the repository's root, a build ran with neither its settings nor its styles (operator test).
    /// </summary>
    public static bool ServesBuildStaticAssets(string root)
    {
        if (Directory.Exists(Path.Combine(root, "wwwroot"))) return false;
        var manifest = Path.Combine(root, StaticAssetsManifest);
        if (!File.Exists(manifest)) return false;
        // Every folder the manifest names must be there: the host refuses to start otherwise (a bin folder copied to
        // another machine, obj cleaned: review). Then the build is served as before this, unstyled.
        try
        {
            using var stream = File.OpenRead(manifest);
            using var document = System.Text.Json.JsonDocument.Parse(stream);
            return document.RootElement.TryGetProperty("ContentRoots", out var roots) && roots.ValueKind == System.Text.Json.JsonValueKind.Array
                && roots.EnumerateArray().All(r => r.ValueKind == System.Text.Json.JsonValueKind.String && Directory.Exists(r.GetString()));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    /// <summary>The build's manifest of static web assets, beside the app's assembly.</summary>
    public static readonly string StaticAssetsManifest = typeof(ContentRoot).Assembly.GetName().Name + ".staticwebassets.runtime.json";
}
