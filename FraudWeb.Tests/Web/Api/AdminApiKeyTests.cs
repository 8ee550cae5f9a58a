using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Api;

/// <summary>Administrators' integration keys: any user, only the scopes that user's permissions allow, every key revocable.</summary>
public sealed class AdminApiKeyTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    [Fact]
    public async Task Create_ForAnAnalystWithLabelScope_KeyWorksOnTheLabelsEndpointAndIsAudited()
    {
        // Arrange
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var analystId = await factory.CreateUserAsync(Roles.Analyst);
        var analystEmail = await factory.EmailOfAsync(analystId);

        // Act
        var response = await ApiSteps.SubmitKeyFormAsync(admin.Client, "/AdminApiKeys/Create", "/AdminApiKeys", "case tool", [ApiScopes.LabelsWrite], analystEmail);
        var page = await Html.ParseAsync(response);
        var key = (page.QuerySelector("[data-testid=new-api-key]") as AngleSharp.Html.Dom.IHtmlInputElement)!.Value;
        var labels = await factory.ApiClient(key).PostAsync(factory, "/api/v1/labels", new { labels = new[] { new { paymentId = 987654321, label = "fraud" } } });

        // Assert
        Assert.Equal(HttpStatusCode.OK, labels.Status);
        Assert.Equal("not-found", labels.Json.GetProperty("results")[0].GetProperty("outcome").GetString());
        var stored = await factory.QueryAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Prefix == key.Substring(0, ApiKey.PrefixLength)));
        Assert.Equal(analystId, stored.OwnerId);
        Assert.NotEqual(analystId, stored.CreatedBy);
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.ApiKeyCreate && a.ActorId == stored.CreatedBy && a.TargetId == stored.Prefix)));
    }

    [Fact]
    public async Task Index_MoreRevokedKeysThanThePageShows_EveryWorkingKeyStillListedToRevoke()
    {
        // Arrange: an old working key, then more revoked keys than the page shows as history
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var old = (await factory.IssueKeyAsync(await factory.CreateUserAsync(Roles.Analyst), ApiScopes.ModelsRead))[..ApiKey.PrefixLength];
        var churner = await factory.CreateUserAsync(Roles.Analyst);
        foreach (var _ in Enumerable.Range(0, FraudWeb.ViewModelBuilders.ApiKeyViewModelBuilder.InactiveShown + 1))
        {
            // Revoked as it goes (an account holds at most 20 working keys).
            await factory.IssueKeyAsync(churner, ApiScopes.ModelsRead);
            await factory.QueryAsync(db => db.ApiKeys.Where(k => k.OwnerId == churner && k.RevokedUtc == null).ExecuteUpdateAsync(set => set.SetProperty(k => k.RevokedUtc, factory.Clock.UtcNow)));
        }

        // Act
        var page = await Html.GetPageAsync(admin.Client, "/AdminApiKeys");

        // Assert: the old key is there with its revoke form
        var row = page.QuerySelectorAll("tr").FirstOrDefault(r => r.TextContent.Contains(old, StringComparison.Ordinal));
        Assert.NotNull(row);
        Assert.NotNull(row.QuerySelector("form[action*='Revoke']"));
    }

    [Fact]
    public async Task Index_MoreWorkingKeysThanAPage_OlderLinkReachesEveryKeyOnceAndTheOwnerFilterNarrows()
    {
        // Arrange (data-volume review: every working key on one page was 23 MB at 20,000 keys)
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var owners = new List<string>();
        var prefixes = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var owner = await factory.CreateUserAsync(Roles.Analyst);
            owners.Add(owner);
            for (var k = 0; k < 18; k++) prefixes.Add((await factory.IssueKeyAsync(owner, ApiScopes.ModelsRead))[..ApiKey.PrefixLength]);
        }
        var ownerEmail = await factory.EmailOfAsync(owners[1]);

        // Act: every page, following "Older working keys"
        var seen = new List<string>();
        var path = "/AdminApiKeys";
        for (var pages = 0; path is not null && pages < 100; pages++)
        {
            var page = await Html.GetPageAsync(admin.Client, path);
            seen.AddRange(page.QuerySelectorAll("tr[data-key-prefix]").Where(r => r.QuerySelector("form[action*='Revoke']") is not null)
                .Select(r => r.GetAttribute("data-key-prefix")!));
            path = page.QuerySelector("[data-testid=older-keys]")?.GetAttribute("href");
        }
        using var search = await Html.SubmitAsync(admin.Client, "/AdminApiKeys", [new("owner", ownerEmail.ToUpperInvariant())]);
        var filteredPath = Html.Location(search);
        var filtered = await Html.GetPageAsync(admin.Client, filteredPath);

        // Assert: each of these keys once, on pages of at most 50; the filter shows that owner's keys only
        Assert.All(prefixes, p => Assert.Single(seen, p));
        Assert.Equal(seen.Count, seen.Distinct().Count());
        var shown = filtered.QuerySelectorAll("tr[data-key-prefix]").Select(r => r.GetAttribute("data-key-prefix")!).ToList();
        Assert.Equal(prefixes.Skip(18).Take(18).Order(StringComparer.Ordinal), shown.Order(StringComparer.Ordinal));
        Assert.Contains("18", filtered.QuerySelector("[data-testid=working-count]")!.TextContent, StringComparison.Ordinal);
        // Revoking from the filtered list returns to it, not to the first page of every key
        // (the owner's address encrypted in it: SearchTermProtector).
        var revokeAction = filtered.QuerySelector("form[action*='Revoke']")!.GetAttribute("action")!;
        var revoked = await admin.PostAsync(revokeAction, filteredPath, [new("owner", ownerEmail)]);
        Assert.StartsWith("/AdminApiKeys?owner=~", Html.Location(revoked), StringComparison.Ordinal);
        Assert.DoesNotContain("@", Uri.UnescapeDataString(Html.Location(revoked)), StringComparison.Ordinal);
        var back = await Html.GetPageAsync(admin.Client, Html.Location(revoked));
        Assert.Equal(ownerEmail, back.QuerySelector("form[role=search] input[name=owner]")!.GetAttribute("value"));
        Assert.Equal(17, back.QuerySelectorAll("tr[data-key-prefix]").Count(r => r.QuerySelector("form[action*='Revoke']") is not null));
    }

    [Fact]
    public async Task Create_ScopeTheUserCannotHold_RefusedWithTheReason()
    {
        // Arrange: card holders do not hold reports.review, so labels:write is not theirs to give.
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var holderEmail = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));

        // Act
        var response = await ApiSteps.SubmitKeyFormAsync(admin.Client, "/AdminApiKeys/Create", "/AdminApiKeys", "wrong", [ApiScopes.LabelsWrite], holderEmail);
        var page = await Html.ParseAsync(response);

        // Assert
        Assert.Null(page.QuerySelector("[data-testid=new-api-key]"));
        Assert.Contains(Html.ValidationMessages(page), m => m.Contains("reports.review", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Create_OwnerEmailOfNoUser_RefusedSayingSo()
    {
        // Arrange
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

        // Act
        var response = await ApiSteps.SubmitKeyFormAsync(admin.Client, "/AdminApiKeys/Create", "/AdminApiKeys", "nobody's", [ApiScopes.ModelsRead], "nobody-here@example.com");
        var page = await Html.ParseAsync(response);

        // Assert
        Assert.Null(page.QuerySelector("[data-testid=new-api-key]"));
        Assert.Contains("There is no user with this email.", Html.ValidationMessages(page));
    }

    [Theory]
    [InlineData(ApiScopes.PaymentsWrite)]
    [InlineData(ApiScopes.PaymentsRead)]
    [InlineData(ApiScopes.ReportsWrite)]
    public async Task Create_CardHoldersScopeForACardHolder_RefusedSoNoAdministratorActsAsThem(string scope)
    {
        // Arrange
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));
        var holderId = await factory.CreateUserAsync(Roles.Customer);

        // Act
        var response = await ApiSteps.SubmitKeyFormAsync(admin.Client, "/AdminApiKeys/Create", "/AdminApiKeys", "as them", [scope], await factory.EmailOfAsync(holderId));
        var page = await Html.ParseAsync(response);

        // Assert
        Assert.Null(page.QuerySelector("[data-testid=new-api-key]"));
        Assert.Contains(Html.ValidationMessages(page), m => m.Contains("only card holders give it", StringComparison.Ordinal));
        Assert.False(await factory.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.OwnerId == holderId)));
    }

    [Fact]
    public async Task Revoke_AnyUsersKey_RefusedAfterwardsAndAudited()
    {
        // Arrange
        var adminId = await factory.CreateUserAsync(Roles.Admin);
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(adminId));
        var analystId = await factory.CreateUserAsync(Roles.Analyst);
        var key = await factory.IssueKeyAsync(analystId, ApiScopes.ModelsRead);
        var id = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.OwnerId == analystId).Select(k => k.Id).SingleAsync());

        // Act
        var revoked = await admin.PostAsync($"/AdminApiKeys/Revoke/{id}", "/AdminApiKeys");
        var after = await factory.ApiClient(key).GetAsync(factory, "/api/v1/models/serving");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.ApiKeyRevoke && a.ActorId == adminId)));
    }

    /// <summary>A key administrator <paramref name="creatorId"/> made for <paramref name="ownerId"/>, through the service as the page makes it.</summary>
    private async Task<string> KeyMadeByAsync(string creatorId, string ownerId, params string[] scopes)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var made = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(ownerId, creatorId, "case tool", scopes, 30, null, CancellationToken.None);
        Assert.True(made.Succeeded, made.Succeeded ? "" : made.Errors[0].Message);
        return made.Value.Secret;
    }

    private async Task<T> AsAdministrationAsync<T>(Func<AdminUserService, Task<T>> act)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<AdminUserService>());
    }

    [Fact]
    public async Task Create_ScopeTheAdministratorDoesNotHold_RefusedNoKey()
    {
        // Arrange (review: the administrator sees the key's text, so a key for a colleague gave them the colleague's
        // scopes): a user manager whose role does not hold cards.block, and an analyst who does.
        const string role = "KeyManagers";
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
            if (!await roles.RoleExistsAsync(role))
            {
                Assert.True((await roles.CreateAsync(new IdentityRole(role))).Succeeded);
                var created = (await roles.FindByNameAsync(role))!;
                Assert.True((await roles.AddClaimAsync(created, new System.Security.Claims.Claim(Permissions.ClaimType, Permissions.UsersManage))).Succeeded);
            }
        }
        var managerId = await factory.CreateUserAsync(role);
        var analystId = await factory.CreateUserAsync(Roles.Analyst);

        // Act
        await using var act = factory.Services.CreateAsyncScope();
        var result = await act.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(analystId, managerId, "block tool", [ApiScopes.CardsBlock], 30, null, CancellationToken.None);

        // Assert
        Assert.False(result.Succeeded);
        Assert.Equal(ApiKeyService.NotYoursToGive.Replace("{0}", ApiScopes.CardsBlock, StringComparison.Ordinal).Replace("{1}", Permissions.CardsBlock, StringComparison.Ordinal), result.Errors[0].Message);
        Assert.False(await factory.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.OwnerId == analystId)));
    }

    [Fact]
    public async Task Authenticate_CreatorLockedByAnotherAdministrator_KeyRefusedAtOnceUntilUnlocked()
    {
        // Arrange (review: keys an administrator made kept working after that administrator was locked); used, so cached.
        var creatorId = await factory.CreateUserAsync(Roles.Admin);
        var otherAdminId = await factory.CreateUserAsync(Roles.Admin);
        var analystId = await factory.CreateUserAsync(Roles.Analyst);
        using var api = factory.ApiClient(await KeyMadeByAsync(creatorId, analystId, ApiScopes.ModelsRead));
        // No model serves in this app (503 or 404 alike): what matters is that the key is accepted, not 401.
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await api.GetAsync(factory, "/api/v1/models/serving")).Status);

        // Act
        Assert.True((await AsAdministrationAsync(a => a.SetLockedAsync(otherAdminId, creatorId, locked: true, CancellationToken.None))).Succeeded);
        var whileLocked = await api.GetAsync(factory, "/api/v1/models/serving");
        Assert.True((await AsAdministrationAsync(a => a.SetLockedAsync(otherAdminId, creatorId, locked: false, CancellationToken.None))).Succeeded);
        var unlocked = await api.GetAsync(factory, "/api/v1/models/serving");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, whileLocked.Status);
        Assert.NotEqual(HttpStatusCode.Unauthorized, unlocked.Status);
        Assert.NotEqual(HttpStatusCode.Forbidden, unlocked.Status);
    }

    [Fact]
    public async Task ForcePasswordResetAndDelete_Creator_KeysTheyMadeForOthersRevokedAndAudited()
    {
        // Arrange: two administrators' keys for an analyst, each used (cached); the analyst's own key made by neither.
        var resetId = await factory.CreateUserAsync(Roles.Admin);
        var deletedId = await factory.CreateUserAsync(Roles.Admin);
        var actorId = await factory.CreateUserAsync(Roles.Admin);
        var analystId = await factory.CreateUserAsync(Roles.Analyst);
        using var byReset = factory.ApiClient(await KeyMadeByAsync(resetId, analystId, ApiScopes.ModelsRead));
        using var byDeleted = factory.ApiClient(await KeyMadeByAsync(deletedId, analystId, ApiScopes.ModelsRead));
        using var byActor = factory.ApiClient(await KeyMadeByAsync(actorId, analystId, ApiScopes.ModelsRead));
        foreach (var api in new[] { byReset, byDeleted, byActor }) Assert.NotEqual(HttpStatusCode.Unauthorized, (await api.GetAsync(factory, "/api/v1/models/serving")).Status);

        // Act
        var reset = await AsAdministrationAsync(a => a.ForcePasswordResetAsync(actorId, resetId, token => "https://fraudweb.test/reset", token => "https://fraudweb.test/accept", CancellationToken.None));
        var deleted = await AsAdministrationAsync(a => a.DeleteAsync(actorId, deletedId, CancellationToken.None));

        // Assert
        Assert.True(reset.Succeeded, reset.Succeeded ? "" : reset.Errors[0].Message);
        Assert.True(deleted.Succeeded);
        Assert.Equal(HttpStatusCode.Unauthorized, (await byReset.GetAsync(factory, "/api/v1/models/serving")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await byDeleted.GetAsync(factory, "/api/v1/models/serving")).Status);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await byActor.GetAsync(factory, "/api/v1/models/serving")).Status);
        var keys = await factory.QueryAsync(db => db.ApiKeys.AsNoTracking().Where(k => k.OwnerId == analystId).ToListAsync());
        Assert.Equal(2, keys.Count(k => k.RevokedUtc != null));
        var revokedPrefixes = keys.Where(k => k.RevokedUtc != null).Select(k => k.Prefix).ToList();
        Assert.Equal(2, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == AuditActions.ApiKeyRevoke && a.ActorId == actorId && revokedPrefixes.Contains(a.TargetId))));
    }

    [Fact]
    public async Task Index_UserWhoDoesNotHoldCards_ListsTheKeysMadeForThemToRevokeNoCreateForm()
    {
        // Arrange (review: an analyst could not revoke a leaked key made for them; only an administrator could)
        var analystId = await factory.CreateUserAsync(Roles.Analyst);
        using var analyst = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(analystId));
        var key = await factory.IssueKeyAsync(analystId, ApiScopes.ModelsRead);
        var id = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.OwnerId == analystId).Select(k => k.Id).SingleAsync());

        // Act
        var page = await Html.GetPageAsync(analyst.Client, "/ApiKeys");
        var settings = await Html.GetPageAsync(analyst.Client, "/Account/Settings");
        var create = await ApiSteps.SubmitKeyFormAsync(analyst.Client, "/ApiKeys/Create", "/ApiKeys", "mine", [ApiScopes.PaymentsRead], null);
        var revoked = await analyst.PostAsync($"/ApiKeys/Revoke/{id}", "/ApiKeys");
        var after = await factory.ApiClient(key).GetAsync(factory, "/api/v1/models/serving");

        // Assert
        Assert.NotNull(page.QuerySelector("[data-testid=keys-made-for-you]"));
        Assert.NotNull(page.QuerySelector($"tr[data-key-prefix='{key[..ApiKey.PrefixLength]}']"));
        Assert.Null(page.QuerySelector("form[action$='/ApiKeys/Create']"));
        Assert.NotNull(settings.QuerySelector("[data-testid=settings-api-keys]"));
        Assert.NotEqual(HttpStatusCode.OK, create.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        Assert.Equal(1, await factory.QueryAsync(db => db.ApiKeys.CountAsync(k => k.OwnerId == analystId)));
    }
}
