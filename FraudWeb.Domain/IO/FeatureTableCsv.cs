namespace FraudWeb.Domain.IO;

/// <summary>A numeric table read from CSV: Values is row-major, Rows x Columns.Count; NaN marks an empty cell.</summary>
public sealed class FeatureTable
{
    public FeatureTable(IReadOnlyList<string> columns, float[] values, int rows, int firstColumnOffset = 0)
    {
        FirstColumnOffset = firstColumnOffset;
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != (long)rows * columns.Count) throw new ArgumentException("values.Length must be rows * columns.", nameof(values));
        Columns = columns;
        Values = values;
        Rows = rows;
    }

    public IReadOnlyList<string> Columns { get; }
    public float[] Values { get; }
    public int Rows { get; }

    /// <summary>1 when the file's first (unnamed index) column was skipped: file column = index + 1 + this.</summary>
    public int FirstColumnOffset { get; }

    /// <summary>The file line of a data row (the header is line 1; blank lines only ever end a file).</summary>
    public static int LineOf(int row) => row + 2;

    public int IndexOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal)) return i;
        }

        return -1;
    }

    /// <summary>The given columns, in that order, as a new row-major matrix.</summary>
    public float[] Select(IReadOnlyList<int> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        var width = Columns.Count;
        var result = new float[(long)Rows * columns.Count];
        for (var r = 0; r < Rows; r++)
        {
            var source = Values.AsSpan(r * width, width);
            var target = result.AsSpan(r * columns.Count, columns.Count);
            for (var c = 0; c < columns.Count; c++) target[c] = source[columns[c]];
        }

        return result;
    }

    public float[] Column(int column)
    {
        var result = new float[Rows];
        for (var r = 0; r < Rows; r++) result[r] = Values[(r * Columns.Count) + column];
        return result;
    }
}

/// <summary>
/// A feature table CSV: a header of column names, then numeric cells (invariant culture, e.g. <c>1.5e-3</c>).
/// An empty cell reads as NaN (a missing value); anything else non-numeric is an error naming file, line and column.
/// An unnamed first column (a pandas index) is skipped. Blank lines may only end the file.
/// </summary>
public static class FeatureTableCsv
{
    public static FeatureTable Read(string path)
    {
        using var reader = RawTransactionCsv.OpenText(path);
        return Read(reader, path);
    }

    public static FeatureTable Read(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var csv = CsvSource.Open(reader);
        var header = CsvSource.Header(csv, name);
        var skipFirst = header.Length > 1 && header[0].Length == 0;
        var first = skipFirst ? 1 : 0;
        var columns = header[first..];
        var duplicate = columns.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new CsvFormatException(name, 1, Array.IndexOf(header, duplicate.Key) + 1, $"duplicate column name '{duplicate.Key}'.");
        var width = columns.Length;
        var values = new float[Math.Max(1024, width * 1024)];
        var used = 0L;
        var rows = 0;
        while (CsvSource.NextRow(csv, name, header.Length))
        {
            var row = csv.Current;
            if (used + width > values.Length) Array.Resize(ref values, (int)Math.Min(Array.MaxLength, values.Length * 2L));
            for (var c = first; c < header.Length; c++)
            {
                var col = row[c];
                double value;
                if (col.Span.IsWhiteSpace())
                {
                    value = double.NaN;
                }
                else if (!CsvSource.TryParseDouble(col, out value))
                {
                    var cell = col.Span.Trim();
                    throw new CsvFormatException(name, row.LineNumberFrom, c + 1, $"column '{header[c]}': '{CsvSource.Show(cell)}' is not a number.");
                }

                values[used++] = (float)value;
            }

            rows++;
        }

        if (values.Length != used) Array.Resize(ref values, (int)used);
        return new FeatureTable(columns, values, rows, first);
    }

    public static void Write(TextWriter writer, IReadOnlyList<string> columns, ReadOnlySpan<float> values)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(columns);
        writer.Write(string.Join(',', columns));
        writer.Write('\n');
        Span<char> buffer = stackalloc char[32];
        for (var i = 0; i < values.Length; i++)
        {
            var v = values[i];
            if (!float.IsNaN(v))
            {
                v.TryFormat(buffer, out var n, "R", System.Globalization.CultureInfo.InvariantCulture);
                writer.Write(buffer[..n]);
            }

            writer.Write((i + 1) % columns.Count == 0 ? '\n' : ',');
        }
    }
}
