using System.Diagnostics;
using System.Globalization;
using FraudWeb.Domain.Evaluation;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.IO;
using FraudWeb.Domain.Learning;

namespace FraudWeb.Cli;

/// <summary>A raw transaction file sorted by (time, id), its feature vectors and day numbers.</summary>
internal sealed class TransactionData
{
    private TransactionData(List<TransactionRecord> records, float[] features, int[] days, DateTime day0)
    {
        Records = records;
        Features = features;
        Days = days;
        Day0 = day0;
    }

    public List<TransactionRecord> Records { get; }
    public float[] Features { get; }
    public int[] Days { get; }
    public DateTime Day0 { get; }

    public static TransactionData Load(string path, FeatureOptions options, ModelCliContext context)
    {
        var clock = Stopwatch.StartNew();
        var raw = RawTransactionCsv.Read(path);
        var records = raw.Records.ToList();
        if (records.Count == 0) throw new CliInputException($"{path}: no transactions after the header.");
        records.Sort(static (a, b) =>
        {
            var c = a.Timestamp.CompareTo(b.Timestamp);
            return c != 0 ? c : a.TransactionId.CompareTo(b.TransactionId);
        });
        for (var i = 1; i < records.Count; i++)
        {
            if (records[i].TransactionId == records[i - 1].TransactionId && records[i].Timestamp == records[i - 1].Timestamp)
            {
                throw new CliInputException($"{path}: transaction_id {records[i].TransactionId} appears twice with the same tx_datetime.");
            }
        }

        var read = clock.Elapsed.TotalSeconds;
        var features = TransactionFeatures.ComputeBatch(records, options);
        context.Progress($"read {records.Count} transactions from {path} in {read:F1} s, features in {clock.Elapsed.TotalSeconds - read:F1} s");
        return new TransactionData(records, features, HandbookProtocol.DayNumbers(records), HandbookProtocol.FirstDate(records));
    }

    /// <summary>The given rows and named features (a subset of the vector, any order) as a Dataset.</summary>
    public Dataset ToDataset(IReadOnlyList<int> rows, IReadOnlyList<string> names, string source)
    {
        var all = TransactionFeatures.Names;
        var columns = new int[names.Count];
        for (var c = 0; c < names.Count; c++)
        {
            columns[c] = IndexOf(all, names[c]);
            if (columns[c] < 0) throw new CliInputException($"{source}: '{names[c]}' is not a transaction feature (known: {string.Join(',', all)}).");
        }

        var width = all.Count;
        var x = new float[rows.Count * (long)names.Count];
        var y = new float[rows.Count];
        for (var r = 0; r < rows.Count; r++)
        {
            var source2 = Features.AsSpan(rows[r] * width, width);
            var target = x.AsSpan(r * names.Count, names.Count);
            for (var c = 0; c < columns.Length; c++) target[c] = source2[columns[c]];
            y[r] = Records[rows[r]].IsFraud ? 1 : 0;
        }

        return new Dataset(x, rows.Count, names.Count, y, [.. names]);
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal)) return i;
        }

        return -1;
    }
}

/// <summary>Feature-table helpers of the table modes.</summary>
internal static class ModelCliTables
{
    public static FeatureTable Read(string path, ModelCliContext context, IReadOnlyCollection<string>? exactColumns = null)
    {
        var clock = Stopwatch.StartNew();
        var table = FeatureTableCsv.Read(path, exactColumns);
        context.Progress($"read {table.Rows} rows x {table.Columns.Count} columns from {path} in {clock.Elapsed.TotalSeconds:F1} s");
        if (table.Rows == 0) throw new CliInputException($"{path}: no rows after the header.");
        return table;
    }

    /// <summary>Columns that name a row rather than describe it (data/SCHEMA.md): never a feature.</summary>
    public static readonly string[] IdentifierColumns = ["transaction_id", "customer_id", "day"];

