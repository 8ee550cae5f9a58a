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
            if (ListenAddressError(services.GetRequiredService<IConfiguration>()) is { } listen) return listen;
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
        catch (InvalidOperationException e) when (e.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // A typed setting written wrong ("--Retraining:Interval abc"): the binder's message names it.
            return e.Message;
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
