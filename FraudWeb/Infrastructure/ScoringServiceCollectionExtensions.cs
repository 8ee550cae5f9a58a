using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Cards;
using FraudWeb.Services.Models;
using FraudWeb.Services.Reports;
using FraudWeb.Services.Retraining;
using FraudWeb.Services.Scoring;
using FraudWeb.Services.Seeding;
using FraudWeb.Services.Transactions;
using FraudWeb.ViewModelBuilders;

namespace FraudWeb.Infrastructure;

public static class ScoringServiceCollectionExtensions
{
    /// <summary>Model registry with its serving holder, charts and trainer; risk policy, scorer and the first-start initialiser.</summary>
    public static IServiceCollection AddFraudScoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ScoringOptions>().BindConfiguration(ScoringOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IServingModel, ServingModel>();
        services.AddSingleton<RiskPolicy>();
        services.AddSingleton<IssuerClock>();
        services.AddScoped<TransactionScorer>();
        // The one writer of payments (group commit), a hosted loop.
        services.AddSingleton<PaymentRecorder>();
        services.AddHostedService(sp => sp.GetRequiredService<PaymentRecorder>());
        services.AddScoped<PaymentFeatures>();
        services.AddScoped<ModelRegistry>();
        services.AddScoped<ModelArtifactStore>();
        services.AddScoped<ModelChartsStore>();
        services.AddSingleton<ChildProcessTrainer>();
        services.AddSingleton<ModelKeyProvider>();
        services.AddSingleton(sp => sp.GetRequiredService<ModelKeyProvider>().Key);
        services.AddScoped<HistorySeeder>();
        services.AddScoped<MerchantImport>();
        // First of the hosted services: the database is migrated before data protection's hosted service reads its
        // key ring from it (on a fresh database that read failed with "no such table" and an error in the log).
        services.Insert(0, ServiceDescriptor.Singleton<IHostedService, StartupInitializer>());
        services.AddSingleton<ServingModelSync>();
        services.AddHostedService(sp => sp.GetRequiredService<ServingModelSync>());
        return services;
    }

    private static readonly TimeSpan MinimumRunLease = TimeSpan.FromSeconds(1);

    /// <summary>Fraud reports, the analysts' review queue, the retraining queue with its background worker and the models page.</summary>
    public static IServiceCollection AddFraudRetraining(this IServiceCollection services)
    {
        services.AddOptions<RetrainingSettings>().BindConfiguration(RetrainingSettings.Section).ValidateDataAnnotations()
            .Validate(o => o.HoldoutDays < o.TrainingDays, "Retraining:HoldoutDays must be shorter than Retraining:TrainingDays.")
            .Validate(o => o.Interval >= TimeSpan.Zero && o.PollInterval > TimeSpan.Zero, "Retraining:Interval must not be negative and Retraining:PollInterval must be positive.")
            // Renewed every quarter of it; a lease of nothing was never renewed, so every instance took every run for abandoned.
            .Validate(o => o.RunLease >= MinimumRunLease, "Retraining:RunLease must be at least 00:00:01 (a running run's lease, renewed every quarter of it).")
            .ValidateOnStart();
        services.AddSingleton<RetrainingSignal>();
        services.AddScoped<ReportService>();
        services.AddScoped<ReviewService>();
        services.AddScoped<RetrainingService>();
        services.AddScoped<ModelDashboardViewModelBuilder>();
        // Registered after the start-up initialiser, so it starts once migrations and the first model are done.
        services.AddSingleton<RetrainingWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<RetrainingWorker>());
        return services;
    }
}
