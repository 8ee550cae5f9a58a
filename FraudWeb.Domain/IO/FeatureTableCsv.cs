namespace FraudWeb.Domain.IO;

/// <summary>A numeric table read from CSV: Values is row-major, Rows x Columns.Count; NaN marks an empty cell.</summary>
public sealed class FeatureTable
{
    private readonly int[]? _lines;
    private readonly IReadOnlyDictionary<int, double[]> _exact;

    public FeatureTable(IReadOnlyList<string> columns, float[] values, int rows, int firstColumnOffset = 0, int[]? lines = null,
        IReadOnlyDictionary<int, double[]>? exactColumns = null)
    {
        FirstColumnOffset = firstColumnOffset;
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(values);
        if (values.Length != (long)rows * columns.Count) throw new ArgumentException("values.Length must be rows * columns.", nameof(values));
        if (lines is not null && lines.Length != rows) throw new ArgumentException("lines.Length must be rows.", nameof(lines));
        Columns = columns;
        Values = values;
        Rows = rows;
        _lines = lines;
        _exact = exactColumns ?? new Dictionary<int, double[]>();
    }

    public IReadOnlyList<string> Columns { get; }
    public float[] Values { get; }
    public int Rows { get; }

    /// <summary>1 when the file's first (unnamed index) column was skipped: file column = index + 1 + this.</summary>
    public int FirstColumnOffset { get; }

    /// <summary>The file line a data row starts on (the header is line 1; a quoted cell may span lines).</summary>
    public int LineOf(int row) => _lines?[row] ?? row + 2;

    /// <summary>The 1-based file column of a column index (after a skipped index column).</summary>
    public int FileColumnOf(int column) => column + 1 + FirstColumnOffset;

    /// <summary>
    /// A column as read, without the float rounding of <see cref="Values"/> when it was asked to be kept exact (ids
    /// above 2^24 differ as floats); otherwise the float values widened.
    /// </summary>
    public double[] ExactColumn(int column)
    {
        if (_exact.TryGetValue(column, out var exact)) return exact;
        var result = new double[Rows];
        for (var r = 0; r < Rows; r++) result[r] = Values[(r * Columns.Count) + column];
        return result;
    }

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
    public static FeatureTable Read(string path, IReadOnlyCollection<string>? exactColumns = null)
    {
        using var reader = RawTransactionCsv.OpenText(path);
        return Read(reader, path, exactColumns);
    }

    /// <param name="exactColumns">Columns also kept as read (doubles), such as ids: see <see cref="FeatureTable.ExactColumn"/>.</param>
    public static FeatureTable Read(TextReader reader, string name, IReadOnlyCollection<string>? exactColumns = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var csv = CsvSource.Open(reader);
        var header = CsvSource.Header(csv, name);
        var skipFirst = header.Length > 1 && header[0].Length == 0;
        var first = skipFirst ? 1 : 0;
        var columns = header[first..];
        // The second copy is named, as the transactions reader names it (the first is a column like any other).
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var c = 0; c < columns.Length; c++)
        {
            if (!seen.Add(columns[c])) throw new CsvFormatException(name, 1, first + c + 1, $"duplicate column name '{columns[c]}'.");
        }
        var width = columns.Length;
        var values = new float[Math.Max(1024, width * 1024)];
        var used = 0L;
        var rows = 0;
        var lines = new List<int>();
        var exact = new Dictionary<int, List<double>>();
        foreach (var column in exactColumns ?? [])
        {
            var index = Array.IndexOf(columns, column);
            if (index >= 0) exact[index] = [];
        }
        while (CsvSource.NextRow(csv, name, header.Length))
        {
            var row = csv.Current;
            lines.Add(row.LineNumberFrom);
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
                if (exact.TryGetValue(c - first, out var kept)) kept.Add(value);
            }

            rows++;
        }

        if (values.Length != used) Array.Resize(ref values, (int)used);
        return new FeatureTable(columns, values, rows, first, [.. lines], exact.ToDictionary(e => e.Key, e => e.Value.ToArray()));
    }

    public static void Write(TextWriter writer, IReadOnlyList<string> columns, ReadOnlySpan<float> values) =>
        Write(writer, columns, values, [], []);

    /// <summary>
    /// Float columns, then integer columns written exactly (labels, ids, days: a float holds integers exactly only up
    /// to 2^24); both row-major, one row each per line.
    /// </summary>
    public static void Write(TextWriter writer, IReadOnlyList<string> columns, ReadOnlySpan<float> values, IReadOnlyList<string> integerColumns, ReadOnlySpan<long> integers)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(integerColumns);
        if (columns.Count == 0) throw new ArgumentException("At least one float column.", nameof(columns));
        var rows = values.Length / columns.Count;
        if (values.Length != rows * columns.Count || integers.Length != rows * integerColumns.Count)
            throw new ArgumentException("values and integers must hold the same number of whole rows.", nameof(values));
        writer.Write(string.Join(',', columns.Concat(integerColumns)));
        writer.Write('\n');
        Span<char> buffer = stackalloc char[32];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns.Count; c++)
            {
                var v = values[(r * columns.Count) + c];
                if (!float.IsNaN(v))
                {
                    v.TryFormat(buffer, out var n, "R", System.Globalization.CultureInfo.InvariantCulture);
                    writer.Write(buffer[..n]);
                }

                if (c < columns.Count - 1 || integerColumns.Count > 0) writer.Write(',');
            }

            for (var c = 0; c < integerColumns.Count; c++)
            {
                integers[(r * integerColumns.Count) + c].TryFormat(buffer, out var n, default, System.Globalization.CultureInfo.InvariantCulture);
                writer.Write(buffer[..n]);
                if (c < integerColumns.Count - 1) writer.Write(',');
            }

            writer.Write('\n');
        }
    }
}
