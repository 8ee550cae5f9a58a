using FraudWeb.Domain.Entities;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FraudWeb.Data;

/// <summary>
/// The application's model, shared by both providers. Each provider has its own context deriving from this one
/// (<see cref="SqliteFraudDbContext"/>, <see cref="PostgresFraudDbContext"/>) so each keeps its own migrations
/// (EF Core's "migrations with multiple providers", one context type per provider); services use this type.
/// </summary>
public abstract class FraudDbContext(DbContextOptions options) : IdentityDbContext<ApplicationUser>(options), IDataProtectionKeyContext
{
    public DbSet<CardHolder> CardHolders => Set<CardHolder>();
    public DbSet<Card> Cards => Set<Card>();
    public DbSet<Terminal> Terminals => Set<Terminal>();
    public DbSet<CardTransaction> Transactions => Set<CardTransaction>();
    public DbSet<ModelVersion> ModelVersions => Set<ModelVersion>();
    public DbSet<FraudReport> FraudReports => Set<FraudReport>();
    public DbSet<ReviewAssignment> ReviewAssignments => Set<ReviewAssignment>();
    public DbSet<RetrainingRun> RetrainingRuns => Set<RetrainingRun>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<ModelArtifact> ModelArtifacts => Set<ModelArtifact>();
    public DbSet<FraudRule> Rules => Set<FraudRule>();
    public DbSet<FraudRuleVersion> RuleVersions => Set<FraudRuleVersion>();
    public DbSet<RuleBacktest> RuleBacktests => Set<RuleBacktest>();
    public DbSet<RuleList> RuleLists => Set<RuleList>();
    public DbSet<RuleListEntry> RuleListEntries => Set<RuleListEntry>();
    /// <summary>Hourly totals the online features read; kept by triggers on Transactions, never written by the app.</summary>
    public DbSet<CardSpendHour> CardSpendHours => Set<CardSpendHour>();
    public DbSet<TerminalHour> TerminalHours => Set<TerminalHour>();

    public DbSet<InstanceSetting> InstanceSettings => Set<InstanceSetting>();
    public DbSet<UnknownAddressFailure> UnknownAddressFailures => Set<UnknownAddressFailure>();

    /// <summary>The data-protection key ring, shared by every instance (cookies and antiforgery tokens work on all).</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(FraudDbContext).Assembly);
        // SQLite's own case folding is ASCII only: merchant search folds with .NET's (SqliteFunctions registers it).
        builder.HasDbFunction(typeof(MerchantSearch).GetMethod(nameof(MerchantSearch.Fold))!).HasName(SqliteFunctions.Fold);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // Money as whole cents in a 64-bit integer: exact, sortable and summable on every provider
        // (SQLite has no decimal type; its REAL would round and TEXT would sort wrongly).
        configurationBuilder.Properties<decimal>().HaveConversion<CentsConverter>();
        // Every DateTime is UTC; SQLite hands back Unspecified, so stamp the kind on the way out.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcConverter>();
        configurationBuilder.Properties<DateTime?>().HaveConversion<NullableUtcConverter>();
    }

    private sealed class CentsConverter() : ValueConverter<decimal, long>(
        v => decimal.ToInt64(decimal.Round(v * 100m, MidpointRounding.ToEven)),
        v => v / 100m);

    private sealed class UtcConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class NullableUtcConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v.HasValue ? (v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime()) : v,
        v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);
}
