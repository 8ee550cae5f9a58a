namespace FraudWeb.Infrastructure.Options;

/// <summary>
/// The data directory (FraudWeb:DataDirectory) and what lives in it: the SQLite database, model files, the mail
/// pickup folder and key files. It defaults to $XDG_DATA_HOME/fraudweb (~/.local/share/fraudweb), outside the source tree.
/// </summary>
public sealed class FraudWebPaths
{
    public FraudWebPaths(string dataDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        DataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(DataDirectory);
    }

    public string DataDirectory { get; }
    public string DatabaseFile => Path.Combine(DataDirectory, "fraudweb.db");
    public string ModelsDirectory => Ensure(Path.Combine(DataDirectory, "models"));
    public string KeysDirectory => Ensure(Path.Combine(DataDirectory, "keys"));

    public static FraudWebPaths FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration["FraudWeb:DataDirectory"];
        return new FraudWebPaths(string.IsNullOrWhiteSpace(configured) ? DefaultDataDirectory() : configured);
    }

    public static string DefaultDataDirectory()
    {
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        var root = !string.IsNullOrWhiteSpace(xdg) ? xdg
            : OperatingSystem.IsWindows() ? Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData)
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Combine(root, "fraudweb");
    }

    private static string Ensure(string directory)
    {
        Directory.CreateDirectory(directory);
        return directory;
    }
}
