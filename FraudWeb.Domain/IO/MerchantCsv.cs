using FraudWeb.Domain.Cards;

namespace FraudWeb.Domain.IO;

/// <summary>One merchant of an import file: its name and category as the payment form and the rules show them.</summary>
public sealed record MerchantRow(int Line, string Name, string Category);

/// <summary>
/// An installation's merchants as CSV: a header with <c>name</c> and <c>category</c> (any order; other columns are
/// refused, so a misspelt one is not silently dropped), then one merchant a line. Every error names the line and column.
/// </summary>
public static class MerchantCsv
{
    /// <summary>The merchants' limits, as the database keeps them.</summary>
    public const int NameMaxLength = 100;
    public const int CategoryMaxLength = 40;

    public static IReadOnlyList<MerchantRow> Read(TextReader reader, string file)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var csv = CsvSource.Open(reader);
        var header = CsvSource.Header(csv, file);
        int name = -1, category = -1;
        for (var i = 0; i < header.Length; i++)
        {
            switch (header[i].ToLowerInvariant())
            {
                case "name" when name < 0:
                    name = i;
                    break;
                case "category" when category < 0:
                    category = i;
                    break;
                default:
                    throw new CsvFormatException(file, 1, i + 1, $"unexpected column '{CsvSource.Show(header[i])}' (the columns are name and category).");
            }
        }
        if (name < 0) throw new CsvFormatException(file, 1, 0, "the header has no 'name' column.");
        if (category < 0) throw new CsvFormatException(file, 1, 0, "the header has no 'category' column.");

        var rows = new List<MerchantRow>();
        while (CsvSource.NextRow(csv, file, header.Length))
        {
            var row = csv.Current;
            var line = row.LineNumberFrom;
            rows.Add(new MerchantRow(line, Text(row, name, line, "name", NameMaxLength, file), Text(row, category, line, "category", CategoryMaxLength, file)));
        }
        if (rows.Count == 0) throw new CsvFormatException(file, 2, 0, "no merchants after the header.");
        return rows;
    }

    private static string Text(nietras.SeparatedValues.SepReader.Row row, int column, int line, string what, int maxLength, string file)
    {
        var value = CsvSource.Cell(row, column).ToString().Normalize(System.Text.NormalizationForm.FormC);
        if (value.Length == 0) throw new CsvFormatException(file, line, column + 1, $"the {what} is empty.");
        if (value.Length > maxLength) throw new CsvFormatException(file, line, column + 1, $"the {what} is longer than {maxLength} characters.");
        if (value.Any(char.IsControl)) throw new CsvFormatException(file, line, column + 1, $"the {what} holds a control character.");
        // What a UTF-8 reader puts for bytes that are not UTF-8 (a file saved as Latin-1 or GBK): imported, the name would
        // be garbled for good, as merchants are never changed.
        if (value.Contains('\uFFFD', StringComparison.Ordinal))
            throw new CsvFormatException(file, line, column + 1, $"the {what} is not UTF-8 text (the file was saved in another encoding); save it as UTF-8.");
        // A merchant's name is shown to every card holder: never a card number (PCI DSS 3.4.1).
        if (CardNumber.IsIn(value)) throw new CsvFormatException(file, line, column + 1, $"the {what} holds a card number.");
        return value;
    }
}
