namespace FraudWeb.Tests.Builders;

/// <summary>Well-known test card numbers (they pass Luhn and belong to no real account).</summary>
public static class TestCards
{
    public const string Visa = "4111111111111111";
    public const string Visa2 = "4012888888881881";
    public const string Visa3 = "4242424242424242";
    public const string Mastercard = "5555555555554444";
    public const string Mastercard2Series = "2223003122003222";
    public const string Amex = "378282246310005";
    public const string Discover = "6011111111111117";
    public const string Jcb = "3530111333300000";
    public const string DinersClub = "30569309025904";
    public const string VisaBadLuhn = "4111111111111112";

    /// <summary>A fresh valid Visa number (so tests that add cards never collide on the unique fingerprint).</summary>
    public static string NewVisa()
    {
        var digits = new int[16];
        digits[0] = 4;
        for (var i = 1; i < 15; i++) digits[i] = Random.Shared.Next(10);
        digits[15] = LuhnCheckDigit(digits.AsSpan(0, 15));
        return string.Concat(digits);
    }

    public static int LuhnCheckDigit(ReadOnlySpan<int> payload)
    {
        var sum = 0;
        var doubleIt = true;
        for (var i = payload.Length - 1; i >= 0; i--)
        {
            var d = payload[i];
            if (doubleIt)
            {
                d *= 2;
                if (d > 9) d -= 9;
            }
            sum += d;
            doubleIt = !doubleIt;
        }
        return (10 - sum % 10) % 10;
    }
}
