using FraudWeb.ViewModels.Common;

namespace FraudWeb.Tests.Web.Admin;

public sealed class RecordedFieldTests
{
    [Fact]
    public void Read_RecordedJson_GivesNamesAndValuesInWords()
    {
        // Act
        var fields = RecordedField.Read("""{"HadProfile":true,"Roles":["Analyst","Admin"],"ReportId":null,"Changed":[],"Model":{"Version":"gbt-1","Auc":0.87}}""");

        // Assert
        Assert.Equal(
            new[]
            {
                new RecordedField("Had profile", "yes"), new RecordedField("Roles", "Analyst, Admin"), new RecordedField("Report id", "none"),
                new RecordedField("Changed", "none"), new RecordedField("Model, version", "gbt-1"), new RecordedField("Model, auc", "0.87"),
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
        Assert.Empty(RecordedField.Read(json));
    }

    [Fact]
    public void Read_NotJson_KeepsTheTextRatherThanLosingIt()
    {
        // Act + Assert
        Assert.Equal(new[] { new RecordedField("Recorded", "locked by hand") }, RecordedField.Read("locked by hand"));
    }

    [Theory]
    [InlineData("Analyst, Admin", "[Analyst], [Admin]")]
    [InlineData("NotMe", "[Not me]")]
    [InlineData("Charged", "[Charged]")]
    [InlineData("Fraud", "[Fraud]")]
    [InlineData("yes", "[yes]")]
    [InlineData("gbt-1", "gbt-1")]
    [InlineData("Analyst, gbt-1", "Analyst, gbt-1")]
    public void Shown_KnownCodeNamesOnly_TranslatedAsWords(string recorded, string shown)
    {
        // Act: brackets stand for the page's localizer
        var text = RecordedField.Shown(recorded, word => $"[{word}]");

        // Assert
        Assert.Equal(shown, text);
    }

    [Theory]
    [InlineData("Action", "Block", "[rule|block]")]
    [InlineData("Action", "Review", "[rule|review]")]
    [InlineData("Purpose", "Block", "[Block list]")]
    [InlineData("Status", "Enabled", "[enabled]")]
    [InlineData("Status", "Draft", "[draft]")]
    public void Shown_InItsField_ARulesActionIsNotAListsPurpose(string name, string recorded, string shown)
    {
        // Act: brackets stand for the page's localizer
        var text = RecordedField.Shown(name, recorded, word => $"[{word}]");

        // Assert: a block rule reads "block", a block list "Block list"
        Assert.Equal(shown, text);
    }
}
