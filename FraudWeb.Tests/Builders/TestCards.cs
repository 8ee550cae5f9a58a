using System.Globalization;

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

    /// <summary>An affine map on 13-digit serials, one-to-one as the multiplier shares no factor with 10^13.</summary>
    private const ulong SerialSpace = 10_000_000_000_000;
    private const ulong SerialMultiplier = 7_919_010_207_513;
    private const ulong SerialOffset = 3_141_592_653_589;

    private static long _issued;

    /// <summary>
    /// A fresh valid Visa number, different from every other one made in this test run (so tests that add cards never
    /// collide on the unique fingerprint): "47", a 13-digit serial and the Luhn check digit. Counted, not random: no two
    /// can be equal, and the n-th number is the same on every run. The count is spread over the 13 digits (an affine
    /// map), as tests look for the number in everything the app wrote with all non-digits removed, where a run of
    /// zeros would be easy to find. "47" keeps them apart from the well-known numbers above.
    /// </summary>
    public static string NewVisa()
    {
        var count = (ulong)Interlocked.Increment(ref _issued);
        var serial = (ulong)(((UInt128)count * SerialMultiplier + SerialOffset) % SerialSpace);
        var payload = "47" + serial.ToString("D13", CultureInfo.InvariantCulture);
        var digits = payload.Select(c => c - '0').ToArray();
        return payload + LuhnCheckDigit(digits).ToString(CultureInfo.InvariantCulture);
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
