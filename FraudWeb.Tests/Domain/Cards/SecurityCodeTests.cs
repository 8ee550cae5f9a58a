using FraudWeb.Domain.Cards;

namespace FraudWeb.Tests.Domain.Cards;

public sealed class SecurityCodeTests
{
    [Theory]
    // The auditor's report reason: the number was masked, the code kept.
    [InlineData("card 4012-8888-8888-1881 exp 12/29 cvv 737", "card Visa •••• 1881 exp 12/29 cvv •••")]
    [InlineData("CVV2: 123, CVC 4567 and cid=0042", "CVV2: •••, CVC ••• and cid=•••")]
    [InlineData("the security code is 321.", "the security code is •••.")]
    [InlineData("Card code (999)", "Card code (•••)")]
    [InlineData("安全码：５８２，验证码是 6690", "安全码：•••，验证码是 •••")]
    [InlineData("卡背面校验码 123", "卡背面校验码 •••")]
    // Reviewer's gaps: a dash, no separator at all, a filler word.
    [InlineData("CVV-737 and cvv737", "CVV-••• and cvv•••")]
    [InlineData("CVV code: 737, cvv number 4412", "CVV code: •••, cvv number •••")]
    // Digits that follow no such name, or too many of them, stay as typed.
    [InlineData("I spent 737 at the shop", "I spent 737 at the shop")]
    [InlineData("order 12345 cvv unknown", "order 12345 cvv unknown")]
    [InlineData("cvv 12345", "cvv 12345")]
    [InlineData("recvv 123", "recvv 123")]
    public void Redact_CodeAfterItsName_MaskedOtherDigitsKept(string text, string expected)
    {
        // Act
        var redacted = CardNumber.Redact(text);

        // Assert
        Assert.Equal(expected, redacted);
    }

    [Fact]
    public void RefusedIn_ABlockNoteWithTheCode_RefusedWithItsOwnMessage()
    {
        // Act (reviewer: fields that refuse a card number, such as a block's note, kept "customer read CVV 123")
        var refused = Assert.Throws<FraudWeb.Domain.Entities.DomainException>(() => CardNumber.RefusedIn("customer read CVV 123 on the phone"));

        // Assert
        Assert.Equal(SecurityCode.TypedWhereNotWanted, refused.Message);
        Assert.Equal("spent 123 on the phone", CardNumber.RefusedIn("spent 123 on the phone"));
    }
}
