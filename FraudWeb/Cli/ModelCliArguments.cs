using System.Globalization;

namespace FraudWeb.Cli;

/// <summary>Bad command-line usage: reported as one line, exit code 2.</summary>
internal sealed class ModelCliUsageException(string message) : Exception(message);

/// <summary>A failure caused by input data or files: reported as one line, exit code 1.</summary>
internal sealed class ModelCliInputException(string message) : Exception(message);

/// <summary>"--flag value" pairs of one verb, checked against the flags the verb knows.</summary>
internal sealed class ModelCliArguments
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly string _verb;

    public ModelCliArguments(string verb, IReadOnlyList<string> args, IReadOnlyCollection<string> known)
    {
        _verb = verb;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                throw new ModelCliUsageException($"{verb}: unexpected argument '{arg}' (flags look like --name value).");
            }

            string name, value;
            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                name = arg[2..eq];
                value = arg[(eq + 1)..];
            }
            else
            {
                name = arg[2..];
                if (i + 1 >= args.Count) throw new ModelCliUsageException($"{verb}: flag --{name} needs a value.");
                value = args[++i];
            }

            if (!known.Contains(name))
            {
                throw new ModelCliUsageException($"{verb}: unknown flag --{name} (known: {string.Join(", ", known.Select(k => "--" + k))}).");
            }

            if (!_values.TryAdd(name, value)) throw new ModelCliUsageException($"{verb}: flag --{name} given twice.");
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public string Required(string name) =>
        _values.TryGetValue(name, out var v) && v.Length > 0 ? v : throw new ModelCliUsageException($"{_verb}: missing required flag --{name}.");

    public string? Optional(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public int Int(string name, int fallback, int min, int max)
    {
        if (!_values.TryGetValue(name, out var v)) return fallback;
        if (!int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
        {
            throw new ModelCliUsageException($"{_verb}: --{name} '{v}' must be an integer in [{min}, {max}].");
        }

        return value;
    }

    public double Double(string name, double fallback, double min, double max)
    {
        if (!_values.TryGetValue(name, out var v)) return fallback;
        if (!double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value <= max))
        {
            throw new ModelCliUsageException($"{_verb}: --{name} '{v}' must be a number in [{min}, {max}].");
        }

        return value;
    }

    public DateTime Date(string name, DateTime fallback)
    {
        if (!_values.TryGetValue(name, out var v)) return fallback;
        if (!Domain.IO.IsoTimestamp.TryParse(v, out var value)) throw new ModelCliUsageException($"{_verb}: --{name} '{v}' is not an ISO date (e.g. 2018-04-01).");
        return value;
    }

    /// <summary>A day number (as the handbook's code takes) or an ISO date converted to a day number from day0.</summary>
    public int Day(string name, DateTime day0)
    {
        var v = Required(name);
        if (int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            if (n < 0) throw new ModelCliUsageException($"{_verb}: --{name} '{v}' must not be negative.");
            return n;
        }

        if (!Domain.IO.IsoTimestamp.TryParse(v, out var date)) throw new ModelCliUsageException($"{_verb}: --{name} '{v}' is neither a day number nor an ISO date.");
        var days = (date.Date - day0).Days;
        if (days < 0) throw new ModelCliUsageException($"{_verb}: --{name} {v} is before the first transaction's date {day0:yyyy-MM-dd}.");
        return days;
    }

    public IReadOnlyList<string> List(string name) =>
        _values.TryGetValue(name, out var v)
            ? v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];
}
