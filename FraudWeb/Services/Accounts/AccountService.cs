using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Email;
using FraudWeb.ViewModels.Account;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;

namespace FraudWeb.Services.Accounts;

public enum SignInOutcome
{
    Succeeded,
    Failed,
    LockedOut,
    NotAllowed,
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
    public async Task<Result> RegisterAsync(RegisterViewModel model, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(model);
        var now = clock.GetUtcNow().UtcDateTime;
        Address address;
        try
        {
            address = new Address(model.AddressLine1!, model.AddressLine2, model.City!, model.Postcode!, model.Country!);
            CardHolder.EnsureAdult(model.DateOfBirth!.Value, now);
        }
        catch (DomainException ex)
        {
            return Result.Fail(ErrorCode.Invalid, ex.Message);
        }

        var user = new ApplicationUser { UserName = model.Email!.Trim(), Email = model.Email.Trim(), PhoneNumber = model.PhoneNumber!.Trim(), CreatedUtc = now };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var created = await users.CreateAsync(user, model.Password!);
        if (!created.Succeeded) return FromIdentity(created, nameof(RegisterViewModel.Password));
        var role = await users.AddToRoleAsync(user, Roles.Customer);
        if (!role.Succeeded) return FromIdentity(role, "");
        db.CardHolders.Add(CardHolder.Register(user.Id, model.FullName!, model.PhoneNumber, model.DateOfBirth!.Value, address, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await signIn.SignInAsync(user, isPersistent: false);
        LogRegistered(logger, user.Id);
        return Result.Ok;
    }

    public async Task<SignInOutcome> SignInAsync(LoginViewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var result = await signIn.PasswordSignInAsync(model.Email!.Trim(), model.Password!, model.RememberMe, lockoutOnFailure: true);
        if (result.Succeeded) return SignInOutcome.Succeeded;
        if (result.IsLockedOut) return SignInOutcome.LockedOut;
        return result.IsNotAllowed ? SignInOutcome.NotAllowed : SignInOutcome.Failed;
    }

    public Task SignOutAsync() => signIn.SignOutAsync();

    public async Task<Result> ChangePasswordAsync(ClaimsPrincipal principal, ChangePasswordViewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var user = await users.GetUserAsync(principal);
        if (user is null) return Result.Fail(ErrorCode.Invalid, "Please sign in again.");
        var result = await users.ChangePasswordAsync(user, model.CurrentPassword!, model.NewPassword!);
        if (!result.Succeeded)
        {
            return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch))
                ? Result.Fail(ErrorCode.Invalid, "The current password is not correct.", nameof(ChangePasswordViewModel.CurrentPassword))
                : FromIdentity(result, nameof(ChangePasswordViewModel.NewPassword));
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
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var encoded = WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token));
        var url = resetUrl(user.Email, encoded);
        var body = $"<p>Hello,</p><p>Someone asked to reset the password of your FraudWeb account. If it was you, " +
                   $"<a href=\"{HtmlEncoder.Default.Encode(url)}\">choose a new password</a>.</p>" +
                   "<p>If it was not you, ignore this message: your password stays as it is.</p>";
        await email.SendEmailAsync(user.Email, "Reset your FraudWeb password", body, cancellationToken);
    }

    public async Task<Result> ResetPasswordAsync(ResetPasswordViewModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var user = await users.FindByEmailAsync(model.Email!.Trim());
        // Same answer for unknown accounts and bad tokens.
        const string invalid = "This reset link is not valid or has expired. Request a new one.";
        if (user is null) return Result.Fail(ErrorCode.Invalid, invalid);
        string token;
        try
        {
            token = Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(model.Token!));
        }
        catch (FormatException)
        {
            return Result.Fail(ErrorCode.Invalid, invalid);
        }
        var result = await users.ResetPasswordAsync(user, token, model.Password!);
        if (result.Succeeded)
        {
            // A successful reset also ends a lockout, as the person has proved they own the mailbox.
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            return Result.Ok;
        }
        return result.Errors.Any(e => e.Code == nameof(IdentityErrorDescriber.InvalidToken)) ? Result.Fail(ErrorCode.Invalid, invalid)
            : FromIdentity(result, nameof(ResetPasswordViewModel.Password));
    }

    private static Result FromIdentity(IdentityResult result, string field) =>
        Result.Fail(result.Errors.Select(e => e.Code is "DuplicateUserName" or "DuplicateEmail"
            ? new Failure(ErrorCode.Conflict, Describe(e), "Email") : new Failure(ErrorCode.Invalid, Describe(e), field)).Distinct().ToList());

    private static string Describe(IdentityError error) => error.Code switch
    {
        "DuplicateUserName" or "DuplicateEmail" => "An account with this email address already exists.",
        _ => error.Description,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered user {UserId}")]
    private static partial void LogRegistered(ILogger logger, string userId);
}
