using System.Security.Cryptography;

namespace FraudWeb.Infrastructure.Security;

/// <summary>Development-only secrets generated once into the data directory, readable by the owner only.</summary>
public static class SecretFiles
{
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
