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

    /// <summary>Where a retraining's child process gets its training table (every training row) and gives its model.</summary>
    public string TrainingDirectory => Ensure(Path.Combine(DataDirectory, "training"));

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
    public static void CreatePrivate(string directory)
    {
        if (Directory.Exists(directory)) return;
        if (OperatingSystem.IsWindows()) Directory.CreateDirectory(directory);
        else Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    /// <summary>
    /// What of the data directory other users can reach: the directory itself and the SQLite database with its log, when
    /// their modes grant the group or others anything. The app leaves modes an operator set alone; it says so (start-up
    /// warning) because the database holds personal data and the key ring.
    /// </summary>
    public IReadOnlyList<(string Path, UnixFileMode Mode)> OpenToOthers()
    {
        if (OperatingSystem.IsWindows()) return [];
        const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
            | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
        var open = new List<(string, UnixFileMode)>();
        foreach (var path in new[] { DataDirectory, DatabaseFile, DatabaseFile + "-wal", DatabaseFile + "-shm" })
        {
            if (!Path.Exists(path)) continue;
            var mode = File.GetUnixFileMode(path);
            if ((mode & others) != 0) open.Add((path, mode));
        }
        return open;
    }

    /// <summary>
    /// Creates an empty file readable by the app's user alone (0600) unless it exists. For the SQLite database: SQLite
    /// gives its -wal and -shm files the database file's mode, and made it 0644 (the umask's) in a data directory an
    /// operator created open (security review).
    /// </summary>
    public static void CreatePrivateFile(string path)
    {
        if (File.Exists(path)) return;
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var _ = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process (a second start, the CLI) created it first: it is that one's to have made.
        }
    }
}
