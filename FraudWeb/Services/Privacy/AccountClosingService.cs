using FraudWeb.Data;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Admin;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Privacy;

/// <summary>What the closing page tells a person before they close their account (docs/decisions/0024).</summary>
public sealed record ClosingSummary(bool IsStaff, int Cards, int Payments, int HeldForReview, int OpenReports, decimal Balance, int ActiveApiKeys)
{
    /// <summary>The card holder's recorded consent (PIPL article 29): when, and to which notice; null when none is recorded.</summary>
    public (DateTime GivenUtc, string Notice)? Consent { get; init; }
}

/// <summary>
/// A card holder closes their own account (docs/decisions/0024): with their password, the same erasure an
/// administrator's deletion performs (<see cref="AdminUserService.EraseAsync"/>), audited as theirs, then signed out
/// and mailed a last message in their language. Staff accounts are closed by an administrator.
/// </summary>
public sealed partial class AccountClosingService(
    FraudDbContext db,
    UserManager<ApplicationUser> users,
    SignInManager<ApplicationUser> signIn,
    AdminUserService erasure,
    AccountService accounts,
    TimeProvider clock,
    ILogger<AccountClosingService> logger)
{
    public const string PasswordField = "CurrentPassword";

    public const string StaffRefused = "Staff accounts cannot be closed here: ask an administrator to delete yours, so your duties and the review queue are handed over.";

    public const string WrongPassword = "That password is not correct; your account is still open.";

    /// <summary>What the account holds, for the confirmation page; null for an account that no longer exists.</summary>
    public async Task<ClosingSummary?> SummaryAsync(string? userId, CancellationToken cancellationToken)
    {
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user is null) return null;
        var staff = IsStaff(await users.GetRolesAsync(user));
        var cards = await db.Cards.AsNoTracking().OwnedBy(user.Id).Select(c => new { c.Id, c.Balance }).ToListAsync(cancellationToken);
        var payments = db.Transactions.AsNoTracking().OwnedBy(user.Id);
        var owned = db.Cards.OwnedBy(user.Id);
        var now = clock.GetUtcNow().UtcDateTime;
        return new ClosingSummary(staff, cards.Count, await payments.CountAsync(cancellationToken),
            await payments.CountAsync(t => t.Verdict!.Decision == Domain.Entities.Decision.Review && t.Settlement == null, cancellationToken),
            await db.FraudReports.CountAsync(r => r.Status == Domain.Entities.ReportStatus.Open && owned.Any(c => c.Id == r.CardId), cancellationToken),
            cards.Sum(c => c.Balance),
            await db.ApiKeys.OwnedBy(user.Id).CountAsync(k => k.RevokedUtc == null && k.ExpiresUtc > now, cancellationToken))
        {
            Consent = await db.CardHolders.AsNoTracking().OwnedBy(user.Id).Where(h => h.ConsentedUtc != null)
                .Select(h => new { h.ConsentedUtc, h.ConsentNotice }).FirstOrDefaultAsync(cancellationToken) is { } consent
                ? (consent.ConsentedUtc!.Value, consent.ConsentNotice ?? "")
                : null,
        };
    }

    /// <summary>
    /// Closes the signed-in person's account once they give its password. A wrong password counts towards the lockout,
    /// as at the change-password form: at the lockout every session ends (Refused on <see cref="PasswordField"/>).
    /// </summary>
    public async Task<Result> CloseAsync(string? userId, string password, CancellationToken cancellationToken)
    {
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user is null) return Result.Fail(ErrorCode.NotFound, Text.Get("Please sign in again."));
        if (IsStaff(await users.GetRolesAsync(user))) return Result.Fail(ErrorCode.Refused, Text.Get(StaffRefused));
        if (!await users.CheckPasswordAsync(user, password))
        {
            await users.AccessFailedAsync(user);
            if (!await users.IsLockedOutAsync(user)) return Result.Fail(ErrorCode.Invalid, Text.Get(WrongPassword), PasswordField);
            await users.UpdateSecurityStampAsync(user);
            await signIn.SignOutAsync();
            return Result.Fail(ErrorCode.Refused, Text.Get(WrongPassword), PasswordField);
        }
        await users.ResetAccessFailedCountAsync(user);
        // Read before the account (and its stored language) goes.
        var address = user.Email;
        var language = await accounts.LanguageAsync(user) ?? Languages.Current;
        // Checked again inside the erasure's transaction: a staff role granted meanwhile still refuses.
        var closed = await erasure.EraseAsync(user.Id, user.Id, AuditActions.UserClose,
            roles => IsStaff(roles) ? Result.Fail(ErrorCode.Refused, Text.Get(StaffRefused)) : null, cancellationToken);
        if (!closed.Succeeded)
        {
            // The other request of a double click closed it meanwhile (this one read the account before): it is closed,
            // which is what this one asked; the other sent the mail.
            if (!await db.Users.AsNoTracking().AnyAsync(u => u.Id == user.Id, cancellationToken))
            {
                await signIn.SignOutAsync();
                return Result.Ok;
            }
            return closed;
        }
        LogClosed(logger, user.Id);
        // This browser's cookies go now; other sessions end at their next request (the account no longer exists).
        await signIn.SignOutAsync();
        if (address is not null) await accounts.MailAccountClosedAsync(address, language, cancellationToken);
        return Result.Ok;
    }

    private static bool IsStaff(IEnumerable<string> roles) => roles.Any(r => Roles.Staff.Contains(r));

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} closed their account")]
    private static partial void LogClosed(ILogger logger, string userId);
}
