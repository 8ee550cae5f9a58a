using System.Diagnostics;
using System.Security.Claims;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Models;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Services.Seeding;

/// <summary>
/// Runs before the server accepts requests: checks required secrets, applies migrations (SQLite in WAL mode),
/// creates the roles, seeds an empty database, trains the first model if none exists and loads the serving model.
/// </summary>
public sealed partial class StartupInitializer(IServiceProvider services, ILogger<StartupInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        await using var scope = services.CreateAsyncScope();
        var provider = scope.ServiceProvider;
        _ = provider.GetRequiredService<CardKeyProvider>();
        await MigrateAsync(provider, cancellationToken);

        var seed = provider.GetRequiredService<IOptions<SeedOptions>>().Value;
        if (seed.Enabled) await provider.GetRequiredService<HistorySeeder>().SeedIfEmptyAsync(cancellationToken);

        var registry = provider.GetRequiredService<ModelRegistry>();
        var loaded = await registry.HasServingVersionAsync(cancellationToken) && await registry.LoadServingAsync(cancellationToken);
        if (!loaded && seed.Enabled && seed.TrainModel)
        {
            // No model yet, or neither the serving version nor an earlier one can serve (missing, corrupt, an older
            // feature schema; the registry marks why): train a fresh one from the history.
            await registry.TrainAndServeAsync(cancellationToken);
        }
        LogReady(logger, stopwatch.Elapsed.TotalSeconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Migrations and roles only; also used by the create-admin command.</summary>
    public static async Task MigrateAsync(IServiceProvider provider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(provider);
        var db = provider.GetRequiredService<FraudDbContext>();
        if (db.Database.IsSqlite())
        {
            // WAL lets readers proceed while a payment is being written; the setting is stored in the file.
            await db.Database.OpenConnectionAsync(cancellationToken);
            try
            {
                await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            }
            finally
            {
                await db.Database.CloseConnectionAsync();
            }
        }
        await db.Database.MigrateAsync(cancellationToken);
        await ImportLegacyDataProtectionKeysAsync(db, provider.GetRequiredService<FraudWebPaths>(), cancellationToken);

        var roles = provider.GetRequiredService<RoleManager<IdentityRole>>();
        foreach (var role in Roles.All)
        {
            if (!await roles.RoleExistsAsync(role))
            {
                var created = new IdentityRole(role);
                var result = await roles.CreateAsync(created);
                if (!result.Succeeded) throw new InvalidOperationException($"Could not create role {role}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
                // Default grants only when the role is new: administrators' later changes are kept.
                foreach (var permission in Permissions.DefaultGrants[role])
                {
                    result = await roles.AddClaimAsync(created, new Claim(Permissions.ClaimType, permission));
                    if (!result.Succeeded) throw new InvalidOperationException($"Could not grant {permission} to {role}.");
                }
            }
        }
    }

    /// <summary>
    /// Installations from before kept the data-protection key ring in the data directory; its keys move into the
    /// database once (when it has none), so nobody is signed out by the upgrade.
    /// </summary>
    private static async Task ImportLegacyDataProtectionKeysAsync(FraudDbContext db, FraudWebPaths paths, CancellationToken cancellationToken)
    {
        var folder = Path.Combine(paths.KeysDirectory, "data-protection");
        if (!Directory.Exists(folder) || await db.DataProtectionKeys.AnyAsync(cancellationToken)) return;
        foreach (var file in Directory.EnumerateFiles(folder, "*.xml").Order(StringComparer.Ordinal))
        {
            db.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = Path.GetFileNameWithoutExtension(file), Xml = await File.ReadAllTextAsync(file, cancellationToken) });
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "FraudWeb data ready in {Seconds:F1} s")]
    private static partial void LogReady(ILogger logger, double seconds);
}
