using System.Globalization;

namespace FraudWeb.Domain.IO;

/// <summary>Splits one CSV line into cell ranges without allocating per cell (no quoting inside numeric files).</summary>
internal static class CsvLine
{
    /// <summary>Fills cells with the ranges of the comma-separated cells; returns the cell count (may exceed cells.Length).</summary>
    public static int Split(ReadOnlySpan<char> line, Span<Range> cells)
    {
        var count = 0;
        var start = 0;
        while (true)
        {
            var comma = line[start..].IndexOf(',');
            var end = comma < 0 ? line.Length : start + comma;
            if (count < cells.Length) cells[count] = new Range(start, end);
            count++;
            if (comma < 0) return count;
            start = end + 1;
        }
    }

    /// <summary>
    /// Reads the next data line of <paramref name="name"/> and splits it into cells; false at the end of the file.
    /// Blank lines may only end the file, and every line has the header's cell count: anything else is an error.
    /// </summary>
    public static bool NextRow(TextReader reader, string name, int width, Span<Range> cells, ref int lineNumber, out string line)
    {
        var blank = 0;
        string? next;
        while ((next = reader.ReadLine()) is not null)
        {
            lineNumber++;
            if (next.Length == 0)
            {
                blank = blank == 0 ? lineNumber : blank;
                continue;
            }

            if (blank != 0) throw new CsvFormatException(name, blank, 0, "empty line inside the data (only the end of the file may be blank).");
            var count = Split(next, cells);
            if (count != width)
            {
                throw new CsvFormatException(name, lineNumber, Math.Min(count, width) + 1, $"expected {width} cells as in the header, found {count}.");
            }

            line = next;
            return true;
        }

        line = "";
        return false;
    }

    /// <summary>Trims spaces and one pair of surrounding double quotes.</summary>
    public static ReadOnlySpan<char> Clean(ReadOnlySpan<char> cell)
    {
        cell = cell.Trim();
        if (cell.Length >= 2 && cell[0] == '"' && cell[^1] == '"') cell = cell[1..^1].Trim();
        return cell;
    }

    public static string[] Header(string? line, string file)
    {
        if (line is null) throw new CsvFormatException(file, 1, 0, "the file is empty (a header line is expected).");
        if (line.Length > 0 && line[0] == '\uFEFF') line = line[1..];
        var parts = line.Split(',');
        for (var i = 0; i < parts.Length; i++)
        {
            parts[i] = Clean(parts[i]).ToString();
            if (parts[i].Length == 0 && !(i == 0 && parts.Length > 1))
            {
                throw new CsvFormatException(file, 1, i + 1, "empty column name in the header.");
            }
        }

        return parts;
    }

    public static string Show(ReadOnlySpan<char> value) => value.Length > 40 ? string.Concat(value[..40], "...") : value.ToString();

    public static bool TryParseDouble(ReadOnlySpan<char> cell, out double value) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out value);
}
