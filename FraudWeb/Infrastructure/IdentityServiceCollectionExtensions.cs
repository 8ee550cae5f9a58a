using FraudWeb.Data;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Accounts;
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
                // The user name is the email address, checked as one by the forms and by UnambiguousAddressValidator;
                // Identity's default characters refused valid addresses (o'brien@example.com, 用户@例子.中国).
                options.User.AllowedUserNameCharacters = "";
                // ASVS 2.1.1 and 2.1.9: at least 12 characters, no composition rules; StrongPasswordValidator checks strength.
                options.Password.RequiredLength = 12;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequiredUniqueChars = 1;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                // Self-registered accounts sign in once their address is confirmed (staff-created ones are confirmed).
                options.SignIn.RequireConfirmedEmail = true;
                // Reset links outlive sign-outs, which renew the security stamp (PasswordResetTokenProvider).
                options.Tokens.PasswordResetTokenProvider = PasswordResetTokenProvider.ProviderName;
                // So do links confirming a new address; they die once used and when the password changes (ChangeEmailTokenProvider).
                options.Tokens.ChangeEmailTokenProvider = ChangeEmailTokenProvider.ProviderName;
            })
            .AddEntityFrameworkStores<FraudDbContext>()
            // In place of the store AddEntityFrameworkStores registers: the second factor's secrets kept protected.
            .AddUserStore<ProtectedSecretsUserStore>()
            .AddUserManager<CountingUserManager>()
            .AddClaimsPrincipalFactory<ConsentClaimsPrincipalFactory>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<InvitationTokenProvider>(InvitationTokenProvider.ProviderName)
            .AddTokenProvider<PasswordResetTokenProvider>(PasswordResetTokenProvider.ProviderName)
            .AddTokenProvider<ChangeEmailTokenProvider>(ChangeEmailTokenProvider.ProviderName)
            // In place of the default provider of that name: each code works once.
            .AddTokenProvider<SingleUseAuthenticatorTokenProvider>(TokenOptions.DefaultAuthenticatorProvider)
            .AddPasswordValidator<StrongPasswordValidator>()
            .AddUserValidator<UnambiguousAddressValidator>()
            .AddErrorDescriber<LocalizedIdentityErrorDescriber>();
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
            // A form sent after the session ended (signed out in another tab, timed out) is challenged at an address that
            // takes POST only, so signing in again landed on "Not allowed": it returns to the page the form was on (the
            // browser's same-origin Referer) instead, or to the usual landing page when that is not known.
            var redirectToLogin = options.Events.OnRedirectToLogin;
            options.Events.OnRedirectToLogin = context =>
            {
                if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
                {
                    var login = context.Request.PathBase + context.Options.LoginPath;
                    context.RedirectUri = FormPage(context.Request) is { } page
                        ? login + QueryString.Create(context.Options.ReturnUrlParameter, page)
                        : login.Value!;
                }
                return redirectToLogin(context);
            };
        });
        services.Configure<DataProtectionTokenProviderOptions>(o => o.TokenLifespan = TimeSpan.FromHours(2));
        services.AddTransient<IssuedTokenReader>();
        services.AddSingleton<SecondFactorSecrets>();
        // Refusals by authorization, and other people's ids answered 404, are audited (PCI DSS 10.2.1.4), one throttle for both.
        services.AddSingleton<RefusalThrottle>();
        services.AddSingleton<Services.Admin.OthersRecordRefusals>();
        services.AddHostedService(sp => sp.GetRequiredService<Services.Admin.OthersRecordRefusals>());
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, RefusedAccessAudit>();
        return services;
    }

    /// <summary>The path and query of the page a form was sent from, when the browser named it and it is this site's.</summary>
    private static string? FormPage(HttpRequest request)
    {
        var referer = request.GetTypedHeaders().Referer;
        return referer is { IsAbsoluteUri: true }
            && string.Equals(referer.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase)
            && string.Equals(referer.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase)
            ? referer.PathAndQuery
            : null;
    }
}
