using System.Text.RegularExpressions;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.Tests.Web.Admin;

public sealed partial class RecordedFieldTests
{
    [GeneratedRegex(@"new\s*\{(?<body>[^{}]*)\}")]
    private static partial Regex AnonymousObject();

    [Fact]
    public void Names_EveryFieldTheServicesAudit_IsListedForTranslation()
    {
        // Arrange: the anonymous objects of every service that writes the audit log (LINQ projections left out); a
        // name missing from Names would show in English on the Chinese audit page (a review found "Pending").
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FraudDetection.sln"))) directory = directory.Parent;
        var services = Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("FraudDetection.sln"), "FraudWeb", "Services");
        var sources = Directory.EnumerateFiles(services, "*.cs", SearchOption.AllDirectories).Select(File.ReadAllText)
            .Where(text => text.Contains("audit.AppendAsync(", StringComparison.Ordinal)).ToList();

        // Act
        var names = sources.SelectMany(text => AnonymousObject().Matches(text)
                .Where(m => !text[Math.Max(0, m.Index - 40)..m.Index].Contains(".Select(", StringComparison.Ordinal))
                .SelectMany(m => m.Groups["body"].Value.Split(',')))
            .Select(member => member.Trim())
            .Where(member => member.Length > 0)
            .Select(member => member.Contains('=', StringComparison.Ordinal) ? member[..member.IndexOf('=', StringComparison.Ordinal)].Trim() : member[(member.LastIndexOf('.') + 1)..].TrimEnd('?', '!'))
            .Select(RecordedField.Words)
            .ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.True(sources.Count >= 8 && names.Count >= 30, $"found {sources.Count} auditing services and {names.Count} names");
        Assert.Empty(names.Except(RecordedField.Names, StringComparer.Ordinal).Order(StringComparer.Ordinal));
    }

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

    [Fact]
    public void Read_CountsAndIds_CountsWithThousandsSeparatorsIdsAsRecorded()
    {
        // Arrange (exploratory testing: "Confirmed fraud 6497" on the models page beside rows of "86,398")
        var culture = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = System.Globalization.CultureInfo.GetCultureInfo("en-GB");
        try
        {
            // Act
            var fields = RecordedField.Read("""{"ConfirmedFraud":6497,"MaturedLegitimate":86398,"Entry":12345,"CardId":50123}""");

            // Assert
            Assert.Equal(
                new[]
                {
                    new RecordedField("Confirmed fraud", "6,497"), new RecordedField("Matured legitimate", "86,398"),
                    new RecordedField("Entry", "12345"), new RecordedField("Card id", "50123"),
                },
                fields);
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = culture;
        }
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
    [InlineData(nameof(CardHolder.FullName) + ", " + nameof(CardHolder.DateOfBirth) + ", " + nameof(CardHolder.Address), "[Full name], [Date of birth], [Address]")]
    [InlineData(nameof(CardHolder.PhoneNumber), "[Phone number]")]
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
    [InlineData("Status", "Queued", "[Queued]")]
    [InlineData("Trigger", "Manual", "[Manual]")]
    [InlineData("Trigger", "LabelThreshold", "[Label threshold]")]
    public void Shown_InItsField_ARulesActionIsNotAListsPurpose(string name, string recorded, string shown)
    {
        // Act: brackets stand for the page's localizer
        var text = RecordedField.Shown(name, recorded, word => $"[{word}]");

        // Assert: a block rule reads "block", a block list "Block list"
        Assert.Equal(shown, text);
    }
}
