using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Domain.Entities;

public sealed class CardHolderTests
{
    private static readonly DateTime Now = new(2026, 6, 15, 12, 0, 0, DateTimeKind.Utc);
    private static readonly Address Home = new("1 High Street", null, "Leeds", "ls1 1aa", "United Kingdom");

    [Fact]
    public void Register_Adult_KeepsTrimmedDetails()
    {
        // Act
        var holder = CardHolder.Register("user-1", "  Grace Hopper ", "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now));

        // Assert
        Assert.Equal("Grace Hopper", holder.FullName);
        Assert.Equal("LS1 1AA", holder.Address!.Postcode);
        Assert.False(holder.IsSimulated);
    }

    [Fact]
    public void Register_EighteenthBirthdayOnTheIssuersDateNotYetInUtc_Accepted()
    {
        // Arrange: 20:00 UTC on 14 June is already 15 June in Shanghai (edge-case review: the age was UTC's)
        var now = IssuerTime.At(new DateTime(2026, 6, 14, 20, 0, 0, DateTimeKind.Utc), TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"));
        var born = new DateOnly(2008, 6, 15);

        // Act
        var holder = CardHolder.Register("user-1", "Grace Hopper", "+1 555 0100", born, Home, now);

        // Assert
        Assert.Equal(born, holder.DateOfBirth);
        Assert.Throws<DomainException>(() => CardHolder.Register("user-1", "Grace Hopper", "+1 555 0100", born, Home, IssuerTime.InUtc(now.Utc)));
    }

    [Theory]
    [InlineData(2008, 6, 16, "You must be at least 18 years old.")]
    [InlineData(1900, 1, 1, "Please check your date of birth.")]
    public void Register_AgeOutOfRange_Throws(int year, int month, int day, string expectedMessage)
    {
        // Act
        var exception = Assert.Throws<DomainException>(() =>
            CardHolder.Register("user-1", "Grace Hopper", "+1 555 0100", new DateOnly(year, month, day), Home, IssuerTime.InUtc(Now)));

        // Assert
        Assert.Equal(expectedMessage, exception.Message);
    }

    [Theory]
    [InlineData("+44 20 7946 0958 ext. 1234")]
    [InlineData("+44 20 7946 0958 X 1234")]
    [InlineData("+44 (0)20 7946 0006")]
    [InlineData("+49 (0)30 1234 5006")]
    public void Register_PhoneWithExtensionOrTrunkPrefix_Accepted(string phone)
    {
        // Act (review: an extension's digits counted toward the 15, and "(0)" read as part of a card number)
        var holder = CardHolder.Register("user-1", "Grace Hopper", phone, new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now));

        // Assert
        Assert.Equal(phone, holder.PhoneNumber);
    }

    [Theory]
    [InlineData(" G ", "+1 555 0100", "A name must be 2 to 100 characters.")]
    [InlineData("Grace Hopper", "+1 555 0100 0100 0100 0100 0100 0100", "A phone number must be at most 30 characters.")]
    // Digits a bank could dial: 6 to 15 (Chinese UI test: "12345" was saved).
    [InlineData("Grace Hopper", "12345", "Enter a valid phone number.")]
    [InlineData("Grace Hopper", "+1 555 0100 0100 0100", "Enter a valid phone number.")]
    public void Register_DetailOutOfLimits_ThrowsNamingIt(string name, string phone, string expectedMessage)
    {
        // Act
        var exception = Assert.Throws<DomainException>(() =>
            CardHolder.Register("user-1", name, phone, new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now)));

        // Assert
        Assert.Equal(expectedMessage, exception.Message);
    }

