using FraudWeb.Services.Cards;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Email;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Admin;

/// <summary>Roles saved; <paramref name="NeedsDetails"/>: a card holder's role on an account with no personal details yet.</summary>
public sealed record RolesSaved(bool NeedsDetails);

/// <summary>
/// Administration of people: list, details, create, edit, lock, password reset, roles and deletion. Every change runs
/// in one transaction with its audit entry, and none may leave the system without an active administrator.
/// </summary>
public sealed partial class AdminUserService(
    FraudDbContext db,
    UserManager<ApplicationUser> users,
    SignInManager<ApplicationUser> signIn,
    AccountService accounts,
    IAccountKeyRevoker keys,
    AdminGuard guard,
    AuditLog audit,
    ReviewAssignmentRelease assignments,
    TimeProvider clock,
    IssuerClock issuer,
    ILogger<AdminUserService> logger)
{
    private const string TargetUser = "user";

    public const string OwnRolesMessage = "You cannot change your own roles; another administrator must do it.";

    /// <summary>The inputs errors can point at; the forms use the same names.</summary>
    public static class Fields
    {
        public const string Email = "Email";
        public const string Roles = "Roles";
        public const string Language = "Language";
    }

    /// <summary>
    /// Opens a card holder's account (role Customer, with their personal details) without a password, and mails them
    /// an invitation to choose their own, written in <paramref name="language"/> (as <see cref="InviteStaffAsync"/>).
    /// </summary>
    public Task<Result<string>> CreateCardHolderAsync(string actorId, string email, PersonalDetails details, string? language, Func<string, string> acceptUrl,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        language ??= Languages.Current;
        if (!Languages.IsSupported(language)) return Task.FromResult(Result.Fail<string>(ErrorCode.Invalid, Text.Get(LanguageRefused), Fields.Language));
        return CreateAccountAsync(actorId, email, [Roles.Customer], details, language, acceptUrl, cancellationToken);
    }

    private const string LanguageRefused = "Choose English or Simplified Chinese for the invitation.";

    /// <summary>
    /// Invites a staff member: an account with staff roles only (no card holder profile, so no personal details to
    /// ask for), mailed an invitation to choose a password, written in <paramref name="language"/> (a supported culture
    /// name; none means the administrator's own language).
    /// </summary>
    public Task<Result<string>> InviteStaffAsync(string actorId, string email, IReadOnlyCollection<string> roles, string? language,
        Func<string, string> acceptUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        language ??= Languages.Current;
        if (!Languages.IsSupported(language))
            return Task.FromResult(Result.Fail<string>(ErrorCode.Invalid, Text.Get(LanguageRefused), Fields.Language));
        var wanted = roles.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Count == 0 || wanted.Any(r => !Roles.Staff.Contains(r)))
            return Task.FromResult(Result.Fail<string>(ErrorCode.Invalid, Text.Get("Choose at least one staff role."), Fields.Roles));
        return CreateAccountAsync(actorId, email, wanted, null, language, acceptUrl, cancellationToken);
    }

    private async Task<Result<string>> CreateAccountAsync(string actorId, string email, IReadOnlyList<string> roles, PersonalDetails? details,
        string language, Func<string, string> acceptUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        var now = clock.GetUtcNow().UtcDateTime;
        email = email.Trim();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, PhoneNumber = details?.PhoneNumber.Trim(), CreatedUtc = now };
        // Serialised with the other administrators' changes: a double click's second request reads the first's account.
        await using var transaction = await guard.BeginAsync(cancellationToken);
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user);
        }
        catch (DbUpdateException)
        {
            // Registered through the public form at the same moment (PostgreSQL refused the second unique name): a 500
            // before. Anything else is not about the address, and is not answered as if it were.
            if (!await AddressTakenAsync(transaction, email)) throw;
            created = IdentityResult.Failed(new IdentityError { Code = "DuplicateUserName" });
        }
        if (!created.Succeeded)
        {
            return Result.Fail(created.Errors.Select(e => e.Code is "DuplicateUserName" or "DuplicateEmail"
                ? new Failure(ErrorCode.Conflict, Text.Get("An account with this email address already exists."), Fields.Email)
                : new Failure(ErrorCode.Invalid, e.Description)).Distinct().ToList()).As<string>();
        }
        if (details is not null)
        {
            try
            {
                db.CardHolders.Add(details.Register(user.Id, issuer.At(now)));
            }
            catch (DomainException ex)
            {
                return Result.Fail<string>(ErrorCode.Invalid, Text.Of(ex));
            }
        }
        var added = await users.AddToRolesAsync(user, roles);
        if (!added.Succeeded) return Result.Fail<string>(ErrorCode.Invalid, Text.Get("The roles could not be assigned."));
        await audit.AppendAsync(actorId, AuditActions.UserCreate, TargetUser, user.Id, null,
            new { Roles = roles, HasProfile = details is not null, Invited = true }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        try
        {
            // Before the commit: an account whose invitation could not be mailed is not kept, so creating it again works.
            await accounts.SendInvitationAsync(user, staff: details is null, language, acceptUrl, cancellationToken);
        }
        catch (MailNotSentException)
        {
            return Result.Fail<string>(ErrorCode.Unavailable, Text.Get(InvitationNotSent));
        }
        await transaction.CommitAsync(cancellationToken);
        return Result.Success(user.Id);
    }

    /// <summary>After a failed insert: rolls back and says whether an account now has the address.</summary>
    private async Task<bool> AddressTakenAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, string email)
    {
        await transaction.RollbackAsync();
        db.ChangeTracker.Clear();
        return await users.FindByEmailAsync(email) is not null;
    }

    public const string DetailsChangedMeanwhile = "This person's details were changed after this form was opened (by them or another administrator). Here they are as they are now: make your change again.";

    public const string StaffHaveNoDetails = "Staff accounts keep no personal details. Give the account the card holders' role first if it is to hold cards.";

    /// <param name="seenVersion">The details' version the form was filled at (<see cref="CardHolder.RowVersion"/>; null for none).</param>
    /// <returns>A conflict when the details changed since (by the holder or another administrator): saving would undo that change.</returns>
    public async Task<Result> EditAsync(string actorId, string id, PersonalDetails details, Guid? seenVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        // Serialised with the other administrators' changes, the account read inside: a double click's second request
        // finds the profile the first made (it inserted a second one: a 500).
        await using var transaction = await guard.BeginAsync(cancellationToken);
        var user = await FindAsync(id);
        if (user is null) return Result.NotFound();
        var now = clock.GetUtcNow().UtcDateTime;
        var holder = await db.CardHolders.FirstOrDefaultAsync(h => h.UserId == id, cancellationToken);
        // A staff member invited without a profile keeps none (and would otherwise be taken for a card holder).
        if (holder is null && !await users.IsInRoleAsync(user, Roles.Customer)) return Result.Fail(ErrorCode.Refused, Text.Get(StaffHaveNoDetails));
        if (holder?.RowVersion != seenVersion) return Result.Fail(ErrorCode.Conflict, Text.Get(DetailsChangedMeanwhile));
        var before = holder is null ? null : Snapshot(holder);
        try
        {
            if (holder is null)
            {
                holder = details.Register(id, issuer.At(now));
                db.CardHolders.Add(holder);
            }
            else
            {
                details.ApplyTo(holder, issuer.At(now).Date);
            }
        }
        catch (DomainException ex)
        {
            return Result.Fail(ErrorCode.Invalid, Text.Of(ex));
        }
        // Which fields changed, never their values: the log must not keep what erasure removes (ADR 0004).
        var after = Snapshot(holder);
        var changed = after.Keys.Where(k => before is null || !Equals(before[k], after[k])).ToList();
        // The account's copy of the number (Identity's PhoneNumber) follows the holder's.
        user.CopyPhoneNumber(holder.PhoneNumber);
        await audit.AppendAsync(actorId, AuditActions.UserEdit, TargetUser, id, new { HadProfile = before is not null }, new { Changed = changed }, cancellationToken);
        // The account changed through Identity meanwhile (a sign-in, a lock: its concurrency stamp), or the holder saved
        // their details between the read and this save (the version is the update's condition): a conflict to reload, not a 500.
        var committed = await CommitAsync(transaction, cancellationToken);
        // The holder hears of it (auditor: staff could change a person's phone or address unseen, the first step of
        // taking over an account); after the commit, and a mail that fails changes nothing.
        if (committed.Succeeded && before is not null && changed.Count > 0) await accounts.MailDetailsChangedByStaffAsync(id, cancellationToken);
        return committed;
    }

    /// <summary>The pages that show a card holder's personal details to an administrator.</summary>
    public static class DetailsPages
    {
        public const string Details = "details";
        public const string Edit = "edit";
        public const string Delete = "delete";
    }

    /// <summary>
    /// Records that an administrator opened a card holder's personal details (name, birth date, address, cards and
    /// payments): who saw whose, when and on which page. Nothing for one's own account or an account with no details.
    /// </summary>
    public async Task RecordDetailsViewedAsync(string actorId, string id, string page, CancellationToken cancellationToken)
    {
        if (actorId == id || !await db.CardHolders.AnyAsync(h => h.UserId == id, cancellationToken)) return;
        await audit.AppendAsync(actorId, AuditActions.UserDetailsView, TargetUser, id, null, new { Page = page }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Locks (indefinitely, and ends their sessions) or unlocks an account.</summary>
    public async Task<Result<bool>> SetLockedAsync(string actorId, string id, bool locked, CancellationToken cancellationToken)
    {
        if (locked && id == actorId) return Result.Fail<bool>(ErrorCode.Refused, Text.Get("You cannot lock your own account."));
        // The guard reads inside the transaction that writes: a second administrator's change waits for this one, and
        // the account is read after it (read before, a double click's second request saved a stale account: a 500).
        await using var transaction = await guard.BeginAsync(cancellationToken);
        var user = await FindAsync(id);
        if (user is null) return Result.Fail<bool>(ErrorCode.NotFound, "Not found.");
        var wasLocked = IsLocked(user);
        // Already so (a double click, a page shown before another administrator's change): nothing to change or audit
        // (staff test: a second lock wrote "Locked yes -> yes"); the page says what the account is, as for the first.
        if (locked ? AdminLock.IsLockedByAdmin(user) : !wasLocked) return Result.Success(user.PasswordHash is null);
        if (locked)
        {
            var refusal = await guard.CheckAsync(s =>
            {
                if (s.Users.TryGetValue(id, out var u)) s.Users[id] = (u.Roles, false);
            }, cancellationToken);
            if (refusal is not null) return refusal.As<bool>();
        }
        var changed = locked
            ? Succeeded(await users.SetLockoutEnabledAsync(user, true), await users.SetLockoutEndDateAsync(user, AdminLock.Until),
                // The owner's right password is told of this lock until wrong ones use up the count (AccountService).
                await users.ResetAccessFailedCountAsync(user), await users.UpdateSecurityStampAsync(user))
            : Succeeded(await users.SetLockoutEndDateAsync(user, null), await users.ResetAccessFailedCountAsync(user));
        if (!changed) return ChangedMeanwhileResult().As<bool>();
        await audit.AppendAsync(actorId, locked ? AuditActions.UserLock : AuditActions.UserUnlock, TargetUser, id,
            new { Locked = wasLocked }, new { Locked = locked }, cancellationToken);
        // Locked, they cannot decide what they were reviewing: it goes back to the queue, as on deletion.
        if (locked) await assignments.ReleaseAsync(actorId, id, cancellationToken);
        var committed = await CommitAsync(transaction, cancellationToken);
        // No password yet (an invitation or a forced reset not finished): the page says what became of its mailed link.
        return committed.Succeeded ? Result.Success(user.PasswordHash is null) : committed.As<bool>();
    }

    /// <summary>
    /// Turns off someone's two-step sign-in and forgets their authenticator key, for a lost phone with no recovery
    /// codes left: the new key renews the security stamp, so their sessions end, and staff set it up again at their next
    /// sign-in (after their password). Not one's own: another administrator does it (and one signed in can renew codes).
    /// </summary>
    public async Task<Result> ResetTwoStepAsync(string actorId, string id, CancellationToken cancellationToken)
    {
        if (id == actorId) return Result.Fail(ErrorCode.Refused, Text.Get("Ask another administrator to reset your own two-step sign-in."));
        await using var transaction = await guard.BeginAsync(cancellationToken);
        var user = await FindAsync(id);
        if (user is null) return Result.NotFound();
        if (!user.TwoFactorEnabled) return Result.Fail(ErrorCode.Conflict, Text.Get("Two-step sign-in is already off for this account."));
        if (!Succeeded(await users.SetTwoFactorEnabledAsync(user, false), await users.ResetAuthenticatorKeyAsync(user))) return ChangedMeanwhileResult();
        await audit.AppendAsync(actorId, AuditActions.UserTwoStepReset, TargetUser, id, new { TwoStep = true }, new { TwoStep = false }, cancellationToken);
        var committed = await CommitAsync(transaction, cancellationToken);
        if (committed.Succeeded) await accounts.MailTwoStepOffAsync(id, byAdministrator: true, cancellationToken);
        return committed;
    }

    /// <summary>
    /// Removes the password (which also changes the security stamp, ending sessions), revokes the user's API keys
    /// (a reset is what an administrator does when the password may be someone else's, and keys outlive sessions) and
    /// mails a reset link.
    /// </summary>
    /// <returns>What was mailed: nothing to an account an administrator has locked, where a link would not work (its
    /// owner asks for one on the sign-in page once it is unlocked); a new invitation, in its language, to an invitee
    /// who never chose a password; otherwise a link to choose a new password.</returns>
    public async Task<Result<ResetMail>> ForcePasswordResetAsync(string actorId, string id, Func<string, string> resetUrl,
        Func<string, string> acceptUrl, CancellationToken cancellationToken)
    {
        // Serialised with the other administrators' changes to accounts, and the account read inside (see SetLockedAsync).
        await using var transaction = await guard.BeginAsync(cancellationToken);
        var user = await FindAsync(id);
        if (user is null) return Result.Fail<ResetMail>(ErrorCode.NotFound, "Not found.");
        var hadPassword = user.PasswordHash is not null;
        // An account without a password signs no one in until its link is used: the last administrator's reset (one's
        // own, with the only other one locked) left no one able to administer (auditor's test). Their own password is
        // changed on the settings page instead.
        if (hadPassword)
        {
            var refusal = await guard.CheckAsync(s =>
            {
                if (s.Users.TryGetValue(id, out var u)) s.Users[id] = (u.Roles, false);
            }, cancellationToken);
            if (refusal is not null) return refusal.As<ResetMail>();
        }
        var invitationLanguage = hadPassword ? null : await accounts.InvitationLanguageAsync(user);
        var mail = AdminLock.IsLockedByAdmin(user) ? ResetMail.None : invitationLanguage is not null ? ResetMail.Invitation : ResetMail.ResetLink;
        if (!Succeeded(hadPassword ? await users.RemovePasswordAsync(user) : await users.UpdateSecurityStampAsync(user))) return ChangedMeanwhileResult().As<ResetMail>();
        var revoked = await keys.RevokeAllAsync(id, actorId, cancellationToken) + await keys.RevokeMadeForOthersAsync(id, actorId, cancellationToken);
        var staff = !await db.CardHolders.AnyAsync(h => h.UserId == id, cancellationToken);
        // Mailed before the commit so the audit entry says whether it went; a mail that cannot be sent does not undo
        // the reset, which is what protects the account.
        var mailed = mail != ResetMail.None && await TryMailResetAsync(user, mail, staff, invitationLanguage, resetUrl, acceptUrl, cancellationToken);
        await audit.AppendAsync(actorId, AuditActions.UserPasswordReset, TargetUser, id, new { HasPassword = hadPassword },
            new { HasPassword = false, ResetLinkSent = mailed, InvitationSent = mailed && mail == ResetMail.Invitation, KeysRevoked = revoked }, cancellationToken);
        var committed = await CommitAsync(transaction, cancellationToken);
        if (!committed.Succeeded) return committed.As<ResetMail>();
        if (id == actorId) await signIn.SignOutAsync();
        return mail == ResetMail.None || mailed ? Result.Success(mail) : Result.Fail<ResetMail>(ErrorCode.Unavailable, Text.Get(ResetMailNotSent));
    }

    public const string InvitationNotSent = "The invitation could not be emailed, so the account was not created. Please try again in a few minutes.";

    public const string ResetMailNotSent = "The password no longer works, sessions have ended and API keys are revoked, but the email could not be sent. Reset the password again once mail works.";

    private async Task<bool> TryMailResetAsync(ApplicationUser user, ResetMail mail, bool staff, string? invitationLanguage,
        Func<string, string> resetUrl, Func<string, string> acceptUrl, CancellationToken cancellationToken)
    {
        try
        {
            if (mail == ResetMail.Invitation) await accounts.SendInvitationAsync(user, staff, invitationLanguage!, acceptUrl, cancellationToken);
            else await accounts.SendForcedPasswordResetAsync(user, resetUrl, cancellationToken);
            return true;
        }
        catch (MailNotSentException)
        {
            return false;
        }
    }


    /// <summary>Replaces the user's roles; the security stamp changes so their next request runs with the new roles.</summary>
    /// <param name="shown">The roles the form showed when it was opened (null: not known, as from a script).</param>
    /// <returns>Whether the account now holds the card holders' role without personal details: it cannot add a card
    /// until an administrator adds them ("Edit details"), so the page says so.</returns>
    public async Task<Result<RolesSaved>> SetRolesAsync(string actorId, string id, IEnumerable<string> roles, IEnumerable<string>? shown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var wanted = roles.ToList();
        var saved = await SaveRolesAsync(actorId, id, wanted, shown, cancellationToken);
        if (!saved.Succeeded) return saved.As<RolesSaved>();
        var needsDetails = wanted.Contains(Roles.Customer, StringComparer.Ordinal) && !await db.CardHolders.AnyAsync(h => h.UserId == id, cancellationToken);
        return Result.Success(new RolesSaved(needsDetails));
    }

    private async Task<Result> SaveRolesAsync(string actorId, string id, IEnumerable<string> roles, IEnumerable<string>? shown, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var wanted = roles.Where(r => !string.IsNullOrWhiteSpace(r)).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.Any(r => !Roles.All.Contains(r))) return Result.Fail(ErrorCode.Invalid, Text.Get("Choose only existing roles."));
        await using var transaction = await guard.BeginAsync(cancellationToken);
        var user = await FindAsync(id);
        if (user is null) return Result.NotFound();
        var current = (await users.GetRolesAsync(user)).ToList();
        // The form says which roles it showed: if another administrator changed them since, saving it would quietly
        // undo their change (or give back a role they had just taken away).
        if (shown is not null && !shown.Where(r => !string.IsNullOrWhiteSpace(r)).ToHashSet(StringComparer.Ordinal).SetEquals(current))
            return Result.Fail(ErrorCode.Conflict, Text.Get(RolesChangedMeanwhile));
        // Saved unchanged: nothing to do (a new stamp would sign the person out, and the log would say nothing changed).
        if (current.ToHashSet(StringComparer.Ordinal).SetEquals(wanted)) return Result.Ok;
        var refusal = await guard.CheckAsync(s =>
        {
            var active = s.Users.TryGetValue(id, out var u) ? u.Active : !IsLocked(user) && user.PasswordHash is not null;
            s.Users[id] = (wanted.ToHashSet(StringComparer.Ordinal), active);
        }, cancellationToken);
        if (refusal is not null) return refusal;
        // Separation of duties: whoever may manage users must not grant themself more (or quietly drop a duty).
        if (id == actorId) return Result.Fail(ErrorCode.Refused, Text.Get(OwnRolesMessage));
        var removed = await users.RemoveFromRolesAsync(user, current.Except(wanted));
        var added = await users.AddToRolesAsync(user, wanted.Except(current));
        if (!removed.Succeeded || !added.Succeeded) return Result.Fail(ErrorCode.Invalid, Text.Get("The roles could not be changed."));
        // A user without a password has no live session (removing it renewed the stamp) but may hold a pending
        // reset link, which a new stamp would void; everyone else's sessions must be rebuilt.
        if (user.PasswordHash is not null && !Succeeded(await users.UpdateSecurityStampAsync(user))) return ChangedMeanwhileResult();
        await audit.AppendAsync(actorId, AuditActions.UserRoles, TargetUser, id, new { Roles = current.Order() }, new { Roles = wanted.Order() }, cancellationToken);
        await assignments.ReleaseWhereNoLongerReviewingAsync(actorId, db.Users.Where(u => u.Id == id).Select(u => u.Id), cancellationToken);
        return await CommitAsync(transaction, cancellationToken);
    }

    /// <summary>
    /// Deletes the sign-in account and erases the person's details; cards and transactions stay, linked to the now
    /// anonymous card holder (docs/decisions/0004-user-deletion.md).
    /// </summary>
    public Task<Result> DeleteAsync(string actorId, string id, CancellationToken cancellationToken)
    {
        if (id == actorId) return Task.FromResult(Result.Fail(ErrorCode.Refused, Text.Get("You cannot delete your own account.")));
        return EraseAsync(actorId, id, AuditActions.UserDelete, null, cancellationToken);
    }

    /// <summary>
    /// The erasure behind an administrator's deletion and a holder's own closing (docs/decisions/0004 and 0024), in one
    /// transaction with its audit entry: the holder's details and card names erased, the free text of their fraud reports
    /// forgotten, their keys revoked, their review assignments released, their sign-in name replaced in staff records,
    /// the account deleted (which ends its sessions at their next request).
    /// </summary>
    /// <param name="action">The audit entry's action: <see cref="AuditActions.UserDelete"/> or <see cref="AuditActions.UserClose"/>.</param>
    /// <param name="check">Read inside the transaction, with the account and its roles: a refusal stops the erasure.</param>
    public async Task<Result> EraseAsync(string actorId, string id, string action, Func<IReadOnlyList<string>, Result?>? check, CancellationToken cancellationToken)
    {
        // SQLite: every page the erasure frees is zeroed too (connections run with secure_delete=FAST, which zeroes only
        // where it costs no extra write), on this connection, kept open until it is set back (docs/decisions/0004).
        var sqlite = db.Database.IsSqlite();
        if (sqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete=ON;", cancellationToken);
        }
        try
        {
            var erased = await EraseWithRetriesAsync(actorId, id, action, check, cancellationToken);
            if (erased.Succeeded && sqlite) await EmptyWriteAheadLogAsync();
            return erased;
        }
        finally
        {
            if (sqlite)
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA secure_delete=FAST;", CancellationToken.None);
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private async Task<Result> EraseWithRetriesAsync(string actorId, string id, string action, Func<IReadOnlyList<string>, Result?>? check, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await EraseOnceAsync(actorId, id, action, check, cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // A payment changed a card's balance between the read and the erasure's write (PostgreSQL; SQLite's
                // write lock keeps them apart): nothing was kept (the transaction rolled back), so all of it runs again.
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return Result.Fail(ErrorCode.Unavailable, Text.Get(ErasureBusy));
            }
        }
    }

    /// <summary>
    /// On SQLite the erased details' earlier page images stay in the write-ahead log (about 40 MB, kept at that size)
    /// until it is written over: copied back and the log emptied now (privacy test). The checkpoint answers busy rather
    /// than fail while another connection writes or reads an older snapshot: tried for about a second, then left to a
    /// later checkpoint and logged. Not cancelled with the request: the erasure is committed by then.
    /// </summary>
    private async Task EmptyWriteAheadLogAsync()
    {
        var connection = db.Database.GetDbConnection();
        for (var attempt = 0; attempt < 20; attempt++)
        {
            await using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
                await using var reader = await command.ExecuteReaderAsync(CancellationToken.None);
                if (await reader.ReadAsync(CancellationToken.None) && reader.GetInt32(0) == 0) return;
            }
            await Task.Delay(50, CancellationToken.None);
        }
        LogWriteAheadLogKept(logger);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The write-ahead log could not be emptied after an erasure (the database stayed busy for a second); the erased details' earlier page images stay in it until later checkpoints write over them")]
    private static partial void LogWriteAheadLogKept(ILogger logger);

    public const string ErasureBusy = "The account's cards were in use at the same moment, so nothing was erased. Please try again.";

    private async Task<Result> EraseOnceAsync(string actorId, string id, string action, Func<IReadOnlyList<string>, Result?>? check, CancellationToken cancellationToken)
    {
        await using var transaction = await guard.BeginAsync(cancellationToken);
        // The account's row first of all it holds (RowLocks): a decision it is making, or a profile save, commits first or sees it gone.
        await RowLocks.HoldAccountAsync(db, id, cancellationToken);
        var user = await FindAsync(id);
        if (user is null) return Result.NotFound();
        // Refused only when this account's going is what would leave no administrator (the guard lets an installation
        // with none yet go on, so its card holders can close their accounts).
        var refusal = await guard.CheckAsync(s => s.Users.Remove(id), cancellationToken);
        if (refusal is not null) return refusal;
        var roles = (await users.GetRolesAsync(user)).Order().ToList();
        if (check?.Invoke(roles) is { } refused) return refused;
        // The holder's row first, so a card or report the person is saving at this moment is either saved before the
        // cards and reports are read below (and erased with them) or refused after (HolderLink).
        await HolderLink.HoldAsync(db, id, cancellationToken);
        // Then what decisions and payments hold too, in their order, so none of them deadlocks with this (RowLocks).
        await RowLocks.HoldForErasureAsync(db, id, user.UserName, cancellationToken);
        var holder = await db.CardHolders.Include(h => h.Cards).FirstOrDefaultAsync(h => h.UserId == id, cancellationToken);
        holder?.Erase();
        // The account's keys go with it (the database deletes them); each is revoked and audited first, as on a forced reset,
        // and so are the keys it made, as an administrator, for others.
        var keysRevoked = await keys.RevokeAllAsync(id, actorId, cancellationToken) + await keys.RevokeMadeForOthersAsync(id, actorId, cancellationToken);
        // So are the payments they were reviewing, back to the queue: each given back in the log, by whom and from whom.
        await assignments.ReleaseAsync(actorId, id, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        var reportsErased = holder is null ? 0 : await ForgetReportTextsAsync(holder.Id, cancellationToken);
        var listReasonsErased = holder is null ? 0 : await ForgetListReasonsAsync(holder.Id, cancellationToken);
        await ForgetNameInRecordsAsync(user.UserName, id, cancellationToken);
        var deleted = await users.DeleteAsync(user);
        if (!deleted.Succeeded) return Result.Fail(ErrorCode.Invalid, Text.Get("The account could not be deleted."));
        // The entry names no personal details: the erasure would be pointless if the log kept them.
        await audit.AppendAsync(actorId, action, TargetUser, id, new { Roles = roles, HadProfile = holder is not null },
            new { Deleted = true, CardHolderId = holder?.Id, KeysRevoked = keysRevoked, ReportTextsErased = reportsErased, ListReasonsErased = listReasonsErased }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Result.Ok;
    }

    /// <summary>
    /// The holder's own words in their fraud reports (docs/decisions/0024): replaced in one statement, open reports too,
    /// so an analyst deciding one meanwhile neither fails nor is undone; kind, status and decision stay for the label.
    /// </summary>
    private async Task<int> ForgetReportTextsAsync(long holderId, CancellationToken cancellationToken)
    {
        await RowLocks.HoldReportsOfHolderAsync(db, holderId, cancellationToken);
        return await db.FraudReports.Where(r => db.Cards.Any(c => c.Id == r.CardId && c.CardHolderId == holderId) && r.Reason != FraudReport.ErasedReason)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.Reason, FraudReport.ErasedReason), cancellationToken);
    }

    /// <summary>
    /// Analysts' reasons for putting the holder's cards on lists, or taking them off ("called from Spain until May"): staff's
    /// words about the person, erased as the cards' block notes are. The entries stay (by fingerprint, a card's list
    /// membership is the bank's fraud control, not the person's data). How many entries had a reason erased.
    /// </summary>
    private async Task<int> ForgetListReasonsAsync(long holderId, CancellationToken cancellationToken)
    {
        var entries = db.RuleListEntries.Where(e => e.CardId != null && db.Cards.Any(c => c.Id == e.CardId && c.CardHolderId == holderId));
        var added = await entries.Where(e => e.AddedReason != RuleListEntry.ErasedReason)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.AddedReason, RuleListEntry.ErasedReason), cancellationToken);
        var removed = await entries.Where(e => e.RemovedReason != null && e.RemovedReason != RuleListEntry.ErasedReason)
            .ExecuteUpdateAsync(u => u.SetProperty(e => e.RemovedReason, RuleListEntry.ErasedReason), cancellationToken);
        return Math.Max(added, removed);
    }

    /// <summary>What a deleted account's records say instead of its sign-in name: its id, as the audit log names it.</summary>
    public static string DeletedAccount(string id) => "deleted-account:" + id;

    /// <summary>Staff records that name who acted by sign-in name name the deleted account by id instead (<see cref="RecordedNames"/>).</summary>
    private Task ForgetNameInRecordsAsync(string? name, string id, CancellationToken cancellationToken) =>
        string.IsNullOrEmpty(name) ? Task.CompletedTask : db.RenameAsync(name, DeletedAccount(id), cancellationToken);

    public const string ChangedMeanwhile = "Another administrator changed this account at the same moment; here it is as it is now.";

    public const string RolesChangedMeanwhile = "Another administrator changed this user's roles since you opened the page; here they are as they are now. Choose again.";

    private static Result ChangedMeanwhileResult() => Result.Fail(ErrorCode.Conflict, Text.Get(ChangedMeanwhile));

    /// <summary>Whether every Identity change succeeded (one that failed, a concurrency failure among them, must not be saved).</summary>
    private static bool Succeeded(params IdentityResult[] results) => results.All(r => r.Succeeded);

    /// <summary>Saves and commits; an account changed by someone else meanwhile is a conflict, not a 500.</summary>
    private async Task<Result> CommitAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return Result.Ok;
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return ChangedMeanwhileResult();
        }
    }

    private bool IsLocked(ApplicationUser user) => user.LockoutEnd is { } end && end > clock.GetUtcNow();

    /// <summary>The personal fields as comparable values, only to tell which changed; never written anywhere.</summary>
    private static Dictionary<string, object?> Snapshot(CardHolder holder) => new(StringComparer.Ordinal)
    {
        [nameof(CardHolder.FullName)] = holder.FullName,
        [nameof(CardHolder.PhoneNumber)] = holder.PhoneNumber,
        [nameof(CardHolder.DateOfBirth)] = holder.DateOfBirth,
        [nameof(CardHolder.Address)] = holder.Address,
    };

    /// <summary>The user with this id; none for a blank id (model binding turns a whitespace route value into null).</summary>
    private async Task<ApplicationUser?> FindAsync(string? id) => string.IsNullOrWhiteSpace(id) ? null : await users.FindByIdAsync(id);
}

/// <summary>What a forced password reset mailed.</summary>
public enum ResetMail
{
    /// <summary>Nothing: the account is locked by an administrator.</summary>
    None,

    /// <summary>A link to choose a new password.</summary>
    ResetLink,

    /// <summary>A new invitation (the person never chose a password).</summary>
    Invitation,
}
