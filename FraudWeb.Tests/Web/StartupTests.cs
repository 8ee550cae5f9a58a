using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web;

[Collection(WebTestGroup.Name)]
public sealed class StartupTests(FraudWebFactory factory)
{
    [Fact]
    public async Task FirstStart_EmptyDatabase_SeedsHistoryAndServesARegisteredModel()
    {
        // Arrange
        _ = factory.Services;

        // Act
        var serving = factory.Services.GetRequiredService<IServingModel>().Current;
        var versions = await factory.QueryAsync(db => db.ModelVersions.ToListAsync());

        // Assert
        Assert.NotNull(serving);
        var active = Assert.Single(versions, v => v.IsServing);
        Assert.Equal(active.Version, serving.Version);
        Assert.NotNull(await factory.ModelArtifactAsync(active.FileName));
        using var metrics = System.Text.Json.JsonDocument.Parse(active.MetricsJson);
        Assert.True(metrics.RootElement.GetProperty("validationRows").GetDouble() > 0);
        Assert.Equal(active.TrainingRows, metrics.RootElement.GetProperty("trainingRows").GetDouble());
        Assert.Equal(60, await factory.QueryAsync(db => db.Terminals.CountAsync()));
        Assert.Equal(80, await factory.QueryAsync(db => db.Cards.CountAsync(c => c.CardHolder!.IsSimulated)));
        Assert.True(await factory.QueryAsync(db => db.Transactions.AnyAsync(t => t.Label == FraudLabel.Fraud)));
        Assert.False(await factory.QueryAsync(db => db.CardHolders.AnyAsync(h => h.IsSimulated && h.UserId != null)));
        var lastSeeded = await factory.QueryAsync(db => db.Transactions.Where(t => t.Source == TransactionSource.Simulated).MaxAsync(t => t.TimestampUtc));
        Assert.Equal(factory.Clock.UtcNow.Date.AddDays(-1), lastSeeded.Date);
        Assert.Equal(DateTimeKind.Utc, lastSeeded.Kind);
    }

    [Fact]
    [Trait("Category", TestPostgres.SqliteOnly)]
    public void Database_AfterStart_FilesReadableByTheAppsUserAlone()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Unix file modes only.");
        // Arrange (security review: 0644 in a data directory the operator had made open)
        _ = factory.Services;
        var others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

        // Act
        var files = new[] { factory.DatabaseFile, factory.DatabaseFile + "-wal", factory.DatabaseFile + "-shm" }.Where(File.Exists).ToList();

        // Assert
        Assert.Equal(3, files.Count);
        foreach (var file in files) Assert.True((File.GetUnixFileMode(file) & others) == 0, $"{file}: {File.GetUnixFileMode(file)}");
    }

    [Fact]
    [Trait("Category", TestPostgres.SqliteOnly)]
    public void Start_DataDirectoryOthersCanRead_WarnsNamingItAndItsMode()
    {
        if (OperatingSystem.IsWindows()) throw new PlatformNotSupportedException("Unix file modes only.");
        // Arrange (a left item of the security review: an existing open data directory was kept silently)
        using var open = new FraudWebFactory();
        open.Settings["Seed:Trees"] = "5";
        File.SetUnixFileMode(open.DataDirectory, (UnixFileMode)Convert.ToInt32("755", 8));

        // Act
        _ = open.Services;

        // Assert: the operator's mode is kept, and said; an app's own directory is not mentioned
        Assert.Contains($"{open.DataDirectory} is open to other users (mode 755)", string.Join('\n', open.Logs.Entries), StringComparison.Ordinal);
        Assert.Equal((UnixFileMode)Convert.ToInt32("755", 8), File.GetUnixFileMode(open.DataDirectory));
        _ = factory.Services;
        Assert.DoesNotContain("open to other users", string.Join('\n', factory.Logs.Entries), StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", TestPostgres.SqliteOnly)]
    public async Task Database_AfterStart_IsSqliteInWalMode()
    {
        // Arrange
        _ = factory.Services;
        await using var connection = new SqliteConnection($"Data Source={factory.DatabaseFile}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";

        // Act
        var mode = (string?)await command.ExecuteScalarAsync();

        // Assert
        Assert.Equal("wal", mode);
    }

    [Fact]
    public async Task DataProtectionKeys_AfterStart_InTheDatabaseNotTheDataDirectory()
    {
        // Arrange: a sign-in cookie needs the key ring.
        using var _ = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var keys = await factory.QueryAsync(db => db.DataProtectionKeys.CountAsync());

        // Assert: every instance reads the same ring.
        Assert.True(keys > 0);
        Assert.False(Directory.Exists(Path.Combine(factory.DataDirectory, "keys", "data-protection")));
    }

    [Fact]
    public async Task Money_AfterStart_StoredAsIntegerCents()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var id = await holder.PayAndGetIdAsync(await holder.AddCardAsync(2500m), await Merchants.OrdinaryAsync(factory), 42.57m);

        // Act: the column as the database hands it back, without EF's converter.
        var stored = await factory.QueryAsync(db => db.Database.SqlQuery<long>($"SELECT \"Amount\" AS \"Value\" FROM \"Transactions\" WHERE \"Id\" = {id}").SingleAsync());
        var type = await factory.QueryAsync(db => db.Database.SqlQueryRaw<string>(db.Database.IsNpgsql()
            ? "SELECT data_type AS \"Value\" FROM information_schema.columns WHERE table_name = 'Transactions' AND column_name = 'Amount'"
            : "SELECT typeof(\"Amount\") AS \"Value\" FROM \"Transactions\" LIMIT 1").SingleAsync());

        // Assert
        Assert.Equal(4257L, stored);
        Assert.True(type is "integer" or "bigint", type);
    }

    [Fact]
    public async Task Request_OutsideDevelopmentOverHttp_RedirectsToHttps()
    {
        // Arrange
        using var production = new FraudWebFactory();
        production.Settings["Seed:Enabled"] = "false";
        production.Settings["Seed:TrainModel"] = "false";
        using var client = production.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri("http://localhost") });

        // Act
        var response = await client.GetAsync(new Uri("/", UriKind.Relative));

        // Assert
        Assert.Equal(System.Net.HttpStatusCode.TemporaryRedirect, response.StatusCode);
        Assert.Equal("https://localhost/", Html.Location(response));
    }

    [Fact]
    public void Start_DevelopmentWithoutFingerprintKey_GeneratesOwnerOnlyKeyFileOnceAndLogsIt()
    {
        // Arrange
        using var development = new FraudWebFactory();
        development.Settings["Cards:FingerprintKey"] = "";
        development.Settings["Seed:Enabled"] = "false";
        development.Settings["Seed:TrainModel"] = "false";
        var keyFile = Path.Combine(development.DataDirectory, "keys", "card-fingerprint.key");

        // Act: started, then started again on the same data directory (a developer restarting the app).
        StartInDevelopment(development);
        var generated = File.ReadAllText(keyFile);
        StartInDevelopment(development);

        // Assert: the second start uses the first one's key; it neither replaces nor announces one.
        Assert.Equal(32, Convert.FromBase64String(generated).Length);
        Assert.Equal(generated, File.ReadAllText(keyFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
        Assert.Single(development.Logs.Entries, e => e.Contains("No Cards:FingerprintKey configured: generated a development key", StringComparison.Ordinal));
    }

    private static void StartInDevelopment(FraudWebFactory app)
    {
        using var host = app.WithWebHostBuilder(builder => builder.UseEnvironment("Development"));
        _ = host.Services.GetRequiredService<CardKeyProvider>();
    }
}
