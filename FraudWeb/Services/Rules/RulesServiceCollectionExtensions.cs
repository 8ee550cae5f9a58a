namespace FraudWeb.Services.Rules;

public static class RulesServiceCollectionExtensions
{
    /// <summary>Analysts' rules and lists beside the model (issue 14): the compiled rule book, editing, backtesting.</summary>
    public static IServiceCollection AddFraudRules(this IServiceCollection services)
    {
        services.AddSingleton<RuleBookCache>();
        services.AddScoped<RuleService>();
        services.AddScoped<RuleListService>();
        services.AddScoped<RuleBacktester>();
        return services;
    }
}
