using FraudWeb.Infrastructure.Navigation;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;
using System.Globalization;
using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Infrastructure.Health;
using FraudWeb.Infrastructure.Localization;
using Microsoft.Extensions.Localization;
using FraudWeb.Infrastructure.Rendering;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Infrastructure.Middleware;
using FraudWeb.Infrastructure.ModelBinding;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Infrastructure.Telemetry;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Cards;
using FraudWeb.Services.Email;
using FraudWeb.Services.Profiles;
using FraudWeb.Services.Privacy;
using FraudWeb.Services.Transactions;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Authorization;
using FraudWeb.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Infrastructure;

public static class WebServiceCollectionExtensions
{
    /// <summary>The languages of the pages: English first (the default), then Simplified Chinese.</summary>
    public static readonly string[] SupportedCultures = ["en", "zh-CN"];

    /// <summary>Largest request body accepted (forms here are small).</summary>
    public const long MaxRequestBodyBytes = 1024 * 1024;

    /// <summary>The longest form value read, percent-encoded (FormOptions.ValueLengthLimit); over it, a 400.</summary>
    public const int MaxFormValueBytes = 64 * 1024;

    /// <summary>MVC with global antiforgery, authenticated-by-default authorisation, form limits, data protection and the app services.</summary>
    public static IServiceCollection AddFraudWeb(this IServiceCollection services)
    {
        services.AddLocalization();
        services.AddSingleton<ResourceManagerStringLocalizerFactory>();
        services.AddSingleton<IStringLocalizerFactory, CachedStringLocalizerFactory>();
        // Chinese (and every other script) written as characters, not as &#x...; entities.
        services.Configure<WebEncoderOptions>(options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddHttpContextAccessor();
        services.AddScoped<LocalTime>();
        services.AddSingleton<NavigationPaths>();
        // Razor components (FraudWeb/Components) rendered statically inside the MVC views by Blazor's HtmlRenderer.
        services.AddScoped<StaticComponents>();
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.SetDefaultCulture(SupportedCultures[0]);
            options.AddSupportedCultures(SupportedCultures);
            options.AddSupportedUICultures(SupportedCultures);
            // The browser's languages matched by language and script (BrowserLanguageProvider), after the query string and the footer's cookie.
            var header = options.RequestCultureProviders.OfType<AcceptLanguageHeaderRequestCultureProvider>().Single();
            options.RequestCultureProviders[options.RequestCultureProviders.IndexOf(header)] = new BrowserLanguageProvider { Options = options };
        });
        services.AddControllersWithViews(options =>
            {
                options.Filters.Add(new AutoValidateAntiforgeryTokenAttribute());
                options.Filters.Add<RequestConnectionFilter>();
                // An instance, so its own Order (before the API's model-state check) holds; Add<T> would wrap it at order 0.
                options.Filters.Add(new NulCharacterFilter());
                options.Filters.Add(new CardNumberEchoFilter());
                options.Filters.Add(new HolderConsentFilter());
                options.ModelBinderProviders.Insert(0, new AmountModelBinderProvider());
                options.ModelBinderProviders.Insert(0, new IsoDateModelBinderProvider());
                options.ModelBinderProviders.Insert(0, new CheckboxModelBinderProvider());
                options.ModelMetadataDetailsProviders.Add(new ImplicitRequiredMessage());
                // The browser's check of a number field (jQuery Validation) says how to write one.
                options.ModelBindingMessageProvider.SetValueMustBeANumberAccessor(_ => Text.Format("Enter a number, like {0}.", Money.Example(CultureInfo.CurrentCulture)));
                // Binding's own messages (a date that is not a date, a missing value) in the page's language too.
                var messages = options.ModelBindingMessageProvider;
                messages.SetAttemptedValueIsInvalidAccessor((value, field) => Text.Format("\"{0}\" is not a valid value for {1}.", value, field));
                messages.SetNonPropertyAttemptedValueIsInvalidAccessor(value => Text.Format("\"{0}\" is not a valid value.", value));
                messages.SetUnknownValueIsInvalidAccessor(field => Text.Format("The value for {0} is not valid.", field));
                messages.SetNonPropertyUnknownValueIsInvalidAccessor(() => Text.Get("The value is not valid."));
                messages.SetValueIsInvalidAccessor(value => Text.Format("\"{0}\" is not valid.", value));
                messages.SetMissingBindRequiredValueAccessor(field => Text.Format("Enter {0}.", field));
                messages.SetMissingKeyOrValueAccessor(() => Text.Get("Enter a value."));
                messages.SetMissingRequestBodyRequiredValueAccessor(() => Text.Get("The request has no body."));
                // Its argument is the value posted (empty), not the field's name.
                messages.SetValueMustNotBeNullAccessor(_ => Text.Get("Enter a value."));
                messages.SetNonPropertyValueMustBeANumberAccessor(() => Text.Format("Enter a number, like {0}.", Money.Example(CultureInfo.CurrentCulture)));
            })
            .AddViewLocalization()
            .AddDataAnnotationsLocalization(options => options.DataAnnotationLocalizerProvider = FormLocalizer.For);
        // After MVC's own: the last registration is the one resolved.
        services.AddSingleton<Microsoft.AspNetCore.Mvc.DataAnnotations.IValidationAttributeAdapterProvider, CharacterLengthAdapterProvider>();
        services.AddFraudAuthorization();
        services.Configure<FormOptions>(options =>
        {
            // Counted before decoding: a character beyond ASCII takes 6 to 12 (%E4%B8%AD). 64 KB lets a pasted 5,000
            // characters of any script reach the form, which says the field is too long and keeps what was typed (16 KB
            // answered 1,800 Chinese characters with the 400 page); the body's own limit stays 1 MB.
            options.ValueLengthLimit = MaxFormValueBytes;
            options.ValueCountLimit = 200;
            options.KeyLengthLimit = 200;
            options.MultipartBodyLengthLimit = MaxRequestBodyBytes;
        });
        services.AddAntiforgery(options => options.Cookie.Name = TransportSecurityServiceCollectionExtensions.AntiforgeryCookieName);
        services.AddFraudTransportSecurity();

