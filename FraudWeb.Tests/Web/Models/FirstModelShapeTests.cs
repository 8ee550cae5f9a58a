using FraudWeb.Domain.Learning;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Models;

/// <summary>The first start's model has the shape every retraining trains, so the first challenger meets its own kind.</summary>
public sealed class FirstModelShapeTests
{
    [Fact]
    public void FirstStart_SeedTreesUnset_FirstModelHasTheRetrainingsTrees()
    {
        // Arrange (review finding: the first model had 100 trees and retrained ones 200, so the demo's challengers lost
        // about 0.01 of AUC to it and were refused two times in three)
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = null;
        app.Settings["Retraining:Trees"] = "7";

        // Act
        var serving = app.Services.GetRequiredService<IServingModel>().Current;

        // Assert
        Assert.NotNull(serving);
        Assert.Equal(7, Assert.IsType<FastTreeModel>(serving.Model).TreeCount);
    }
}
