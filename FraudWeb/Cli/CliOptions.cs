using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace FraudWeb.Cli;

/// <summary>
/// Typed options of the verbs. Numbers parse with the invariant culture (a bench script's "0.2" is the same on every
/// machine) and within a range; the value is null when the option is absent, so each verb applies its own default.
/// </summary>
internal static class CliOptions
{
    public static Option<string> Text(string name, string description, string helpName, bool required = false)
    {
        var option = new Option<string>(name) { Description = description, HelpName = helpName, Required = required };
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count == 1 && result.Tokens[0].Value.Length == 0) result.AddError($"{name} needs a value.");
        });
        return option;
    }

    /// <summary>A comma-separated list given as one value (--ignore a,b); an empty value is an empty list.</summary>
    public static Option<string> Names(string name, string description, string helpName) =>
        new(name) { Description = description, HelpName = helpName };

    public static Option<int?> Int(string name, string description, int min, int max) =>
        new(name)
        {
            Description = description,
            HelpName = "N",
            CustomParser = result => int.TryParse(Single(result), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : Fail<int?>(result, $"{name} '{Single(result)}' must be an integer in [{min}, {max}]."),
        };

    public static Option<double?> Double(string name, string description, double min, double max) =>
        new(name)
        {
            Description = description,
            HelpName = "X",
            CustomParser = result => double.TryParse(Single(result), NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
                ? value
                : Fail<double?>(result, string.Create(CultureInfo.InvariantCulture, $"{name} '{Single(result)}' must be a number in [{min}, {max}].")),
        };

    public static Option<DateTime?> Date(string name, string description) =>
        new(name)
        {
            Description = description,
            HelpName = "DATE",
            CustomParser = result => Domain.IO.IsoTimestamp.TryParse(Single(result), out var value)
                ? value
                : Fail<DateTime?>(result, $"{name} '{Single(result)}' is not an ISO date (e.g. 2018-04-01)."),
        };

    /// <summary>A comma-separated list given as one value (--ignore a,b).</summary>
    public static IReadOnlyList<string> List(ParseResult parse, Option<string> option) =>
        parse.GetValue(option) is { } value ? value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : [];

    /// <summary>Whether the option was given on the command line.</summary>
    public static bool Has(ParseResult parse, Option option) => parse.GetResult(option) is not null;

    private static string Single(ArgumentResult result) => result.Tokens.Count > 0 ? result.Tokens[0].Value : "";

    private static T? Fail<T>(ArgumentResult result, string message)
    {
        result.AddError(message);
        return default;
    }
}