    /// <summary>Every column but the label and the ignored ones are features; an identifier column must be ignored.</summary>
    public static Dataset ToDataset(FeatureTable table, string label, IReadOnlyList<string> ignore, string path)
    {
        foreach (var name in ignore)
        {
            if (table.IndexOf(name) < 0) throw new CliUsageException($"--ignore: column '{name}' is not in {path}.");
        }

        // The identifiers `features` writes beside the features: trained on, a model learns ids (newcomer's test: the
        // README's --ignore left transaction_id in, silently a 19th feature).
        foreach (var id in IdentifierColumns)
        {
            if (table.IndexOf(id) >= 0 && id != label && !ignore.Contains(id))
                throw new CliUsageException($"{path}: column '{id}' identifies rows and is not a feature: add it to --ignore.");
        }

        var y = Labels(table, label, path).Select(b => b ? 1f : 0f).ToArray();
        var names = table.Columns.Where(c => c != label && !ignore.Contains(c)).ToArray();
        if (names.Length == 0) throw new CliInputException($"{path}: no feature columns left besides the label and the ignored columns.");
        return new Dataset(Columns(table, names, path), table.Rows, names.Length, y, names);
    }

    /// <summary>
    /// A saved model's table: its features are read by name, so --ignore only states which columns are not; each must
    /// be in the table and none may be one the model reads (a usage error naming it, rather than an option accepted and
    /// silently unused).
    /// </summary>
    public static void CheckIgnored(FeatureTable table, IReadOnlyList<string> ignore, IReadOnlyList<string> features, string path)
    {
        foreach (var name in ignore)
        {
            if (table.IndexOf(name) < 0) throw new CliUsageException($"--ignore: column '{name}' is not in {path}.");
            if (features.Contains(name)) throw new CliUsageException($"--ignore: column '{name}' is one of the model's features, which it needs.");
        }
    }

    public static float[] Columns(FeatureTable table, IReadOnlyList<string> names, string path)
    {
        var indexes = new int[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            indexes[i] = table.IndexOf(names[i]);
            if (indexes[i] < 0) throw new CliInputException($"{path}: missing column '{names[i]}'.");
        }

        return table.Select(indexes);
    }

    /// <summary>2^53: a larger id read as a double may not be the one in the file.</summary>
    public const long LargestExactInteger = 1L << 53;

    /// <summary>
    /// An integer column read exactly (day, customer_id; data/SCHEMA.md): a cell that is empty, fractional or out of
    /// range is an error naming its line, not a value cast into something else.
    /// </summary>
    public static long[] Integers(FeatureTable table, int column, long min, long max, string path)
    {
        var values = table.ExactColumn(column);
        var result = new long[values.Length];
        for (var r = 0; r < values.Length; r++)
        {
            var v = values[r];
            if (!(v >= min && v <= max && v == Math.Floor(v)))
            {
                var shown = double.IsNaN(v) ? "an empty cell" : string.Create(CultureInfo.InvariantCulture, $"'{v:R}'");
                throw new CliInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{path}:{table.LineOf(r)}:{table.FileColumnOf(column)}: column '{table.Columns[column]}': {shown} is not an integer in [{min}, {max}]."));
            }

            result[r] = (long)v;
        }

        return result;
    }

    /// <summary>The label column as booleans; a value other than 0 or 1 is an error naming its line (header is line 1).</summary>
    public static bool[] Labels(FeatureTable table, string label, string path)
    {
        var column = table.IndexOf(label);
        if (column < 0) throw new CliUsageException($"--label: column '{label}' is not in {path} (columns: {string.Join(',', table.Columns)}).");
        // As read, not as floats: 0.99999999 rounds to a float 1 and 1e-50 to 0, and neither is a label.
        var values = table.ExactColumn(column);
        var labels = new bool[values.Length];
        for (var r = 0; r < values.Length; r++)
        {
            if (values[r] is not (0d or 1d))
            {
                var shown = double.IsNaN(values[r]) ? "an empty cell" : $"'{values[r].ToString("R", CultureInfo.InvariantCulture)}'";
                throw new CliInputException($"{path}:{table.LineOf(r)}:{table.FileColumnOf(column)}: column '{label}': {shown} is not a 0/1 label.");
            }

            labels[r] = values[r] == 1d;
        }

        return labels;
    }
}
