using FraudWeb.Services.Cards;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Accounts;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Profiles;

/// <summary>The signed-in card holder's changes to their own details.</summary>
public sealed class ProfileService(FraudDbContext db, IssuerClock issuer)
{
    /// <param name="seenVersion">The details' version the form was filled at (<see cref="CardHolder.RowVersion"/>).</param>
    /// <returns>A conflict when the details changed since (in another window, or by an administrator): saving would undo that change.</returns>
    public async Task<Result> UpdateDetailsAsync(string userId, PersonalDetails details, Guid? seenVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        for (var attempt = 1; ; attempt++)
        {
            var holder = await db.CardHolders.OwnedBy(userId).FirstOrDefaultAsync(cancellationToken);
            if (holder is null) return Result.Fail(ErrorCode.NotFound, Text.Get("Your profile was not found."));
            if (holder.RowVersion != seenVersion) return Result.Fail(ErrorCode.Conflict, Text.Get(DetailsChangedMeanwhile));
            try
            {
                details.ApplyTo(holder, issuer.Today);
            }
            catch (DomainException ex)
            {
                return Result.Fail(ErrorCode.Invalid, Text.Of(ex));
            }
            // The account keeps the number too (Identity's PhoneNumber, given at registration): the same one, in the same save.
            var user = await db.Users.FirstOrDefaultAsync(u => u.Id == userId, cancellationToken);
            if (user is not null) user.CopyPhoneNumber(holder.PhoneNumber);
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return Result.Ok;
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // The account changed meanwhile (a sign-in, an administrator's lock: its concurrency stamp): the holder's
                // details still apply, so they are applied again to the account as it is now (a 500 before). Details
                // saved meanwhile by someone else are found at the next read and refused there.
                db.ChangeTracker.Clear();
            }
            catch (DbUpdateConcurrencyException)
            {
                db.ChangeTracker.Clear();
                return Result.Fail(ErrorCode.Conflict, Text.Get(ChangedMeanwhile));
            }
        }
    }

    public const string DetailsChangedMeanwhile = "Your details were changed after this form was opened (in another window, or by the bank). Here they are as they are now: make your change again.";

    public const string ChangedMeanwhile = "Your account was changed at the same moment, so your details were not saved. Please save them again.";
}
