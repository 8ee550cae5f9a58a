using FraudWeb.Api;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Models;

namespace FraudWeb.Tests.Web.Api;

/// <summary>The serving model as the API shows it: the trainer's metric names in camelCase, in the order recorded.</summary>
public sealed class ModelResourcesTests
{
    private static ServingModelResource ServingWith(string metricsJson)
    {
        var model = ModelVersion.Register("gbt-1", "gbt-1.model", new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc), 100, 3, metricsJson);
        return ModelResources.Serving(new ServingVersionSummary(model, ModelMetrics.Read(model.MetricsJson)));
    }

    [Fact]
    public void Serving_SnakeCaseMetrics_CamelCaseInRecordedOrder()
    {
        // Act
        var resource = ServingWith("""{"holdout_auc":0.91,"validationRows":12,"card_precision_at_100":0.5}""");

        // Assert
        Assert.Equal(["holdoutAuc", "validationRows", "cardPrecisionAt100"], resource.HoldoutMetrics.Keys);
        Assert.Equal(0.91, resource.HoldoutMetrics["holdoutAuc"]);
        Assert.Equal("gbt-1", resource.Version);
        Assert.Equal(100, resource.TrainingRows);
    }

    [Fact]
    public void Serving_TwoNamesMeetInCamelCase_FirstKept()
    {
        // Act
        var resource = ServingWith("""{"holdout_auc":0.91,"holdoutAuc":0.5}""");

        // Assert
        Assert.Equal(0.91, Assert.Single(resource.HoldoutMetrics).Value);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"auc":"high"}""")]
    [InlineData("null")]
    public void Serving_MetricsNotReadable_NoMetrics(string metricsJson)
    {
        // Act
        var resource = ServingWith(metricsJson);

        // Assert
        Assert.Empty(resource.HoldoutMetrics);
    }
}
