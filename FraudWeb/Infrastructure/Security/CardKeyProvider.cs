using System.Security.Cryptography;
using System.Text;
using FraudWeb.Domain.Cards;
using FraudWeb.Infrastructure.Options;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// Resolves Cards:FingerprintKey (base64, at least 32 bytes). In Development a missing key is generated once into
/// the data directory; anywhere else start-up stops, because fingerprints made with a throw-away key are useless.
/// </summary>
public sealed partial class CardKeyProvider
{
    public const string SettingName = "Cards:FingerprintKey";

    public CardKeyProvider(IConfiguration configuration, IHostEnvironment environment, FraudWebPaths paths, ILogger<CardKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var key = SecretFiles.ResolveKey(configuration, environment, SettingName, CardFingerprinter.MinimumKeyBytes,
            Path.Combine(paths.KeysDirectory, "card-fingerprint.key"),
            $"{SettingName} is not set. Set it to a base64 key of at least 32 bytes (for example the environment variable " +
            "Cards__FingerprintKey=$(openssl rand -base64 32)). Keep it out of the database and keep it stable: it identifies stored cards.",
            file => LogGeneratedKey(logger, file));
        Fingerprinter = new CardFingerprinter(key);
        _key = key;
    }

    private readonly byte[] _key;

    public CardFingerprinter Fingerprinter { get; }

    /// <summary>
    /// A 32-byte key for another purpose, derived from this one with HKDF (RFC 5869): one secret to configure and keep,
    /// and keys that reveal nothing about each other.
    /// </summary>
    public byte[] DeriveKey(string purpose) =>
        HKDF.DeriveKey(HashAlgorithmName.SHA256, _key, 32, info: Encoding.UTF8.GetBytes("FraudWeb/" + purpose));

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Cards:FingerprintKey configured: generated a development key in {File}. Configure a real key outside Development.")]
    private static partial void LogGeneratedKey(ILogger logger, string file);
}
