using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Learning;
using FraudWeb.Services.Models;
using FraudWeb.Services.Seeding;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Localization;
using FraudWeb.ViewModels.Models;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace FraudWeb.Tests.Web.Models;

/// <summary>
/// An existing installation upgraded to a new feature vector: the registered model was trained on the old features,
/// so on start it cannot be loaded, a model on the current features is trained and serves, and the old one stays in
/// the registry but cannot be promoted again.
/// </summary>
public sealed class ModelUpgradeTests
{
    private static readonly ModelSigningKey FactoryKey = ModelSigningKey.Create(Convert.FromBase64String(FraudWebFactory.TestModelSigningKey));
    private const string AnotherSigningKey = "QEFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl8="; // bytes 64..95

    [Fact]
    public async Task Restart_SigningKeyChanged_FreshModelServesInPlaceOfTheOneSignedWithTheOldKey()
    {
        // Arrange: an installation serving a model signed with its key (review finding: after a key change a single
        // instance trained a model, recorded it as "not promoted: another version was put in service" and served none)
        using var first = new FraudWebFactory();
        first.Settings["Seed:Trees"] = "5";
        _ = first.Services;
        var before = await first.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));

        // Act: the process restarts with another Models:SigningKey
        using var app = first.Restart(settings => settings["Models:SigningKey"] = AnotherSigningKey);
        _ = app.Services;

        // Assert: a fresh model serves, in the registry and in memory, and says whose place it took and why
        var versions = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(2, versions.Count);
        var active = Assert.Single(versions, v => v.IsServing);
        Assert.NotEqual(before.Version, active.Version);
        Assert.Equal(active.Version, app.Services.GetRequiredService<IServingModel>().Current?.Version);
        const string detail = "Model file signature does not match Models:SigningKey: the file was replaced or written by another installation.";
        Assert.Equal($"Promoted in place of version {before.Version}, which cannot serve on this instance: {detail}", active.DecisionReason);
        Assert.Equal(before.Id, active.ReplacedVersionId);
        using (CultureScope.Use(Chinese.Culture))
        {
            Assert.Equal(Chinese.Of("Promoted in place of version {0}, which cannot serve on this instance: {1}", before.Version, detail), ModelTexts.Reason(active.DecisionReason));
        }
    }

    [Fact]
    public async Task Restart_IssuerTimeZoneChanged_FreshModelOnTheNewClockServesInPlaceOfTheOldOne()
    {
        // Arrange (edge-case review: the model file did not record its clock, so a model whose night and weekend
        // features were learnt on UTC served a Shanghai issuer without a word)
        using var first = new FraudWebFactory();
        first.Settings["Seed:Trees"] = "5";
        _ = first.Services;
        var before = await first.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));

        // Act
        using var app = first.Restart(settings => settings["Scoring:TimeZone"] = "Asia/Shanghai");
        _ = app.Services;

        // Assert: a model on Shanghai's clock serves; the UTC one stays as history and cannot be promoted here
        var active = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        Assert.NotEqual(before.Version, active.Version);
        Assert.Equal(active.Version, app.Services.GetRequiredService<IServingModel>().Current?.Version);
        const string detail = "Model's night and weekend features were computed on the UTC clock, and Scoring:TimeZone is Asia/Shanghai. Train a new model.";
        Assert.Equal($"Promoted in place of version {before.Version}, which cannot serve on this instance: {detail}", active.DecisionReason);
        var stored = await app.QueryAsync(db => db.ModelArtifacts.AsNoTracking().SingleAsync(a => a.Name == active.FileName));
        Assert.Equal("Asia/Shanghai", ModelFile.Load(new MemoryStream(stored.Content), FactoryKey).Metadata.TimeZone);
        await using var scope = app.Services.CreateAsyncScope();
        var promoteOld = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().PromoteAsync(before.Id, "test", CancellationToken.None);
        Assert.False(promoteOld.Succeeded);
    }

    [Fact]
    public async Task Restart_LabelDelayChanged_FreshModelWithTheNewDelayServesInPlaceOfTheOldOne()
    {
        // Arrange (review: the file did not record the label delay, so a model whose terminal features counted 7 days
        // back served where they count 14, without a word)
        using var first = new FraudWebFactory();
        first.Settings["Seed:Trees"] = "5";
        _ = first.Services;
        var before = await first.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));

        // Act
        using var app = first.Restart(settings => settings["Scoring:LabelDelayDays"] = "14");
        _ = app.Services;

        // Assert: a model of the new delay serves; the old one stays as history and cannot be promoted here
        var active = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        Assert.NotEqual(before.Version, active.Version);
        const string detail = "Model's terminal features were computed with a label delay of 7 days, and Scoring:LabelDelayDays is 14. Train a new model.";
        Assert.Equal($"Promoted in place of version {before.Version}, which cannot serve on this instance: {detail}", active.DecisionReason);
        var stored = await app.QueryAsync(db => db.ModelArtifacts.AsNoTracking().SingleAsync(a => a.Name == active.FileName));
        Assert.Equal(14, ModelFile.Load(new MemoryStream(stored.Content), FactoryKey).Metadata.LabelDelayDays);
        await using var scope = app.Services.CreateAsyncScope();
        Assert.False((await scope.ServiceProvider.GetRequiredService<ModelRegistry>().PromoteAsync(before.Id, "test", CancellationToken.None)).Succeeded);
    }

    [Fact]
    public async Task Restart_ServingModelOfTheRetiredHandWrittenFormat_RetrainsAndServesOldOneKeptAsHistory()
    {
        // Arrange: the serving file is the hand-written learner's; the process starts with nothing in memory
        using var first = new FraudWebFactory();
        first.Settings["Seed:Trees"] = "5";
        _ = first.Services;
        var before = await first.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        await first.StoreModelArtifactAsync(before.FileName, await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-format1.model")));

        // Act
        using var app = first.Restart();
        _ = app.Services;

        // Assert
        var versions = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        var active = Assert.Single(versions, v => v.IsServing);
        Assert.NotEqual(before.Version, active.Version);
        Assert.IsType<FastTreeModel>(app.Services.GetRequiredService<IServingModel>().Current?.Model);
        Assert.Contains("retired hand-written learner", active.DecisionReason, StringComparison.Ordinal);
        await using var scope = app.Services.CreateAsyncScope();
        var promoteOld = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().PromoteAsync(before.Id, "test", CancellationToken.None);
        Assert.False(promoteOld.Succeeded);
        Assert.Equal(active.Version, app.Services.GetRequiredService<IServingModel>().Current?.Version);
    }

    [Fact]
    public async Task Restart_ServingModelFromANewerRelease_NotReplacedNorMarked()
    {
        // Arrange: the serving file has a format version above this release's (a rolled-back deploy of one instance)
        using var first = new FraudWebFactory();
        first.Settings["Seed:Trees"] = "5";
        _ = first.Services;
        var before = await first.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        var newer = new byte[4096];
        "FWGBT\r\n\u001A"u8.CopyTo(newer);
        BitConverter.TryWriteBytes(newer.AsSpan(8), ModelFile.FormatVersion + 1);
        await first.StoreModelArtifactAsync(before.FileName, newer);

        // Act
        using var app = first.Restart();
        _ = app.Services;

        // Assert: the newer release's version still serves and is not marked; this instance's model waits, saying why
        var versions = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        var stillServing = Assert.Single(versions, v => v.IsServing);
        Assert.Equal(before.Version, stillServing.Version);
        Assert.Null(stillServing.UnusableReason);
        var trained = Assert.Single(versions, v => v.Id != before.Id);
        Assert.Equal(ModelStatus.Rejected, trained.Status);
        Assert.StartsWith($"Not promoted: version {before.Version}, written by a newer release, serves and cannot be loaded by this one: Model file format version {ModelFile.FormatVersion + 1} is newer",
            trained.DecisionReason, StringComparison.Ordinal);
        Assert.Null(app.Services.GetRequiredService<IServingModel>().Current);
    }

    [Fact]
    public async Task Start_ServingModelFileSwappedForUnsignedOne_RefusedAndANewModelServes()
    {
        // Arrange: the serving model replaced in storage by a valid model of the current schema, written without the key.
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;
        var before = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        var swapped = FastTreeTrainer.Train(OldSchemaData(TransactionFeatures.Names.ToArray()), new BoostedTreesOptions { NumberOfTrees = 3, NumberOfLeaves = 4, Threads = 1 });
        using (var file = new MemoryStream())
        {
            ModelFile.Save(file, swapped, new ModelMetadata { Version = before.Version });
            await app.StoreModelArtifactAsync(before.FileName, file.ToArray());
        }

        // Act
        var initializer = app.Services.GetServices<IHostedService>().OfType<StartupInitializer>().Single();
        await initializer.StartAsync(CancellationToken.None);

        // Assert: the swapped file never served; a model signed with the key did.
        var active = Assert.Single(await app.QueryAsync(db => db.ModelVersions.AsNoTracking().Where(m => m.Status == ModelStatus.Serving).ToListAsync()));
        Assert.NotEqual(before.Version, active.Version);
        Assert.Equal(active.Version, app.Services.GetRequiredService<IServingModel>().Current!.Version);
        Assert.Contains("not signed", app.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ActiveModelOfOlderFeatureSchema_TrainsAndServesCurrentSchemaOldOneNotPromotable()
    {
        // Arrange: a running installation whose active model file is replaced by one on an older, shorter vector.
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;
        var before = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        var oldNames = TransactionFeatures.Names.Take(16).ToArray();
        var oldModel = FastTreeTrainer.Train(OldSchemaData(oldNames), new BoostedTreesOptions { NumberOfTrees = 3, NumberOfLeaves = 4, Threads = 1 });
        using (var file = new MemoryStream())
        {
            ModelFile.Save(file, oldModel, new ModelMetadata { Version = before.Version }, FactoryKey);
            await app.StoreModelArtifactAsync(before.FileName, file.ToArray());
        }

        // Act: start-up again
        var initializer = app.Services.GetServices<IHostedService>().OfType<StartupInitializer>().Single();
        await initializer.StartAsync(CancellationToken.None);

        // Assert
        var versions = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(2, versions.Count);
        var active = Assert.Single(versions, v => v.IsServing);
        Assert.NotEqual(before.Version, active.Version);
        var serving = app.Services.GetRequiredService<IServingModel>().Current!;
        Assert.Equal(active.Version, serving.Version);
        Assert.Equal(TransactionFeatures.Names, serving.Model.FeatureNames);
        await using var scope = app.Services.CreateAsyncScope();
        var promoteOld = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().PromoteAsync(before.Id, "test", CancellationToken.None);
        Assert.False(promoteOld.Succeeded);
        Assert.StartsWith("This version cannot serve: Model features [", Assert.Single(promoteOld.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(active.Version, app.Services.GetRequiredService<IServingModel>().Current!.Version);
    }

    [Fact]
    public async Task ModelsPage_VersionOfARetiredFormat_NoPromoteNorRollbackToItAndSaysWhy()
    {
        // Arrange: the serving file is the hand-written learner's (format 1); restarted, a fresh model serves in its
        // place and the old version stays as history, not marked unusable (the file is intact)
        using var first = new FraudWebFactory();
        first.Settings["Seed:Trees"] = "5";
        _ = first.Services;
        var before = await first.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        await first.StoreModelArtifactAsync(before.FileName, await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-format1.model")));
        using var app = first.Restart();
        _ = app.Services;
        Assert.Null(await app.QueryAsync(db => db.ModelVersions.Where(m => m.Id == before.Id).Select(m => m.UnusableReason).SingleAsync()));
        using var admin = await ReviewSteps.SignedInAsAsync(app, FraudWeb.Data.Roles.Admin);

        // Act
        var page = await Html.GetPageAsync(admin.Client, "/Models");

        // Assert: no button that could only be refused; the row says why instead
        var row = page.QuerySelector($"[data-testid=version-row][data-version='{before.Version}']")!;
        Assert.Null(row.QuerySelector("form"));
        Assert.Contains("format 1, retired by an upgrade: this version can no longer serve", row.QuerySelector("[data-testid=retired-format]")!.TextContent, StringComparison.Ordinal);
        // The version the fresh one replaced is the only one to go back to, and it cannot serve.
        Assert.Null(page.QuerySelector("[data-testid=rollback]"));
        await using var scope = app.Services.CreateAsyncScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<ModelRegistry>().CanRollBackAsync(CancellationToken.None));
    }

    [Fact]
    public async Task RetiredFormats_FileStillInTheOldModelsFolder_FoundWithoutMovingIt()
    {
        // Arrange (review: a version whose file an older installation left in its models folder, not yet moved into
        // the database, was offered for promotion and refused only once pressed)
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;
        var serving = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().Where(m => m.Status == ModelStatus.Serving).Select(m => m.FileName).SingleAsync());
        const string onDisk = "model-legacy-on-disk.model";
        Directory.CreateDirectory(Path.Combine(app.DataDirectory, "models"));
        await File.WriteAllBytesAsync(Path.Combine(app.DataDirectory, "models", onDisk), await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-format1.model")));
        await using var scope = app.Services.CreateAsyncScope();

        // Act
        var retired = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().RetiredFormatsAsync([onDisk, serving, "model-nowhere.model"], CancellationToken.None);

        // Assert: the old folder's file is of format 1; the serving one (in the database) and a missing one are not retired
        Assert.Equal(new Dictionary<string, int> { [onDisk] = 1 }, retired);
        Assert.Null(await app.ModelArtifactAsync(onDisk));
        Assert.True(File.Exists(Path.Combine(app.DataDirectory, "models", onDisk)));
    }

    [Fact]
    public async Task Start_ActiveModelOfTheRetiredHandWrittenFormat_RetrainsWithMlNetOldOneNotPromotable()
    {
        // Arrange: an installation from before ML.NET: its active model file is the hand-written learner's (format 1).
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;
        var before = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        await app.StoreModelArtifactAsync(before.FileName, await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-format1.model")));

        // Act: start-up again
        var initializer = app.Services.GetServices<IHostedService>().OfType<StartupInitializer>().Single();
        await initializer.StartAsync(CancellationToken.None);

        // Assert: an ML.NET model serves; the old version stays as history and says why it cannot serve.
        var versions = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().OrderBy(m => m.Id).ToListAsync());
        Assert.Equal(2, versions.Count);
        var active = Assert.Single(versions, v => v.IsServing);
        var serving = app.Services.GetRequiredService<IServingModel>().Current!;
        Assert.Equal(active.Version, serving.Version);
        Assert.IsType<FastTreeModel>(serving.Model);
        await using var scope = app.Services.CreateAsyncScope();
        var promoteOld = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().PromoteAsync(before.Id, "test", CancellationToken.None);
        Assert.False(promoteOld.Succeeded);
        Assert.Contains("retired hand-written learner", Assert.Single(promoteOld.Errors).Message, StringComparison.Ordinal);
        Assert.Equal(active.Version, app.Services.GetRequiredService<IServingModel>().Current!.Version);
    }

    private static Dataset OldSchemaData(string[] names)
    {
        var random = new Random(7);
        const int rows = 400;
        var features = new float[rows * names.Length];
        var labels = new float[rows];
        for (var i = 0; i < features.Length; i++) features[i] = (float)random.NextDouble();
        for (var r = 0; r < rows; r++) labels[r] = features[r * names.Length] > 0.8f ? 1 : 0;
        return new Dataset(features, rows, names.Length, labels, names);
    }
}
