namespace FraudWeb.Domain.Entities;

/// <summary>
/// One Idempotency-Key used with one API key: the request's fingerprint and, once answered, the stored response that a
/// retry receives instead of a second write. A record without a response is a request still in progress.
/// </summary>
public class IdempotencyRecord
{
    public const int KeyMaxLength = 255;
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    private IdempotencyRecord()
    {
        Key = RequestHash = "";
    }

    public long Id { get; private set; }
    /// <summary>Whose keys these are: an API key's id, or <see cref="FormNamespace"/> for the payment form's submissions.</summary>
    public long ApiKeyId { get; private set; }
    public string Key { get; private set; }
    /// <summary>SHA-256 of method, path and body: the same key with another request is refused.</summary>
    public string RequestHash { get; private set; }
    public DateTime CreatedUtc { get; private set; }
    public int? StatusCode { get; private set; }
    public string? ContentType { get; private set; }
    public string? Location { get; private set; }
    public byte[]? Body { get; private set; }
    /// <summary>
    /// For a payment: the payment the key recorded, written in the payment's own transaction (so a payment and its
    /// key are committed together or not at all); a retry answers with that payment.
    /// </summary>
    public long? PaymentId { get; private set; }

    /// <summary>
    /// The payment form's key space for a card holder (their account's id as a number): each form page carries a
    /// one-time submission key, so a form sent twice (a double click, the back button) pays once, and the same page
    /// sent again with another card or amount is refused rather than paying again. Not per card: a key filed under
    /// each card would pay once with every card chosen on the same page. Negative, so it never meets an API key's id.
    /// </summary>
    public static long FormNamespace(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        Span<byte> hash = stackalloc byte[32];
        System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(userId), hash);
        return -1 - (System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(hash) & (long.MaxValue >> 1));
    }

    public bool IsCompleted => StatusCode is not null;

    public bool IsExpired(DateTime nowUtc) => nowUtc - CreatedUtc >= Retention;

    public static IdempotencyRecord Begin(long apiKeyId, string key, string requestHash, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentException.ThrowIfNullOrWhiteSpace(requestHash);
        if (key.Length > KeyMaxLength) throw DomainException.Format("An Idempotency-Key has at most {0} characters.", KeyMaxLength);
        return new IdempotencyRecord { ApiKeyId = apiKeyId, Key = key, RequestHash = requestHash, CreatedUtc = nowUtc };
    }

    /// <summary>A payment's key, answered by the payment itself (201 with its resource).</summary>
    public static IdempotencyRecord ForPayment(long apiKeyId, string key, string requestHash, long paymentId, DateTime nowUtc)
    {
        var record = Begin(apiKeyId, key, requestHash, nowUtc);
        record.PaymentId = paymentId;
        record.StatusCode = 201;
        return record;
    }

    /// <summary>
    /// A web form's one-time key that created something (<paramref name="created"/>: what it created, by a name the
    /// form can show again), so the same page sent twice creates it once.
    /// </summary>
    public static IdempotencyRecord ForForm(long formNamespace, string key, string requestHash, string created, DateTime nowUtc)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(created);
        var record = Begin(formNamespace, key, requestHash, nowUtc);
        record.StatusCode = 201;
        record.Location = created;
        return record;
    }

    public void Complete(int statusCode, string? contentType, string? location, byte[] body)
    {
        if (IsCompleted) throw new DomainException("This request has already been answered.", DomainErrorCode.StateChanged);
        StatusCode = statusCode;
        ContentType = contentType;
        Location = location;
        Body = body;
    }
}
