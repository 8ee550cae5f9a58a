using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Email;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace FraudWeb.Services.Accounts;

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
    NotAllowed,
    RequiresTwoFactor,
}

/// <summary>Registration, sign-in and password management on top of ASP.NET Core Identity.</summary>
public sealed partial class AccountService(
    UserManager<ApplicationUser> users,
    SignInManager<ApplicationUser> signIn,
    FraudDbContext db,
    IEmailSender email,
    TimeProvider clock,
    ILogger<AccountService> logger)
{
    /// <summary>Creates the sign-in account and its card holder in one transaction, then signs the person in.</summary>
    public async Task<Result> RegisterAsync(string email, string password, PersonalDetails details, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(email);
        ArgumentNullException.ThrowIfNull(details);
        var now = clock.GetUtcNow().UtcDateTime;
        try
        {
            _ = details.ToAddress();
            CardHolder.EnsureAdult(details.DateOfBirth, now);
        }
        catch (DomainException ex)
        {
            return Result.Fail(ErrorCode.Invalid, ex.Message);
        }

        var user = new ApplicationUser { UserName = email.Trim(), Email = email.Trim(), PhoneNumber = details.PhoneNumber.Trim(), CreatedUtc = now };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return FromIdentity(created, Fields.Password);
        var role = await users.AddToRoleAsync(user, Roles.Customer);
        if (!role.Succeeded) return FromIdentity(role, "");
        db.CardHolders.Add(details.Register(user.Id, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await signIn.SignInAsync(user, isPersistent: false);
        LogRegistered(logger, user.Id);
        return Result.Ok;
    }

    public async Task<SignInOutcome> SignInAsync(string email, string password, bool rememberMe)
    {
        ArgumentNullException.ThrowIfNull(email);
        var result = await signIn.PasswordSignInAsync(email.Trim(), password, rememberMe, lockoutOnFailure: true);
        if (result.Succeeded) return SignInOutcome.Succeeded;
        if (result.IsLockedOut) return SignInOutcome.LockedOut;
        if (result.RequiresTwoFactor) return SignInOutcome.RequiresTwoFactor;
        return result.IsNotAllowed ? SignInOutcome.NotAllowed : SignInOutcome.Failed;
    }

    public Task SignOutAsync() => signIn.SignOutAsync();

    public async Task<Result> ChangePasswordAsync(ClaimsPrincipal principal, string currentPassword, string newPassword)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null) return Result.Fail(ErrorCode.NotFound, "Please sign in again.");
        var result = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!result.Succeeded)
        {
            return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))
                ? Result.Fail(ErrorCode.Invalid, "The current password is not correct.", Fields.CurrentPassword)
                : FromIdentity(result, Fields.NewPassword);
        }
        await signIn.RefreshSignInAsync(user);
        return Result.Ok;
    }

    /// <summary>
    /// Mails a reset link when the address belongs to an account; says nothing either way, so the form cannot be used
    /// to find out who has an account.
    /// </summary>
    public async Task SendPasswordResetAsync(string emailAddress, Func<string, string, string> resetUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resetUrl);
        var user = await users.FindByEmailAsync(emailAddress.Trim());
        if (user?.Email is null) return;
        // A reset must not become a way around an administrator's lock.
        if (AdminLock.IsLockedByAdmin(user)) return;
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var encoded = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var url = resetUrl(user.Email, encoded);
        var body = $"<p>Hello,</p><p>Someone asked to reset the password of your FraudWeb account. If it was you, " +
                   $"<a href=\"{HtmlEncoder.Default.Encode(url)}\">choose a new password</a>.</p>" +
                   "<p>If it was not you, ignore this message: your password stays as it is.</p>";
        await email.SendEmailAsync(user.Email, "Reset your FraudWeb password", body, cancellationToken);
    }

    public async Task<Result> ResetPasswordAsync(string email, string encodedToken, string password)
    {
        ArgumentNullException.ThrowIfNull(email);
        var user = await users.FindByEmailAsync(email.Trim());
        // Same answer for unknown accounts and bad tokens.
        const string invalid = "This reset link is not valid or has expired. Request a new one.";
        if (user is null || AdminLock.IsLockedByAdmin(user)) return Result.Fail(ErrorCode.Invalid, invalid);
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(encodedToken));
        }
        catch (FormatException)
        {
            return Result.Fail(ErrorCode.Invalid, invalid);
        }
        var result = await users.ResetPasswordAsync(user, token, password);
        if (result.Succeeded)
        {
            // A successful reset also ends a sign-in failure lockout, as the person has proved they own the mailbox;
            // an administrator's lock set meanwhile stays.
            if (!AdminLock.IsLockedByAdmin(user)) await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            return Result.Ok;
        }
        return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)) ? Result.Fail(ErrorCode.Invalid, invalid)
            : FromIdentity(result, Fields.Password);
    }

    private static Result FromIdentity(IdentityResult result, string field) =>
        Result.Fail(result.Errors.Select(e => e.Code is "DuplicateUserName" or "DuplicateEmail"
            ? new Failure(ErrorCode.Conflict, Describe(e), Fields.Email) : new Failure(ErrorCode.Invalid, Describe(e), field)).Distinct().ToList());

    private static string Describe(IdentityError error) => error.Code switch
    {
        "DuplicateUserName" or "DuplicateEmail" => "An account with this email address already exists.",
        _ => error.Description,
    };

    /// <summary>The inputs errors can point at; forms use the same names.</summary>
    public static class Fields
    {
        public const string Email = "Email";
        public const string Password = "Password";
        public const string CurrentPassword = "CurrentPassword";
        public const string NewPassword = "NewPassword";
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered user {UserId}")]
    private static partial void LogRegistered(ILogger logger, string userId);
}
