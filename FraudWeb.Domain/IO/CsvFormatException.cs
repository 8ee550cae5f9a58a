namespace FraudWeb.Domain.IO;

/// <summary>A CSV file cannot be read as asked; the message names the file, line and column (1-based) and the bad value.</summary>
public sealed class CsvFormatException : Exception
{
    public CsvFormatException(string file, int line, int column, string message)
        : base(column > 0 ? $"{file}:{line}:{column}: {message}" : $"{file}:{line}: {message}")
    {
        File = file;
        Line = line;
        Column = column;
    }

    public CsvFormatException()
    {
        File = "";
    }

    public CsvFormatException(string message) : base(message)
    {
        File = "";
    }

    public CsvFormatException(string message, Exception innerException) : base(message, innerException)
    {
        File = "";
    }

    public string File { get; }
    public int Line { get; }
    public int Column { get; }
}
