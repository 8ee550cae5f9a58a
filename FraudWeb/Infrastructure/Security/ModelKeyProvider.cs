using FraudWeb.Domain.Learning;
using FraudWeb.Infrastructure.Options;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// Resolves Models:SigningKey (base64, at least 32 bytes), the HMAC key of model files, so a model file replaced on
/// disk is refused. In Development a missing key is generated once into the data directory; anywhere else start-up
/// stops. Changing the key makes existing model files unloadable (a new model is then trained).
/// </summary>
public sealed partial class ModelKeyProvider
{
    public const string SettingName = "Models:SigningKey";

    /// <summary>How the key reaches the command line's train/evaluate verbs (an environment variable stays out of `ps`).</summary>
    public const string EnvironmentVariable = "FRAUDWEB_MODEL_SIGNING_KEY";

    public ModelKeyProvider(IConfiguration configuration, IHostEnvironment environment, FraudWebPaths paths, ILogger<ModelKeyProvider> logger)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var key = SecretFiles.ResolveKey(configuration, environment, SettingName, ModelSigningKey.MinimumKeyBytes,
            Path.Combine(paths.KeysDirectory, "model-signing.key"),
            $"{SettingName} is not set. Set it to a base64 key of at least {ModelSigningKey.MinimumKeyBytes} bytes (for example the environment " +
            "variable Models__SigningKey=$(openssl rand -base64 32)); model files are signed with it so a replaced file is refused.",
            file => LogGeneratedKey(logger, file));
        Base64 = Convert.ToBase64String(key);
        Key = ModelSigningKey.Create(key);
    }

    private ModelKeyProvider(byte[] key)
    {
        Base64 = Convert.ToBase64String(key);
        Key = ModelSigningKey.Create(key);
    }

    /// <summary>A provider for a known key (tests, tools), without configuration.</summary>
    public static ModelKeyProvider ForKey(byte[] key) => new(Decode(Convert.ToBase64String(key), "key"));

    public ModelSigningKey Key { get; }

    /// <summary>The key as handed to the training child process (environment, never the command line).</summary>
    public string Base64 { get; }

    /// <summary>The command line's key: <see cref="EnvironmentVariable"/> when set, otherwise unsigned files (bench use only).</summary>
    public static ModelSigningKey FromEnvironment()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return string.IsNullOrWhiteSpace(value) ? ModelSigningKey.NoKey : ModelSigningKey.Create(Decode(value, EnvironmentVariable));
    }

    private static byte[] Decode(string value, string name) => SecretFiles.DecodeKey(value, name, ModelSigningKey.MinimumKeyBytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No Models:SigningKey configured: generated a development key in {File}. Configure a real key outside Development.")]
    private static partial void LogGeneratedKey(ILogger logger, string file);
}
