namespace FraudWeb.Tests;

public sealed class LongestFirstCollectionOrdererTests
{
    [Theory]
    [InlineData("Test collection for FraudWeb.Tests.Resilience.CrashConsistencyTests", 0)]
    [InlineData("Test collection for FraudWeb.Tests.Browser.ResponsiveLayoutTests (id: 1a2b)", 1)]
    [InlineData("web", 3)]
    public void Rank_ListedCollection_ItsPlaceInTheList(string displayName, int expected) =>
        Assert.Equal(expected, LongestFirstCollectionOrderer.Rank(displayName));

    [Fact]
    public void Rank_UnlistedCollection_AfterEveryListedOne()
    {
        // Act
        var unlisted = LongestFirstCollectionOrderer.Rank("Test collection for FraudWeb.Tests.Web.HealthTests");

        // Assert
        Assert.True(unlisted > LongestFirstCollectionOrderer.Rank("Test collection for FraudWeb.Tests.Web.Models.ModelUpgradeTests"));
    }

    [Fact]
    public void Longest_EveryName_IsATestClassOrACollection()
    {
        // Arrange: the names a collection can have, its test class's or its definition's
        var assembly = typeof(LongestFirstCollectionOrderer).Assembly;
        var names = assembly.GetTypes().Select(t => t.FullName!)
            .Concat(assembly.GetTypes().SelectMany(t => t.GetCustomAttributesData())
                .Where(a => a.AttributeType == typeof(CollectionDefinitionAttribute)).Select(a => (string)a.ConstructorArguments[0].Value!))
            .ToHashSet(StringComparer.Ordinal);

        // Act + Assert: a renamed class would silently lose its place
        Assert.DoesNotContain(LongestFirstCollectionOrderer.Longest, n => !names.Contains(n));
    }
}
