using System.Globalization;
using System.Text;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Localization;
using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Services.Accounts;

/// <summary>
/// The address is the account's name, and Identity finds accounts by it after Unicode normalisation and upper-casing:
/// an address that those change into another (ſam@ becomes SAM@, the Kelvin sign K) would open, or block, the account
/// of the address it turns into, while its mail goes elsewhere. Such addresses are refused, with spaces and invisible
/// characters; letters of any script that survive both unchanged (josé@, 用户@例子.中国) are welcome.
/// </summary>
public sealed class UnambiguousAddressValidator : IUserValidator<ApplicationUser>
{
    public const string Code = "InvalidEmail";

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var ok = IsUnambiguous(user.Email) && IsUnambiguous(user.UserName);
        return Task.FromResult(ok ? IdentityResult.Success
            : IdentityResult.Failed(new IdentityError { Code = Code, Description = Text.Get(Message) }));
    }

    public const string Message = "This address has characters that cannot be told apart from others (or cannot be seen); please type it with the letters of your mailbox.";

    /// <summary>Null (no address) passes: Identity's own validator requires one where it must.</summary>
    public static bool IsUnambiguous(string? address)
    {
        if (address is null) return true;
        if (!address.IsNormalized(NormalizationForm.FormKC)) return false;
        foreach (var c in address)
        {
            var category = char.GetUnicodeCategory(c);
            if (char.IsWhiteSpace(c) || category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
                    or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned)
                return false;
        }
        // Case mapping both ways gives the same address back, so upper-casing finds no other account.
        // (Ordinal: the exact characters matter here, which is the point.)
        var lower = address.ToLowerInvariant();
        var upper = address.ToUpperInvariant();
        return string.Equals(upper.ToLowerInvariant(), lower, StringComparison.Ordinal)
               && string.Equals(lower.ToUpperInvariant(), upper, StringComparison.Ordinal);
    }
}
