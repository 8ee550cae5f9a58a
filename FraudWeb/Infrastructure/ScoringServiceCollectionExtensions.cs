using FraudWeb.Services.Scoring;
using FraudWeb.Services.Seeding;

namespace FraudWeb.Infrastructure;

public static class ScoringServiceCollectionExtensions
{
    /// <summary>Serving model, risk policy, scorer, model registry and the first-start initialiser.</summary>
    public static IServiceCollection AddFraudScoring(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ScoringOptions>().BindConfiguration(ScoringOptions.Section).ValidateDataAnnotations()
            .Validate(o => o.ReviewThreshold <= o.BlockThreshold, "Scoring:ReviewThreshold must not be above Scoring:BlockThreshold.")
            .ValidateOnStart();
        services.AddOptions<SeedOptions>().BindConfiguration(SeedOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IServingModel, ServingModel>();
        services.AddSingleton<RiskPolicy>();
        services.AddScoped<TransactionScorer>();
        services.AddScoped<ModelRegistry>();
        services.AddScoped<HistorySeeder>();
        services.AddHostedService<StartupInitializer>();
        return services;
    }
}
