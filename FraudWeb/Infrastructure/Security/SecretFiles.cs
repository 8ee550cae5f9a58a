using System.Security.Cryptography;
using FraudWeb.Infrastructure.Options;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// Keys from settings (base64, checked once here) and, in Development only, generated once into the data directory,
/// readable by the owner only.
/// </summary>
public static class SecretFiles
{
    /// <summary>
    /// The key in <paramref name="setting"/>; in Development a missing one is generated into <paramref name="developmentFile"/>
    /// (<paramref name="generated"/> is then called); anywhere else a missing key stops start-up with <paramref name="missingMessage"/>.
    /// </summary>
    public static byte[] ResolveKey(IConfiguration configuration, IHostEnvironment environment, string setting, int minimumBytes,
        string developmentFile, string missingMessage, Action<string> generated)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(generated);
        var configured = configuration[setting];
        if (!string.IsNullOrWhiteSpace(configured)) return DecodeKey(configured, setting, minimumBytes);
        if (!environment.IsDevelopment()) throw new ConfigurationException(missingMessage);
        var (key, created) = ReadOrCreate(developmentFile, minimumBytes);
        if (created) generated(developmentFile);
        return key;
    }

    /// <summary>A base64 key of at least <paramref name="minimumBytes"/> bytes; <paramref name="name"/> is named in the error.</summary>
    public static byte[] DecodeKey(string value, string name, int minimumBytes)
    {
        ArgumentNullException.ThrowIfNull(value);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            throw new ConfigurationException($"{name} must be base64 (e.g. the output of `openssl rand -base64 32`).");
        }
        if (key.Length < minimumBytes) throw new ConfigurationException($"{name} must decode to at least {minimumBytes} bytes.");
        return key;
    }

    /// <summary>Reads a base64 key file, creating it with <paramref name="bytes"/> random bytes (mode 600) when absent.</summary>
    public static (byte[] Key, bool Created) ReadOrCreate(string path, int bytes)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path))
        {
            return (Convert.FromBase64String(File.ReadAllText(path).Trim()), false);
        }
        var key = RandomNumberGenerator.GetBytes(bytes);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(path, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(Convert.ToBase64String(key));
        }
        return (key, true);
    }
}
