using FraudWeb.Authorization;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Infrastructure.Localization;
using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Services.Accounts;

/// <summary>An authenticator app's enrolment: the shared key as people type it and the otpauth URI a QR code carries.</summary>
public sealed record AuthenticatorEnrolment(bool Enabled, string SharedKey, string AuthenticatorUri, bool MfaRequired, int RecoveryCodesLeft);

/// <summary>
/// ASVS 2.8: authenticator-app TOTP with Identity's own token provider and recovery codes. Staff (Analyst, Admin)
/// must use it and may not turn it off or have a browser remembered; card holders may opt in.
/// </summary>
public sealed partial class MfaService(UserManager<ApplicationUser> users, SignInManager<ApplicationUser> signIn, IUserStore<ApplicationUser> store,
    Data.FraudDbContext db, IAccountAudit audit, ILogger<MfaService> logger)
{
    /// <summary>
    /// Runs the Identity changes (each saved as Identity saves) and the audit entry of them in one transaction: a second
    /// factor turned on or off, or new recovery codes, are changes to credentials the audit log keeps (PCI DSS 10.2.1.5).
    /// </summary>
    /// <returns>Null when Identity refused a step (the account changed at the same moment): nothing is kept, and the
    /// account's unsaved change is forgotten so that no later save tries it again.</returns>
    private async Task<T?> AuditedAsync<T>(ApplicationUser user, string action, Func<Task<(bool Saved, T Value)>> change) where T : class
    {
        await using var transaction = await db.Database.BeginTransactionAsync();
        var (saved, value) = await change();
        if (!saved)
        {
            db.ChangeTracker.Clear();
            return null;
        }
        await audit.AppendAsync(user.Id, action, AccountAuditActions.UserTarget, user.Id, null, null, CancellationToken.None);
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        return value;
    }

    public const string ChangedMeanwhile = "Your account was changed at the same moment, so nothing was saved. Please send the form again.";

    public const int RecoveryCodeCount = 10;
    private const string Issuer = "FraudWeb";

    /// <summary>
    /// Staff are whoever holds a staff permission (<see cref="Permissions.DoesStaffWork(IEnumerable{string})"/>), whatever
    /// their roles are called: access follows permissions, which an administrator may grant any role, so two-step
    /// sign-in must too. Callers pass the signed-in person's permissions (ClaimsPrincipalPermissions.GetPermissions).
    /// </summary>
    public static bool IsStaff(IEnumerable<string> permissions) => Permissions.DoesStaffWork(permissions);

    /// <summary>Whether the signed-in person must enrol before using the site's staff pages.</summary>
    /// <param name="userId">The signed-in user's id; null (no id claim) counts as an unknown user.</param>
    /// <param name="permissions">The permissions the person holds.</param>
    public async Task<bool> MustEnrolAsync(string? userId, IEnumerable<string> permissions)
    {
        if (!IsStaff(permissions)) return false;
        var user = await FindAsync(userId);
        return user is not null && !await users.GetTwoFactorEnabledAsync(user);
    }

    /// <summary>The key to enrol with (created on first use), or the state of an existing enrolment.</summary>
    public async Task<Result<AuthenticatorEnrolment>> GetEnrolmentAsync(string? userId, IEnumerable<string> permissions)
    {
        var user = await FindAsync(userId);
        if (user is null) return Result.Fail<AuthenticatorEnrolment>(ErrorCode.NotFound, Text.Get("Please sign in again."));
        var key = await users.GetAuthenticatorKeyAsync(user);
        if (string.IsNullOrEmpty(key))
        {
            key = await CreatePendingKeyAsync(user);
        }
        var account = Uri.EscapeDataString(user.Email ?? user.UserName ?? user.Id);
        var uri = $"otpauth://totp/{Issuer}:{account}?secret={key}&issuer={Issuer}&digits=6";
        return Result.Success(new AuthenticatorEnrolment(await users.GetTwoFactorEnabledAsync(user), FormatKey(key), uri,
            IsStaff(permissions), await users.CountRecoveryCodesAsync(user)));
    }

    /// <summary>
    /// Stores a new key for the enrolment page without renewing the security stamp. UserManager's
    /// ResetAuthenticatorKeyAsync renews it, and stamps are checked on every request, so merely opening the page would
    /// sign the person out of every other session. The key protects nothing until a code from the app enables two-step
    /// sign-in, which renews the stamp then.
    /// </summary>
    private async Task<string> CreatePendingKeyAsync(ApplicationUser user)
    {
        if (store is not IUserAuthenticatorKeyStore<ApplicationUser> keys) throw new InvalidOperationException("The user store keeps no authenticator keys.");
        var key = users.GenerateNewAuthenticatorKey();
        await keys.SetAuthenticatorKeyAsync(user, key, CancellationToken.None);
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded) throw new InvalidOperationException("The authenticator key was not stored: " + string.Join(" ", updated.Errors.Select(e => e.Code)));
        return key;
    }

    /// <summary>Checks a code from the app against the pending key, turns 2FA on and returns new recovery codes (shown once).</summary>
    public async Task<Result<IReadOnlyList<string>>> EnableAsync(string? userId, string code)
    {
        var user = await FindAsync(userId);
        if (user is null) return Result.Fail<IReadOnlyList<string>>(ErrorCode.NotFound, Text.Get("Please sign in again."));
        var valid = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Normalize(code));
        if (!valid) return Result.Fail<IReadOnlyList<string>>(ErrorCode.Invalid, Text.Get("That code is not correct. Enter the current 6-digit code from your app."), "Code");
        var codes = await AuditedAsync(user, AccountAuditActions.TwoStepOn, async () =>
        {
            if (!(await users.SetTwoFactorEnabledAsync(user, true)).Succeeded) return (false, new List<string>());
            var made = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
            return (made is not null, made?.ToList() ?? []);
        });
        if (codes is null) return Result.Fail<IReadOnlyList<string>>(ErrorCode.Conflict, Text.Get(ChangedMeanwhile));
        // Enabling renewed the security stamp; keep this session (its owner just proved the second factor).
        await signIn.RefreshKeepingItsStartAsync(user);
        LogEnabled(logger, user.Id);
        return Result.Success<IReadOnlyList<string>>(codes);
    }

    /// <summary>New recovery codes in place of the old ones (shown once), after a current code from the app.</summary>
    public async Task<Result<IReadOnlyList<string>>> RenewRecoveryCodesAsync(string? userId, string code)
    {
        var user = await FindAsync(userId);
        if (user is null) return Result.Fail<IReadOnlyList<string>>(ErrorCode.NotFound, Text.Get("Please sign in again."));
        if (!await users.GetTwoFactorEnabledAsync(user)) return Result.Fail<IReadOnlyList<string>>(ErrorCode.Invalid, Text.Get("Two-step sign-in is off."));
        var valid = await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Normalize(code));
        if (!valid)
        {
            // New codes are a lasting second factor: a wrong code counts as a failed sign-in, as at the second sign-in
            // step, so a session alone (perhaps someone else's) cannot guess its way to them; at the lockout every session ends.
            await users.AccessFailedAsync(user);
            if (!await users.IsLockedOutAsync(user)) return Result.Fail<IReadOnlyList<string>>(ErrorCode.Invalid, Text.Get(WrongCode), CodeField);
            await users.UpdateSecurityStampAsync(user);
            await signIn.SignOutAsync();
            return Result.Fail<IReadOnlyList<string>>(ErrorCode.Refused, Text.Get(WrongCode), CodeField);
        }
        await users.ResetAccessFailedCountAsync(user);
        var codes = await AuditedAsync(user, AccountAuditActions.RecoveryCodes, async () =>
        {
            var made = await users.GenerateNewTwoFactorRecoveryCodesAsync(user, RecoveryCodeCount);
            return (made is not null, made?.ToList() ?? []);
        });
        if (codes is null) return Result.Fail<IReadOnlyList<string>>(ErrorCode.Conflict, Text.Get(ChangedMeanwhile));
        LogRecoveryCodesRenewed(logger, user.Id);
        return Result.Success<IReadOnlyList<string>>(codes);
    }

    public const string PasswordField = "CurrentPassword";
    public const string CodeField = "Code";
    public const string WrongCode = "That code is not correct. Enter the current 6-digit code from your app.";

    /// <summary>
    /// Turns 2FA off and forgets the key, once the password is given again (ASVS 3.7.1: a session alone, perhaps someone
    /// else's copy, must not remove the second factor); refused for staff, for whom it is required. A wrong password
    /// counts as a failed sign-in; at the lockout every session ends (Refused on <see cref="PasswordField"/>). The value
    /// says whether it was on (false: already off, nothing changed).
    /// </summary>
    public async Task<Result<bool>> DisableAsync(string? userId, IEnumerable<string> permissions, string password)
    {
        if (IsStaff(permissions)) return Result.Fail<bool>(ErrorCode.Refused, Text.Get("Two-step sign-in is required for staff accounts and cannot be turned off."));
        var user = await FindAsync(userId);
        if (user is null) return Result.Fail<bool>(ErrorCode.NotFound, Text.Get("Please sign in again."));
        if (!await users.CheckPasswordAsync(user, password))
        {
            await users.AccessFailedAsync(user);
            if (!await users.IsLockedOutAsync(user))
                return Result.Fail<bool>(ErrorCode.Invalid, Text.Get("That password is not correct; two-step sign-in is still on."), PasswordField);
            await users.UpdateSecurityStampAsync(user);
            await signIn.SignOutAsync();
            return Result.Fail<bool>(ErrorCode.Refused, Text.Get("That password is not correct; two-step sign-in is still on."), PasswordField);
        }
        await users.ResetAccessFailedCountAsync(user);
        // Already off: nothing to change, and renewing the stamp would end the person's other sessions for nothing.
        if (!await users.GetTwoFactorEnabledAsync(user)) return Result.Success(false);
        var off = await AuditedAsync(user, AccountAuditActions.TwoStepOff, async () =>
        {
            if (!(await users.SetTwoFactorEnabledAsync(user, false)).Succeeded) return (false, "");
            return ((await users.ResetAuthenticatorKeyAsync(user)).Succeeded, "off");
        });
        if (off is null) return Result.Fail<bool>(ErrorCode.Conflict, Text.Get(ChangedMeanwhile));
        await signIn.ForgetTwoFactorClientAsync();
        await signIn.RefreshKeepingItsStartAsync(user);
        LogDisabled(logger, user.Id);
        return Result.Success(true);
    }

    /// <summary>Whether a password has been checked and the second step is pending.</summary>
    public async Task<bool> HasPendingSecondStepAsync() => await signIn.GetTwoFactorAuthenticationUserAsync() is not null;

    /// <summary>The second sign-in step with an authenticator code; failures count towards lockout.</summary>
    public async Task<SignInOutcome> SignInWithCodeAsync(string code, bool rememberMe, bool rememberBrowser)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null) return SignInOutcome.NotAllowed;
        // Staff always give the second factor: a remembered browser would skip it.
        var remember = rememberBrowser && !await IsStaffUserAsync(user);
        var outcome = Outcome(await signIn.TwoFactorAuthenticatorSignInAsync(Normalize(code), rememberMe, remember));
        LogSecondStep(logger, user.Id, "authenticator code", outcome);
        return outcome;
    }

    /// <summary>The second sign-in step with a recovery code (each works once).</summary>
    public async Task<SignInOutcome> SignInWithRecoveryCodeAsync(string recoveryCode, bool rememberMe)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null) return SignInOutcome.NotAllowed;
        // Identity's recovery sign-in neither checks the lockout nor counts a wrong code (the code step does both): an
        // account locked after its password was given signed in anyway, and wrong codes could be tried without end.
        if (await users.IsLockedOutAsync(user)) return SignInOutcome.LockedOut;
        // Codes are shown in upper case; a person may type them in any case.
        var code = recoveryCode.Normalize(NormalizationForm.FormKC).Replace(" ", "", StringComparison.Ordinal).Trim().ToUpperInvariant();
        var outcome = Outcome(await signIn.TwoFactorRecoveryCodeSignInAsync(code));
        if (outcome == SignInOutcome.Failed)
        {
            await users.AccessFailedAsync(user);
            if (await users.IsLockedOutAsync(user)) outcome = SignInOutcome.LockedOut;
        }
        LogSecondStep(logger, user.Id, "recovery code", outcome);
        if (outcome == SignInOutcome.LockedOut) return outcome;
        // Identity's recovery sign-in always makes a session cookie; "keep me signed in" asks for a persistent one,
        // as the code step gives. Signed in again with the same second-factor claim (amr = mfa).
        if (outcome == SignInOutcome.Succeeded && rememberMe) await signIn.SignInWithClaimsAsync(user, isPersistent: true, [new Claim("amr", "mfa")]);
        return outcome;
    }

    /// <summary>
    /// Before the second step there is no signed-in principal yet: Identity's claims factory makes the one this sign-in
    /// would carry, so staff are told apart by the same permission claims as everywhere else.
    /// </summary>
    private async Task<bool> IsStaffUserAsync(ApplicationUser user) => IsStaff((await signIn.CreateUserPrincipalAsync(user)).GetPermissions());

    /// <summary>The user by id, or null: what UserManager.GetUserAsync did with the principal's id claim.</summary>
    private async Task<ApplicationUser?> FindAsync(string? userId) => userId is null ? null : await users.FindByIdAsync(userId);

    private static SignInOutcome Outcome(SignInResult result) =>
        result.Succeeded ? SignInOutcome.Succeeded : result.IsLockedOut ? SignInOutcome.LockedOut : result.IsNotAllowed ? SignInOutcome.NotAllowed : SignInOutcome.Failed;

    private static string Normalize(string code) => NormalizeCode(code);

    /// <summary>
    /// A code as typed: full-width digits from an input method (NFKC makes them ASCII), spaces anywhere (a pasted code,
    /// or grouped "123 456") and dashes dropped. The forms apply it before checking a code's length.
    /// </summary>
    public static string NormalizeCode(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        var normalized = code.Normalize(NormalizationForm.FormKC);
        return string.Concat(normalized.Where(c => !char.IsWhiteSpace(c) && c != '-'));
    }

    /// <summary>Groups of four lower-case characters, easier to type into an app.</summary>
    private static string FormatKey(string key)
    {
        var result = new StringBuilder();
        for (var i = 0; i < key.Length; i += 4)
        {
            if (i > 0) result.Append(' ');
            result.Append(key.AsSpan(i, Math.Min(4, key.Length - i)));
        }
        return result.ToString().ToLower(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Second sign-in step for user {UserId} with a {Means}: {Outcome}")]
    private static partial void LogSecondStep(ILogger logger, string userId, string means, SignInOutcome outcome);

    [LoggerMessage(Level = LogLevel.Information, Message = "Two-step sign-in enabled for user {UserId}")]
    private static partial void LogEnabled(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Two-step sign-in disabled for user {UserId}")]
    private static partial void LogDisabled(ILogger logger, string userId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Two-step sign-in: new recovery codes for user {UserId}")]
    private static partial void LogRecoveryCodesRenewed(ILogger logger, string userId);
}
