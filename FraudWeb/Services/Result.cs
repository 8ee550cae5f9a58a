namespace FraudWeb.Services;

/// <summary>What went wrong, as a code callers branch on (status code, page, problem type) without reading messages.</summary>
public enum ErrorCode
{
    /// <summary>The input breaks a rule; <see cref="Failure.Field"/> names the field when one is to blame.</summary>
    Invalid,

    /// <summary>It does not exist, or it is not the caller's: the same answer, so ids cannot be probed.</summary>
    NotFound,

    /// <summary>The state moved on under the caller (decided already, a duplicate, a concurrent change).</summary>
    Conflict,

    /// <summary>A rule that protects the system refuses it (the last administrator, one's own account).</summary>
    Refused,

    /// <summary>Something the operation needs is not available now (no serving model).</summary>
    Unavailable,
}

/// <summary>
/// One failure: its code, the message for people, the form field it belongs to ("" for the whole form), and, for a
/// refusal API callers branch on by itself, its machine-readable reason (a problem type's name, e.g. <c>card-blocked</c>).
/// </summary>
public sealed record Failure(ErrorCode Code, string Message, string Field = "", string? Reason = null);

/// <summary>An application service's outcome: success, or the errors that stopped it.</summary>
public class Result
{
    protected Result(IReadOnlyList<Failure> errors) => Errors = errors;

    public static Result Ok { get; } = new([]);

    public IReadOnlyList<Failure> Errors { get; }

    public bool Succeeded => Errors.Count == 0;

    /// <summary>The first error's code; null on success.</summary>
    public ErrorCode? Code => Succeeded ? null : Errors[0].Code;

    public static Result Fail(ErrorCode code, string message, string field = "") => new([new Failure(code, message, field)]);

    public static Result Fail(IReadOnlyList<Failure> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        if (errors.Count == 0) throw new ArgumentException("A failure needs at least one error.", nameof(errors));
        return new(errors);
    }

    public static Result<T> Success<T>(T value) => new(value, []);

    public static Result<T> Fail<T>(ErrorCode code, string message, string field = "") => new(default, [new Failure(code, message, field)]);

    /// <summary>The same failure carrying no value, for a caller that returns another result type.</summary>
    public Result<T> As<T>() => Succeeded ? throw new InvalidOperationException("Only a failure can change its value type.") : new(default, Errors);

    public static Result NotFound(string message = "Not found.") => Fail(ErrorCode.NotFound, message);
}

/// <summary>A result that carries a value on success.</summary>
public sealed class Result<T> : Result
{
    private readonly T? _value;

    internal Result(T? value, IReadOnlyList<Failure> errors) : base(errors) => _value = value;

    public T Value => Succeeded ? _value! : throw new InvalidOperationException("A failed result has no value: " + Errors[0].Message);
}
