using FraudWeb.Authorization;
using FraudWeb.Services.Accounts;
using FraudWeb.ViewModelBuilders;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Infrastructure;

public static class MfaServiceCollectionExtensions
{
    /// <summary>Two-step sign-in: the enrolment service, its screens and the filter that makes it required for staff.</summary>
    public static IServiceCollection AddFraudMfa(this IServiceCollection services)
    {
        services.AddScoped<MfaService>();
        services.AddScoped<MfaViewModelBuilder>();
        services.AddSingleton<StaffMfaFilter>();
        services.Configure<MvcOptions>(options => options.Filters.AddService<StaffMfaFilter>());
        return services;
    }
}
