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
/// as each role, and the response must be exactly the expected allow status, or a denial (login redirect,
/// access-denied redirect or 403) when the classification says so; any other status (404, 400, 500) fails. Who holds
/// which permission is written here, not read from the product (<see cref="Grants"/>), so a wrong default grant fails.
/// A new endpoint fails this test until someone adds it to <see cref="Expected"/>.
/// </summary>
public sealed class PermissionMatrixTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private const string Anonymous = "anonymous";
    private const string Authenticated = "authenticated";

    /// <summary>What each role must hold, independent of <c>Permissions.DefaultGrants</c>.</summary>
    private static readonly Dictionary<string, string[]> Grants = new(StringComparer.Ordinal)
    {
        [Roles.Customer] = ["transactions.submit", "reports.create"],
        [Roles.Analyst] = ["reports.review", "models.view", "models.retrain", "rules.manage", "cards.block"],
        [Roles.Admin] = ["reports.review", "models.view", "models.retrain", "models.manage", "users.manage", "audit.read", "cards.block"],
    };

    /// <summary>
    /// The status an allowed request answers when it is not the default (GET 200, POST a redirect elsewhere than
    /// sign-in or access denied), for anonymous and for signed-in callers. The requests carry empty forms, so a form
    /// comes back with its errors (200); their ids are 0, owned by nobody (404: <see cref="ResourceOwnershipTests"/>
    /// checks the owner), or a user's id where a role name is expected (404).
    /// </summary>
    private static readonly Dictionary<string, (int Anonymous, int SignedIn)> AllowedStatus = new(StringComparer.Ordinal)
    {
        ["GET Home.Error"] = (404, 404),
        ["POST Language.Set"] = (400, 400),
        // An empty form says neither "assign" nor "give back".
        ["POST Review.Assign"] = (0, 400),
        ["GET Account.Register"] = (200, 302),
        ["POST Account.Register"] = (200, 200),
        ["POST Account.Login"] = (200, 200),
        ["POST Account.ChangePassword"] = (0, 200),
        ["POST Account.ChangeEmail"] = (0, 200),
        // An empty form: the consent box is not ticked.
        ["POST Account.Consent"] = (0, 200),
        ["POST Account.ConfirmEmail"] = (200, 200),
        ["POST Account.ConfirmEmailChange"] = (0, 200),
        ["POST Account.ForgotPassword"] = (200, 200),
        ["POST Account.ResetPassword"] = (200, 200),
        ["GET Cards.Details"] = (0, 404),
        ["POST Cards.Add"] = (0, 200),
        ["GET Cards.Remove"] = (0, 404),
        ["POST Cards.Remove"] = (0, 404),
        ["GET Cards.ReportLost"] = (0, 404),
        ["POST Cards.ReportLost"] = (0, 404),
        ["POST CardBlocks.Block"] = (0, 404),
        ["POST CardBlocks.Unblock"] = (0, 404),
        ["POST CardLookup.ByNumber"] = (0, 200),
        ["POST CardLookup.ByEmail"] = (0, 200),
        ["POST Profile.Edit"] = (0, 200),
        ["POST Privacy.Export"] = (0, 200),
        ["POST Privacy.Close"] = (0, 200),
        ["GET Privacy.Closed"] = (302, 302),
        ["POST Transactions.New"] = (0, 200),
        ["POST Transactions.Search"] = (0, 200),
        ["GET Transactions.Details"] = (0, 404),
        ["GET Reports.New"] = (0, 404),
        ["POST Reports.New"] = (0, 404),
        ["POST AdminUsers.Create"] = (0, 200),
        ["POST AdminUsers.Invite"] = (0, 200),
        ["POST Account.AcceptInvitation"] = (200, 200),
        ["POST AdminUsers.Edit"] = (0, 200),
        ["POST AdminRoles.Permissions"] = (0, 404),
        ["POST Mfa.Enable"] = (0, 200),
        ["POST Mfa.RecoveryCodes"] = (0, 200),
        ["POST Mfa.SignIn"] = (200, 200),
        ["POST Mfa.Recovery"] = (200, 200),
        ["POST ApiKeys.Create"] = (0, 200),
        ["POST ApiKeys.Revoke"] = (0, 404),
        ["POST AdminApiKeys.Create"] = (0, 200),
        ["POST AdminApiKeys.Revoke"] = (0, 404),
        ["POST Rules.Create"] = (0, 200),
        ["GET Rules.Details"] = (0, 404),
        ["GET Rules.Edit"] = (0, 404),
        ["POST Rules.Edit"] = (0, 404),
        ["POST Rules.Enable"] = (0, 404),
        ["POST Rules.Disable"] = (0, 404),
        ["POST RuleLists.Create"] = (0, 200),
        ["GET RuleLists.Details"] = (0, 404),
        ["POST RuleLists.Search"] = (0, 404),
        ["POST RuleLists.SearchCards"] = (0, 404),
        ["POST RuleLists.Add"] = (0, 404),
        ["POST RuleLists.Remove"] = (0, 404),
        ["POST RuleLists.Approve"] = (0, 404),
        // The lists' search forms post and are sent on to the list's GET address.
        ["POST AdminUsers.Index"] = (0, 303),
        ["POST AdminAudit.Index"] = (0, 303),
        ["POST Review.Index"] = (0, 303),
        ["POST AdminApiKeys.Index"] = (0, 303),
    };

    /// <summary>"METHOD Controller.Action" to who may use it: anyone, any signed-in user, or holders of a permission.</summary>
    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["GET Home.Index"] = Anonymous,
        ["GET Home.PrivacyNotice"] = Anonymous,
        ["GET Home.Error"] = Anonymous,
        ["POST Language.Set"] = Anonymous,
        ["GET Account.Register"] = Anonymous,
        ["POST Account.Register"] = Anonymous,
        ["GET Account.RegisterConfirmation"] = Anonymous,
        ["GET Account.ConfirmEmail"] = Anonymous,
        ["POST Account.ConfirmEmail"] = Anonymous,
        ["GET Account.Login"] = Anonymous,
        ["POST Account.Login"] = Anonymous,
        ["GET Account.Lockout"] = Anonymous,
        ["POST Account.Logout"] = Authenticated,
        ["GET Account.AccessDenied"] = Anonymous,
        ["GET Account.Consent"] = Authenticated,
        ["POST Account.Consent"] = Authenticated,
        ["GET Account.Settings"] = Authenticated,
        ["GET Account.ChangePassword"] = Authenticated,
        ["POST Account.ChangePassword"] = Authenticated,
        ["GET Account.ChangeEmail"] = Authenticated,
        ["POST Account.ChangeEmail"] = Authenticated,
        ["GET Account.ConfirmEmailChange"] = Authenticated,
        ["POST Account.ConfirmEmailChange"] = Authenticated,
        ["GET Account.ForgotPassword"] = Anonymous,
        ["POST Account.ForgotPassword"] = Anonymous,
        ["GET Account.ForgotPasswordConfirmation"] = Anonymous,
        ["GET Account.ResetPassword"] = Anonymous,
        ["POST Account.ResetPassword"] = Anonymous,
        ["GET Account.ResetPasswordConfirmation"] = Anonymous,
        ["GET Account.AcceptInvitation"] = Anonymous,
        ["POST Account.AcceptInvitation"] = Anonymous,
        ["GET Staff.Index"] = Permissions.StaffWork,
        ["GET Mfa.Index"] = Authenticated,
        ["POST Mfa.Enable"] = Authenticated,
        ["POST Mfa.RecoveryCodes"] = Authenticated,
        ["POST Mfa.Disable"] = Authenticated,
        ["GET Mfa.SignIn"] = Anonymous,
        ["POST Mfa.SignIn"] = Anonymous,
        ["GET Mfa.Recovery"] = Anonymous,
        ["POST Mfa.Recovery"] = Anonymous,
        ["GET Cards.Details"] = Authenticated,
        ["GET Cards.Add"] = Permissions.TransactionsSubmit,
        ["POST Cards.Add"] = Permissions.TransactionsSubmit,
        ["GET Cards.Remove"] = Permissions.TransactionsSubmit,
        ["POST Cards.Remove"] = Permissions.TransactionsSubmit,
        ["GET Cards.ReportLost"] = Permissions.TransactionsSubmit,
        ["POST Cards.ReportLost"] = Permissions.TransactionsSubmit,
        ["POST CardBlocks.Block"] = Permissions.CardsBlock,
        ["POST CardBlocks.Unblock"] = Permissions.CardsBlock,
        ["GET CardLookup.Index"] = Permissions.CardsBlock,
        ["POST CardLookup.ByNumber"] = Permissions.CardsBlock,
        ["POST CardLookup.ByEmail"] = Permissions.CardsBlock,
        ["GET Profile.Index"] = Authenticated,
        ["GET Profile.Edit"] = Authenticated,
        ["POST Profile.Edit"] = Authenticated,
        ["GET Profile.ChartData"] = Authenticated,
        ["GET Privacy.Index"] = Authenticated,
        ["POST Privacy.Export"] = Authenticated,
        ["GET Privacy.Close"] = Authenticated,
        ["POST Privacy.Close"] = Authenticated,
        ["GET Privacy.Closed"] = Anonymous,
        ["GET Transactions.New"] = Permissions.TransactionsSubmit,
        ["POST Transactions.New"] = Permissions.TransactionsSubmit,
        ["POST Transactions.Search"] = Permissions.TransactionsSubmit,
        ["GET Transactions.Merchants"] = Permissions.TransactionsSubmit,
        ["GET Transactions.Details"] = Authenticated,
        ["GET AdminUsers.Index"] = Permissions.UsersManage,
        ["POST AdminUsers.Index"] = Permissions.UsersManage,
        ["GET AdminUsers.Details"] = Permissions.UsersManage,
        ["GET AdminUsers.Create"] = Permissions.UsersManage,
        ["POST AdminUsers.Create"] = Permissions.UsersManage,
        ["GET AdminUsers.Invite"] = Permissions.UsersManage,
        ["POST AdminUsers.Invite"] = Permissions.UsersManage,
        ["GET AdminUsers.Edit"] = Permissions.UsersManage,
        ["POST AdminUsers.Edit"] = Permissions.UsersManage,
        ["POST AdminUsers.Lock"] = Permissions.UsersManage,
        ["POST AdminUsers.Unlock"] = Permissions.UsersManage,
        ["POST AdminUsers.ResetPassword"] = Permissions.UsersManage,
        ["POST AdminUsers.ResetTwoStep"] = Permissions.UsersManage,
        ["POST AdminUsers.Roles"] = Permissions.UsersManage,
        ["GET AdminUsers.Delete"] = Permissions.UsersManage,
        ["POST AdminUsers.Delete"] = Permissions.UsersManage,
        ["GET AdminRoles.Index"] = Permissions.UsersManage,
        ["POST AdminRoles.Permissions"] = Permissions.UsersManage,
        ["GET AdminAudit.Index"] = Permissions.AuditRead,
        ["POST AdminAudit.Index"] = Permissions.AuditRead,
        ["GET Rules.Index"] = Permissions.RulesManage,
        ["GET Rules.Create"] = Permissions.RulesManage,
        ["POST Rules.Create"] = Permissions.RulesManage,
        ["GET Rules.Details"] = Permissions.RulesManage,
        ["GET Rules.Edit"] = Permissions.RulesManage,
        ["POST Rules.Edit"] = Permissions.RulesManage,
        ["POST Rules.Backtest"] = Permissions.RulesManage,
        ["POST Rules.Enable"] = Permissions.RulesManage,
        ["POST Rules.Disable"] = Permissions.RulesManage,
        ["GET RuleLists.Create"] = Permissions.RulesManage,
        ["POST RuleLists.Create"] = Permissions.RulesManage,
        ["GET RuleLists.Details"] = Permissions.RulesManage,
        ["POST RuleLists.Search"] = Permissions.RulesManage,
        ["POST RuleLists.SearchCards"] = Permissions.RulesManage,
        ["POST RuleLists.Add"] = Permissions.RulesManage,
        ["POST RuleLists.Remove"] = Permissions.RulesManage,
        ["POST RuleLists.Approve"] = Permissions.RulesManage,
        ["GET Reports.New"] = Permissions.ReportsCreate,
        ["POST Reports.New"] = Permissions.ReportsCreate,
        ["GET Review.Index"] = Permissions.ReportsReview,
        ["POST Review.Index"] = Permissions.ReportsReview,
        ["POST Review.Decide"] = Permissions.ReportsReview,
        ["POST Review.Assign"] = Permissions.ReportsReview,
        ["GET Models.Index"] = Permissions.ModelsView,
        ["POST Models.Retrain"] = Permissions.ModelsRetrain,
        ["POST Models.Promote"] = Permissions.ModelsManage,
        ["POST Models.Rollback"] = Permissions.ModelsManage,
        ["GET ApiKeys.Index"] = Authenticated,
        ["POST ApiKeys.Create"] = Permissions.TransactionsSubmit,
        ["POST ApiKeys.Revoke"] = Authenticated,
        ["GET AdminApiKeys.Index"] = Permissions.UsersManage,
        ["POST AdminApiKeys.Index"] = Permissions.UsersManage,
        ["POST AdminApiKeys.Create"] = Permissions.UsersManage,
        ["POST AdminApiKeys.Revoke"] = Permissions.UsersManage,
    };

    /// <summary>Replaced by a real user's id on administration pages, elsewhere by an id nobody owns.</summary>
    private const string IdPlaceholder = "{id}";

    private sealed record Endpoint(string Key, string Method, string Url, string Access);

    private List<Endpoint> DiscoverEndpoints()
    {
        var actions = factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items;
        var endpoints = new List<Endpoint>();
        foreach (var action in actions.OfType<ControllerActionDescriptor>())
        {
            // Test-only controllers (fault injection, policy probes) are not part of the app.
            if (action.ControllerTypeInfo.Assembly == typeof(PermissionMatrixTests).Assembly) continue;
            // The JSON API takes keys, not sign-in cookies: ApiScopeMatrixTests covers it.
            if (action.ControllerTypeInfo.Namespace == typeof(FraudWeb.Controllers.Api.ApiControllerBase).Namespace) continue;
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
        return action.Parameters.Any(p => p.Name == "id") ? url + "/" + IdPlaceholder : url;
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
        // The staff dashboard: anyone holding a permission that is not a card holder's own.
        Permissions.StaffWork => role is not null && Grants[role].Except(Grants[Roles.Customer]).Any(),
        _ => role is not null && access.Split('+').All(p => Grants[role].Contains(p)),
    };

    /// <summary>Allowed answers that depend on the role: the card holder's landing page sends staff to theirs.</summary>
    private static readonly Dictionary<(string Endpoint, string Role), string> RedirectsFor = new()
    {
        [("GET Profile.Index", Roles.Analyst)] = "/Staff",
        [("GET Profile.Index", Roles.Admin)] = "/Staff",
    };

    private static bool IsAllowedAs(Endpoint endpoint, string? role, HttpResponseMessage response)
    {
        if (role is not null && RedirectsFor.TryGetValue((endpoint.Key, role), out var target))
            return response.StatusCode == HttpStatusCode.Redirect && Html.Location(response) == target;
        if (AllowedStatus.TryGetValue(endpoint.Key, out var status)) return (int)response.StatusCode == (role is null ? status.Anonymous : status.SignedIn);
        if (endpoint.Method == "GET") return response.StatusCode == HttpStatusCode.OK;
        return response.StatusCode == HttpStatusCode.Redirect && !IsDenied(response);
    }

    private static bool IsDenied(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Forbidden
        || (response.StatusCode == HttpStatusCode.Redirect
            && (Html.Location(response).Contains("/Account/Login", StringComparison.Ordinal) || Html.Location(response).Contains("/Account/AccessDenied", StringComparison.Ordinal)));

    [Fact]
    public async Task Grants_EveryRole_HoldsExactlyTheExpectedPermissions()
    {
        // Arrange + Act: the role claims as stored by the first start.
        var held = await factory.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.RoleClaims.Where(c => c.ClaimType == Permissions.ClaimType).Join(db.Roles, c => c.RoleId, r => r.Id, (c, r) => new { r.Name, c.ClaimValue })));

        // Assert
        foreach (var role in Roles.All)
        {
            Assert.Equal(Grants[role].Order(StringComparer.Ordinal), held.Where(h => h.Name == role).Select(h => h.ClaimValue!).Order(StringComparer.Ordinal));
        }
    }

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
    public async Task Endpoints_EveryPostWithoutItsAntiforgeryToken_Refused400()
    {
        // Arrange (tests review: four endpoints were ever posted without a token, so an [IgnoreAntiforgeryToken] on the
        // administrators' Lock went unnoticed). Each POST as someone it allows, so only the token is missing.
        var posts = DiscoverEndpoints().Where(e => e.Method != "GET").ToList();
        var failures = new List<string>();

        // Act
        foreach (var endpoint in posts)
        {
            var access = Expected.GetValueOrDefault(endpoint.Key, endpoint.Access);
            var role = access == Anonymous ? null : Roles.All.FirstOrDefault(r => Allows(access, r));
            if (access != Anonymous && role is null)
            {
                failures.Add($"{endpoint.Key}: no role may post it");
                continue;
            }
            using var session = role is null ? null : await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(role)));
            using var anonymous = factory.CreateBrowserClient();
            var user = await factory.CreateUserAsync(Roles.Customer);
            var url = endpoint.Url.Replace(IdPlaceholder, endpoint.Key.Contains(" Admin", StringComparison.Ordinal) ? user : "0", StringComparison.Ordinal);
            using var response = await (session?.Client ?? anonymous).PostAsync(new Uri(url, UriKind.Relative), new FormUrlEncodedContent([]));
            if (response.StatusCode != HttpStatusCode.BadRequest) failures.Add($"{role ?? "anonymous"} {endpoint.Key} {url}: {(int)response.StatusCode} {response.Headers.Location}");
        }

        // Assert
        Assert.NotEmpty(posts);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task Endpoints_EveryRoleAndAnonymous_AllowedOrDeniedAsClassified()
    {
        // Arrange
        var target = await factory.CreateUserAsync(Roles.Customer);
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
                // A POST may lock or delete the user it names, so each gets a user of its own.
                var user = endpoint.Method == "GET" ? target : await factory.CreateUserAsync(Roles.Customer);
                var url = endpoint.Url.Replace(IdPlaceholder, endpoint.Key.Contains(" Admin", StringComparison.Ordinal) ? user : "0", StringComparison.Ordinal);
                if (endpoint.Method == "GET")
                {
                    using var anonymous = factory.CreateBrowserClient();
                    response = await (shared?.Client ?? anonymous).GetAsync(new Uri(url, UriKind.Relative));
                }
                else
                {
                    // A fresh session per POST, as another user of the role: some (sign-out) end every session of the
                    // user they are sent with, and an authenticator code signs in once (a user signing in dozens of
                    // times a minute would wait for new codes).
                    using var session = role is null ? null : await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(role)));
                    using var anonymous = factory.CreateBrowserClient();
                    var client = session?.Client ?? anonymous;
                    response = await Html.SubmitAsync(client, url, [], role is null ? "/Account/Login" : "/");
                }
                var expectedAllowed = Allows(Expected[endpoint.Key], role);
                if (expectedAllowed ? !IsAllowedAs(endpoint, role, response) : !IsDenied(response))
                {
                    failures.Add($"{role ?? "anonymous"} {endpoint.Method} {url}: expected {(expectedAllowed ? "allowed" : "denied")}, got {(int)response.StatusCode} {response.Headers.Location}");
                }
            }
        }

        // Assert
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }
}
