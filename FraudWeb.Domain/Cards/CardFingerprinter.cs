using System.Security.Cryptography;

namespace FraudWeb.Domain.Cards;

/// <summary>
/// Keyed HMAC-SHA256 of the card number (PCI DSS 3.4.1 / 3.5.1.1): lets us spot the same card twice without
/// storing it. The key comes from configuration and is never stored beside the fingerprints.
/// </summary>
public sealed class CardFingerprinter
{
    public const int MinimumKeyBytes = 32;
    private readonly byte[] _key;

    public CardFingerprinter(byte[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length < MinimumKeyBytes) throw new ArgumentException($"The fingerprint key must have at least {MinimumKeyBytes} bytes.", nameof(key));
        _key = (byte[])key.Clone();
    }

    /// <summary>64 lower-case hex characters.</summary>
    public string Fingerprint(CardNumber number)
    {
        ArgumentNullException.ThrowIfNull(number);
        return Fingerprint(number.Digits);
    }

    public string Fingerprint(ReadOnlySpan<char> digits)
    {
        Span<byte> data = stackalloc byte[digits.Length];
        for (var i = 0; i < digits.Length; i++) data[i] = (byte)digits[i];
        Span<byte> hash = stackalloc byte[32];
        HMACSHA256.HashData(_key, data, hash);
        data.Clear();
        return Convert.ToHexStringLower(hash);
    }
}
