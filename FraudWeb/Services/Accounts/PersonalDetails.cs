using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Services.Accounts;

/// <summary>A person's details as plain values, however they were entered (registration, profile, administrator).</summary>
public sealed record PersonalDetails(string FullName, string PhoneNumber, DateOnly DateOfBirth,
    string AddressLine1, string? AddressLine2, string City, string? Postcode, string Country)
{
    /// <summary>The address value object; throws <see cref="DomainException"/> when a part breaks its rule.</summary>
    public Address ToAddress() => new(AddressLine1, AddressLine2, City, Postcode, Country);

    /// <summary>Registers the person as a card holder of the user.</summary>
    public CardHolder Register(string userId, IssuerTime now) => CardHolder.Register(userId, FullName, PhoneNumber, DateOfBirth, ToAddress(), now);

    /// <param name="today">The issuer's date (the holder must be of age on it).</param>
    public void ApplyTo(CardHolder holder, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(holder);
        holder.UpdateDetails(FullName, PhoneNumber, DateOfBirth, ToAddress(), today);
    }
}
