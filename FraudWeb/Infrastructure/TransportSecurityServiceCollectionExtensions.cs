using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Infrastructure;

public static class TransportSecurityServiceCollectionExtensions
{
    public const string AuthCookieName = "fraudweb.auth";
    public const string AntiforgeryCookieName = "fraudweb.af";

    /// <summary>
    /// The public address (mail links, allowed hosts), forwarded headers from known proxies, HSTS, secure
    /// "__Host-" cookies outside Development and the session limits. Call after AddFraudIdentity.
    /// </summary>
    public static IServiceCollection AddFraudTransportSecurity(this IServiceCollection services)
    {
        services.AddOptions<PublicSiteOptions>().BindConfiguration(PublicSiteOptions.Section);
        services.AddSingleton<PublicSite>();
        services.AddOptions<ForwardedHeadersOptions>().Configure<PublicSite>((options, site) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            if (site.KnownProxies.Count == 0) return;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var network in site.KnownProxies) options.KnownIPNetworks.Add(network);
        });
        // The web host filters hosts before any middleware; UseFraudWeb filters them itself, so /healthz can answer a probe.
        var hostFilter = services.FirstOrDefault(d => d.ServiceType == typeof(IStartupFilter) && d.ImplementationType?.Name == "HostFilteringStartupFilter");
        if (hostFilter is not null) services.Remove(hostFilter);
        // Hosts listed in AllowedHosts stay allowed, "*" does not: a forged Host header is refused (400).
        services.AddOptions<HostFilteringOptions>().PostConfigure<PublicSite, IHostEnvironment>((options, site, environment) =>
        {
            if (environment.IsDevelopment()) return;
            options.AllowedHosts = [.. options.AllowedHosts.Where(h => h != "*").Append(site.BaseUrl.Host).Distinct(StringComparer.OrdinalIgnoreCase)];
        });
        services.AddHsts(options =>
        {
            options.MaxAge = TimeSpan.FromDays(365);
            options.IncludeSubDomains = true;
        });

        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme).Configure<IHostEnvironment>((options, environment) =>
        {
            options.Events.OnValidatePrincipal = SecurityStampCheck.ValidateAsync;
            SessionLifetime.Apply(options.Events);
            options.Events.OnSignedIn = Localization.SignInLanguage.RememberAsync;
            if (environment.IsDevelopment()) return;
            // "__Host-": only ever sent over TLS, to this host, for the whole site; no subdomain can plant or read it.
            options.Cookie.Name = "__Host-" + AuthCookieName;
            options.Cookie.Path = "/";
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        services.AddOptions<AntiforgeryOptions>().Configure<IHostEnvironment>((options, environment) =>
        {
            if (environment.IsDevelopment()) return;
            options.Cookie.Name = "__Host-" + AntiforgeryCookieName;
            options.Cookie.Path = "/";
            options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        services.AddOptions<CookieTempDataProviderOptions>().Configure<IHostEnvironment>((options, environment) =>
        {
            if (!environment.IsDevelopment()) options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });
        return services;
    }
}
