using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FraudWeb.Infrastructure.Options;
using Microsoft.AspNetCore.DataProtection;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// Encrypts the data-protection key ring at rest (ASVS 6.4.1) when FraudWeb:DataProtectionCertificate:Path (a PKCS#12
/// file with its private key) and :Password are set. Without them the key ring is kept unencrypted in the database
/// (DataProtectionKeys), where every backup of the database copies it: set them in production (docs/security.md).
/// </summary>
public static class DataProtectionKeyEncryption
{
    public const string PathSetting = "FraudWeb:DataProtectionCertificate:Path";
    public const string PasswordSetting = "FraudWeb:DataProtectionCertificate:Password";

    public static IServiceCollection AddFraudKeyEncryption(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var path = configuration[PathSetting];
        if (string.IsNullOrWhiteSpace(path)) return services;
        // Said as such: the loader's own message for a missing file is "Error occurred during a cryptographic operation."
        if (!File.Exists(path)) throw new ConfigurationException($"{PathSetting}: there is no file {Path.GetFullPath(path)}.");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, configuration[PasswordSetting]);
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"{PathSetting}: the certificate cannot be read ({e.Message}); check the file and {PasswordSetting}.");
        }
        if (!certificate.HasPrivateKey)
        {
            throw new ConfigurationException($"{PathSetting} must hold the private key too (a .pfx/.p12 file), or keys could not be decrypted.");
        }
        services.AddDataProtection().ProtectKeysWithCertificate(certificate);
        return services;
    }
}
