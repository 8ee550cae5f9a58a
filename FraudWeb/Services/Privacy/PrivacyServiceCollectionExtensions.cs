namespace FraudWeb.Services.Privacy;

public static class PrivacyServiceCollectionExtensions
{
    /// <summary>A person's own data rights: download everything kept about them, close their account (docs/decisions/0024).</summary>
    public static IServiceCollection AddFraudPrivacy(this IServiceCollection services)
    {
        services.AddScoped<DataExportService>();
        services.AddScoped<AccountClosingService>();
        return services;
    }
}
