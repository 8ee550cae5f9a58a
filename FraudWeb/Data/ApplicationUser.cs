using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Data;

/// <summary>A sign-in account; personal details live in the domain's CardHolder, linked by user id.</summary>
public class ApplicationUser : IdentityUser
{
    public DateTime CreatedUtc { get; set; }

    /// <summary>
    /// The account's copy of the holder's number, written outside Identity (with the holder's details). A new concurrency
    /// stamp goes with it: Identity writes every column of an account it loaded earlier (a wrong password, a language
    /// choice), and without the stamp that later write put the old number back unnoticed.
    /// </summary>
    public void CopyPhoneNumber(string? number)
    {
        if (string.Equals(PhoneNumber, number, StringComparison.Ordinal)) return;
        PhoneNumber = number;
        ConcurrencyStamp = Guid.NewGuid().ToString();
    }
}
