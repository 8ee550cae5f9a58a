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
        CreatePrivate(DataDirectory);
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
        CreatePrivate(directory);
        return directory;
    }

    /// <summary>
    /// A folder the app creates is its user's alone (0700): the database, key files and the unencrypted data-protection
    /// key ring in it are nobody else's to read. A folder that exists keeps the mode its owner gave it.
    /// </summary>
    private static void CreatePrivate(string directory)
    {
        if (Directory.Exists(directory)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }
}
