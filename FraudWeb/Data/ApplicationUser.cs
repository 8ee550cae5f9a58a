using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Data;

/// <summary>A sign-in account; personal details live in the domain's CardHolder, linked by user id.</summary>
public class ApplicationUser : IdentityUser
{
    public DateTime CreatedUtc { get; set; }

    /// <summary>
    /// When the last wrong password (or two-step code) was counted: a count nobody added to for
    /// <see cref="FraudWeb.Infrastructure.Security.CountingUserManager.FailuresRemembered"/> starts again, as an address
    /// without an account's does (otherwise four tries, a day's wait and one more told the two apart).
    /// </summary>
    public DateTime? LastFailedAccessUtc { get; set; }

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
