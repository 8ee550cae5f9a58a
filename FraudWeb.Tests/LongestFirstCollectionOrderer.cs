using Xunit.Abstractions;
using Xunit.Sdk;

[assembly: TestCollectionOrderer("FraudWeb.Tests.LongestFirstCollectionOrderer", "FraudWeb.Tests")]

namespace FraudWeb.Tests;

/// <summary>
/// Starts the longest test collections first, so the parallel slots finish together instead of one long class
/// starting late and running on alone at the end (xunit starts collections in this order as slots free up). The
/// others keep xunit's default order; collections that disable parallelization still run last, alone.
/// </summary>
public sealed class LongestFirstCollectionOrderer : ITestCollectionOrderer
{
    /// <summary>Longest first, as measured (test.sh's two passes, December 2026); a class renamed only loses its place.</summary>
    internal static readonly string[] Longest =
    [
        "FraudWeb.Tests.Resilience.CrashConsistencyTests",
        "FraudWeb.Tests.Browser.ResponsiveLayoutTests",
        "fuzz",
        "web",
        "FraudWeb.Tests.Browser.ReviewJourneyTests",
        "FraudWeb.Tests.Web.Retraining.LearningLoopTests",
        "FraudWeb.Tests.Web.Models.ModelFaultTests",
        "FraudWeb.Tests.Web.Retraining.RetrainingFailureTests",
        "FraudWeb.Tests.Domain.Rules.RuleParserTests",
        "FraudWeb.Tests.Browser.KeyboardJourneyTests",
        "FraudWeb.Tests.Web.Reports.RefundOnReviewTests",
        "FraudWeb.Tests.Browser.AdminJourneyTests",
        "FraudWeb.Tests.Web.Models.ModelUpgradeTests",
    ];

    private readonly DefaultTestCollectionOrderer _default = new();

    public IEnumerable<ITestCollection> OrderTestCollections(IEnumerable<ITestCollection> testCollections) =>
        _default.OrderTestCollections(testCollections).OrderBy(c => Rank(c.DisplayName)).ToList();

    /// <summary>A collection's place in <see cref="Longest"/> (after all of them when not listed).</summary>
    internal static int Rank(string displayName)
    {
        ArgumentNullException.ThrowIfNull(displayName);
        // A class's own collection is shown as "Test collection for <class>", possibly followed by " (id)".
        const string PerClass = "Test collection for ";
        var name = displayName.StartsWith(PerClass, StringComparison.Ordinal) ? displayName[PerClass.Length..].Split(' ')[0] : displayName;
        var rank = Array.IndexOf(Longest, name);
        return rank < 0 ? Longest.Length : rank;
    }
}
