using FraudWeb.Data;
using FraudWeb.Infrastructure.Options;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// The database remembers which Cards:FingerprintKey its cards and API keys were stored with (a value derived from the
/// key, which reveals nothing of it), and start-up stops on another key: with it every stored card would be unknown
/// (the same number added again as a new card with a fresh limit) and every API key refused, silently.
/// </summary>
public static class CardKeyCheck
{
    public const string SettingName = "CardFingerprintKeyCheck";

    public static async Task VerifyAsync(FraudDbContext db, CardKeyProvider keys, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(keys);
        var check = Convert.ToBase64String(keys.DeriveKey("key-check").AsSpan(0, 16));
        var stored = await StoredAsync(db, cancellationToken);
        if (stored is null)
        {
            // The first start with this check (a new database, or one from before it): the key in use is the one.
            db.InstanceSettings.Add(new InstanceSetting { Name = SettingName, Value = check });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                return;
            }
            catch (DbUpdateException)
            {
                // Another instance starting at the same moment recorded its key first: compared with that one.
                db.ChangeTracker.Clear();
                stored = await StoredAsync(db, cancellationToken);
            }
        }
        if (stored != check)
        {
            throw new ConfigurationException($"{CardKeyProvider.SettingName} is not the key this database's cards and API keys were stored with: " +
                "with it every stored card would be unknown and every API key refused. Set the key this installation was first started with.");
        }
    }

    private static Task<string?> StoredAsync(FraudDbContext db, CancellationToken cancellationToken) =>
        db.InstanceSettings.AsNoTracking().Where(s => s.Name == SettingName).Select(s => s.Value).FirstOrDefaultAsync(cancellationToken);
}
