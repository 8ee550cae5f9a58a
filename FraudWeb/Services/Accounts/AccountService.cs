using FraudWeb.Services.Privacy;
using FraudWeb.Domain.Cards;
using FraudWeb.Services.Cards;
using FraudWeb.Infrastructure.Localization;
using System.Text;
using System.Text.Encodings.Web;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Email;
using Microsoft.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace FraudWeb.Services.Accounts;

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
    /// <summary>Locked by an administrator (<see cref="AdminLock"/>), told only to someone who gave the right password.</summary>
    LockedByAdministrator,
    NotAllowed,
    RequiresTwoFactor,
    EmailNotConfirmed,
}

/// <summary>A reset's outcome: the API keys it revoked, and whether it finished a registration never confirmed.</summary>
public sealed record PasswordResetDone(int RevokedKeys, bool RegistrationFinished);

/// <summary>
/// Public links a registration mail may carry: confirm (user id, encoded token), sign in, forgot password, and choose
/// a password (address, encoded reset token).
/// </summary>
/// <param name="ChoosePassword">Makes the reset link from the encoded token alone (it names the account; no address in a URL).</param>
public sealed record RegistrationLinks(Func<string, string, string> Confirm, string SignIn, string ForgotPassword, Func<string, string> ChoosePassword);

