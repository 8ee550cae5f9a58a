namespace FraudWeb.Services;

/// <summary>An operation's outcome with messages keyed by form field ("" for the whole form).</summary>
public sealed record ServiceResult(IReadOnlyList<KeyValuePair<string, string>> Errors)
{
    public static ServiceResult Ok { get; } = new([]);

    public bool Succeeded => Errors.Count == 0;

    public static ServiceResult Fail(string message, string field = "") => new([new(field, message)]);
}
