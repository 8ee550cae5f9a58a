using FraudWeb.ViewModels.Admin;

namespace FraudWeb.Tests.Web.Admin;

public sealed class AuditFieldTests
{
    [Fact]
    public void Read_RecordedJson_GivesNamesAndValuesInWords()
    {
        // Act
        var fields = AuditField.Read("""{"HadProfile":true,"Roles":["Analyst","Admin"],"ReportId":null,"Changed":[],"Model":{"Version":"gbt-1","Auc":0.87}}""");

        // Assert
        Assert.Equal(
            new[]
            {
                new AuditField("Had profile", "yes"), new AuditField("Roles", "Analyst, Admin"), new AuditField("Report id", "none"),
                new AuditField("Changed", "none"), new AuditField("Model, version", "gbt-1"), new AuditField("Model, auc", "0.87"),
            },
            fields);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Read_Nothing_GivesNoFields(string? json)
    {
        // Act + Assert
        Assert.Empty(AuditField.Read(json));
    }

    [Fact]
    public void Read_NotJson_KeepsTheTextRatherThanLosingIt()
    {
        // Act + Assert
        Assert.Equal(new[] { new AuditField("Recorded", "locked by hand") }, AuditField.Read("locked by hand"));
    }
}
