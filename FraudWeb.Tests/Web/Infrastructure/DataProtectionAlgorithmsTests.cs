using System.Text;
using FraudWeb.Infrastructure.Security;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Infrastructure;

[Collection(WebTestGroup.Name)]
public sealed class DataProtectionAlgorithmsTests(FraudWebFactory factory)
{
    [Fact]
    public async Task KeyRing_AfterSignIn_EveryKeyAesGcm()
    {
        // Arrange: signing in creates the first key if there is none yet.
        using var _ = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var keys = await factory.QueryAsync(db => db.DataProtectionKeys.Select(k => k.Xml).ToListAsync());

        // Assert
        Assert.NotEmpty(keys);
        Assert.All(keys, xml => Assert.Contains("<encryption algorithm=\"AES_256_GCM\"", xml, StringComparison.Ordinal));
    }

    [Fact]
    public void Unprotect_PayloadOfAKeyMadeWithTheFrameworkDefault_StillReadable()
    {
        // Arrange: a key ring from before the change (AES-256-CBC + HMAC-SHA256), and a payload protected with its key.
        var ring = Directory.CreateTempSubdirectory("fraudweb-dp-");
        try
        {
            using var beforeServices = Services(ring, configure: false);
            var payload = beforeServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("cookie").Protect(Encoding.UTF8.GetBytes("signed in"));
            using var nowServices = Services(ring, configure: true);
            var now = nowServices.GetRequiredService<IDataProtectionProvider>();

            // Act
            var read = now.CreateProtector("cookie").Unprotect(payload);
            var written = now.CreateProtector("cookie").Unprotect(now.CreateProtector("cookie").Protect(read));

            // Assert
            Assert.Equal("signed in", Encoding.UTF8.GetString(read));
            Assert.Equal("signed in", Encoding.UTF8.GetString(written));
            var xml = Assert.Single(ring.GetFiles("key-*.xml"));
            Assert.Contains("AES_256_CBC", File.ReadAllText(xml.FullName), StringComparison.Ordinal);
        }
        finally
        {
            ring.Delete(recursive: true);
        }
    }

    private static ServiceProvider Services(DirectoryInfo ring, bool configure)
    {
        var services = new ServiceCollection();
        var builder = services.AddDataProtection().SetApplicationName("FraudWeb").PersistKeysToFileSystem(ring);
        if (configure) builder.UseFraudWebAlgorithms();
        return services.BuildServiceProvider();
    }
}
