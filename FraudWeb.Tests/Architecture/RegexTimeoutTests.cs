using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace FraudWeb.Tests.Architecture;

/// <summary>
/// No pattern of the app or the domain has a match time-out. A time-out is measured on the wall clock, so it fires on a
/// garbage collection's pause or a starved thread as well as on backtracking: under load a registration answered 500
/// when CardNumber's digit-run pattern "timed out" over a one-line address (CI). The patterns are linear by construction
/// instead (each says why); a quadratic one was rewritten (a phone number's extension).
/// </summary>
public sealed class RegexTimeoutTests
{
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
}
