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
    /// A listen address another program already holds (--urls, ASPNETCORE_URLS, ASPNETCORE_HTTP_PORTS, as dotnet run
    /// and the container give them): found by binding it for a moment before the start migrates and seeds,
    /// since Kestrel says so only after them. Kestrel's own bind still decides; this only says it early.
    /// </summary>
    public static string? ListenPortInUseError(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var url in ListenUrls(configuration))
        {
            Microsoft.AspNetCore.Http.BindingAddress address;
            try
            {
                address = Microsoft.AspNetCore.Http.BindingAddress.Parse(url);
            }
            catch (FormatException)
            {
                continue;
            }
            if (address.IsNamedPipe || address.IsUnixPipe || address.Port is <= 0 or > 65535) continue;
            var host = address.Host.Trim('[', ']');
            var ip = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? System.Net.IPAddress.Loopback
                : System.Net.IPAddress.TryParse(host, out var parsed) ? parsed
                : System.Net.IPAddress.Any; // "*", "+" or a name: Kestrel binds every interface
            try
            {
                using var probe = new System.Net.Sockets.Socket(ip.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                probe.Bind(new System.Net.IPEndPoint(ip, address.Port));
                probe.Listen();
            }
            catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
            {
                return $"The listen address '{url}' is in use by another program (port {address.Port}); stop it, or give another address with --urls.";
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Not ours to judge (an address this machine does not have, a port it may not use): Kestrel says it.
            }
        }
        return null;
    }

    private static IEnumerable<string> ListenUrls(IConfiguration configuration)
    {
        // Endpoints in the Kestrel section replace the rest; they are the operator's own and Kestrel reports them.
        if (configuration.GetSection("Kestrel:Endpoints").GetChildren().Any()) return [];
        var urls = configuration[Microsoft.AspNetCore.Hosting.WebHostDefaults.ServerUrlsKey];
        if (!string.IsNullOrWhiteSpace(urls)) return urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ports = (configuration[Microsoft.AspNetCore.Hosting.WebHostDefaults.HttpPortsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"http://*:{p}")
            .Concat((configuration[Microsoft.AspNetCore.Hosting.WebHostDefaults.HttpsPortsKey] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => $"https://*:{p}"))
            .ToList();
        // None given: Kestrel's default (http://localhost:5000) is not probed. The tests' hosts give none and start in
        // parallel, and two probes of one port at the same instant refused each other's start.
        return ports;
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
