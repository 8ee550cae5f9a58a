namespace FraudWeb.Domain.Cards;

public enum CardBrand
{
    Unknown = 0,
    Visa = 1,
    Mastercard = 2,
    AmericanExpress = 3,
    Discover = 4,
    Jcb = 5,
    DinersClub = 6,
    UnionPay = 7,
    Maestro = 8,
}

public static class CardBrandExtensions
{
    public static string DisplayName(this CardBrand brand) => brand switch
    {
        CardBrand.Visa => "Visa",
        CardBrand.Mastercard => "Mastercard",
        CardBrand.AmericanExpress => "American Express",
        CardBrand.Discover => "Discover",
        CardBrand.Jcb => "JCB",
        CardBrand.DinersClub => "Diners Club",
        CardBrand.UnionPay => "UnionPay",
        CardBrand.Maestro => "Maestro",
        _ => "Card",
    };
}
