using System.Globalization;
using nietras.SeparatedValues;

namespace FraudWeb.Domain.IO;

/// <summary>
/// Reads CSV rows with Sep (RFC 4180 quoting, spaces trimmed). The header and the row checks are ours so that every
/// error names file, line and column: Sep's header would reject a file before we could say where.
/// </summary>
internal static class CsvSource
{
    private static readonly SepReaderOptions Options = Sep.New(',').Reader(o => o with
    {
        HasHeader = false,
        // Checked in NextRow, which names the line; blank lines at the end of a file are allowed there.
        DisableColCountCheck = true,
        Unescape = true,
        Trim = SepTrim.All,
        CultureInfo = CultureInfo.InvariantCulture,
    });

    /// <summary>A Sep reader over <paramref name="reader"/>, which stays open (the caller owns it).</summary>
    public static SepReader Open(TextReader reader) => Options.From(reader, leaveOpen: true);

    /// <summary>The header's column names (line 1), without a byte order mark; an empty name only for a first index column.</summary>
    public static string[] Header(SepReader reader, string file)
    {
        if (!Next(reader, file, 0)) throw new CsvFormatException(file, 1, 0, "the file is empty (a header line is expected).");
        var row = reader.Current;
        RefuseOpenQuote(row, file, 1);
        var names = new string[row.ColCount];
        for (var i = 0; i < names.Length; i++)
        {
            var name = Cell(row, i);
            if (i == 0 && name.Length > 0 && name[0] == '\uFEFF') name = name[1..].Trim();
            names[i] = name.ToString();
            if (names[i].Length == 0 && !(i == 0 && names.Length > 1))
            {
                throw new CsvFormatException(file, 1, i + 1, "empty column name in the header.");
            }
        }

        return names;
    }

    /// <summary>
    /// Moves <paramref name="reader"/> to the next data row of <paramref name="file"/>; false at the end of the file.
    /// Blank lines may only end the file, and every row has the header's cell count: anything else is an error.
    /// </summary>
    public static bool NextRow(SepReader reader, string file, int width)
    {
        var blank = 0;
        var line = reader.Current.LineNumberFrom;
        while (Next(reader, file, line))
        {
            var row = reader.Current;
            line = row.LineNumberFrom;
            // A line of spaces or tabs only is blank too (an editor's trailing line): the end of the file may have them.
            if (row.Span.IsWhiteSpace())
            {
                blank = blank == 0 ? line : blank;
                continue;
            }

            if (blank != 0) throw new CsvFormatException(file, blank, 0, "empty line inside the data (only the end of the file may be blank).");
            RefuseOpenQuote(row, file, line);
            if (row.ColCount != width)
            {
                throw new CsvFormatException(file, line, Math.Min(row.ColCount, width) + 1, $"expected {width} cells as in the header, found {row.ColCount}.");
            }

            return true;
        }

        return false;
    }

    /// <summary>A cell without surrounding white space (Sep trims only ' ').</summary>
    public static ReadOnlySpan<char> Cell(SepReader.Row row, int column) => row[column].Span.Trim();

    public static string Show(ReadOnlySpan<char> value) => value.Length > 40 ? string.Concat(value[..40], "...") : value.ToString();

    /// <summary>
    /// Sep's parse (csFastFloat, about twice as fast as .NET's on a feature table), then .NET's invariant parse so that
    /// everything accepted before still is (surrounding tabs, "Infinity"); both round correctly, so values are the same.
    /// A comma (only in a quoted cell) goes straight to the strict parse, which refuses it: Sep's allows thousands
    /// separators, so a decimal comma ("12,5", a European spreadsheet's) was read as 125.
    /// </summary>
    public static bool TryParseDouble(SepReader.Col cell, out double value) =>
        (!cell.Span.Contains(',') && cell.TryParse(out value)) || TryParseDouble(cell.Span.Trim(), out value);

    public static bool TryParseDouble(ReadOnlySpan<char> cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>
    /// Sep closes a quote left open at the end of the file silently, so <c>"4</c> would read as 4. RFC 4180 doubles a
    /// quote inside a quoted cell, so the row's raw text (read before any cell is unescaped) has an even number of
    /// quotes unless one is still open; the error names the cell that opened it.
    /// </summary>
    private static void RefuseOpenQuote(SepReader.Row row, string file, int line)
    {
        var text = row.Span;
        if (text.Count('"') % 2 == 0) return;
        int column = 1, opened = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
                if (quoted) opened = column;
            }
            else if (text[i] == ',' && !quoted)
            {
                column++;
            }
        }

        throw new CsvFormatException(file, line, opened, "a quote opened in this cell is never closed.");
    }

    private static bool Next(SepReader reader, string file, int line)
    {
        try
        {
            return reader.MoveNext();
        }
        catch (NotSupportedException e)
        {
            // Sep's limit on one row's length, reached when a quote is never closed.
            throw new CsvFormatException(file, line + 1, 0, e.Message);
        }
    }
}
