using FraudWeb.Domain.Cards;
namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// A card as pages and mails name it: the brand in the current language (银联 for UnionPay in Chinese) and the last
/// four digits. The API and stored text keep the domain's English label (<see cref="CardNumber.Mask(CardBrand, string)"/>).
/// </summary>
public static class CardLabel
{
    public static string Brand(CardBrand brand) => Text.Get(brand.DisplayName());

    public static string Mask(CardBrand brand, string last4) => CardNumber.Mask(Brand(brand), last4);
}
