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
    public async Task<Result> UpdateDetailsAsync(string userId, PersonalDetails details, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(details);
        var holder = await db.CardHolders.OwnedBy(userId).FirstOrDefaultAsync(cancellationToken);
        if (holder is null) return Result.Fail(ErrorCode.NotFound, Text.Get("Your profile was not found."));
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
        if (user is not null) user.PhoneNumber = holder.PhoneNumber;
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok;
    }
}
