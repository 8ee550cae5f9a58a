using FraudWeb.Domain.Entities;
using FraudWeb.Services.Models;
using FraudWeb.Services.Retraining;
using FraudWeb.Tests.Web.Localization;
using FraudWeb.ViewModels.Models;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Retraining;

/// <summary>
/// An instance whose memory of the serving model lags the database (its poll an hour away), as one instance does for
/// up to a poll after another's promotion or rollback; every challenger would be promoted (tolerances of 1).
/// </summary>
public sealed class PromotionRaceFactory : FraudWebFactory
{
    public PromotionRaceFactory()
    {
        Settings["Retraining:Trees"] = "20";
        Settings["Retraining:PollInterval"] = "01:00:00";
        Settings["Retraining:LabelThreshold"] = "0";
        Settings["Retraining:Interval"] = "00:00:00";
        Settings["Retraining:Tolerance"] = "1";
        Settings["Retraining:CardPrecisionTolerance"] = "1";
        Settings["Models:ServingPollSeconds"] = "3600";
    }
}

public sealed class PromotionRaceTests(PromotionRaceFactory factory) : IClassFixture<PromotionRaceFactory>
{
    private async Task<TrainingResult> TrainAsync(string trigger)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ModelRegistry>().TrainAsync(trigger, null, CancellationToken.None);
    }

    [Fact]
    public async Task Train_AnotherInstanceChangedTheServingVersionMeanwhile_NotPromotedOverTheirChoice()
    {
        // Arrange: a second version, then "another instance" puts the first back in service: the database says so,
        // this instance's memory still serves the second.
        var first = factory.Services.GetRequiredService<IServingModel>().Current!.Version;
        var second = (await TrainAsync("test: second")).Version.Version;
        Assert.Equal(second, factory.Services.GetRequiredService<IServingModel>().Current!.Version);
        await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Version == second).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, ModelStatus.Retired)));
        await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Version == first).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, ModelStatus.Serving)));

        // Act: a training compared with the second, which no longer serves
        var third = await TrainAsync("test: third");

        // Assert: the other instance's choice stands, and the third says why it was not promoted
        var stored = await factory.QueryAsync(db => db.ModelVersions.AsNoTracking().Where(m => m.Version == first || m.Version == third.Version.Version)
            .ToDictionaryAsync(m => m.Version, m => (m.Status, m.DecisionReason)));
        Assert.Equal(ModelStatus.Serving, stored[first].Status);
        Assert.Equal(ModelStatus.Rejected, stored[third.Version.Version].Status);
        Assert.Contains($"version {first} was put in service while this one trained", stored[third.Version.Version].DecisionReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_RunRecoveredByAnotherInstanceWhileItTrained_NotPromotedAndRecoveryStands()
    {
        // Arrange: a run this instance claimed, then "another instance" recovered it after its lease ran out (Failed,
        // its next attempt queued there) before this training's next renewal could stop it.
        var servingBefore = await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).SingleAsync());
        RetrainingRun run;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FraudWeb.Data.FraudDbContext>();
            run = RetrainingRun.Queue(RetrainingTrigger.Manual, "test", factory.Clock.UtcNow, 0);
            db.RetrainingRuns.Add(run);
            db.Entry(run).Property(r => r.Status).CurrentValue = RetrainingRunStatus.Failed;
            await db.SaveChangesAsync();
        }

        // Act
        TrainingResult? result;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<RetrainingService>().ExecuteAsync(run, CancellationToken.None);
        }

        // Assert: kept as history, not served; the recovery is not overwritten as a success
        Assert.NotNull(result);
        var stored = await factory.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Version == result.Version.Version));
        Assert.Equal(ModelStatus.Rejected, stored.Status);
        Assert.StartsWith(ModelRegistry.RunTakenOverPrefix, stored.DecisionReason, StringComparison.Ordinal);
        Assert.Equal(servingBefore, await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).SingleAsync()));
        Assert.Equal(RetrainingRunStatus.Failed, await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == run.Id).Select(r => r.Status).SingleAsync()));
        // The models page says it in Chinese too
        using (CultureScope.Use(Chinese.Culture))
            Assert.StartsWith(Chinese.Of("Not promoted: its retraining run was taken over by another instance after its lease ran out, and trains again there. ({0})", "")[..^2],
                ModelTexts.Reason(stored.DecisionReason), StringComparison.Ordinal);
    }

    /// <summary>This instance's memory serves what the database does (another test here leaves them apart on purpose).</summary>
    private async Task<ModelVersion> ServingNowAsync()
    {
        await using var scope = factory.Services.CreateAsyncScope();
        Assert.True(await scope.ServiceProvider.GetRequiredService<ModelRegistry>().LoadServingAsync(CancellationToken.None));
        return await factory.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
    }

    private async Task<T> WithRegistryAsync<T>(Func<ModelRegistry, Task<T>> act)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<ModelRegistry>());
    }

    [Fact]
    public async Task Train_RollbackCommittedBetweenTheDecisionAndTheSwap_PinHoldsAndTheTrainingIsNotPromoted()
    {
        // Arrange: the champion serves; when the training has decided to promote and is about to swap, an administrator
        // promotes an older version by hand and rolls back from it: the champion serves again, pinned by the rollback.
        // The serving version is the one the training was compared with, so only the pin can stop the promotion, and
        // only if it is checked under the serving lock with the swap (checked before it, it was missed).
        var older = await ServingNowAsync();
        var champion = (await TrainAsync("test: champion")).Version;
        Assert.Equal(champion.Version, factory.Services.GetRequiredService<IServingModel>().Current!.Version);
        ModelRegistry.BeforeTrainingSwap.Value = async () =>
        {
            Assert.True((await WithRegistryAsync(r => r.PromoteAsync(older.Id, "test-administrator", CancellationToken.None))).Succeeded);
            Assert.True((await WithRegistryAsync(r => r.RollbackAsync("test-administrator", older.Id, CancellationToken.None))).Succeeded);
        };

        // Act
        TrainingResult challenger;
        try
        {
            challenger = await TrainAsync("test: challenger");
        }
        finally
        {
            ModelRegistry.BeforeTrainingSwap.Value = null;
        }

        // Assert: the rolled-back-to champion still serves; the challenger is kept as history and says why
        var stored = await factory.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Version == challenger.Version.Version));
        Assert.True(challenger.Outcome.Decision.Promote, challenger.Outcome.Decision.Reason);
        Assert.Equal(ModelStatus.Rejected, stored.Status);
        Assert.Equal($"{ModelRegistry.PinnedPrefix}{champion.Version}{ModelRegistry.PinnedMiddle}{challenger.Outcome.Decision.Reason})", stored.DecisionReason);
        Assert.Equal(champion.Version, await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).SingleAsync()));
        Assert.Equal(champion.Version, factory.Services.GetRequiredService<IServingModel>().Current!.Version);

        // The pin ends as an administrator would end it, for the other tests of this class.
        Assert.True((await WithRegistryAsync(r => r.PromoteAsync(stored.Id, "test-administrator", CancellationToken.None))).Succeeded);
    }

    [Fact]
    public async Task Execute_RunPromotesItsModel_AuditEntryAndModelsPageNameTheRun()
    {
        // Arrange: a run this instance claimed (Running), every challenger good enough to promote
        await ServingNowAsync();
        RetrainingRun run;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FraudWeb.Data.FraudDbContext>();
            run = RetrainingRun.Queue(RetrainingTrigger.Schedule, null, factory.Clock.UtcNow, 0);
            db.RetrainingRuns.Add(run);
            db.Entry(run).Property(r => r.Status).CurrentValue = RetrainingRunStatus.Running;
            db.Entry(run).Property(r => r.HeartbeatUtc).CurrentValue = factory.Clock.UtcNow;
            await db.SaveChangesAsync();
        }

        // Act
        TrainingResult? result;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<RetrainingService>().ExecuteAsync(run, CancellationToken.None);
        }

        // Assert: the system's promotion names the run it came from, as a promotion by hand names its administrator
        Assert.NotNull(result);
        var promoted = await factory.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Version == result.Version.Version));
        Assert.Equal(ModelStatus.Serving, promoted.Status);
        var id = promoted.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var entry = await factory.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking()
            .SingleAsync(a => a.Action == FraudWeb.Services.Admin.AuditActions.ModelPromote && a.TargetType == "model" && a.TargetId == id));
        Assert.Equal(FraudWeb.Services.Admin.AuditLog.SystemActor, entry.ActorId);
        Assert.Contains($"\"RetrainingRun\":{run.Id}", entry.After, StringComparison.Ordinal);
        Assert.Contains(FraudWeb.ViewModels.Common.RecordedField.Read(entry.After), f => f.Name == "Retraining run" && f.Value == run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var admin = await ReviewSteps.SignedInAsAsync(factory, FraudWeb.Data.Roles.Admin);
        var page = await Html.GetPageAsync(admin.Client, "/Models");
        var row = page.QuerySelector($"[data-testid=version-row][data-version='{promoted.Version}']")!;
        var link = row.QuerySelector("[data-testid=promoted-by-run]")!;
        Assert.Contains($"Promoted automatically by retraining run {run.Id}.", link.TextContent, StringComparison.Ordinal);
        Assert.Equal($"#run-{run.Id}", link.QuerySelector("a")!.GetAttribute("href"));
        Assert.NotNull(page.GetElementById($"run-{run.Id}"));
    }
}
