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
}
