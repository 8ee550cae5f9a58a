using FraudWeb.Data;

namespace FraudWeb.Services.Accounts;

/// <summary>
/// An administrator's lock, told apart from the 15-minute sign-in failure lockout without a schema change: it is the
/// lockout end <see cref="DateTimeOffset.MaxValue"/>, which no failure lockout reaches. Only an administrator lifts it;
/// a password reset neither mails a link for such an account nor ends the lock.
/// </summary>
public static class AdminLock
{
    public static DateTimeOffset Until => DateTimeOffset.MaxValue;

    // Compared by year: the stored value may lose sub-second precision on its round trip through the database.
    public static bool IsLockedByAdmin(ApplicationUser user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return IsAdminLock(user.LockoutEnd);
    }

    /// <summary>Whether a lockout end is an administrator's lock, not the few minutes after failed sign-ins.</summary>
    public static bool IsAdminLock(DateTimeOffset? lockoutEnd) => lockoutEnd is { } end && end.UtcDateTime.Year == Until.Year;
}
