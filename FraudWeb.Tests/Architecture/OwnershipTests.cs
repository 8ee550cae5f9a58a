using System.Text.RegularExpressions;

namespace FraudWeb.Tests.Architecture;

/// <summary>
/// "Only your own data" is decided in one place (FraudWeb/Data/OwnershipQueries.cs): no other source file may filter
/// owned data by user id itself, where a slip would show one holder another's payments.
/// </summary>
public sealed partial class OwnershipTests
{
    [GeneratedRegex(@"CardHolder!?\??\.UserId|\bUserId\s*==\s*userId\b|\buserId\s*==\s*\w+\.UserId\b")]
    private static partial Regex OwnershipFilter();

    private static string SourceRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FraudDetection.sln"))) directory = directory.Parent;
        return Path.Combine(directory?.FullName ?? throw new DirectoryNotFoundException("FraudDetection.sln not found above the test output."), "FraudWeb");
    }

    [Fact]
    public void Sources_OwnershipFilters_OnlyInOwnershipQueries()
    {
        // Arrange
        var root = SourceRoot();
        var files = Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .ToList();

        // Act
        var offenders = files.Where(f => Path.GetFileName(f) != "OwnershipQueries.cs")
            .SelectMany(f => File.ReadAllLines(f).Select((line, i) => (File: f, Line: i + 1, Text: line)))
            .Where(l => OwnershipFilter().IsMatch(l.Text))
            .Select(l => $"{Path.GetRelativePath(root, l.File)}:{l.Line}: {l.Text.Trim()}")
            .ToList();

        // Assert
        Assert.True(files.Count > 50, "the web project's sources were not found");
        Assert.True(File.ReadAllText(Path.Combine(root, "Data", "OwnershipQueries.cs")).Contains("CardHolder!.UserId == userId", StringComparison.Ordinal));
        Assert.True(offenders.Count == 0, "filter owned data with OwnedBy(userId) instead:\n" + string.Join("\n", offenders));
    }
}