/// <summary>Registration, sign-in and password management on top of ASP.NET Core Identity.</summary>
public sealed partial class AccountService(
    CountingUserManager users,
    IUserStore<ApplicationUser> userStore,
    SignInManager<ApplicationUser> signIn,
    FraudDbContext db,
    IEmailSender email,
    UnknownAddressLockout unknownAddresses,
    TimeProvider clock,
    IssuerClock issuer,
    IssuedTokenReader issuedTokens,
    IAccountKeyRevoker keys,
    IAccountAudit audit,
    PasswordResetMailer resets,
    PasswordResetTokenProvider resetTokens,
    InvitationTokenProvider invitationTokens,
    ChangeEmailTokenProvider changeEmailTokens,
    ILogger<AccountService> logger)
{
    /// <summary>
    /// Registration that does not tell who has an account (ASVS 2.1, 3.x enumeration): a new address gets an account
    /// and card holder (one transaction) and a confirmation link; an address that has an account gets a message saying
    /// so (with a new confirmation link if it was never confirmed). The caller shows the same page either way; only
    /// the form's own errors (fields, password strength) are shown, and they do not depend on the address.
    /// </summary>
    /// <param name="consented">The holder's separate consent to processing their card and payment records (PIPL article 29); required.</param>
    public async Task<Result> RegisterAsync(string email, string password, PersonalDetails details, bool consented, RegistrationLinks links, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(details);
        ArgumentNullException.ThrowIfNull(links);
        if (!consented) return Result.Fail(ErrorCode.Invalid, Text.Get(ConsentRequired), Fields.Consent);
        var now = clock.GetUtcNow().UtcDateTime;
        var user = new ApplicationUser { UserName = email.Trim(), Email = email.Trim(), PhoneNumber = details.PhoneNumber.Trim(), CreatedUtc = now };
        try
        {
            // Every rule the card holder's record keeps, checked before anything is stored or mailed; the account keeps
            // the number as the record does (normalised).
            user.PhoneNumber = details.Register(user.Id, issuer.At(now)).PhoneNumber;
        }
        catch (DomainException ex)
        {
            return Result.Fail(ErrorCode.Invalid, Text.Of(ex));
        }

        var strength = await ValidatePasswordAsync(user, password);
        if (!strength.Succeeded) return FromIdentity(strength, Fields.Password);

        // Refused whether or not the address has an account (UnambiguousAddressValidator says why).
        if (!UnambiguousAddressValidator.IsUnambiguous(user.Email))
            return Result.Fail(ErrorCode.Invalid, Text.Get(UnambiguousAddressValidator.Message), Fields.Email);

        try
        {
            return await CreateOrMailAsync(user, password, details, links, now, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Each path mails before it commits, so nothing was kept: the person can simply try again.
            return Result.Fail(ErrorCode.Unavailable, Text.Get(MailNotSent));
        }
    }

    public const string MailNotSent = "We could not send you an email just now, so nothing was saved. Please try again in a few minutes.";

    /// <summary>
    /// Registration's work once the form is valid. Every mail goes out before its transaction commits, so a mail that
    /// cannot be sent leaves no half-made account behind. (During such a fault an address an administrator locked, which
    /// is mailed nothing, still gets the usual page: the one answer that differs, and only while mail is down.)
    /// </summary>
    private async Task<Result> CreateOrMailAsync(ApplicationUser user, string password, PersonalDetails details, RegistrationLinks links, DateTime now,
        CancellationToken cancellationToken)
    {
        var existing = await users.FindByEmailAsync(user.Email!);
        if (existing is not null)
        {
            await MailExistingAccountAsync(existing, details, SentAgain(existing, user, password, now), links, now, cancellationToken);
            return Result.Ok;
        }

        await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
        {
            IdentityResult created;
            try
            {
                // The password's rules were checked above; Identity's CreateAsync(user, password) would run zxcvbn
                // again, a cost only this path had, so a new address answered measurably later than a taken one.
                user.PasswordHash = users.PasswordHasher.HashPassword(user, password);
                created = await users.CreateAsync(user);
            }
            catch (DbUpdateException)
            {
                // The other request of a double click stored the account after this one checked for it (SQLite refuses
                // this transaction's stale snapshot, PostgreSQL the unique name): the same as a duplicate.
                db.ChangeTracker.Clear();
                created = IdentityResult.Failed(new IdentityError { Code = "DuplicateUserName" });
            }
            if (created.Errors.Any(e => e.Code is "DuplicateUserName" or "DuplicateEmail"))
            {
                // Registered at the same moment by another request: the same answer as an existing account.
                await transaction.RollbackAsync(cancellationToken);
                existing = await users.FindByEmailAsync(user.Email!);
                if (existing is not null) await MailExistingAccountAsync(existing, details, SentAgain(existing, user, password, now), links, now, cancellationToken);
                return Result.Ok;
            }
            if (!created.Succeeded) return FromIdentity(created, Fields.Password);
            // The role, the card holder and the language in one save through Identity's store: UserManager's
            // AddToRoleAsync and SetAuthenticationTokenAsync would each validate and rewrite the new row again (ten
            // statements more than a taken address's path, about 2.6 ms: ADR 0031).
            await ((IUserRoleStore<ApplicationUser>)userStore).AddToRoleAsync(user, users.NormalizeName(Roles.Customer), cancellationToken);
            await ((IUserAuthenticationTokenStore<ApplicationUser>)userStore).SetTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, LanguageToken,
                Languages.Current, cancellationToken);
            var holder = details.Register(user.Id, issuer.At(now));
            holder.GiveConsent(PrivacyNotice.Version, now);
            db.CardHolders.Add(holder);
            await audit.AppendAsync(user.Id, AccountAuditActions.Consent, AccountAuditActions.UserTarget, user.Id, null, new { Notice = PrivacyNotice.Version }, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            // Before the commit: an account whose confirmation could not be mailed is not kept.
            await MailConfirmationAsync(user, links, $"<p>{Text.Get("Welcome to FraudWeb.")}</p>", cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        LogRegistered(logger, user.Id);
        return Result.Ok;
    }

    public const string ConsentRequired = "Tick the box to give your consent: FraudWeb cannot check your payments without it.";

    /// <summary>Whether the card holder has consented to the current privacy notice (false for accounts without a holder record).</summary>
    public Task<bool> HasConsentedAsync(string userId, CancellationToken cancellationToken) =>
        db.CardHolders.OwnedBy(userId).AnyAsync(h => h.ConsentedUtc != null && h.ConsentNotice == PrivacyNotice.Version, cancellationToken);

    /// <summary>
    /// Records the signed-in card holder's separate consent to the current privacy notice, audited as theirs, and renews
    /// their session so pages stop asking. Giving it again changes nothing. NotFound for an account without a holder record.
    /// </summary>
    public async Task<Result> GiveConsentAsync(string userId, CancellationToken cancellationToken)
    {
        var holder = await db.CardHolders.OwnedBy(userId).FirstOrDefaultAsync(cancellationToken);
        if (holder is null) return Result.Fail(ErrorCode.NotFound, Text.Get("This account has no card holder record."));
        if (!holder.HasConsentedTo(PrivacyNotice.Version))
        {
            holder.GiveConsent(PrivacyNotice.Version, clock.GetUtcNow().UtcDateTime);
            await audit.AppendAsync(userId, AccountAuditActions.Consent, AccountAuditActions.UserTarget, userId, null, new { Notice = PrivacyNotice.Version }, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            LogConsent(logger, userId, PrivacyNotice.Version);
        }
        if (await users.FindByIdAsync(userId) is { } user) await signIn.RefreshKeepingItsStartAsync(user);
        return Result.Ok;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Card holder {UserId} consented to the privacy notice of {Notice}")]
    private static partial void LogConsent(ILogger logger, string userId, string notice);

    public const string AlreadyConfirmed = "This email address is already confirmed. Sign in to use FraudWeb.";

    /// <summary>
    /// Confirms the address from the mailed link; the same failure for an unknown user and a bad token. The link
    /// opened again once the address is confirmed is a Conflict ("already confirmed, sign in", not "register again"),
    /// but only when its token is one this server made for that user: a guessed id learns nothing.
    /// </summary>
    public Task<Result> ConfirmEmailAsync(string userId, string encodedToken) => ConfirmEmailAsync(userId, encodedToken, confirm: true);

    /// <summary>
    /// What the mailed link would do, changing nothing: Ok when its button would confirm the address, otherwise as
    /// <see cref="ConfirmEmailAsync(string, string)"/> answers. The link's page only asks (a mail scanner or a link
    /// preview that opens it must not confirm a registration someone else made with this address); its button confirms.
    /// </summary>
    public Task<Result> CheckEmailConfirmationAsync(string userId, string encodedToken) => ConfirmEmailAsync(userId, encodedToken, confirm: false);

    private async Task<Result> ConfirmEmailAsync(string userId, string encodedToken, bool confirm)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var invalid = Text.Get("This confirmation link is not valid. Register again with the same address to get a new one.");
        var user = await users.FindByIdAsync(userId);
        if (user is null) return Result.Fail(ErrorCode.Invalid, invalid);
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(encodedToken));
        }
        catch (FormatException)
        {
            return Result.Fail(ErrorCode.Invalid, invalid);
        }
        // Checked before verifying: the token stops verifying at the first sign-out (a new security stamp).
        if (user.EmailConfirmed)
        {
            return issuedTokens.WasIssued(token, user.Id, UserManager<ApplicationUser>.ConfirmEmailTokenPurpose)
                ? Result.Fail(ErrorCode.Conflict, Text.Get(AlreadyConfirmed))
                : Result.Fail(ErrorCode.Invalid, invalid);
        }
        if (!confirm)
        {
            return await users.VerifyUserTokenAsync(user, users.Options.Tokens.EmailConfirmationTokenProvider, UserManager<ApplicationUser>.ConfirmEmailTokenPurpose, token)
                ? Result.Ok : Result.Fail(ErrorCode.Invalid, invalid);
        }
        var result = await users.ConfirmEmailAsync(user, token);
        if (!result.Succeeded)
        {
            // The button pressed twice (or on two devices): the other press confirmed it meanwhile (the account's
            // concurrency stamp), which is "already confirmed", not "register again".
            await db.Entry(user).ReloadAsync();
            return user.EmailConfirmed && issuedTokens.WasIssued(token, user.Id, UserManager<ApplicationUser>.ConfirmEmailTokenPurpose)
                ? Result.Fail(ErrorCode.Conflict, Text.Get(AlreadyConfirmed))
                : Result.Fail(ErrorCode.Invalid, invalid);
        }
        LogConfirmed(logger, user.Id);
        return Result.Ok;
    }

    private async Task<IdentityResult> ValidatePasswordAsync(ApplicationUser user, string password)
    {
        var errors = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            var result = await validator.ValidateAsync(users, user, password);
            errors.AddRange(result.Errors);
        }
        return errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]);
    }

    /// <summary>
    /// An address that has an account, answered with the same kind of work as a new one (ADR 0031): one transaction
    /// that writes the account's row (<see cref="RecordRegisteredAgainAsync"/>) and commits after its mail. Without it
    /// a new address, whose account commits durably, answered some 30 ms later than a taken one.
    /// </summary>
    private async Task MailExistingAccountAsync(ApplicationUser existing, PersonalDetails details, bool sentAgain, RegistrationLinks links,
        DateTime nowUtc, CancellationToken cancellationToken)
    {
        // An administrator's lock is not undone or announced by registering again: nothing is mailed.
        var mailed = existing.Email is not null && !AdminLock.IsLockedByAdmin(existing);
        if (mailed && !existing.EmailConfirmed && !sentAgain)
        {
            await MailFinishRegistrationAsync(existing, details, links, nowUtc, cancellationToken);
            return;
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await RecordRegisteredAgainAsync(existing, nowUtc);
        // The same registration sent again moments later (a double click, the back button) before the address was
        // confirmed: nothing changes and nothing is mailed, so the first mail's link keeps working. Never a new
        // confirmation link: a stranger who registered the address first could send theirs again after its owner had
        // taken it back.
        if (mailed && existing.EmailConfirmed) await MailAlreadyRegisteredAsync(existing, links, cancellationToken);
        // After the mail, as a new account's: a mail that cannot be sent leaves nothing behind.
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// When someone last registered with the account's address (an Identity token of the account, no column needed):
    /// the durable write that makes a taken address cost what a new one does, and a record the owner's data export shows.
    /// </summary>
    private async Task RecordRegisteredAgainAsync(ApplicationUser existing, DateTime nowUtc) =>
        await users.SetAuthenticationTokenAsync(existing, SingleUseAuthenticatorTokenProvider.LoginProvider, RegisteredAgainToken, RegisteredAgainValue(nowUtc));

    private static string RegisteredAgainValue(DateTime nowUtc) => nowUtc.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    public const string RegisteredAgainToken = "RegisteredAgainUtc";

    /// <summary>When someone last registered with the account's address (ISO 8601, UTC); null if nobody has.</summary>
    public Task<string?> RegisteredAgainAsync(ApplicationUser user) =>
        users.GetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, RegisteredAgainToken);

    private async Task MailAlreadyRegisteredAsync(ApplicationUser existing, RegistrationLinks links, CancellationToken cancellationToken)
    {
        // The owner's language, not the visitor's: the mail is to them. Links are whole fragments so word order can change.
        // Each paragraph is one translated text, so its sentences are joined as the language joins them (no space in Chinese).
        using var language = Languages.Use(await LanguageAsync(existing) ?? Languages.Current);
        var body = Letter($"<p>{Text.Get("Hello,")}</p><p>" +
                   Text.Format("Someone tried to register a FraudWeb account with this address, which already has one. If it was you, {0}, or {1} if you have forgotten it.",
                       Link(links.SignIn, Text.InContext("link", "sign in")), Link(links.ForgotPassword, Text.InContext("link", "choose a new password"))) + "</p>" +
                   $"<p>{Text.Get("If it was not you, ignore this message: nothing has changed.")}</p>");
        await email.SendEmailAsync(existing.Email!, Text.Get("You already have a FraudWeb account"), body, cancellationToken);
    }

    /// <summary>
    /// An address registered again before it was confirmed. A confirmation link would confirm the first registration's
    /// password, which may be a stranger's who registered the address first to take the account over once its owner
    /// confirms it. So whoever holds the mailbox chooses the password through a reset link instead (following it also
    /// confirms the address), the earlier links stop working, and the details become this registration's until that
    /// link's page replaces them with the ones its owner types (<see cref="ResetPasswordAsync"/>).
    /// </summary>
    private async Task MailFinishRegistrationAsync(ApplicationUser existing, PersonalDetails details, RegistrationLinks links, DateTime nowUtc,
        CancellationToken cancellationToken)
    {
        // The new details and stamp only with the mail that tells of them: without it the earlier links keep working.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // The record and the details are staged and saved with the new stamp: one save, as the other paths have.
        await ((IUserAuthenticationTokenStore<ApplicationUser>)userStore).SetTokenAsync(existing, SingleUseAuthenticatorTokenProvider.LoginProvider,
            RegisteredAgainToken, RegisteredAgainValue(nowUtc), cancellationToken);
        await StagePendingDetailsAsync(existing, details, cancellationToken);
        // A new stamp ends every earlier confirmation link of the account (reset links are bound to the password and the
        // address, which have not changed, and went to the same mailbox as this one). It saves what is staged, so when it
        // fails (the same address registered again at this moment: the account's concurrency stamp) nothing is kept and
        // nothing mailed; the other registration's mail is the one that goes.
        if (!(await users.UpdateSecurityStampAsync(existing)).Succeeded) return;
        var token = await users.GeneratePasswordResetTokenAsync(existing);
        var url = links.ChoosePassword(WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token)));
        var body = Letter($"<p>{Text.Get("Hello,")}</p><p>{Text.Get("Someone, probably you, registered again with this address before confirming it.")}</p>" +
                   $"<p>{Text.Format("To finish creating your account, {0} and enter your details. This also confirms your address; the password and details typed when registering are not kept.", Link(url, Text.InContext("link", "choose your password")))}</p>" +
                   $"<p>{Text.Get("If it was not you, ignore this message: no account is used until the address is confirmed.")}</p>");
        await email.SendEmailAsync(existing.Email!, Text.Get("Finish creating your FraudWeb account"), body, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>How soon after a registration the same one again is taken for a repeated click.</summary>
    public static readonly TimeSpan SentAgainWindow = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Whether this registration repeats the unconfirmed one of the address moments ago with its password. One
    /// password hash on every path, so they cost about the same: that password checked, or a hash thrown away.
    /// </summary>
    private bool SentAgain(ApplicationUser existing, ApplicationUser typed, string password, DateTime nowUtc)
    {
        if (existing.EmailConfirmed || existing.PasswordHash is null || nowUtc - existing.CreatedUtc > SentAgainWindow)
        {
            _ = users.PasswordHasher.HashPassword(typed, password);
            return false;
        }
        return users.PasswordHasher.VerifyHashedPassword(existing, existing.PasswordHash, password) != PasswordVerificationResult.Failed;
    }

    /// <summary>An unconfirmed registration's details become the latest registration's (checked by the caller); the caller saves.</summary>
    private async Task StagePendingDetailsAsync(ApplicationUser existing, PersonalDetails details, CancellationToken cancellationToken)
    {
        var holder = await db.CardHolders.OwnedBy(existing.Id).FirstOrDefaultAsync(cancellationToken);
        if (holder is not null) details.ApplyTo(holder, issuer.Today);
        existing.PhoneNumber = holder?.PhoneNumber ?? details.PhoneNumber.Trim();
    }

    private async Task MailConfirmationAsync(ApplicationUser user, RegistrationLinks links, string opening, CancellationToken cancellationToken)
    {
        var token = await users.GenerateEmailConfirmationTokenAsync(user);
        var url = links.Confirm(user.Id, WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token)));
        var body = Letter($"<p>{Text.Get("Hello,")}</p>{opening}<p>{Text.Format("To finish creating your account, {0}. Then sign in with the password you chose.", Link(url, Text.Get("confirm your email address")))}</p>" +
                   $"<p>{Text.Get("If it was not you, ignore this message: no account is used until the address is confirmed.")}</p>");
        await email.SendEmailAsync(user.Email!, Text.Get("Confirm your FraudWeb account"), body, cancellationToken);
    }

    public async Task<SignInOutcome> SignInAsync(string email, string password, bool rememberMe)
    {
        ArgumentNullException.ThrowIfNull(email);
        var user = await users.FindByNameAsync(email.Trim());
        if (user is null)
        {
            // Answered as an account would be: locked (without hashing, as Identity answers a locked account) once as
            // many wrong passwords as lock an account have been tried, and otherwise after hashing, as Identity's
            // answer to an unknown address comes ten times sooner.
            // Logged without the address typed (perhaps someone's mistyped password): a log is no place for it.
            LogSignInFailedUnknownAddress(logger);
            if (await unknownAddresses.IsLockedOutAsync(email, CancellationToken.None)) return SignInOutcome.LockedOut;
            _ = users.PasswordHasher.HashPassword(new ApplicationUser(), password);
            return await unknownAddresses.FailedAsync(email, CancellationToken.None) ? SignInOutcome.LockedOut : SignInOutcome.Failed;
        }
        var outcome = await PasswordSignInAsync(user, email, password, rememberMe);
        // Every sign-in and failed attempt on an account, by its id (PCI DSS 10.2.1.4); the lockout itself is audited.
        if (outcome is SignInOutcome.Succeeded or SignInOutcome.RequiresTwoFactor) LogSignedIn(logger, user.Id, outcome);
        else LogSignInFailed(logger, user.Id, outcome);
        return outcome;
    }

    private async Task<SignInOutcome> PasswordSignInAsync(ApplicationUser user, string email, string password, bool rememberMe)
    {
        var result = await signIn.PasswordSignInAsync(user, password, rememberMe, lockoutOnFailure: true);
        if (result.Succeeded) return SignInOutcome.Succeeded;
        if (result.IsLockedOut) return await LockedOutAsync(user, password);
        if (result.RequiresTwoFactor) return SignInOutcome.RequiresTwoFactor;
        return result.IsNotAllowed ? await NotAllowedAsync(email.Trim(), password) : SignInOutcome.Failed;
    }

    /// <summary>
    /// Identity says "locked" before it checks the password. An administrator's lock is not lifted by waiting or by a
    /// password reset (no link is mailed), so its owner is told to contact support; as with an unconfirmed address,
    /// only the right password hears which lock it is, anyone else what a wrong password hears. Wrong passwords are counted:
    /// once as many have failed as a lockout allows, nobody hears it for a lockout's length, as with any account, so the
    /// answer is no faster way to test passwords than an unlocked account's.
    /// </summary>
    private async Task<SignInOutcome> LockedOutAsync(ApplicationUser user, string password)
    {
        if (!AdminLock.IsLockedByAdmin(user) || users.FailuresLockBehindTheAdministratorsLock(user)) return SignInOutcome.LockedOut;
        if (await users.CheckPasswordAsync(user, password)) return SignInOutcome.LockedByAdministrator;
        // Not AccessFailedAsync: on reaching the limit it would replace the administrator's lock by a 15-minute one.
        var failed = await users.CountFailureKeepingTheLockAsync(user);
        // A wrong password hears what it hears for any account and for an address without one: "not correct" until as
        // many have failed as lock an account, then the usual lockout (answered "locked" at once, the lock itself told
        // anyone that the address has an account).
        return failed >= users.Options.Lockout.MaxFailedAccessAttempts ? SignInOutcome.LockedOut : SignInOutcome.Failed;
    }

    /// <summary>
    /// Identity refuses an unconfirmed account before it checks the password or the lockout; saying "confirm first" to
    /// anyone would tell who registered, so only the right password hears it, and a wrong one counts towards the lockout.
    /// A locked one answers as a confirmed account's lock does (review: its lock was never told, so an address without an
    /// account answered "locked" at the limit and this one did not, the right password still heard "confirm first"
    /// behind the lock, and wrong passwords replaced an administrator's lock by Identity's 15-minute one).
    /// </summary>
    private async Task<SignInOutcome> NotAllowedAsync(string email, string password)
    {
        var user = await users.FindByEmailAsync(email);
        if (user is null) return SignInOutcome.Failed;
        if (await users.IsLockedOutAsync(user)) return await LockedOutAsync(user, password);
        if (!await users.CheckPasswordAsync(user, password))
        {
            await users.AccessFailedAsync(user);
            return await users.IsLockedOutAsync(user) ? SignInOutcome.LockedOut : SignInOutcome.Failed;
        }
        return await users.IsEmailConfirmedAsync(user) ? SignInOutcome.NotAllowed : SignInOutcome.EmailNotConfirmed;
    }

    public Task SignOutAsync() => signIn.SignOutAsync();

    /// <summary>The signed-in user's password change; a null <paramref name="userId"/> (no id claim) counts as an unknown user.</summary>
    /// <summary>
    /// Changes the signed-in person's password. Their API keys are revoked with it (how many is the value): someone who
    /// had the account may have made one, and keys outlive sessions.
    /// </summary>
    public async Task<Result<int>> ChangePasswordAsync(string? userId, string currentPassword, string newPassword, CancellationToken cancellationToken = default)
    {
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user is null) return Result.Fail<int>(ErrorCode.NotFound, Text.Get("Please sign in again."));
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded)
        {
            if (!result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))) return FromIdentity(result, Fields.NewPassword).As<int>();
            // A wrong current password counts as a failed sign-in (security review: a held session could guess without
            // limit). At the lockout, every session ends: whoever holds this one may have copied its cookie.
            await users.AccessFailedAsync(user);
            if (!await users.IsLockedOutAsync(user))
            {
                await transaction.CommitAsync(cancellationToken);
                return Result.Fail<int>(ErrorCode.Invalid, Text.Get("The current password is not correct."), Fields.CurrentPassword);
            }
            await users.UpdateSecurityStampAsync(user);
            await transaction.CommitAsync(cancellationToken);
            await signIn.SignOutAsync();
            return Result.Fail<int>(ErrorCode.Refused, Text.Get("The current password is not correct."), Fields.CurrentPassword);
        }
        await users.ResetAccessFailedCountAsync(user);
        var revoked = await keys.RevokeAllAsync(user.Id, user.Id, cancellationToken);
        await audit.AppendAsync(user.Id, AccountAuditActions.PasswordChange, AccountAuditActions.UserTarget, user.Id, null, new { KeysRevoked = revoked }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await signIn.RefreshKeepingItsStartAsync(user);
        await MailPasswordChangedAsync(user, cancellationToken);
        return Result.Success(revoked);
    }

    public const string ChangeMailNotSent = "We could not send the link to the new address just now, so nothing has changed. Please try again in a few minutes.";

    /// <summary>
    /// Starts a change of the signed-in person's address. The current password is asked again (a session alone, perhaps
    /// someone else's copy, must not move the account to another mailbox; a wrong one counts as a failed sign-in, as at
    /// the change-password form). A link goes to the new address, which changes only when it is followed by this account
    /// (<see cref="ConfirmEmailChangeAsync"/>), and the current address is told, so a change asked by someone else does
    /// not go unnoticed. An address another account has is not revealed (as registration does not reveal it): its owner
    /// is told someone asked to use it, and this person gets the same answer and the same notice.
    /// </summary>
    /// <param name="confirmUrl">Makes the link from the encoded token alone (it holds the new address, encrypted).</param>
    public async Task<Result> RequestEmailChangeAsync(string? userId, string currentPassword, string newEmail,
        Func<string, string> confirmUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newEmail);
        ArgumentNullException.ThrowIfNull(confirmUrl);
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user?.Email is null) return Result.Fail(ErrorCode.NotFound, Text.Get("Please sign in again."));
        if (!await users.CheckPasswordAsync(user, currentPassword)) return await WrongCurrentPasswordAsync(user);
        await users.ResetAccessFailedCountAsync(user);
        var address = newEmail.Trim();
        // Refused whether or not the address has an account (UnambiguousAddressValidator says why).
        if (!UnambiguousAddressValidator.IsUnambiguous(address))
            return Result.Fail(ErrorCode.Invalid, Text.Get(UnambiguousAddressValidator.Message), Fields.NewEmail);
        if (string.Equals(users.NormalizeEmail(address), user.NormalizedEmail, StringComparison.Ordinal))
            return Result.Fail(ErrorCode.Invalid, Text.Get("This is already your email address."), Fields.NewEmail);
        var taken = await users.FindByEmailAsync(address);
        try
        {
            // One mail to the new address either way, so a mail fault answers both alike.
            if (taken is null) await MailEmailChangeLinkAsync(user, address, confirmUrl, cancellationToken);
            else await MailAddressTakenAsync(taken, cancellationToken);
        }
        catch (MailNotSentException)
        {
            return Result.Fail(ErrorCode.Unavailable, Text.Get(ChangeMailNotSent));
        }
        await MailEmailChangeAskedAsync(user, address, cancellationToken);
        LogEmailChangeAsked(logger, user.Id);
        return Result.Ok;
    }

    public const string EmailChangeLinkInvalid = "This link is not valid, has expired or was already used. Your email address has not changed: ask for the change again if you still want it.";

    /// <summary>
    /// Changes the address from the link mailed to it, for the account that asked only: someone else's session gets the
    /// same answer as a bad, expired or used link (<see cref="ChangeEmailTokenProvider"/>). The user name follows (people
    /// sign in with their address), the address counts as confirmed, every other session ends (a new security stamp)
    /// while this one goes on under the new name, and the old address is told. Audited, without the addresses (ADR 0004).
    /// </summary>
    public async Task<Result> ConfirmEmailChangeAsync(string? userId, string newEmail, string encodedToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(newEmail);
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user?.Email is null) return Result.Fail(ErrorCode.NotFound, Text.Get("Please sign in again."));
        var invalid = Result.Fail(ErrorCode.Invalid, Text.Get(EmailChangeLinkInvalid));
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(encodedToken));
        }
        catch (FormatException)
        {
            return invalid;
        }
        var address = newEmail.Trim();
        if (!UnambiguousAddressValidator.IsUnambiguous(address)) return invalid;
        var oldAddress = user.Email;
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // Checks the token (this user, this address, the address and password it was made with, its age) first.
            var changed = await users.ChangeEmailAsync(user, address, token);
            if (!changed.Succeeded) return await AlreadyChangedAsync(user.Id, address, cancellationToken) ?? invalid;
            // Ends this link and every other made before this change, even if the address later returns to this one.
            await ChangeEmailTokenProvider.CountChangeAsync(users, user);
            var oldName = user.UserName;
            var renamed = await users.SetUserNameAsync(user, address);
            if (!renamed.Succeeded) return invalid;
            // Staff records naming them by sign-in name follow, or the old address would outlive an erasure there.
            if (!string.IsNullOrEmpty(oldName)) await db.RenameAsync(oldName, address, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Another account took the address at the same moment (the unique user name).
            return invalid;
        }
        await audit.AppendAsync(user.Id, AccountAuditActions.EmailChange, AccountAuditActions.UserTarget, user.Id,
            null, new { Changed = ChangedByEmailChange, OtherSessionsEnded = true }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        // The new stamp ended every session; this one goes on, under the new name.
        await signIn.RefreshKeepingItsStartAsync(user);
        LogEmailChanged(logger, user.Id);
        await MailEmailChangedAsync(user, oldAddress, cancellationToken);
        return Result.Ok;
    }

    /// <summary>
    /// A link followed again once it has done its work (a double click's second request, or the mail opened later):
    /// the address is already the one asked for, which is what to say, not that it "has not changed". Read afresh, not
    /// from the account this request loaded before the first request saved.
    /// </summary>
    private async Task<Result?> AlreadyChangedAsync(string userId, string address, CancellationToken cancellationToken)
    {
        var normalized = users.NormalizeEmail(address);
        var current = await db.Users.AsNoTracking().Where(u => u.Id == userId).Select(u => u.NormalizedEmail).FirstOrDefaultAsync(cancellationToken);
        return current == normalized ? Result.Fail(ErrorCode.Conflict, Text.Format(EmailAlreadyChanged, address)) : null;
    }

    public const string EmailAlreadyChanged = "Your email address is already {0}.";

    /// <summary>The fields an address change changes (named in its audit entry; never their values).</summary>
    private static readonly string[] ChangedByEmailChange = ["Email", "UserName"];

    /// <summary>
    /// A wrong current password at a sensitive change counts as a failed sign-in (a held session must not guess without
    /// limit). At the lockout every session ends, as whoever holds this one may have copied its cookie (Refused).
    /// </summary>
    private async Task<Result> WrongCurrentPasswordAsync(ApplicationUser user)
    {
        await users.AccessFailedAsync(user);
        var message = Text.Get("The current password is not correct.");
        if (!await users.IsLockedOutAsync(user)) return Result.Fail(ErrorCode.Invalid, message, Fields.CurrentPassword);
        await users.UpdateSecurityStampAsync(user);
        await signIn.SignOutAsync();
        return Result.Fail(ErrorCode.Refused, message, Fields.CurrentPassword);
    }

    /// <summary>The link that changes the address, to the new address, in the account's language (the same person's mailbox).</summary>
    private async Task MailEmailChangeLinkAsync(ApplicationUser user, string address, Func<string, string> confirmUrl, CancellationToken cancellationToken)
    {
        var token = await users.GenerateChangeEmailTokenAsync(user, address);
        var url = confirmUrl(WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token)));
        string subject, body;
        using (Languages.Use(await LanguageAsync(user) ?? Languages.Current))
        {
            subject = Text.Get("Confirm your new FraudWeb email address");
            body = Letter($"<p>{Text.Get("Hello,")}</p>" +
                   $"<p>{Text.Format("Someone, probably you, asked to use this address for their FraudWeb account. To make the change, {0}: you will be asked to sign in to that account if you are not signed in.", Link(url, Text.InContext("link", "confirm this address")))}</p>" +
                   $"<p>{Text.Format("The link works once, for {0:0} hours.", ChangeEmailTokenProvider.Lifetime.TotalHours)}</p>" +
                   $"<p>{Text.Get("If it was not you, ignore this message: nothing changes.")}</p>");
        }
        await email.SendEmailAsync(address, subject, body, cancellationToken);
    }

    /// <summary>
    /// The address asked for belongs to another account: its owner is told, in their language, and the person who asked
    /// hears nothing different. An account an administrator locked is mailed nothing, as at registration.
    /// </summary>
    private async Task MailAddressTakenAsync(ApplicationUser owner, CancellationToken cancellationToken)
    {
        if (owner.Email is null || AdminLock.IsLockedByAdmin(owner)) return;
        string subject, body;
        using (Languages.Use(await LanguageAsync(owner) ?? Languages.Current))
        {
            subject = Text.Get("Someone asked to use your address on FraudWeb");
            body = Letter($"<p>{Text.Get("Hello,")}</p>" +
                   $"<p>{Text.Get("Someone asked to use this address for another FraudWeb account. It already belongs to your account, so nothing has changed.")}</p>" +
                   $"<p>{Text.Get("If it was you, sign in with this address to use your account. If it was not you, ignore this message.")}</p>");
        }
        await email.SendEmailAsync(owner.Email, subject, body, cancellationToken);
    }

    /// <summary>
    /// Tells the current address a change was asked for: if it was not its owner, they take the account back by choosing
    /// a new password (the reset link still comes here), which also ends the change's link. Sent whether or not the new
    /// address is free. The request stands if this mail cannot be sent (the sender logs it).
    /// </summary>
    private async Task MailEmailChangeAskedAsync(ApplicationUser user, string address, CancellationToken cancellationToken)
    {
        string subject, body;
        using (Languages.Use(await LanguageAsync(user) ?? Languages.Current))
        {
            subject = Text.Get("A change of your FraudWeb email address was asked for");
            body = Letter($"<p>{Text.Get("Hello,")}</p>" +
                   $"<p>{Text.Format("Someone asked to change the email address of your FraudWeb account to {0}. It changes only when the link mailed to that address is followed.", HtmlEncoder.Default.Encode(address))}</p>" +
                   $"<p>{Text.Get("If it was not you, use \"Forgot your password?\" on the sign-in page at once to choose a new password (this also cancels the change), and contact support.")}</p>");
        }
        try
        {
            await email.SendEmailAsync(user.Email!, subject, body, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Logged by the sender; the link to the new address is on its way.
        }
    }

    /// <summary>Tells the old address the change was made (ASVS 2.2.3 for addresses); the change stands if the mail cannot be sent.</summary>
    private async Task MailEmailChangedAsync(ApplicationUser user, string oldAddress, CancellationToken cancellationToken)
    {
        string subject, body;
        using (Languages.Use(await LanguageAsync(user) ?? Languages.Current))
        {
            subject = Text.Get("Your FraudWeb email address was changed");
            body = Letter($"<p>{Text.Get("Hello,")}</p>" +
                   $"<p>{Text.Format("The email address of your FraudWeb account has just been changed to {0}. You now sign in with it, and mails about your account go there.", HtmlEncoder.Default.Encode(user.Email ?? ""))}</p>" +
                   $"<p>{Text.Get("If it was not you, contact support at once: someone else may have your account.")}</p>");
        }
        try
        {
            await email.SendEmailAsync(oldAddress, subject, body, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Logged by the sender; the address is changed either way.
        }
    }

    /// <summary>
    /// Tells the owner their password was changed (ASVS 2.2.3): if it was not them, whoever had a session or the mailbox
    /// has the account, and the mail says how to take it back. In the account's language, as an administrator's reset
    /// mail is. The change stands if the mail cannot be sent (the sender logs it for the operator).
    /// </summary>
    private async Task MailPasswordChangedAsync(ApplicationUser user, CancellationToken cancellationToken)
    {
        if (user.Email is null) return;
        string subject, body;
        using (Languages.Use(await LanguageAsync(user) ?? Languages.Current))
        {
            subject = Text.Get("Your FraudWeb password was changed");
            body = Letter($"<p>{Text.Get("Hello,")}</p><p>{Text.Get("The password of your FraudWeb account has just been changed.")}</p>" +
                   $"<p>{Text.Get("If it was not you, use \"Forgot your password?\" on the sign-in page at once to choose a new one, and contact support.")}</p>");
        }
        try
        {
            await email.SendEmailAsync(user.Email, subject, body, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Logged by the sender; the password is changed either way.
        }
    }

    /// <summary>
    /// Tells the holder their card was reported lost or stolen (a security event, as a password change is): if it was not
    /// them, someone has their session. Names the card by brand and last four only and links to it, where the payments
    /// they did not make can be reported. In the account's language; the card stays stopped if the mail cannot be sent.
    /// </summary>
    public async Task MailCardLostOrStolenAsync(string userId, CardBrand brand, string last4, string cardUrl, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user?.Email is null) return;
        string subject, body;
        using (Languages.Use(await LanguageAsync(user) ?? Languages.Current))
        {
            subject = Text.Get("Your card was reported lost or stolen");
            body = Letter($"<p>{Text.Get("Hello,")}</p><p>{Text.Format("Your card {0} has been reported lost or stolen on your FraudWeb account. It is stopped: every payment with it is refused.", System.Net.WebUtility.HtmlEncode(CardLabel.Mask(brand, last4)))}</p>" +
                   $"<p>{Text.Get("If a payment on it was not made by you, report it from the card's page:")} {Link(cardUrl, Text.Get("open the card"))}</p>" +
                   $"<p>{Text.Get("If it was not you who reported the card, use \"Forgot your password?\" on the sign-in page at once to choose a new one, and contact support.")}</p>");
        }
        try
        {
            await email.SendEmailAsync(user.Email, subject, body, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Logged by the sender; the card is stopped either way.
        }
    }

    /// <summary>Tells a card holder that staff changed their personal details (what changed is on their profile).</summary>
    public async Task MailDetailsChangedByStaffAsync(string userId, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user?.Email is null || !user.EmailConfirmed) return;
        string subject, body;
        using (Languages.Use(await LanguageAsync(user) ?? Languages.Current))
        {
            subject = Text.Get("Your personal details were changed");
            body = Letter($"<p>{Text.Get("Hello,")}</p><p>{Text.Get("The bank's staff changed the personal details on your FraudWeb account. Sign in to see them on your profile.")}</p>" +
                   $"<p>{Text.Get("If you did not ask for this, call the number on the back of your card.")}</p>");
        }
        try
        {
            await email.SendEmailAsync(user.Email, subject, body, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Logged by the sender; the change stands.
        }
    }

    /// <summary>
    /// Tells the holder the bank blocked their card (<paramref name="blocked"/> true) or lifted its block: names the card by
    /// brand and last four only, says what to do, links to its page. In the account's language; the block stands (or is
    /// lifted) if the mail cannot be sent. Staff's note is not sent: it is written for staff (docs/decisions/0028).
    /// </summary>
    public async Task MailCardBlockChangedAsync(string userId, CardBrand brand, string last4, bool blocked, string cardUrl, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId);
        if (user?.Email is null) return;
        string subject, body;
        using (Languages.Use(await LanguageAsync(user) ?? Languages.Current))
        {
            var card = System.Net.WebUtility.HtmlEncode(CardLabel.Mask(brand, last4));
            if (blocked)
            {
                subject = Text.Get("Your card was blocked by the bank");
                body = Letter($"<p>{Text.Get("Hello,")}</p><p>{Text.Format("We have blocked your card {0}: every payment with it is refused until we lift the block.", card)}</p>" +
                       $"<p>{Text.Get("If you did not ask for this, call the number on the back of your card. If the card is lost or stolen, report it from the card's page:")} {Link(cardUrl, Text.Get("open the card"))}</p>");
            }
            else
            {
                subject = Text.Get("Your card's block was lifted");
                body = Letter($"<p>{Text.Get("Hello,")}</p><p>{Text.Format("We have lifted the block on your card {0}: it takes payments again.", card)}</p>" +
                       $"<p>{Text.Get("If you did not expect this, call the number on the back of your card.")} {Link(cardUrl, Text.Get("open the card"))}</p>");
            }
        }
        try
        {
            await email.SendEmailAsync(user.Email, subject, body, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Logged by the sender; the block stands (or is lifted) either way.
        }
    }

    public const string TwoStepResetForStaff = "An administrator has reset two-step sign-in on your FraudWeb account: at your next sign-in, after your password, you set it up again with your authenticator app.";

    /// <summary>
    /// Tells the owner two-step sign-in was turned off on their account (ASVS 2.2.3), by them or by an administrator: if
    /// it was not them, someone has their password or talked support into it. In the account's language; a mail that
    /// cannot be sent leaves it off (the sender logs it).
    /// </summary>
    public async Task MailTwoStepOffAsync(string? userId, bool byAdministrator, CancellationToken cancellationToken)
    {
        var user = userId is null ? null : await users.FindByIdAsync(userId);
        if (user?.Email is null) return;
        string subject, body;
        // Staff cannot work without it: they set it up again at their next sign-in, after their password (MfaService).
        var staff = byAdministrator && MfaService.IsStaff(await db.PermissionsOfAsync(user.Id, cancellationToken));
        using (Languages.Use(await LanguageAsync(user) ?? Languages.Current))
        {
            subject = Text.Get("Two-step sign-in was turned off");
            body = Letter($"<p>{Text.Get("Hello,")}</p><p>" + (staff
                       ? Text.Get(TwoStepResetForStaff)
                       : byAdministrator
                       ? Text.Get("An administrator has turned off two-step sign-in on your FraudWeb account: signing in now needs only your password.")
                       : Text.Get("Two-step sign-in has just been turned off on your FraudWeb account: signing in now needs only your password.")) + "</p>" +
                   $"<p>{Text.Get("If it was not you, use \"Forgot your password?\" on the sign-in page at once to choose a new one, and contact support.")}</p>");
        }
        try
        {
            await email.SendEmailAsync(user.Email, subject, body, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Logged by the sender; two-step sign-in is off either way.
        }
    }

    /// <summary>
    /// The last mail to someone who closed their own account (docs/decisions/0024), in the account's language (read by
    /// the caller before the account went): what was erased, what the issuer keeps, and what to do if it was not them.
    /// The account is closed whether or not it can be sent (the sender logs it for the operator).
    /// </summary>
    public async Task MailAccountClosedAsync(string address, string language, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        string subject, body;
        using (Languages.Use(Languages.IsSupported(language) ? language : Languages.Current))
        {
            subject = Text.Get("Your FraudWeb account is closed");
            body = Letter($"<p>{Text.Get("Hello,")}</p><p>{Text.Get("Your FraudWeb account has been closed at your request: you can no longer sign in, your personal details and the words of your fraud reports are erased, and your API keys no longer work.")}</p>" +
                   $"<p>{Text.Get("As a card issuer must, we keep your cards' last four digits, balances and payments as financial records, no longer linked to your name.")}</p>" +
                   $"<p>{Text.Get("If it was not you, contact support at once: someone had your password.")}</p>");
        }
        try
        {
            await email.SendEmailAsync(address, subject, body, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Logged by the sender; the account is closed either way.
        }
    }

    /// <summary>
    /// The forgot-password form: the address is looked up and any link mailed after the answer
    /// (<see cref="PasswordResetMailer"/>), so neither what the page says nor when it says it tells who has an
    /// account. The mail is in the visitor's language. <paramref name="resetUrl"/> must not need the request.
    /// </summary>
    public ValueTask RequestPasswordResetAsync(string emailAddress, Func<string, string> resetUrl, CancellationToken cancellationToken) =>
        resets.EnqueueAsync(new PasswordResetMailer.Request(emailAddress, resetUrl, Languages.Current), cancellationToken);

    /// <summary>
    /// Mails a reset link when the address belongs to an account; says nothing either way, so the form cannot be used
    /// to find out who has an account. A mail that cannot be sent says nothing either (it is logged for the operator):
    /// an error only for addresses with an account would tell who has one.
    /// </summary>
    public async Task SendPasswordResetAsync(string emailAddress, Func<string, string> resetUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resetUrl);
        var user = await users.FindByEmailAsync(emailAddress.Trim());
        if (user?.Email is null) return;
        // A reset must not become a way around an administrator's lock.
        if (AdminLock.IsLockedByAdmin(user)) return;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var encoded = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var url = resetUrl(encoded);
        var body = Letter($"<p>{Text.Get("Hello,")}</p>" +
                   $"<p>{Text.Format("Someone asked to reset the password of your FraudWeb account. If it was you, {0}.", Link(url, Text.InContext("link", "choose a new password")))}</p>" +
                   $"<p>{Text.Get("If it was not you, ignore this message: your password stays as it is.")}</p>");
        try
        {
            await email.SendEmailAsync(user.Email, Text.Get("Reset your FraudWeb password"), body, cancellationToken);
        }
        catch (MailNotSentException)
        {
            // Logged by the sender; the person sees the usual page and can ask again.
        }
    }

    /// <summary>
    /// Mails the owner of an account whose password an administrator removed: the old password no longer works, and a
    /// link to choose one (not the self-service reset mail, which says the password stays as it is if ignored).
    /// </summary>
    public async Task SendForcedPasswordResetAsync(ApplicationUser user, Func<string, string> resetUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(resetUrl);
        if (user.Email is null) return;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var url = resetUrl(WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token)));
        string subject, body;
        // In the owner's language, not the administrator's.
        using (Languages.Use(await LanguageAsync(user) ?? Languages.Current))
        {
            subject = Text.Get("Your FraudWeb password was reset");
            body = Letter($"<p>{Text.Get("Hello,")}</p>" +
                   $"<p>{Text.Format("An administrator has reset the password of your FraudWeb account: the old password no longer works. To sign in again, {0}.", Link(url, Text.InContext("link", "choose a new password")))}</p>" +
                   $"<p>{Text.Get("If the link has expired, use \"Forgot your password?\" on the sign-in page. If you did not expect this, contact your administrator.")}</p>");
        }
        await email.SendEmailAsync(user.Email, subject, body, cancellationToken);
    }

    /// <summary>
    /// The language the account's mails are written in when someone else sends them (an administrator's reset): the
    /// one it registered or was invited in, then the one chosen with the footer's switch while signed in or before signing in
    /// (Infrastructure.Localization.SignInLanguage); null for
    /// accounts older than this.
    /// </summary>
    public Task<string?> LanguageAsync(ApplicationUser user) =>
        users.GetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, LanguageToken);

    /// <summary>The signed-in person chose a language: their mails follow it.</summary>
    public async Task RememberLanguageAsync(string userId, string language)
    {
        if (!Languages.IsSupported(language)) return;
        var user = await users.FindByIdAsync(userId);
        if (user is null || await LanguageAsync(user) == language) return;
        try
        {
            await users.SetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, LanguageToken, language);
        }
        catch (DbUpdateException ex) when (!Infrastructure.Database.DatabaseFaults.IsUnavailable(ex))
        {
            // Two switches at the same moment on an account with no language yet (one made by create-admin): both added
            // the row and the second was refused by its key (a 500). One of the two choices is kept; so was a later one's.
            db.ChangeTracker.Clear();
        }
    }

    private const string LanguageToken = "Language";

    /// <summary>The language an invitation not yet accepted was written in; null for every other account.</summary>
    public Task<string?> InvitationLanguageAsync(ApplicationUser user) =>
        users.GetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, InvitationLanguageToken);

    private const string InvitationLanguageToken = "InvitationLanguage";

    /// <summary>
    /// Mails an account created by an administrator its invitation: what the account is for, and a link (valid for
    /// <see cref="InvitationTokenProvider.Lifetime"/>) to choose a password. <paramref name="acceptUrl"/> makes the
    /// link from the encoded token alone. The mail is written in <paramref name="language"/> (a supported
    /// culture name), whatever the inviting administrator's language.
    /// </summary>
    public async Task SendInvitationAsync(ApplicationUser user, bool staff, string language, Func<string, string> acceptUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(acceptUrl);
        if (user.Email is null) return;
        var token = await users.GenerateUserTokenAsync(user, InvitationTokenProvider.ProviderName, InvitationTokenProvider.Purpose);
        var url = acceptUrl(WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token)));
        string subject, body;
        using (Languages.Use(language))
        {
            (subject, body) = Invitation(staff, url);
        }
        // Kept until the invitation is accepted, so a new link goes out in the same language, whoever sends it; the
        // account's language for later mails too.
        await users.SetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, InvitationLanguageToken, language);
        await users.SetAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, LanguageToken, language);
        await email.SendEmailAsync(user.Email, subject, body, cancellationToken);
    }

    /// <summary>The invitation's subject and body in the current culture.</summary>
    private static (string Subject, string Body) Invitation(bool staff, string url)
    {
        var accept = Link(url, Text.Get("accept the invitation and choose your password"));
        var invited = staff
            ? Text.Format("You are invited to FraudWeb: an administrator has opened a FraudWeb staff account for you. To start, {0}.", accept)
            : Text.Format("You are invited to FraudWeb: an administrator has opened a FraudWeb account for you, where you can add your cards and see every payment checked for fraud. To start, {0}.", accept);
        var body = Letter($"<p>{Text.Get("Hello,")}</p><p>{invited}</p>" +
                   $"<p>{Text.Format("The link works for {0:0} days. If it has expired, ask your administrator to send you a new link.", InvitationTokenProvider.Lifetime.TotalDays)}</p>" +
                   (staff ? $"<p>{Text.Get("After choosing your password you will set up two-step sign-in with an authenticator app: staff accounts need it.")}</p>" : "") +
                   $"<p>{Text.Get("If you did not expect this invitation, ignore this message: nothing happens until the link is used.")}</p>");
        return (Text.Get("You are invited to FraudWeb"), body);
    }

    /// <summary>
    /// Accepts an invitation: the account's first password, chosen through the invitation link. The link works once
    /// (setting the password renews the security stamp the token is bound to) and never for an account that has a password.
    /// </summary>
    public async Task<Result> AcceptInvitationAsync(string? email, string encodedToken, string password)
    {
        // Same answer for unknown accounts, used links and bad tokens.
        var invalid = Text.Get("This invitation link is not valid, has expired or was already used. Ask your administrator to send you a new link.");
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(encodedToken));
        }
        catch (FormatException)
        {
            return Result.Fail(ErrorCode.Invalid, invalid);
        }
        // The account comes from the token, never from the typed address (ResetPasswordAsync says why).
        var user = await TokenAccountAsync(invitationTokens.UserIdOf(token), email);
        if (user is null || user.PasswordHash is not null || AdminLock.IsLockedByAdmin(user)) return Result.Fail(ErrorCode.Invalid, invalid);
        if (!await users.VerifyUserTokenAsync(user, InvitationTokenProvider.ProviderName, InvitationTokenProvider.Purpose, token)) return Result.Fail(ErrorCode.Invalid, invalid);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var result = await users.AddPasswordAsync(user, password);
        if (!result.Succeeded) return FromIdentity(result, Fields.Password);
        await audit.AppendAsync(user.Id, AccountAuditActions.PasswordSet, AccountAuditActions.UserTarget, user.Id, null, new { Via = "invitation" }, CancellationToken.None);
        await db.SaveChangesAsync();
        await users.RemoveAuthenticationTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, InvitationLanguageToken);
        await transaction.CommitAsync();
        return Result.Ok;
    }

    public const string ResetMeanwhile = "Your account was changed at the same moment, so nothing was saved. Please send the form again.";

    public const string DetailsNeeded = "To finish creating your account, enter your details as well as your password.";

    /// <summary>
    /// Whether a mailed reset link finishes a registration never confirmed, so its page asks for the personal details
    /// too (<see cref="ResetPasswordAsync"/>). False for a link that is not valid: its form then says so when sent.
    /// </summary>
    public async Task<bool> FinishesRegistrationAsync(string? email, string encodedToken)
    {
        var (user, token) = await ResetLinkAccountAsync(email, encodedToken);
        return user is { EmailConfirmed: false } &&
               await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<ApplicationUser>.ResetPasswordTokenPurpose, token!);
    }

    /// <summary>The account a reset link was made for, and its token decoded; null when the link names none (or a locked one).</summary>
    private async Task<(ApplicationUser? User, string? Token)> ResetLinkAccountAsync(string? email, string encodedToken)
    {
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(encodedToken));
        }
        catch (FormatException)
        {
            return (null, null);
        }
        // The account comes from the token, and the typed address must be its: looked up by address, an address with an
        // account cost a lookup that found a row (and a token check) that one without did not, so a made-up link told
        // who has an account by its time (docs/decisions/0031). The caller checks the token in full.
        var user = await TokenAccountAsync(resetTokens.UserIdOf(token), email);
        return user is null || AdminLock.IsLockedByAdmin(user) ? (null, null) : (user, token);
    }

    /// <summary>
    /// Sets the password from a mailed reset link. The account's API keys are revoked with it (how many the value says):
    /// a reset is how an owner takes an account back, and a key made by whoever had it would outlive every session.
    /// A link that finishes a registration never confirmed confirms the address and needs <paramref name="details"/>
    /// (Refused with <see cref="DetailsNeeded"/> without them), which replace those typed at registration: whoever
    /// registered the address first may have been a stranger, whose name, birth date and address would otherwise stay
    /// on the owner's account and in its export.
    /// </summary>
    public async Task<Result<PasswordResetDone>> ResetPasswordAsync(string? email, string encodedToken, string password, PersonalDetails? details,
        CancellationToken cancellationToken = default)
    {
        // Same answer for unknown accounts and bad tokens.
        var invalid = Text.Get("This reset link is not valid or has expired. Request a new one.");
        var (user, token) = await ResetLinkAccountAsync(email, encodedToken);
        if (user is null) return Result.Fail<PasswordResetDone>(ErrorCode.Invalid, invalid);
        if (!user.EmailConfirmed && details is null)
        {
            // Only once the link is known to be good: a made-up link learns nothing of the account.
            return await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<ApplicationUser>.ResetPasswordTokenPurpose, token!)
                ? Result.Fail<PasswordResetDone>(ErrorCode.Refused, Text.Get(DetailsNeeded)) : Result.Fail<PasswordResetDone>(ErrorCode.Invalid, invalid);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!user.EmailConfirmed)
        {
            // Staged before the reset, whose save writes them with the password, in the transaction the confirmation commits in.
            try
            {
                await StageFinishedDetailsAsync(user, details!, cancellationToken);
            }
            catch (DomainException ex)
            {
                return Result.Fail<PasswordResetDone>(ErrorCode.Invalid, Text.Of(ex));
            }
        }
        var result = await users.ResetPasswordAsync(user, token!, password);
        if (result.Succeeded)
        {
            // The first password of an address registered twice (MailFinishRegistrationAsync) is no change to tell of.
            var wasConfirmed = user.EmailConfirmed;
            // The link came to the mailbox, so following it confirms the address: the way an address registered twice
            // before confirmation is finished (MailFinishRegistrationAsync).
            if (!user.EmailConfirmed)
            {
                user.EmailConfirmed = true;
                await users.UpdateAsync(user);
                LogConfirmed(logger, user.Id);
            }
            // A successful reset also ends a sign-in failure lockout, as the person has proved they own the mailbox;
            // an administrator's lock set meanwhile stays.
            if (!AdminLock.IsLockedByAdmin(user)) await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            var revoked = await keys.RevokeAllAsync(user.Id, user.Id, cancellationToken);
            await audit.AppendAsync(user.Id, AccountAuditActions.PasswordSet, AccountAuditActions.UserTarget, user.Id, null,
                new { Via = "reset-link", KeysRevoked = revoked, FinishedRegistration = !wasConfirmed }, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            if (wasConfirmed) await MailPasswordChangedAsync(user, cancellationToken);
            return Result.Success(new PasswordResetDone(revoked, !wasConfirmed));
        }
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken))) return Result.Fail<PasswordResetDone>(ErrorCode.Invalid, invalid);
        // The account changed at the same moment (registered again, a sign-in): nothing was kept, the link still works.
        if (result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.ConcurrencyFailure)))
            return Result.Fail<PasswordResetDone>(ErrorCode.Conflict, Text.Get(ResetMeanwhile));
        return FromIdentity(result, Fields.Password).As<PasswordResetDone>();
    }

    /// <summary>
    /// The owner's details, language and phone number on an account being finished, in place of the registration's
    /// (the caller saves). Throws <see cref="DomainException"/> when a detail breaks the card holder's rules.
    /// </summary>
    private async Task StageFinishedDetailsAsync(ApplicationUser user, PersonalDetails details, CancellationToken cancellationToken)
    {
        // Every registration makes a card holder; an account without one (made some other way) gets one now, so the
        // details the page took are kept as it says.
        if (await db.CardHolders.OwnedBy(user.Id).FirstOrDefaultAsync(cancellationToken) is { } holder)
        {
            // The consent on record came with the first registration's details, perhaps a stranger's: the owner of the
            // mailbox, finishing the account now, is asked for their own at their first page.
            holder.ForgetConsent();
        }
        else db.CardHolders.Add(details.Register(user.Id, issuer.At(clock.GetUtcNow().UtcDateTime)));
        await StagePendingDetailsAsync(user, details, cancellationToken);
        // The language the page was finished in, as a sign-in records it (SignInLanguage): the footer's choice, or the
        // mailed link's, whose language is the last registration's (possibly a stranger's, who could only choose that).
        await ((IUserAuthenticationTokenStore<ApplicationUser>)userStore).SetTokenAsync(user, SingleUseAuthenticatorTokenProvider.LoginProvider, LanguageToken,
            Languages.Current, cancellationToken);
    }

    /// <summary>
    /// The account a token was made for. Links carry the token alone (an address in a URL ends up in logs and
    /// histories); an address still sent (a link mailed before, a hand-made form) must be the account's.
    /// </summary>
    private async Task<ApplicationUser?> TokenAccountAsync(string? tokenUserId, string? email)
    {
        if (tokenUserId is null) return null;
        var user = await users.FindByIdAsync(tokenUserId);
        if (user is null || string.IsNullOrWhiteSpace(email)) return user;
        return string.Equals(user.NormalizedEmail, users.NormalizeEmail(email.Trim()), StringComparison.Ordinal) ? user : null;
    }

    /// <summary>
    /// What a mailed reset link's page shows: the account's address (for password managers, in the page, never the URL)
    /// when the link is good, and whether it finishes a registration. Nothing for a link that is not valid.
    /// </summary>
    public async Task<(string? Email, bool FinishesRegistration)> ResetLinkAsync(string encodedToken)
    {
        var (user, token) = await ResetLinkAccountAsync(null, encodedToken);
        if (user is null || !await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<ApplicationUser>.ResetPasswordTokenPurpose, token!))
            return (null, false);
        return (user.Email, !user.EmailConfirmed);
    }

    /// <summary>The invited account's address, shown on the invitation's page, when the link is good; otherwise null.</summary>
    public async Task<string?> InvitationAddressAsync(string encodedToken)
    {
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(encodedToken));
        }
        catch (FormatException)
        {
            return null;
        }
        var user = await TokenAccountAsync(invitationTokens.UserIdOf(token), null);
        if (user is null || user.PasswordHash is not null || AdminLock.IsLockedByAdmin(user)) return null;
        return await users.VerifyUserTokenAsync(user, InvitationTokenProvider.ProviderName, InvitationTokenProvider.Purpose, token) ? user.Email : null;
    }

    /// <summary>
    /// The new address an address-change link was made for, read from its token (encrypted, so the link names no
    /// address); null when the token is not one of ours. The change itself checks the token in full.
    /// </summary>
    public string? EmailChangeAddressOf(string? encodedToken)
    {
        if (string.IsNullOrWhiteSpace(encodedToken)) return null;
        try
        {
            var purpose = changeEmailTokens.PurposeOf(Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(encodedToken)));
            const string prefix = "ChangeEmail:";
            return purpose is not null && purpose.StartsWith(prefix, StringComparison.Ordinal) && purpose.Length > prefix.Length ? purpose[prefix.Length..] : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Result FromIdentity(IdentityResult result, string field) =>
        Result.Fail(result.Errors.Select(e => e.Code switch
        {
            "DuplicateUserName" or "DuplicateEmail" => new Failure(ErrorCode.Conflict, Describe(e), Fields.Email),
            // The user name is the address: what Identity says of either is said at the address.
            "InvalidUserName" or "InvalidEmail" => new Failure(ErrorCode.Invalid, Describe(e), Fields.Email),
            _ => new Failure(ErrorCode.Invalid, Describe(e), field),
        }).Distinct().ToList());

    private static string Describe(IdentityError error) => error.Code switch
    {
        "DuplicateUserName" or "DuplicateEmail" => Text.Get("An account with this email address already exists."),
        _ => error.Description,
    };

    /// <summary>
    /// A mail's whole HTML in the current language, which it names (<c>lang</c>), so a reader's voice, fonts and
    /// hyphenation are the mail's language's, as on the pages (WCAG 3.1.1).
    /// </summary>
    private static string Letter(string paragraphs) =>
        $"<!DOCTYPE html><html lang=\"{Languages.Current}\"><head><meta charset=\"utf-8\"></head><body>{paragraphs}</body></html>";

    /// <summary>A mail's link: the address encoded for the attribute, the text (a translated phrase) as it is.</summary>
    /// <summary>
    /// A mailed link opens its page in the mail's language (the current one), whatever the browser asks for; the page
    /// keeps it (<see cref="QueryCultureCookieMiddleware"/>).
    /// </summary>
    private static string Link(string url, string text) =>
        $"<a href=\"{HtmlEncoder.Default.Encode(QueryHelpers.AddQueryString(url, "culture", Languages.Current))}\">{text}</a>";

    /// <summary>The inputs errors can point at; forms use the same names.</summary>
    public static class Fields
    {
        public const string Email = "Email";
        public const string Password = "Password";
        public const string CurrentPassword = "CurrentPassword";
        public const string NewPassword = "NewPassword";
        public const string NewEmail = "NewEmail";
        public const string Consent = "SensitiveDataConsent";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Password accepted for user {UserId} ({Outcome})")]
    private static partial void LogSignedIn(ILogger logger, string userId, SignInOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for user {UserId} ({Outcome})")]
    private static partial void LogSignInFailed(ILogger logger, string userId, SignInOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Sign-in refused for an address with no account")]
    private static partial void LogSignInFailedUnknownAddress(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered user {UserId}")]
    private static partial void LogRegistered(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} confirmed their email address")]
    private static partial void LogConfirmed(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} asked to change their email address")]
    private static partial void LogEmailChangeAsked(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "User {UserId} changed their email address")]
    private static partial void LogEmailChanged(ILogger logger, string userId);
}
