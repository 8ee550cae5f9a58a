using System.Security.Cryptography;

namespace FraudWeb.Domain.Learning;

/// <summary>
/// The key model files are signed with (HMAC-SHA256), so a file swapped on disk is refused: the web app's is
/// Models:SigningKey. <see cref="NoKey"/> is only for the command line's own bench files, which never serve.
/// </summary>
public sealed class ModelSigningKey
{
    public const int MinimumKeyBytes = 32;

    private readonly byte[] _key;

    private ModelSigningKey(byte[] key) => _key = key;

    /// <summary>Writes and accepts only unsigned files (HMAC with an empty key), never a signed one.</summary>
    public static ModelSigningKey NoKey { get; } = new([]);

    public bool HasKey => _key.Length > 0;

    public static ModelSigningKey Create(ReadOnlySpan<byte> key)
    {
        if (key.Length < MinimumKeyBytes) throw new ArgumentException($"A model signing key has at least {MinimumKeyBytes} bytes.", nameof(key));
        return new ModelSigningKey(key.ToArray());
    }

    internal byte[] Sign(ReadOnlySpan<byte> data) => HMACSHA256.HashData(_key, data);
}