        // Keys in the database: sign-in cookies, antiforgery tokens and reset links survive restarts and work on every
        // instance. Encrypted at rest when a certificate is configured (DataProtectionKeyEncryption).
        services.AddDataProtection().SetApplicationName("FraudWeb").PersistKeysToDbContext<FraudDbContext>().UseFraudWebAlgorithms();
        services.AddSingleton<SearchTermProtector>();

        // The sender goes into every message's From header as written: an address a mail client can read, nothing more.
        services.AddOptions<MailOptions>().BindConfiguration(MailOptions.Section)
            .Validate(o => System.Net.Mail.MailAddress.TryCreate(o.From, out _) && !o.From.Any(char.IsControl),
                $"{MailOptions.Section}:{nameof(MailOptions.From)} must be a mail address, optionally with a name: FraudWeb <no-reply@example.com>.")
            .ValidateOnStart();
        services.AddSingleton<IEmailSender, PickupDirectoryEmailSender>();
        services.AddScoped<AccountService>();
        services.AddSingleton<PasswordResetMailer>();
        services.AddHostedService(sp => sp.GetRequiredService<PasswordResetMailer>());
        services.AddSingleton(provider => new UnknownAddressKey(provider.GetRequiredService<CardKeyProvider>().DeriveKey("unknown-address")));
        services.AddScoped<UnknownAddressLockout>();
        services.AddFraudMfa();
        services.AddScoped<ProfileService>();
        services.AddFraudPrivacy();
        services.AddScoped<CardService>();
        services.AddScoped<CardBlockService>();
        services.AddScoped<CardLookupService>();
        services.AddScoped<TransactionService>();
        services.AddFraudViewModelBuilders();
        services.AddScoped<ApiKeyViewModelBuilder>();
        services.AddFraudApi();
        return services;
    }

    /// <summary>The web layer's screen builders (one per area), which turn queries and results into view models.</summary>
    private static void AddFraudViewModelBuilders(this IServiceCollection services)
    {
        services.AddScoped<ProfileViewModelBuilder>();
        services.AddScoped<PrivacyViewModelBuilder>();
        services.AddScoped<CardViewModelBuilder>();
        services.AddScoped<CardLookupViewModelBuilder>();
        services.AddScoped<TransactionViewModelBuilder>();
        services.AddScoped<ReportViewModelBuilder>();
        services.AddScoped<ReviewQueueViewModelBuilder>();
        services.AddScoped<AdminUsersViewModelBuilder>();
        services.AddScoped<AdminRolesViewModelBuilder>();
        services.AddScoped<AuditViewModelBuilder>();
        services.AddScoped<RulesViewModelBuilder>();
        services.AddScoped<StaffDashboardViewModelBuilder>();
    }

    /// <summary>The request pipeline: errors, security headers, static files, authentication, MVC routes, health, metrics.</summary>
    public static WebApplication UseFraudWeb(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // A forged Host header is refused (400) everywhere but the health probe, which orchestrators and load balancers
        // send with the instance's own address (the host's filter that ran before everything is replaced by this one).
        app.UseWhen(context => !context.Request.Path.Equals(Health.HealthServiceCollectionExtensions.Path, StringComparison.OrdinalIgnoreCase), filtered => filtered.UseHostFiltering());
        // Then, so scheme and client address are the proxy's view (only from FraudWeb:KnownProxies).
        app.UseForwardedHeaders();
        app.UseMiddleware<HeadAsGetMiddleware>();
        app.UseMiddleware<RequestCorrelationMiddleware>();
        // Outside the error handlers: the request metrics name the route the request was for, not the error page's.
        app.UseMiddleware<OriginalRouteMiddleware>();
        // Errors: problem details on the API, pages elsewhere.
        app.UseWhen(ApiServiceCollectionExtensions.IsApi, api =>
        {
            // The API speaks the invariant culture (English messages, "." decimals) whatever the server's locale.
            api.Use((context, next) =>
            {
                CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
                CultureInfo.CurrentUICulture = CultureInfo.InvariantCulture;
                return next(context);
            });
            api.UseFraudApiErrors();
        });
        app.UseWhen(context => !ApiServiceCollectionExtensions.IsApi(context), web =>
        {
            if (!app.Environment.IsDevelopment())
            {
                web.UseExceptionHandler(new ExceptionHandlerOptions
                {
                    ExceptionHandlingPath = "/Error",
                    StatusCodeSelector = StatusCodeFor,
                    SuppressDiagnosticsCallback = context => IsNotABug(context.Exception),
                });
            }
            web.UseStatusCodePagesWithReExecute("/Error/{0}");
        });
        // HSTS is only sent on TLS requests, which includes those a known proxy forwards as https.
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        // Before the redirects below, so they carry the headers too (review).
        app.UseMiddleware<SecurityHeadersMiddleware>();
        // A card number pasted into a GET search box leaves the address before anything reads or logs it; before the TLS
        // redirect too, which repeated it whole in its Location (operator test).
        app.UseWhen(context => !ApiServiceCollectionExtensions.IsApi(context), web => web.UseMiddleware<CardNumberInAddressMiddleware>());
        if (!app.Environment.IsDevelopment()) app.UseMiddleware<RequireTlsMiddleware>();
        app.UseStaticFiles();
        // The page's language and formats (amounts, dates) from the culture cookie or Accept-Language; the API stays invariant.
        app.UseWhen(context => !ApiServiceCollectionExtensions.IsApi(context), web => web.UseRequestLocalization().UseMiddleware<QueryCultureCookieMiddleware>()
            // An email address in a staff list's filter is read back from the address's encrypted form (SearchTermProtector).
            .UseMiddleware<EmailInAddressMiddleware>());
        // Inside both exception handlers and around authentication (which reads the database too) and MVC: a read
        // that failed on a dead connection runs again; other database faults become 503s with Retry-After.
        app.UseMiddleware<DatabaseRetryMiddleware>();
        app.UseRouting();
        app.Use(OriginalRouteMiddleware.Capture);
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseFraudRateLimiting();
        app.MapControllerRoute("default", "{controller=Home}/{action=Index}/{id?}");
        app.MapFraudHealthChecks();
        app.MapFraudMetrics();
        app.MapFraudApiReference();
        return app;
    }

    /// <summary>
    /// Not logged as an unhandled error: a client's malformed or cut-off request (Kestrel logs it at Debug), and a
    /// database fault (DatabaseRetryMiddleware has logged it once, as a warning).
    /// </summary>
    public static bool IsNotABug(Exception exception) => StatusCodeFor(exception) != StatusCodes.Status500InternalServerError;

    /// <summary>
    /// Malformed requests are the client's fault (400), not a server error; a database that cannot answer now (down,
    /// full, locked, too slow) is a temporary condition (503, with Retry-After), not a bug.
    /// </summary>
    public static int StatusCodeFor(Exception exception) => exception switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        InvalidDataException or AntiforgeryValidationException or FormatException => StatusCodes.Status400BadRequest,
        // A body that is not valid in the charset it declares (utf-16 with an odd byte count: found by the API fuzzer).
        System.Text.DecoderFallbackException => StatusCodes.Status400BadRequest,
        // A form in a charset .NET refuses to decode (utf-7): thrown by Encoding.GetEncoding while the form is read.
        NotSupportedException when exception.TargetSite?.DeclaringType == typeof(System.Text.Encoding) => StatusCodes.Status400BadRequest,
        // A JSON string with a lone surrogate escaped ("\udfff"): System.Text.Json's reader refuses it with an
        // InvalidOperationException, which the JSON input formatter does not catch (found by the API fuzzer, 2026-12-05).
        InvalidOperationException when IsInvalidUtf16InJson(exception) => StatusCodes.Status400BadRequest,
        _ when DatabaseFaults.IsUnavailable(exception) => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>System.Text.Json's refusal of a string holding invalid UTF-16 (its throw helpers ReadInvalidUTF16, ReadIncompleteUTF16).</summary>
    private static bool IsInvalidUtf16InJson(Exception exception) =>
        exception.TargetSite is { DeclaringType: { } thrower, Name: var name } && thrower.Assembly == typeof(System.Text.Json.JsonSerializer).Assembly
        && name.StartsWith("ThrowInvalidOperationException_Read", StringComparison.Ordinal) && name.Contains("UTF16", StringComparison.Ordinal);
}
