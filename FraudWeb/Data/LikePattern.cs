namespace FraudWeb.Data;

/// <summary>LIKE patterns that match user text literally (wildcards escaped), for searches.</summary>
public static class LikePattern
{
    public const string Escape = "\\";

    /// <summary>A pattern matching text that contains <paramref name="text"/>.</summary>
    public static string Containing(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = text.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);
        return "%" + escaped + "%";
    }
}
