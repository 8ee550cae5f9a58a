using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FraudWeb.Infrastructure.Security;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Infrastructure;

public sealed class DataProtectionKeyEncryptionTests
{
    /// <summary>The app with a key-encryption certificate configured, no seeded history (only keys matter here).</summary>
    private sealed class CertificateFactory : FraudWebFactory
    {
        public CertificateFactory()
        {
            CertificateFile = Path.Combine(DataDirectory, "dp-cert.pfx");
            using var rsa = RSA.Create(2048);
            var request = new CertificateRequest("CN=FraudWeb key encryption test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
            File.WriteAllBytes(CertificateFile, certificate.Export(X509ContentType.Pfx, "test-password"));
            Settings["Seed:Enabled"] = "false";
            Settings["Seed:TrainModel"] = "false";
        }

        public string CertificateFile { get; }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            // Host settings: read while the services are composed.
            builder.UseSetting(DataProtectionKeyEncryption.PathSetting, CertificateFile);
            builder.UseSetting(DataProtectionKeyEncryption.PasswordSetting, "test-password");
        }
    }

    [Fact]
    public async Task KeyRing_CertificateConfigured_KeysWrittenEncryptedAndStillUsable()
    {
        // Arrange
        using var factory = new CertificateFactory();
        using var client = factory.CreateBrowserClient();

        // Act: a form page needs an antiforgery token, which creates the first key; a post proves it decrypts.
        var page = await Html.GetPageAsync(client, "/Account/Login");
        var posted = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = factory.NewEmail(), ["Password"] = "Wrong-password-1" });

        // Assert
        Assert.NotNull(page);
        Assert.Equal(System.Net.HttpStatusCode.OK, posted.StatusCode);
        var keys = await factory.QueryAsync(db => db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());
        Assert.NotEmpty(keys);
        foreach (var xml in keys)
        {
            Assert.Contains("encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        }
    }
}
