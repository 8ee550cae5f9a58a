using FraudWeb.Infrastructure.Security;
using System.Net;
using FraudWeb.Authorization;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Accounts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure.Telemetry;

/// <summary>
/// Who may read /metrics: a request from the internal network (loopback, or an address in
/// Telemetry:MetricsAllowedNetworks) without signing in, or signed-in staff holding models.view who have enrolled
/// two-step sign-in. Everyone else is told the page does not exist. The address is the one UseForwardedHeaders leaves,
/// so a client behind a known proxy is judged by its own address, not the proxy's.
/// </summary>
public sealed class MetricsAccess
{
    private const string Setting = TelemetryOptions.Section + ":" + nameof(TelemetryOptions.MetricsAllowedNetworks);

    public MetricsAccess(IOptions<TelemetryOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        AllowedNetworks = ParseNetworks(options.Value.MetricsAllowedNetworks);
    }

    /// <summary>The configured networks (loopback is always allowed besides them).</summary>
    public IReadOnlyList<IPNetwork> AllowedNetworks { get; }

    /// <summary>
    /// Whether <paramref name="address"/> is internal: loopback or inside one of <paramref name="networks"/>. No
    /// address (an in-process test server, a Unix socket) is not internal: the rule fails closed.
    /// </summary>
    public static bool IsInternal(IPAddress? address, IReadOnlyList<IPNetwork> networks)
    {
        ArgumentNullException.ThrowIfNull(networks);
        if (address is null) return false;
        // Dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d, which an IPv4 network would not contain.
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        return IPAddress.IsLoopback(address) || networks.Any(n => n.Contains(address));
    }

    /// <summary>CIDR networks or single addresses; anything else stops start-up naming the setting.</summary>
    public static List<IPNetwork> ParseNetworks(IEnumerable<string> values) => NetworkSetting.Parse(Setting, values);

    public async Task<bool> AllowsAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (IsInternal(context.Connection.RemoteIpAddress, AllowedNetworks)) return true;
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true) return false;
        var services = context.RequestServices;
        var authorized = await services.GetRequiredService<IAuthorizationService>().AuthorizeAsync(user, Permissions.ModelsView);
        // Staff who still have to enrol reach no staff page (StaffMfaFilter); the same here.
        return authorized.Succeeded && !await services.GetRequiredService<MfaService>().MustEnrolAsync(user.FindUserId(), user.GetPermissions());
    }
}

/// <summary>In front of the Prometheus exporter: lets through what <see cref="MetricsAccess"/> allows, 404 otherwise.</summary>
public sealed class MetricsAccessMiddleware(RequestDelegate next, MetricsAccess access)
{
    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (await access.AllowsAsync(context))
        {
            await next(context);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        // Over plain HTTP (allowed here for scrapers) the error page cannot be rendered (its forms need TLS), and its
        // re-execution was redirected to https://.../Error/404 (operator test): the 404 goes without a page.
        if (!context.Request.IsHttps && context.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodePagesFeature>() is { } pages) pages.Enabled = false;
    }
}
