using System.Globalization;
using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Learning;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Models;

/// <summary>
/// A model file missing or corrupt at start or at promotion: the previous good version keeps serving, the registry
/// says why (the version is marked unusable with the reason), and nobody gets a made-up verdict. A restart is a new
/// host (nothing in memory) on the same database and data directory.
/// </summary>
public sealed class ModelFaultTests
{
    private const string CopyFile = "copy.model";

    private static readonly ModelSigningKey FactoryKey = ModelSigningKey.Create(Convert.FromBase64String(FraudWebFactory.TestModelSigningKey));

    [Fact]
    public async Task Start_ServingModelCorrupt_PreviousGoodVersionServesAndRegistrySaysWhy()
    {
        // Arrange: two versions have served; the serving one's stored bytes are then damaged.
        using var app = NewApp();
        var (earlier, broken) = await TwoServedVersionsAsync(app);
        await CorruptAsync(app, broken.FileName);

        // Act
        using var restarted = app.WithWebHostBuilder(_ => { });
        using var client = ClientOf(restarted);
        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var (paid, _) = await PayAsync(app, client);

        // Assert: the earlier version serves, in the registry and in memory; the broken one says why it cannot.
        var versions = await VersionsAsync(app, earlier.Id, broken.Id);
        Assert.Equal(earlier.Version, Assert.Single(versions, v => v.IsServing).Version);
        var marked = Assert.Single(versions, v => v.Id == broken.Id);
        Assert.Equal(ModelStatus.Retired, marked.Status);
        Assert.False(marked.IsUsable);
        Assert.Contains("corrupt", marked.UnusableReason, StringComparison.Ordinal);
        Assert.NotNull(marked.UnusableSinceUtc);
        Assert.Equal(earlier.Version, restarted.Services.GetRequiredService<IServingModel>().Current?.Version);
        Assert.Contains(app.Logs.Entries, e => e.StartsWith("Error", StringComparison.Ordinal) && e.Contains(broken.Version, StringComparison.Ordinal));
        var earlierId = earlier.Id.ToString(CultureInfo.InvariantCulture);
        Assert.True(await app.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e =>
            e.Action == AuditActions.ModelFallback && e.ActorId == AuditLog.SystemActor && e.TargetId == earlierId)));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, paid.StatusCode);
        var id = TransactionIdOf(paid);
        Assert.Equal(earlier.Version, await app.QueryAsync(db => db.Transactions.Where(t => t.Id == id).Select(t => t.Verdict!.ModelVersion).SingleAsync()));
    }

    [Fact]
    public async Task Start_ServingModelMissing_PreviousGoodVersionServes()
    {
        // Arrange: the serving version's stored file is gone.
        using var app = NewApp();
        var (earlier, broken) = await TwoServedVersionsAsync(app);
        await app.QueryAsync(db => db.ModelArtifacts.Where(a => a.Name == broken.FileName).ExecuteDeleteAsync());

        // Act
        using var restarted = app.WithWebHostBuilder(_ => { });
        _ = restarted.Services;

        // Assert
        var versions = await VersionsAsync(app, earlier.Id, broken.Id);
        Assert.Equal(earlier.Version, Assert.Single(versions, v => v.IsServing).Version);
        var marked = Assert.Single(versions, v => v.Id == broken.Id);
        Assert.Equal(ModelStatus.Retired, marked.Status);
        Assert.Equal(ModelRegistry.MissingFileReason, marked.UnusableReason);
        Assert.Equal(earlier.Version, restarted.Services.GetRequiredService<IServingModel>().Current?.Version);
    }

    [Fact]
    public async Task Start_NoGoodVersionAndNoTraining_PaymentsAnswer503NeverAVerdict()
    {
        // Arrange: every version's file damaged, and this installation does not train a model at start.
        using var app = NewApp();
        var (earlier, broken) = await TwoServedVersionsAsync(app);
        await CorruptAsync(app, earlier.FileName);
        await CorruptAsync(app, broken.FileName);
        app.Settings["Seed:TrainModel"] = "false";

        // Act
        using var restarted = app.WithWebHostBuilder(_ => { });
        using var client = ClientOf(restarted);
        var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var (paid, cardId) = await PayAsync(app, client);

        // Assert: nothing serves, both versions say why, and the payment is refused rather than guessed.
        var versions = await VersionsAsync(app, earlier.Id, broken.Id);
        Assert.DoesNotContain(versions, v => v.IsServing);
        Assert.All(versions, v => Assert.Contains("corrupt", v.UnusableReason, StringComparison.Ordinal));
        Assert.Null(restarted.Services.GetRequiredService<IServingModel>().Current);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, paid.StatusCode);
        Assert.Equal(0, await app.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId)));
    }

    [Fact]
    public async Task Promote_CorruptCandidate_RefusedOldKeepsServingAndReasonShown()
    {
        // Arrange: a registered candidate whose stored file is damaged, and an administrator.
        using var app = NewApp();
        _ = app.Services;
        var serving = await ServingRowAsync(app);
        var candidate = await RegisterCopyAsync(app, serving);
        await CorruptAsync(app, candidate.FileName);
        using var admin = await ReviewSteps.SignedInAsAsync(app, Roles.Admin);

        // Act
        var promoted = await Html.SubmitAsync(admin.Client, $"/Models/Promote/{candidate.Id}", [], "/Models");
        var page = await Html.GetPageAsync(admin.Client, "/Models");

        // Assert: refused, the serving version unchanged, and the page shows why the candidate cannot serve.
        Assert.Equal(HttpStatusCode.Redirect, promoted.StatusCode);
        Assert.Equal(serving.Version, (await ServingRowAsync(app)).Version);
        Assert.Equal(serving.Version, app.Services.GetRequiredService<IServingModel>().Current?.Version);
        var stored = Assert.Single(await VersionsAsync(app, candidate.Id));
        Assert.Equal(ModelStatus.Candidate, stored.Status);
        Assert.Contains("corrupt", stored.UnusableReason, StringComparison.Ordinal);
        Assert.Contains("This version cannot serve", page.QuerySelector("[data-testid=models-error]")?.TextContent, StringComparison.Ordinal);
        var row = page.QuerySelector($"[data-testid=version-row][data-version='{candidate.Version}']");
        Assert.NotNull(row);
        Assert.NotNull(row.QuerySelector("[data-testid=unusable]"));
        Assert.Contains("The model file is corrupt", row.QuerySelector("[data-testid=unusable-reason]")?.TextContent, StringComparison.Ordinal);
        Assert.Null(row.QuerySelector("form[action^='/Models/Promote']"));
    }

    [Fact]
    public async Task Sync_PromotedElsewhereButNotUsableHere_KeepsServingAndMarksNothing()
    {
        // Arrange: another instance (with another signing key) promoted a version whose intact file this one cannot verify.
        using var app = NewApp();
        app.Settings[ServingModelSync.IntervalSetting] = "3600";
        _ = app.Services;
        var serving = await ServingRowAsync(app);
        var (model, metadata) = ModelFile.Load(new MemoryStream((await app.ModelArtifactAsync(serving.FileName))!), FactoryKey, TransactionFeatures.Names);
        using (var file = new MemoryStream())
        {
            ModelFile.Save(file, model, metadata, ModelSigningKey.Create(Enumerable.Repeat((byte)7, ModelSigningKey.MinimumKeyBytes).ToArray()));
            await app.StoreModelArtifactAsync("other.model", file.ToArray());
        }
        var other = ModelVersion.Register("other-1", "other.model", DateTime.UtcNow, 1, 1, "{}");
        await app.QueryAsync(async db =>
        {
            db.ModelVersions.Add(other);
            return await db.SaveChangesAsync();
        });
        await PromotedElsewhereAsync(app, other.Id);

        // Act
        var changed = await app.Services.GetRequiredService<ServingModelSync>().SyncOnceAsync(CancellationToken.None);

        // Assert: this instance keeps its model; the registry stays as the other instance left it.
        Assert.False(changed);
        Assert.Equal(serving.Version, app.Services.GetRequiredService<IServingModel>().Current?.Version);
        var stored = Assert.Single(await VersionsAsync(app, other.Id));
        Assert.True(stored.IsServing);
        Assert.True(stored.IsUsable);
    }

    [Fact]
    public async Task Sync_PromotedFileCorrupt_MarkedOnceAndThePreviousVersionServesAgain()
    {
        // Arrange: the file of a version promoted elsewhere is damaged in the shared store, for every instance.
        using var app = NewApp();
        app.Settings[ServingModelSync.IntervalSetting] = "3600";
        _ = app.Services;
        var earlier = await ServingRowAsync(app);
        var copy = await RegisterCopyAsync(app, earlier);
        await CorruptAsync(app, copy.FileName);
        await PromotedElsewhereAsync(app, copy.Id);
        var sync = app.Services.GetRequiredService<ServingModelSync>();

        // Act: two polls.
        var first = await sync.SyncOnceAsync(CancellationToken.None);
        var afterFirst = Assert.Single(await VersionsAsync(app, copy.Id));
        var second = await sync.SyncOnceAsync(CancellationToken.None);

        // Assert: marked by the first poll only, and the earlier version serves again everywhere.
        Assert.True(first);
        Assert.False(second);
        Assert.Equal(earlier.Version, (await ServingRowAsync(app)).Version);
        Assert.Equal(earlier.Version, app.Services.GetRequiredService<IServingModel>().Current?.Version);
        Assert.Equal(ModelStatus.Retired, afterFirst.Status);
        Assert.Contains("corrupt", afterFirst.UnusableReason, StringComparison.Ordinal);
        Assert.Equal(afterFirst.UnusableSinceUtc, Assert.Single(await VersionsAsync(app, copy.Id)).UnusableSinceUtc);
        Assert.Equal(1, await app.QueryAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.ModelFallback)));
    }

    private static FraudWebFactory NewApp()
    {
        var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        return app;
    }

    private static Task<ModelVersion> ServingRowAsync(FraudWebFactory app) =>
        app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));

    private static Task<List<ModelVersion>> VersionsAsync(FraudWebFactory app, params long[] ids)
    {
        var wanted = ids.ToList();
        return app.QueryAsync(db => db.ModelVersions.AsNoTracking().Where(m => wanted.Contains(m.Id)).ToListAsync());
    }

    /// <summary>A second registered version (not serving): a copy of <paramref name="of"/>'s model under its own file.</summary>
    private static async Task<ModelVersion> RegisterCopyAsync(FraudWebFactory app, ModelVersion of)
    {
        await app.StoreModelArtifactAsync(CopyFile, (await app.ModelArtifactAsync(of.FileName))!);
        var copy = ModelVersion.Register("copy-1", CopyFile, DateTime.UtcNow, 1, 1, "{}");
        await app.QueryAsync(async db =>
        {
            db.ModelVersions.Add(copy);
            return await db.SaveChangesAsync();
        });
        return copy;
    }

    /// <summary>The first start's model (retired since) and a copy promoted over it (serving): two versions that served.</summary>
    private static async Task<(ModelVersion Earlier, ModelVersion Serving)> TwoServedVersionsAsync(FraudWebFactory app)
    {
        _ = app.Services;
        var earlier = await ServingRowAsync(app);
        var copy = await RegisterCopyAsync(app, earlier);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var promoted = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().PromoteAsync(copy.Id, "test", CancellationToken.None);
            Assert.True(promoted.Succeeded);
        }
        return (earlier, await ServingRowAsync(app));
    }

    /// <summary>What another instance's promotion leaves in the registry: this version serving, the one before retired.</summary>
    private static Task<int> PromotedElsewhereAsync(FraudWebFactory app, long versionId) =>
        app.QueryAsync(async db =>
        {
            // Two saves: SQLite checks the unique serving index row by row.
            var current = await db.ModelVersions.SingleAsync(m => m.Status == ModelStatus.Serving);
            current.Retire();
            await db.SaveChangesAsync();
            var promoted = await db.ModelVersions.SingleAsync(m => m.Id == versionId);
            promoted.Promote(null, app.Clock.UtcNow);
            return await db.SaveChangesAsync();
        });

    /// <summary>Flips bytes in the middle of a stored model file, as a bad disk or a botched restore would.</summary>
    [Fact]
    public async Task Start_ServingModelsVersionFieldFlipped_CorruptNotANewerReleasesAndThePreviousServes()
    {
        // Arrange (CLI testing found the file reader taking a flipped bit, version 65540, for a newer release; the
        // registry then kept the file as a newer release's and served nothing)
        using var app = NewApp();
        var (earlier, broken) = await TwoServedVersionsAsync(app);
        var content = (await app.ModelArtifactAsync(broken.FileName))!;
        content[10] ^= 0x01;
        await app.StoreModelArtifactAsync(broken.FileName, content);

        // Act
        using var restarted = app.WithWebHostBuilder(_ => { });
        _ = restarted.Services;

        // Assert
        var versions = await VersionsAsync(app, earlier.Id, broken.Id);
        Assert.Equal(earlier.Version, Assert.Single(versions, v => v.IsServing).Version);
        var marked = Assert.Single(versions, v => v.Id == broken.Id);
        Assert.False(marked.IsUsable);
        Assert.Contains("corrupt", marked.UnusableReason, StringComparison.Ordinal);
        Assert.DoesNotContain("newer", marked.UnusableReason, StringComparison.Ordinal);
        Assert.Equal(earlier.Version, restarted.Services.GetRequiredService<IServingModel>().Current?.Version);
    }

    private static async Task CorruptAsync(FraudWebFactory app, string fileName)
    {
        var content = (await app.ModelArtifactAsync(fileName))!;
        for (var i = content.Length / 2; i < content.Length / 2 + 16; i++) content[i] ^= 0xFF;
        await app.StoreModelArtifactAsync(fileName, content);
    }

    private static HttpClient ClientOf(WebApplicationFactory<Program> instance) =>
        instance.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = FraudWebFactory.HttpsBaseAddress });

    /// <summary>A new card holder registers, adds a card and pays 10.00 through the client's instance.</summary>
    private static async Task<(HttpResponseMessage Response, long CardId)> PayAsync(FraudWebFactory app, HttpClient client)
    {
        var email = app.NewEmail();
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, FraudWebFactory.Password).Build())).StatusCode);
        await CardHolderSession.ConfirmAndSignInAsync(app, client, email);
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Cards/Add", new CardFormBuilder().Build())).StatusCode);
        var cardId = await app.QueryAsync(db => db.Cards.Where(c => db.Users.Any(u => u.Id == c.CardHolder!.UserId && u.Email == email)).Select(c => c.Id).SingleAsync());
        var terminalId = await Merchants.OrdinaryAsync(app);
        var response = await Html.SubmitAsync(client, "/Transactions/New", new Dictionary<string, string>
        {
            ["CardId"] = cardId.ToString(CultureInfo.InvariantCulture),
            ["TerminalId"] = terminalId.ToString(CultureInfo.InvariantCulture),
            ["Amount"] = "10.00",
            // As if the holder had confirmed the amount, should the form ask (CardHolderSession.PayAsync does the same).
            ["ConfirmedPayment"] = string.Create(CultureInfo.InvariantCulture, $"{cardId}:{terminalId}:{10m:F2}"),
        });
        return (response, cardId);
    }

    private static long TransactionIdOf(HttpResponseMessage response)
    {
        var location = Html.Location(response);
        return long.Parse(location[(location.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
    }
}