    [Fact]
    public void Register_NameAtMaximumLength_IsKept() =>
        Assert.Equal(PersonalDetailsLimits.FullNameMaxLength,
            CardHolder.Register("user-1", new string('a', PersonalDetailsLimits.FullNameMaxLength), "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now)).FullName.Length);

    [Fact]
    public void Register_NameOfCharactersOutsideTheBasicPlane_CountedInCharactersNotUtf16Units()
    {
        // Arrange: U+20BB7, a character of Chinese names, is two UTF-16 units (a left item: units were counted).
        var longest = string.Concat(Enumerable.Repeat("\U00020BB7", PersonalDetailsLimits.FullNameMaxLength));

        // Act
        var holder = CardHolder.Register("user-1", longest, "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now));
        var tooShort = Record.Exception(() => CardHolder.Register("user-1", "\U00020BB7", "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now)));
        var tooLong = Record.Exception(() => CardHolder.Register("user-1", longest + "a", "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now)));

        // Assert
        Assert.Equal(PersonalDetailsLimits.FullNameMaxLength * 2, holder.FullName.Length);
        Assert.IsType<DomainException>(tooShort);
        Assert.IsType<DomainException>(tooLong);
    }

    [Theory]
    [InlineData("+86 １３８ ００１３ ８０００", "+86 138 0013 8000")] // a Chinese input method's full-width digits
    [InlineData("+971 ٥٠ ١٢٣ ٤٥٦٧", "+971 50 123 4567")] // Arabic-Indic digits (money QA: stored as typed)
    [InlineData("+98 ۹۱۲ ۳۴۵ ۶۷۸۹", "+98 912 345 6789")] // Persian digits
    public void Register_PhoneInAnotherScriptsDigits_KeptInAsciiDigits(string phone, string expected)
    {
        // Act
        var holder = CardHolder.Register("user-1", "Grace Hopper", phone, new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now));

        // Assert
        Assert.Equal(expected, holder.PhoneNumber);
    }

    [Theory]
    [InlineData("１００-０００１", "100-0001")] // Japan, typed full-width (money QA: refused)
    [InlineData("ｌｓ１ １ａａ", "LS1 1AA")]
    [InlineData("١٠٠٠١", "10001")]
    public void Address_PostcodeInOtherDigitsOrFullWidth_KeptPlain(string postcode, string expected) =>
        Assert.Equal(expected, new Address("1 High Street", null, "Leeds", postcode, "Japan").Postcode);

    [Fact]
    public void Register_NameWithATab_KeptWithASpace()
    {
        // Act (review: a name pasted from a spreadsheet keeps its tab in a text input)
        var holder = CardHolder.Register("user-1", "Grace\tHopper", "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now));

        // Assert
        Assert.Equal("Grace Hopper", holder.FullName);
    }

    [Fact]
    public void Register_NameOfOneLetterAndAZeroWidthSpace_TooShort()
    {
        // Act (review: "A" and a U+200B passed the two-character minimum)
        var exception = Record.Exception(() => CardHolder.Register("user-1", "A\u200B", "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now)));

        // Assert
        Assert.Equal("A name must be 2 to 100 characters.", Assert.IsType<DomainException>(exception).Message);
    }

    [Theory]
    [InlineData("Bob\u0007Smith")]
    [InlineData("Bob\nSmith")]
    [InlineData("Bob\u0085Smith")]
    public void Register_NameWithAControlCharacter_Refused(string escaped)
    {
        // Act (money QA: a bell and a line break were kept in names a script sent)
        var name = System.Text.RegularExpressions.Regex.Unescape(escaped);
        var exception = Record.Exception(() => CardHolder.Register("user-1", name, "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now)));

        // Assert
        Assert.Equal(FreeText.ControlMessage, Assert.IsType<DomainException>(exception).Message);
    }

    [Theory]
    [InlineData("ls1 1aa", null)]
    [InlineData("-LS1", "Enter a valid postcode.")]
    [InlineData("LS1 1AA 1AA 1AA", "Enter a valid postcode.")]
    [InlineData("LS1; DROP", "Enter a valid postcode.")]
    public void Address_Postcode_ValidatedWithTheFormsPattern(string postcode, string? expectedMessage)
    {
        // Act
        var exception = Record.Exception(() => new Address("1 High Street", null, "Leeds", postcode, "United Kingdom"));

        // Assert
        Assert.Equal(expectedMessage, exception?.Message);
    }

    [Fact]
    public void Address_LineOverLimit_Throws()
    {
        var tooLong = new string('x', PersonalDetailsLimits.AddressLineMaxLength + 1);

        var exception = Assert.Throws<DomainException>(() => new Address("1 High Street", tooLong, "Leeds", "LS1 1AA", "United Kingdom"));

        Assert.Equal("An address line must be at most 100 characters.", exception.Message);
    }

    [Fact]
    public void Register_EighteenToday_IsAllowed() =>
        Assert.NotNull(CardHolder.Register("user-1", "Grace Hopper", "+1 555 0100", new DateOnly(2008, 6, 15), Home, IssuerTime.InUtc(Now)));

    [Fact]
    public void Address_MissingCity_Throws() =>
        Assert.Equal("Enter your town or city.", Assert.Throws<DomainException>(() => new Address("1 High Street", null, " ", "LS1", "UK")).Message);

    [Theory]
    [InlineData("line1", "Enter the first line of your address.")]
    [InlineData("city", "Enter your town or city.")]
    [InlineData("country", "Enter your country.")]
    public void Address_RequiredPartOfInvisibleCharactersOnly_AsksForIt(string part, string expectedMessage)
    {
        // Arrange: shows as nothing, so it is nothing (it once got the too-long message)
        const string invisible = "\u200b\u200b";

        // Act
        var exception = Record.Exception(() => new Address(part == "line1" ? invisible : "1 High Street", null,
            part == "city" ? invisible : "Leeds", "LS1 1AA", part == "country" ? invisible : "United Kingdom"));

        // Assert
        Assert.Equal(expectedMessage, Assert.IsType<DomainException>(exception).Message);
    }

    [Theory]
    [InlineData("\u200b")]
    [InlineData(" \u200b\ufeff ")]
    [InlineData("\u00ad")]
    public void Address_SecondLineOfInvisibleCharactersOnly_KeptAsNone(string line2) =>
        Assert.Null(new Address("1 High Street", line2, "Leeds", "LS1 1AA", "United Kingdom").Line2);

    [Theory]
    [InlineData("\u200b\u200b", "+1 555 0100", "Enter your full name.")]
    [InlineData("Grace Hopper", "\u200b", "Enter your phone number.")]
    public void Register_NameOrPhoneOfInvisibleCharactersOnly_AsksForIt(string name, string phone, string expectedMessage)
    {
        // Act
        var exception = Record.Exception(() => CardHolder.Register("user-1", name, phone, new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now)));

        // Assert
        Assert.Equal(expectedMessage, Assert.IsType<DomainException>(exception).Message);
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData(" \t", true)]
    [InlineData("\u200b\u2060\ufeff", true)]
    [InlineData("\u200bx", false)]
    [InlineData("王", false)]
    public void IsBlank_Value_TrueWhenItShowsAsNothing(string? value, bool expected) => Assert.Equal(expected, PersonalDetailsLimits.IsBlank(value));

    [Fact]
    public void UpdateDetails_SimulatedHolder_Throws() =>
        Assert.Throws<DomainException>(() => CardHolder.Simulated("Simulated", Now).UpdateDetails("A", "1", new DateOnly(1990, 1, 1), Home, DateOnly.FromDateTime(Now)));

    [Theory]
    [InlineData("０２０ ７９４６ ００００", "020 7946 0000")]
    [InlineData("＋８６　１３８－００１３－８０００", "+86 138-0013-8000")]
    [InlineData("（０１０）１２３４５６７８", "(010)12345678")]
    public void Register_PhoneNumberInFullWidthDigits_KeptInAsciiDigits(string typed, string kept)
    {
        // Act (exploratory testing: Chinese input methods type full-width digits, which were refused or kept as typed)
        var holder = CardHolder.Register("user-1", "Grace Hopper", typed, new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now));

        // Assert
        Assert.Equal(kept, holder.PhoneNumber);
    }

    [Fact]
    public void GiveConsent_ToANotice_ConsentedToThatNoticeOnly()
    {
        // Arrange
        var holder = CardHolder.Register("user-1", "Grace Hopper", "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now));
        var before = holder.HasConsentedTo("2026-12-07");

        // Act
        holder.GiveConsent("2026-12-07", Now);

        // Assert: a new notice asks again
        Assert.False(before);
        Assert.True(holder.HasConsentedTo("2026-12-07"));
        Assert.False(holder.HasConsentedTo("2027-01-01"));
        Assert.Equal(Now, holder.ConsentedUtc);
    }

    [Fact]
    public void GiveConsent_SimulatedOrErased_Refused()
    {
        // Arrange
        var simulated = CardHolder.Simulated("Sim Holder", Now);
        var erased = CardHolder.Register("user-1", "Grace Hopper", "+1 555 0100", new DateOnly(1990, 1, 1), Home, IssuerTime.InUtc(Now));
        erased.Erase();

        // Act, Assert
        Assert.Throws<DomainException>(() => simulated.GiveConsent("2026-12-07", Now));
        Assert.Throws<DomainException>(() => erased.GiveConsent("2026-12-07", Now));
    }
}
