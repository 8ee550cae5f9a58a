using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace FraudWeb.Tests.Architecture;

/// <summary>
/// No pattern of the app or the domain has a match time-out. A time-out is measured on the wall clock, so it fires on a
/// garbage collection's pause or a starved thread as well as on backtracking: under load a registration answered 500
/// when CardNumber's digit-run pattern "timed out" over a one-line address (CI). The patterns are linear by construction
/// instead (each says why). Found here: the generated and static patterns (reflection), the validation attributes' (whose
/// default is a 2 s time-out), and any time-out written in the sources.
/// </summary>
public sealed partial class RegexTimeoutTests
{
    private static readonly string[] Projects = ["FraudWeb", "FraudWeb.Domain"];

    private static readonly Assembly[] Assemblies = [typeof(FraudWeb.Domain.Cards.CardNumber).Assembly, typeof(Program).Assembly];

    /// <summary>Whether a field's type can hold a pattern: a Regex, or a collection or tuple of them.</summary>
    private static bool MayHoldRegex(Type type) =>
        typeof(Regex).IsAssignableFrom(type)
        || (type.IsArray && MayHoldRegex(type.GetElementType()!))
        || (type.IsGenericType && type.GetGenericArguments().Any(MayHoldRegex));

    private static IEnumerable<Regex> RegexesIn(object? value) => value switch
    {
        Regex regex => [regex],
        ITuple tuple => Enumerable.Range(0, tuple.Length).SelectMany(i => RegexesIn(tuple[i])),
        IEnumerable items and not string => items.Cast<object?>().SelectMany(RegexesIn),
        _ => [],
    };

    /// <summary>Every pattern the two assemblies keep: generated accessors (static, no parameters) and static fields.</summary>
    private static List<(string Where, Regex Regex)> Patterns()
    {
        const BindingFlags Static = BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly;
        var found = new List<(string, Regex)>();
        foreach (var type in Assemblies.SelectMany(a => a.GetTypes()).Where(t => !t.ContainsGenericParameters))
        {
            foreach (var method in type.GetMethods(Static).Where(m => typeof(Regex).IsAssignableFrom(m.ReturnType) && m.GetParameters().Length == 0))
                found.Add(($"{type.FullName}.{method.Name}()", (Regex)method.Invoke(null, null)!));
            foreach (var field in type.GetFields(Static).Where(f => MayHoldRegex(f.FieldType)))
                found.AddRange(RegexesIn(field.GetValue(null)).Select(r => ($"{type.FullName}.{field.Name}", r)));
        }
        return found;
    }

    [Fact]
    public void Patterns_AppAndDomain_NoWallClockTimeOut()
    {
        // Act
        var patterns = Patterns();
        var timed = patterns.Where(p => p.Regex.MatchTimeout != Regex.InfiniteMatchTimeout)
            .Select(p => $"{p.Where}: {p.Regex.MatchTimeout.TotalMilliseconds} ms ({p.Regex})").ToList();

        // Assert: the card-number, security-code, search-term, phone and reason patterns were all found
        Assert.Contains(patterns, p => p.Where.EndsWith("CardNumber.DigitRun()", StringComparison.Ordinal));
        Assert.Contains(patterns, p => p.Where.EndsWith("SecurityCode.Named()", StringComparison.Ordinal));
        Assert.Contains(patterns, p => p.Where.EndsWith("PersonalDetailsLimits.Extension()", StringComparison.Ordinal));
        Assert.Contains(patterns, p => p.Where.EndsWith("ReasonPhrases.Parsers", StringComparison.Ordinal));
        Assert.True(timed.Count == 0, "Patterns with a wall-clock match time-out:" + Environment.NewLine + string.Join(Environment.NewLine, timed));
    }

    [Fact]
    public void RegularExpressionAttributes_EveryModel_NoWallClockTimeOut()
    {
        // Act: [RegularExpression] times out after 2 s unless told otherwise; MVC's validation would answer 500
        var attributes = typeof(Program).Assembly.GetTypes()
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
                .SelectMany(p => p.GetCustomAttributes<RegularExpressionAttribute>().Select(a => (Where: $"{t.FullName}.{p.Name}", Attribute: a))))
            .ToList();
        var timed = attributes.Where(a => a.Attribute.MatchTimeoutInMilliseconds != Timeout.Infinite)
            .Select(a => $"{a.Where}: {a.Attribute.MatchTimeoutInMilliseconds} ms ({a.Attribute.Pattern})").ToList();

        // Assert
        Assert.True(attributes.Count >= 5, $"Only {attributes.Count} [RegularExpression] attributes found.");
        Assert.True(timed.Count == 0, "[RegularExpression] with a wall-clock time-out (MatchTimeoutInMilliseconds = Timeout.Infinite):" + Environment.NewLine + string.Join(Environment.NewLine, timed));
    }

    /// <summary>A time-out written at a call or a construction (Regex.IsMatch(text, pattern, options, TimeSpan), new Regex(..., TimeSpan)), which reflection cannot see.</summary>
    [GeneratedRegex(@"matchTimeoutMilliseconds\s*:|Regex\.(?:IsMatch|Match|Matches|Replace|Split)\([^;]*TimeSpan|new\s+(?:System\.Text\.RegularExpressions\.)?Regex\([^;]*TimeSpan|GeneratedRegex\([^;]*,\s*\d+\s*\)\]")]
    private static partial Regex TimeOutInSource();

    [Fact]
    public void Sources_AppAndDomain_NoTimeOutWrittenAtACall()
    {
        // Arrange
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FraudDetection.sln"))) directory = directory.Parent;
        Assert.NotNull(directory);
        var separator = Path.DirectorySeparatorChar;
        var files = Projects
            .SelectMany(project => Directory.EnumerateFiles(Path.Combine(directory.FullName, project), "*.cs", SearchOption.AllDirectories))
            .Where(f => !f.Contains($"{separator}obj{separator}", StringComparison.Ordinal) && !f.Contains($"{separator}bin{separator}", StringComparison.Ordinal))
            .ToList();

        // Act: statements joined onto one line, so an attribute or a call over several lines is read whole
        var offenders = files.Where(f => TimeOutInSource().IsMatch(string.Join(' ', File.ReadAllLines(f).Select(l => l.Trim()))))
            .Select(f => Path.GetRelativePath(directory.FullName, f)).ToList();

        // Assert
        Assert.True(files.Count > 100, "The sources were not found.");
        Assert.True(offenders.Count == 0, "A regex time-out written in: " + string.Join(", ", offenders));
    }
}
