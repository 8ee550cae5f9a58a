using System.Globalization;

namespace FraudWeb.Tests.Builders;

/// <summary>The add-card form's fields, valid unless changed.</summary>
public sealed class CardFormBuilder
{
    private readonly Dictionary<string, string> _fields = new()
    {
        ["CardNumber"] = TestCards.NewVisa(),
        ["CardholderName"] = "ADA LOVELACE",
        ["ExpiryMonth"] = "12",
        ["ExpiryYear"] = (DateTime.UtcNow.Year + 3).ToString(CultureInfo.InvariantCulture),
        ["CreditLimit"] = "5000",
    };

    public CardFormBuilder WithNumber(string number) => With("CardNumber", number);

    public CardFormBuilder WithExpiry(int month, int year) =>
        With("ExpiryMonth", month.ToString(CultureInfo.InvariantCulture)).With("ExpiryYear", year.ToString(CultureInfo.InvariantCulture));

    public CardFormBuilder WithCreditLimit(decimal limit) => With("CreditLimit", limit.ToString(CultureInfo.InvariantCulture));

    public CardFormBuilder With(string field, string value)
    {
        _fields[field] = value;
        return this;
    }

    public string Number => _fields["CardNumber"];

    public IReadOnlyDictionary<string, string> Build() => _fields;
}
