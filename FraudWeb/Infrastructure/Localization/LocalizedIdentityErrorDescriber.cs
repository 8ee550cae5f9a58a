using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Infrastructure.Localization;

/// <summary>
/// Identity's own error messages in the current UI culture: each keeps the code Identity gives it (callers branch on
/// codes) and says Identity's English text through <see cref="Text"/>, so the English stays as it was.
/// </summary>
public sealed class LocalizedIdentityErrorDescriber : IdentityErrorDescriber
{
    public override IdentityError DefaultError() =>
        Describe(base.DefaultError(), Text.Get("An unknown failure has occurred."));

    public override IdentityError ConcurrencyFailure() =>
        Describe(base.ConcurrencyFailure(), Text.Get("Optimistic concurrency failure, object has been modified."));

    public override IdentityError PasswordMismatch() =>
        Describe(base.PasswordMismatch(), Text.Get("Incorrect password."));

    public override IdentityError InvalidToken() =>
        Describe(base.InvalidToken(), Text.Get("Invalid token."));

    public override IdentityError RecoveryCodeRedemptionFailed() =>
        Describe(base.RecoveryCodeRedemptionFailed(), Text.Get("Recovery code redemption failed."));

    public override IdentityError LoginAlreadyAssociated() =>
        Describe(base.LoginAlreadyAssociated(), Text.Get("A user with this login already exists."));

    public override IdentityError InvalidUserName(string? userName) =>
        Describe(base.InvalidUserName(userName), Text.Format("Username '{0}' is invalid, can only contain letters or digits.", userName));

    public override IdentityError InvalidEmail(string? email) =>
        Describe(base.InvalidEmail(email), Text.Format("Email '{0}' is invalid.", email));

    public override IdentityError DuplicateUserName(string userName) =>
        Describe(base.DuplicateUserName(userName), Text.Format("Username '{0}' is already taken.", userName));

    public override IdentityError DuplicateEmail(string email) =>
        Describe(base.DuplicateEmail(email), Text.Format("Email '{0}' is already taken.", email));

    public override IdentityError InvalidRoleName(string? role) =>
        Describe(base.InvalidRoleName(role), Text.Format("Role name '{0}' is invalid.", role));

    public override IdentityError DuplicateRoleName(string role) =>
        Describe(base.DuplicateRoleName(role), Text.Format("Role name '{0}' is already taken.", role));

    public override IdentityError UserAlreadyHasPassword() =>
        Describe(base.UserAlreadyHasPassword(), Text.Get("User already has a password set."));

    public override IdentityError UserLockoutNotEnabled() =>
        Describe(base.UserLockoutNotEnabled(), Text.Get("Lockout is not enabled for this user."));

    public override IdentityError UserAlreadyInRole(string role) =>
        Describe(base.UserAlreadyInRole(role), Text.Format("User already in role '{0}'.", role));

    public override IdentityError UserNotInRole(string role) =>
        Describe(base.UserNotInRole(role), Text.Format("User is not in role '{0}'.", role));

    public override IdentityError PasswordTooShort(int length) =>
        Describe(base.PasswordTooShort(length), Text.Format("Passwords must be at least {0} characters.", length));

    public override IdentityError PasswordRequiresUniqueChars(int uniqueChars) =>
        Describe(base.PasswordRequiresUniqueChars(uniqueChars), Text.Format("Passwords must use at least {0} different characters.", uniqueChars));

    public override IdentityError PasswordRequiresNonAlphanumeric() =>
        Describe(base.PasswordRequiresNonAlphanumeric(), Text.Get("Passwords must have at least one non alphanumeric character."));

    public override IdentityError PasswordRequiresDigit() =>
        Describe(base.PasswordRequiresDigit(), Text.Get("Passwords must have at least one digit ('0'-'9')."));

    public override IdentityError PasswordRequiresLower() =>
        Describe(base.PasswordRequiresLower(), Text.Get("Passwords must have at least one lowercase ('a'-'z')."));

    public override IdentityError PasswordRequiresUpper() =>
        Describe(base.PasswordRequiresUpper(), Text.Get("Passwords must have at least one uppercase ('A'-'Z')."));

    /// <summary>Identity's error (its code) with the description in the current language.</summary>
    private static IdentityError Describe(IdentityError error, string description)
    {
        error.Description = description;
        return error;
    }
}
