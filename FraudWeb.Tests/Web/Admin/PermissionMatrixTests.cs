using System.Net;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>
/// Every action of the app, found at test time, must be classified below; each is then requested as anonymous and
/// as each role, and the response must be denied (login redirect, access-denied redirect or 403) exactly when the
/// classification says so. A new endpoint fails this test until someone adds it to <see cref="Expected"/>.
/// </summary>
public sealed class PermissionMatrixTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private const string Anonymous = "anonymous";
    private const string Authenticated = "authenticated";

    /// <summary>"METHOD Controller.Action" to who may use it: anyone, any signed-in user, or holders of a permission.</summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["GET Home.Index"] = Anonymous,
        ["GET Home.Error"] = Anonymous,
        ["GET Account.Register"] = Anonymous,
        ["POST Account.Register"] = Anonymous,
        ["GET Account.Login"] = Anonymous,
        ["POST Account.Login"] = Anonymous,
        ["GET Account.Lockout"] = Anonymous,
        ["POST Account.Logout"] = Authenticated,
        ["GET Account.AccessDenied"] = Anonymous,
        ["GET Account.ChangePassword"] = Authenticated,
        ["POST Account.ChangePassword"] = Authenticated,
        ["GET Account.ForgotPassword"] = Anonymous,
        ["POST Account.ForgotPassword"] = Anonymous,
        ["GET Account.ForgotPasswordConfirmation"] = Anonymous,
        ["GET Account.ResetPassword"] = Anonymous,
        ["POST Account.ResetPassword"] = Anonymous,
        ["GET Account.ResetPasswordConfirmation"] = Anonymous,
        ["GET Mfa.Index"] = Authenticated,
        ["POST Mfa.Enable"] = Authenticated,
        ["POST Mfa.Disable"] = Authenticated,
        ["GET Mfa.SignIn"] = Anonymous,
        ["POST Mfa.SignIn"] = Anonymous,
        ["GET Mfa.Recovery"] = Anonymous,
        ["POST Mfa.Recovery"] = Anonymous,
        ["GET Cards.Details"] = Authenticated,
        ["GET Cards.Add"] = Authenticated,
        ["POST Cards.Add"] = Authenticated,
        ["GET Profile.Index"] = Authenticated,
        ["GET Profile.Edit"] = Authenticated,
        ["POST Profile.Edit"] = Authenticated,
        ["GET Profile.ChartData"] = Authenticated,
        ["GET Transactions.New"] = Permissions.TransactionsSubmit,
        ["POST Transactions.New"] = Permissions.TransactionsSubmit,
        ["GET Transactions.Details"] = Authenticated,
        ["GET AdminUsers.Index"] = Permissions.UsersManage,
        ["GET AdminUsers.Details"] = Permissions.UsersManage,
        ["GET AdminUsers.Create"] = Permissions.UsersManage,
        ["POST AdminUsers.Create"] = Permissions.UsersManage,
        ["GET AdminUsers.Edit"] = Permissions.UsersManage,
        ["POST AdminUsers.Edit"] = Permissions.UsersManage,
        ["POST AdminUsers.Lock"] = Permissions.UsersManage,
        ["POST AdminUsers.Unlock"] = Permissions.UsersManage,
        ["POST AdminUsers.ResetPassword"] = Permissions.UsersManage,
        ["POST AdminUsers.Roles"] = Permissions.UsersManage,
        ["GET AdminUsers.Delete"] = Permissions.UsersManage,
        ["POST AdminUsers.Delete"] = Permissions.UsersManage,
        ["GET AdminRoles.Index"] = Permissions.UsersManage,
        ["POST AdminRoles.Permissions"] = Permissions.UsersManage,
        ["GET AdminAudit.Index"] = Permissions.AuditRead,
        ["GET Reports.New"] = Permissions.ReportsCreate,
        ["POST Reports.New"] = Permissions.ReportsCreate,
        ["GET Review.Index"] = Permissions.ReportsReview,
        ["POST Review.Decide"] = Permissions.ReportsReview,
        ["GET Models.Index"] = Permissions.ModelsView,
        ["POST Models.Retrain"] = Permissions.ModelsRetrain,
        ["POST Models.Promote"] = Permissions.ModelsManage,
        ["POST Models.Rollback"] = Permissions.ModelsManage,
    };

    private sealed record Endpoint(string Key, string Method, string Url, string Access);

    private List<Endpoint> DiscoverEndpoints()
    {
        var actions = factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items;
        var endpoints = new List<Endpoint>();
        foreach (var action in actions.OfType<ControllerActionDescriptor>())
        {
            // Test-only controllers (fault injection, policy probes) are not part of the app.
            if (action.ControllerTypeInfo.Assembly == typeof(PermissionMatrixTests).Assembly) continue;
            var methods = action.EndpointMetadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods).Distinct().ToList();
            if (methods.Count == 0) methods = ["GET"];
            foreach (var method in methods)
            {
                endpoints.Add(new Endpoint($"{method} {action.ControllerName}.{action.ActionName}", method, UrlFor(action), AccessOf(action)));
            }
        }
        return endpoints;
    }

    private static string UrlFor(ActionDescriptor action)
    {
        if (action.AttributeRouteInfo?.Template is { } template) return "/" + template.Split('{')[0].Trim('/');
        var url = $"/{action.RouteValues["controller"]}/{action.RouteValues["action"]}";
        return action.Parameters.Any(p => p.Name == "id") ? url + "/missing-id" : url;
    }

    /// <summary>The effective rule: [AllowAnonymous] wins, then [Authorize(Policy)], else the authenticated-user fallback.</summary>
    private static string AccessOf(ActionDescriptor action)
    {
        if (action.EndpointMetadata.OfType<IAllowAnonymous>().Any()) return Anonymous;
        var policies = action.EndpointMetadata.OfType<IAuthorizeData>().Select(a => a.Policy).Where(p => p is not null).Distinct().ToList();
        return policies.Count == 0 ? Authenticated : string.Join("+", policies);
    }

    private static bool Allows(string access, string? role) => access switch
    {
        Anonymous => true,
        Authenticated => role is not null,
        _ => role is not null && access.Split('+').All(p => Permissions.DefaultGrants[role].Contains(p)),
    };

    private static bool IsDenied(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Redirect
            && (Html.Location(response).Contains("/Account/Login", StringComparison.Ordinal) || Html.Location(response).Contains("/Account/AccessDenied", StringComparison.Ordinal)));

    [Fact]
    public void Endpoints_EveryAction_IsClassifiedAndMatchesItsAttributes()
    {
        // Arrange
        var endpoints = DiscoverEndpoints();

        // Act
        var unclassified = endpoints.Where(e => !Expected.ContainsKey(e.Key)).Select(e => $"{e.Key} ({e.Access})").ToList();
        var mismatched = endpoints.Where(e => Expected.TryGetValue(e.Key, out var access) && access != e.Access)
            .Select(e => $"{e.Key}: expected {Expected[e.Key]}, attributes say {e.Access}").ToList();
        var stale = Expected.Keys.Except(endpoints.Select(e => e.Key)).ToList();

        // Assert
        Assert.Empty(unclassified);
        Assert.Empty(mismatched);
        Assert.Empty(stale);
    }

    [Fact]
    public async Task Endpoints_EveryRoleAndAnonymous_AllowedOrDeniedAsClassified()
    {
        // Arrange
        var endpoints = DiscoverEndpoints().Where(e => Expected.ContainsKey(e.Key)).ToList();
        var emails = new Dictionary<string, string>();
        foreach (var role in Roles.All) emails[role] = await factory.EmailOfAsync(await factory.CreateUserAsync(role));
        var failures = new List<string>();

        // Act
        foreach (var role in Roles.All.Cast<string?>().Append(null))
        {
            using var shared = role is null ? null : await StaffSession.SignInAsync(factory, emails[role]);
            foreach (var endpoint in endpoints)
            {
                HttpResponseMessage response;
                if (endpoint.Method == "GET")
                {
                    using var anonymous = factory.CreateBrowserClient();
                    response = await (shared?.Client ?? anonymous).GetAsync(new Uri(endpoint.Url, UriKind.Relative));
                }
                else
                {
                    // A fresh session per POST: some (sign-out) end the session they are sent with.
                    using var session = role is null ? null : await StaffSession.SignInAsync(factory, emails[role]);
                    using var anonymous = factory.CreateBrowserClient();
                    var client = session?.Client ?? anonymous;
                    response = await Html.SubmitAsync(client, endpoint.Url, [], role is null ? "/Account/Login" : "/");
                }
                var expectedAllowed = Allows(Expected[endpoint.Key], role);
                if (IsDenied(response) == expectedAllowed)
                {
                    failures.Add($"{role ?? "anonymous"} {endpoint.Method} {endpoint.Url}: expected {(expectedAllowed ? "allowed" : "denied")}, got {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        // Assert
        Assert.Empty(failures);
    }
}
