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
