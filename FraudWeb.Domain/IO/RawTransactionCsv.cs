using System.Globalization;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Simulation;
using nietras.SeparatedValues;

namespace FraudWeb.Domain.IO;

/// <summary>Raw transactions as read from CSV, in file order; Scenarios is null when the file has no tx_fraud_scenario.</summary>
public sealed record RawTransactionTable(IReadOnlyList<TransactionRecord> Records, IReadOnlyList<int>? Scenarios);

/// <summary>
/// The raw transaction CSV (see data/SCHEMA.md): header
/// <c>transaction_id,tx_datetime,customer_id,terminal_id,tx_amount,tx_fraud[,tx_fraud_scenario]</c>.
/// Column names are matched case-insensitively in any order; other columns are ignored.
/// tx_datetime is ISO 8601 (<c>2018-04-01 00:00:31</c>, <c>2018-04-01T00:00:31Z</c>, optional fraction and offset), read as UTC.
/// </summary>
public static class RawTransactionCsv
{
    public static readonly IReadOnlyList<string> RequiredColumns =
        ["transaction_id", "tx_datetime", "customer_id", "terminal_id", "tx_amount", "tx_fraud"];

    public const string ScenarioColumn = "tx_fraud_scenario";

    public static RawTransactionTable Read(string path)
    {
        using var reader = OpenText(path);
        return Read(reader, path);
    }

    public static RawTransactionTable Read(TextReader reader, string name)
    {
        ArgumentNullException.ThrowIfNull(reader);
        using var csv = CsvSource.Open(reader);
        var header = CsvSource.Header(csv, name);
        var index = new int[RequiredColumns.Count];
        for (var c = 0; c < RequiredColumns.Count; c++)
        {
            index[c] = Array.FindIndex(header, h => string.Equals(h, RequiredColumns[c], StringComparison.OrdinalIgnoreCase));
            if (index[c] < 0)
            {
                throw new CsvFormatException(name, 1, 0, $"missing column '{RequiredColumns[c]}' in the header (expected {string.Join(',', RequiredColumns)}[,{ScenarioColumn}]).");
            }
        }

        var scenarioIndex = Array.FindIndex(header, h => string.Equals(h, ScenarioColumn, StringComparison.OrdinalIgnoreCase));
        // A column read twice would be read from its first copy only: which one is meant is not ours to guess.
        foreach (var first in index.Append(scenarioIndex).Where(i => i >= 0))
        {
            var again = Array.FindIndex(header, first + 1, h => string.Equals(h, header[first], StringComparison.OrdinalIgnoreCase));
            if (again >= 0) throw new CsvFormatException(name, 1, again + 1, $"duplicate column name '{header[again]}' (also column {first + 1}).");
        }

        var records = new List<TransactionRecord>();
        var scenarios = scenarioIndex >= 0 ? new List<int>() : null;
        // data/SCHEMA.md: transaction_id is unique; a repeated one is a joined or doubled file, named, not read twice.
        var ids = new HashSet<long>();
        while (CsvSource.NextRow(csv, name, header.Length))
        {
            var row = csv.Current;
            var line = row.LineNumberFrom;
            var id = ReadLong(row, index[0], header, name, line);
            if (!ids.Add(id)) throw Bad(name, line, index[0], header, CsvSource.Cell(row, index[0]), "a transaction id unused on an earlier line");
            var time = ReadTimestamp(row, index[1], header, name, line);
            var customer = ReadLong(row, index[2], header, name, line);
            var terminal = ReadLong(row, index[3], header, name, line);
            if (!CsvSource.TryParseDouble(row[index[4]], out var amount) || !double.IsFinite(amount) || Math.Abs(amount) > TransactionFeatures.MaxAmount)
            {
                throw Bad(name, line, index[4], header, CsvSource.Cell(row, index[4]), "a finite number within +-1e9");
            }

            var fraud = ReadFlag(row, index[5], header, name, line);
            records.Add(new TransactionRecord(id, time, customer, terminal, amount, fraud));
            if (scenarios is not null)
            {
                var cell = CsvSource.Cell(row, scenarioIndex);
                if (!int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var scenario) || scenario < 0)
                {
                    throw Bad(name, line, scenarioIndex, header, cell, "a non-negative integer");
                }

                scenarios.Add(scenario);
            }
        }

