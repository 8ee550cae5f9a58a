using FraudWeb.Domain.Entities;
using FraudWeb.Services.Models;
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
}
