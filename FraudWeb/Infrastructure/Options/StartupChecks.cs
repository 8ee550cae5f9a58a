using FraudWeb.Data;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Infrastructure.Telemetry;
using FraudWeb.Services.Scoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure.Options;

/// <summary>
/// Builds the services that read settings before the host starts, so a bad setting stops start-up with one line
/// naming it, instead of a host failure and a stack trace.
/// </summary>
public static class StartupChecks
{
    /// <summary>
    /// An address the server would be told to listen on (--urls, ASPNETCORE_URLS) that it could not parse, or a port out
    /// of range: checked before the start migrates and seeds, since Kestrel's own failure is a stack trace after them.
    /// </summary>
    public static string? ListenAddressError(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var urls = configuration[Microsoft.AspNetCore.Hosting.WebHostDefaults.ServerUrlsKey];
        if (string.IsNullOrWhiteSpace(urls)) return null;
        foreach (var url in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            try
            {
                var address = Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
                if (address.Port is < 0 or > 65535) return $"The listen address '{url}' (--urls, ASPNETCORE_URLS) has a port outside 0-65535.";
            }
            catch (FormatException)
            {
                return $"The listen address '{url}' (--urls, ASPNETCORE_URLS) is not a URL such as http://0.0.0.0:8080.";
            }
        }
        return null;
    }

    /// <summary>
    /// The configuration binder's refusal of a typed setting ("Failed to convert configuration value 'maybe' at
    /// 'Telemetry:RequestSpans'"), or the logging configuration's ("Configuration value 'Verbose' for category 'Default'
    /// is not supported"): each names the setting.
    /// </summary>
    public static bool IsSettingError(Exception e) =>
        e is InvalidOperationException && (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal)
            || (e.Message.StartsWith("Configuration value '", StringComparison.Ordinal) && e.Message.Contains("is not supported", StringComparison.Ordinal)));

    /// <summary>What to tell the operator of a setting error (<see cref="IsSettingError"/>): the logging one names no setting.</summary>
    public static string SettingErrorMessage(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return e.Message.StartsWith("Configuration value '", StringComparison.Ordinal)
            ? $"{e.Message.TrimEnd('.')}: a log level under Logging:LogLevel is one of Trace, Debug, Information, Warning, Error, Critical or None."
            : e.Message;
    }

    /// <summary>The first configuration error, or null when the settings are usable.</summary>
    public static string? FirstConfigurationError(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        try
        {
            _ = services.GetRequiredService<CardKeyProvider>();
            _ = services.GetRequiredService<ModelKeyProvider>();
            _ = services.GetRequiredService<RiskPolicy>();
            _ = services.GetRequiredService<PublicSite>();
            _ = services.GetRequiredService<MetricsAccess>();
            using var scope = services.CreateScope();
            _ = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            if (services.GetService<Services.Email.IEmailSender>() is Services.Email.PickupDirectoryEmailSender pickup) pickup.EnsureWritable();
            var configuration = services.GetRequiredService<IConfiguration>();
            if (ListenAddressError(configuration) is { } listen) return listen;
            // Bound later, in a background service or the first sign-in, where a wrong one stopped the host with a stack trace.
            _ = services.GetRequiredService<IOptions<Microsoft.AspNetCore.Identity.IdentityOptions>>().Value;
            _ = configuration.GetValue<double?>(Services.Models.ServingModelSync.IntervalSetting);
            // The logging settings are read by the first logger made, which is the host's own start.
            _ = services.GetRequiredService<ILoggerFactory>().CreateLogger("FraudWeb.StartupChecks");
            // Every section validated on start (retraining, rate limits, ...): the host would log its stack trace.
            services.GetService<IStartupValidator>()?.Validate();
            return null;
        }
        catch (ConfigurationException e)
        {
            return e.Message;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            // The data directory (its keys folder is the first thing written) cannot be created or written.
            return $"FraudWeb:DataDirectory cannot be used by this user ({Environment.UserName}): {e.Message} Give it a folder this user can write.";
        }
        catch (InvalidOperationException e) when (IsSettingError(e))
        {
            // A typed setting written wrong ("--Retraining:Interval abc"): the binder's message names it.
            return SettingErrorMessage(e);
        }
        catch (OptionsValidationException e)
        {
            return e.Message;
        }
        catch (AggregateException e) when (e.InnerExceptions.All(i => i is OptionsValidationException))
        {
            // Several sections invalid at once: every one, on one line.
            return string.Join(" ", e.InnerExceptions.Select(i => i.Message));
        }
    }
}
