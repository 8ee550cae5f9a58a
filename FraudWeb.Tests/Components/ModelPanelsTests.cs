using System.Text.Json;
using Bunit;
using FraudWeb.Components;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Models;
using FraudWeb.ViewModels.Models;

namespace FraudWeb.Tests.Components;

/// <summary>The Models page's serving card (metrics to four decimals, this instance's version) and chart boxes with their data.</summary>
public sealed class ModelPanelsTests : ComponentTestContext
{
    private static ModelVersionRow Serving(Dictionary<string, double> metrics) =>
        new(3, "gbt-20261201", ModelStatus.Serving, "labels", new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc), null,
            new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), 52_000, 410, null, metrics, null);

    [Fact]
    public void Serving_NoModel_SaysSo()
    {
        // Act
        var cut = Render<ServingModelPanel>(p => p.Add(c => c.Serving, null));

        // Assert
        Assert.Equal("No model is serving.", cut.Find("[data-testid=no-model]").TextContent);
    }

    [Fact]
    public void Serving_Metrics_FourDecimalsDashForMissingAndCountsWithSeparators()
    {
        // Act
        var cut = Render<ServingModelPanel>(p => p.Add(c => c.Serving, Serving(new() { ["holdout_auc"] = 0.87654321, ["holdout_ap"] = 0.5 }))
            .Add(c => c.InstanceServing, "gbt-20261201").Add(c => c.Instance, "web-1"));

        // Assert
        Assert.Equal("0.8765 / 0.5000 / –", cut.Find("[data-testid=serving-metrics]").TextContent);
        Assert.Equal("gbt-20261201", cut.Find("[data-testid=serving-version]").TextContent);
        Assert.Equal("gbt-20261201 (web-1)", cut.Find("[data-testid=instance-serving]").TextContent);
        var utc = LocalTime.In(TimeZoneInfo.Utc);
        Assert.Contains($"52,000 rows, 410 frauds ({utc.FormatDate(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc))} to {utc.FormatDate(new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc))})", cut.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void Serving_InstanceWithoutModel_SaysNoModel()
    {
        // Act
        var cut = Render<ServingModelPanel>(p => p.Add(c => c.Serving, Serving([])).Add(c => c.InstanceServing, null).Add(c => c.Instance, "web-2"));

        // Assert
        Assert.Equal("no model (web-2)", cut.Find("[data-testid=instance-serving]").TextContent);
    }

    [Fact]
    public void Charts_Data_EmbeddedAsJsonTheScriptReadsWithOneBoxPerChart()
    {
        // Arrange: a feature name that tries to close the script element
        var charts = new ModelCharts([[0, 0], [1, 1]], [[1, 0.5]], [5, 3], [0, 2], ["tx_amount", "</script><b>x"], [0.7, 0.3]);

        // Act
        var cut = Render<ModelChartPanels>(p => p.Add(c => c.Charts, charts));

        // Assert
        var script = cut.Find("script#model-charts");
        Assert.Equal("application/json", script.GetAttribute("type"));
        Assert.DoesNotContain("</script><b>", script.InnerHtml, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(script.TextContent);
        Assert.Equal(["tx_amount", "</script><b>x"], json.RootElement.GetProperty("importanceNames").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, json.RootElement.GetProperty("roc").GetArrayLength());
        Assert.Equal(["roc-chart", "pr-chart", "score-chart", "importance-chart"], cut.FindAll("canvas").Select(c => c.Id));
    }

    [Fact]
    public void Charts_EachCanvas_DescribedByATableOfItsFigures()
    {
        // Arrange (accessibility test: the charts were images with a name only, their values shown on mouse hover)
        var charts = new ModelCharts([[0, 0], [0.01, 0.4], [0.1, 0.8], [1, 1]], [[0.5, 0.9], [0.9, 0.3]], [50, 3], [1, 7], ["tx_amount", "hour"], [0.7, 0.3]);

        using var english = FraudWeb.Tests.Web.Localization.CultureScope.Use(System.Globalization.CultureInfo.GetCultureInfo("en"));

        // Act
        var cut = Render<ModelChartPanels>(p => p.Add(c => c.Charts, charts));

        // Assert: every canvas names a details box of figures that exists
        foreach (var canvas in cut.FindAll("canvas"))
        {
            var figures = cut.Find("#" + canvas.GetAttribute("aria-describedby"));
            Assert.NotNull(figures.QuerySelector("table caption"));
        }
        string Row(string id, int row) => string.Join("|", cut.FindAll($"#{id} tbody tr")[row].Children.Select(c => c.TextContent));
        Assert.Equal("1.0%|40.0%", Row("roc-figures", 0));
        Assert.Equal("10.0%|80.0%", Row("roc-figures", 3));
        Assert.Equal("50.0%|90.0%", Row("pr-figures", 2));
        Assert.Equal("0-50|50|1", Row("score-figures", 0));
        Assert.Equal("tx_amount|0.700", Row("importance-figures", 0));
    }
}
