using FraudWeb.Data;
using Microsoft.AspNetCore.Identity;

namespace FraudWeb.Infrastructure;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>ASP.NET Core Identity on EF Core with lockout; section "Identity" can override the options.</summary>
    public static IServiceCollection AddFraudIdentity(this IServiceCollection services)
    {
        services.AddIdentity<ApplicationUser, IdentityRole>(options =>
            {
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 8;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.SignIn.RequireConfirmedAccount = false;
            })
            .AddEntityFrameworkStores<FraudDbContext>()
            .AddDefaultTokenProviders();
        services.AddOptions<IdentityOptions>().BindConfiguration("Identity");
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.LogoutPath = "/Account/Logout";
            options.AccessDeniedPath = "/Account/AccessDenied";
            options.Cookie.Name = TransportSecurityServiceCollectionExtensions.AuthCookieName;
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.SlidingExpiration = true;
            options.ExpireTimeSpan = TimeSpan.FromHours(8);
        });
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromHours(2));
        return services;
    }
}