        return new RawTransactionTable(records, scenarios);
    }

    public static void Write(string path, IEnumerable<SimulatedTransaction> transactions)
    {
        using var writer = new StreamWriter(path, false, new System.Text.UTF8Encoding(false), 1 << 16);
        Write(writer, transactions);
    }

    public static void Write(TextWriter writer, IEnumerable<SimulatedTransaction> transactions)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(transactions);
        writer.Write(string.Join(',', RequiredColumns));
        writer.Write(',');
        writer.Write(ScenarioColumn);
        writer.Write('\n');
        Span<char> buffer = stackalloc char[128];
        foreach (var tx in transactions)
        {
            var ok = buffer.TryWrite(CultureInfo.InvariantCulture,
                $"{tx.TransactionId},{tx.Timestamp:yyyy-MM-dd HH:mm:ss},{tx.CustomerId},{tx.TerminalId},{tx.Amount:0.##},{(tx.IsFraud ? 1 : 0)},{tx.FraudScenario}\n",
                out var written);
            if (!ok) throw new InvalidOperationException("CSV line buffer too small.");
            writer.Write(buffer[..written]);
        }
    }

    internal static StreamReader OpenText(string path) => new(path, System.Text.Encoding.UTF8, true, 1 << 16);

    private static CsvFormatException Bad(string name, int line, int column, string[] header, ReadOnlySpan<char> value, string expected) =>
        new(name, line, column + 1, $"column '{header[column]}': '{CsvSource.Show(value)}' is not {expected}.");

    private static long ReadLong(SepReader.Row row, int column, string[] header, string name, int lineNumber)
    {
        var cell = CsvSource.Cell(row, column);
        if (!long.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            // pandas may write integer ids as floats ("12.0").
            if (CsvSource.TryParseDouble(cell, out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15) return (long)d;
            throw Bad(name, lineNumber, column, header, cell, "an integer");
        }

        return value;
    }

    private static bool ReadFlag(SepReader.Row row, int column, string[] header, string name, int lineNumber)
    {
        var cell = CsvSource.Cell(row, column);
        if (cell is "0" or "0.0" || cell.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        if (cell is "1" or "1.0" || cell.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        throw Bad(name, lineNumber, column, header, cell, "0 or 1");
    }

    private static DateTime ReadTimestamp(SepReader.Row row, int column, string[] header, string name, int lineNumber)
    {
        var cell = CsvSource.Cell(row, column);
        if (!IsoTimestamp.TryParse(cell, out var value))
        {
            throw Bad(name, lineNumber, column, header, cell, "an ISO 8601 date-time (e.g. 2018-04-01 00:00:31)");
        }

        return value;
    }
}

/// <summary>Hand-rolled ISO 8601 reader: the fixed layouts CSV files use, much faster than DateTime.Parse per cell.</summary>
public static class IsoTimestamp
{
    /// <summary>yyyy-MM-dd, optionally followed by 'T' or ' ' and HH:mm[:ss[.fffffff]], optionally 'Z' or ±HH:mm; result in UTC.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, out DateTime value)
    {
        value = default;
        if (s.Length < 10 || s[4] != '-' || s[7] != '-') return false;
        if (!Digits(s[..4], out var year) || !Digits(s.Slice(5, 2), out var month) || !Digits(s.Slice(8, 2), out var day)) return false;
        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        var offsetMinutes = 0;
        var rest = s[10..];
        if (rest.Length > 0)
        {
            if ((rest[0] != 'T' && rest[0] != ' ') || rest.Length < 6 || rest[3] != ':') return false;
            if (!Digits(rest.Slice(1, 2), out hour) || !Digits(rest.Slice(4, 2), out minute)) return false;
            rest = rest[6..];
            if (rest.Length > 0 && rest[0] == ':')
            {
                if (rest.Length < 3 || !Digits(rest.Slice(1, 2), out second)) return false;
                rest = rest[3..];
                if (rest.Length > 0 && rest[0] == '.')
                {
                    var n = 1;
                    long scale = TimeSpan.TicksPerSecond;
                    while (n < rest.Length && char.IsAsciiDigit(rest[n]))
                    {
                        scale /= 10;
                        fractionTicks += (rest[n] - '0') * scale;
                        n++;
                    }

                    if (n == 1) return false;
                    rest = rest[n..];
                }
            }

            if (rest.Length == 1 && (rest[0] == 'Z' || rest[0] == 'z'))
            {
                rest = [];
            }
            else if (rest.Length == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':')
            {
                // Offsets in use run from -12:00 to +14:00; ISO 8601 allows no 60th minute.
                if (!Digits(rest.Slice(1, 2), out var oh) || !Digits(rest.Slice(4, 2), out var om) || oh > 14 || om > 59) return false;
                offsetMinutes = (rest[0] == '-' ? -1 : 1) * ((oh * 60) + om);
                rest = [];
            }

            if (rest.Length != 0) return false;
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return false;
        var ticks = new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).Ticks + fractionTicks - (offsetMinutes * TimeSpan.TicksPerMinute);
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks) return false;
        value = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    private static bool Digits(ReadOnlySpan<char> s, out int value)
    {
        value = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c)) return false;
            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
