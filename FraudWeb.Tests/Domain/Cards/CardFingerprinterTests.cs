using FraudWeb.Domain.Cards;
using FraudWeb.Tests.Builders;

namespace FraudWeb.Tests.Domain.Cards;

public sealed class CardFingerprinterTests
{
    private static readonly byte[] KeyA = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] KeyB = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    [Fact]
    public void Fingerprint_SameNumberDifferentFormatting_IsEqual()
    {
        // Arrange
        var fingerprinter = new CardFingerprinter(KeyA);

        // Act
        var plain = fingerprinter.Fingerprint(CardNumber.Parse(TestCards.Visa));
        var spaced = fingerprinter.Fingerprint(CardNumber.Parse("4111 1111 1111 1111"));

        // Assert
        Assert.Equal(plain, spaced);
        Assert.Equal(64, plain.Length);
        Assert.DoesNotContain("1111", plain[..4], StringComparison.Ordinal);
    }

    [Fact]
    public void Fingerprint_DifferentKeys_Differ()
    {
        // Arrange
        var number = CardNumber.Parse(TestCards.Visa);

        // Act
        var a = new CardFingerprinter(KeyA).Fingerprint(number);
        var b = new CardFingerprinter(KeyB).Fingerprint(number);

        // Assert
        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Fingerprint_KnownKeyAndNumber_IsHmacSha256()
    {
        // Arrange
        var expected = Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(KeyA, "4111111111111111"u8));

        // Act
        var actual = new CardFingerprinter(KeyA).Fingerprint(CardNumber.Parse(TestCards.Visa));

        // Assert
        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Constructor_ShortKey_Throws() =>
        Assert.Throws<ArgumentException>(() => new CardFingerprinter(new byte[16]));
}
