using FraudWeb.Infrastructure.Security;
using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>
/// Auditor's finding (PCI DSS 10.2.1.3, 10.2.1.4): reading the audit log was not recorded, nor were a signed-in user's
/// attempts refused by authorization.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class AccessAuditTests(FraudWebFactory factory)
{
    private Task<string> IdOfAsync(CardHolderSession session) =>
        factory.QueryAsync(db => db.Users.Where(u => u.Email == session.Email).Select(u => u.Id).FirstAsync());

    private Task<List<AuditEntry>> EntriesByAsync(string actorId, string action) =>
        factory.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking().Where(e => e.ActorId == actorId && e.Action == action).OrderBy(e => e.Id).ToListAsync());

    [Fact]
    public async Task Index_AdminOpensTheAuditLogFiltered_ReadRecordedWithTheFilters()
    {
        // Arrange
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var adminId = await IdOfAsync(admin);

        // Act
        using var response = await admin.Client.GetAsync("/AdminAudit?Operation=user.lock&Target=1111&From=2026-01-01");
        var page = await Html.ParseAsync(response);

        // Assert: recorded once, after the read (the page does not show its own entry)
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var entry = Assert.Single(await EntriesByAsync(adminId, AuditActions.AuditRead));
        Assert.Equal(AccessAuditService.AuditLogTarget, entry.TargetType);
        Assert.Equal("{\"ActorFilter\":null,\"ActionFilter\":\"user.lock\",\"TargetFilter\":\"1111\",\"From\":\"2026-01-01\",\"To\":null}", entry.After);
        Assert.Null(page.QuerySelector($"tr[data-audit-id=\"{entry.Id}\"]"));
    }

    [Fact]
    public async Task Index_ActorFilterIsAnEmail_RecordedAsTheAccountsIdNeverTheAddress()
    {
        // Arrange (ADR 0004: the log keeps no email)
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var adminId = await IdOfAsync(admin);
        var holderId = await IdOfAsync(holder);

        // Act
        // (a whole address in the link is first sent on encrypted: SearchTermProtector)
        using var sentOn = await admin.Client.GetAsync("/AdminAudit?Actor=" + Uri.EscapeDataString(holder.Email.ToUpperInvariant()));
        using var exact = await admin.Client.GetAsync(sentOn.Headers.Location);
        using var partSentOn = await admin.Client.GetAsync("/AdminAudit?Actor=" + Uri.EscapeDataString("@" + holder.Email.Split('@')[1]));
        using var part = await admin.Client.GetAsync(partSentOn.Headers.Location);

        // Assert
        var entries = await EntriesByAsync(adminId, AuditActions.AuditRead);
        Assert.Equal(HttpStatusCode.SeeOther, sentOn.StatusCode);
        Assert.Equal(HttpStatusCode.OK, exact.StatusCode);
        Assert.Equal(2, entries.Count);
        Assert.Contains($"\"ActorFilter\":\"{holderId}\"", entries[0].After, StringComparison.Ordinal);
        Assert.Contains($"\"ActorFilter\":\"{AccessAuditService.EmailAddress}\"", entries[1].After, StringComparison.Ordinal);
        Assert.DoesNotContain("@", string.Concat(entries.Select(e => e.After)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Roles.Customer, "/Review")]
    [InlineData(Roles.Analyst, "/AdminUsers")]
    public async Task StaffPage_SignedInUserRefused_RefusalRecordedOncePerMinute(string role, string page)
    {
        // Arrange
        using var user = role == Roles.Customer ? await CardHolderSession.RegisteredAsync(factory) : await ReviewSteps.SignedInAsAsync(factory, role);
        var userId = await IdOfAsync(user);

        // Act: refused three times in a row (a retry, a script)
        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var refused = await user.Client.GetAsync(page);
            Assert.Contains("/Account/AccessDenied", Html.Location(refused), StringComparison.Ordinal);
            answers.Add(refused.StatusCode);
        }

        // Assert: the refusal stands, and is in the log once
        Assert.All(answers, status => Assert.Equal(HttpStatusCode.Redirect, status));
        var entry = Assert.Single(await EntriesByAsync(userId, AuditActions.AccessRefused));
        Assert.Equal(AccessAuditService.PageTarget, entry.TargetType);
        Assert.Equal(page, entry.TargetId);
        Assert.Equal("{\"Method\":\"GET\"}", entry.After);
    }

    [Fact]
    public async Task Api_KeyWithoutTheEndpointsScope_RefusalRecordedOncePerEndpointWithTheKeysPrefix()
    {
        // Arrange (review: the API's 403s were not recorded): an analyst's key that may only read models
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var analystId = await IdOfAsync(analyst);
        var key = await factory.IssueKeyAsync(analystId, FraudWeb.Services.ApiKeys.ApiScopes.ModelsRead);
        using var api = factory.ApiClient(key);

        // Act: twice, as a retrying integration does
        var first = await api.GetAsync(factory, "/api/v1/payments?cardId=1");
        var again = await api.GetAsync(factory, "/api/v1/cards");

        // Assert: refused as before; recorded by path (never its query) with the key's prefix, once a minute per endpoint
        Assert.Equal(HttpStatusCode.Forbidden, first.Status);
        Assert.Equal(HttpStatusCode.Forbidden, again.Status);
        var entries = await EntriesByAsync(analystId, AuditActions.AccessRefused);
        Assert.Equal(["/api/v1/payments", "/api/v1/cards"], entries.Select(e => e.TargetId));
        Assert.All(entries, e => Assert.Equal($"{{\"Method\":\"GET\",\"Key\":\"{key[..ApiKey.PrefixLength]}\"}}", e.After));
        var more = await api.GetAsync(factory, "/api/v1/cards");
        Assert.Equal(HttpStatusCode.Forbidden, more.Status);
        Assert.Equal(2, (await EntriesByAsync(analystId, AuditActions.AccessRefused)).Count);
    }

    [Fact]
    public async Task StaffPages_HolderScriptsManyIdsAndPages_OneEntryPerPageAndAtMostTheCapAMinute()
    {
        // Arrange (review: every id made a new path, so one script filled the append-only log)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var userId = await IdOfAsync(holder);
        string[] pages = ["/AdminUsers", "/AdminRoles", "/AdminAudit", "/AdminApiKeys", "/Review", "/Models", "/Rules", "/RuleLists", "/CardLookup", "/Staff",
            "/AdminUsers/Create", "/Rules/Create"];

        // Act: one page for 20 ids, then a dozen other pages
        for (var id = 0; id < 20; id++)
        {
            using var refused = await holder.Client.GetAsync(new Uri($"/AdminUsers/Details/{id}", UriKind.Relative));
            Assert.Contains("/Account/AccessDenied", Html.Location(refused), StringComparison.Ordinal);
        }
        foreach (var page in pages)
        {
            using var refused = await holder.Client.GetAsync(new Uri(page, UriKind.Relative));
        }

        // Assert: the details page once, and no more than the cap in all
        var entries = await EntriesByAsync(userId, AuditActions.AccessRefused);
        Assert.Single(entries, e => e.TargetId.StartsWith("/AdminUsers/Details/", StringComparison.Ordinal));
        Assert.Equal(RefusalThrottle.PerUserPerWindow, entries.Count);
    }

    [Fact]
    public async Task Post_AnalystRefusedAnAdministratorsAction_RecordedWithItsMethod()
    {
        // Arrange
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var target = await IdOfAsync(admin);
        var analystId = await IdOfAsync(analyst);

        // Act: the token of a page the analyst may open, on an administrator's action
        using var refused = await Html.SubmitAsync(analyst.Client, $"/AdminUsers/Lock/{target}", [], formPage: "/Review");

        // Assert
        Assert.Contains("/Account/AccessDenied", Html.Location(refused), StringComparison.Ordinal);
        var entry = Assert.Single(await EntriesByAsync(analystId, AuditActions.AccessRefused));
        Assert.Equal($"/AdminUsers/Lock/{target}", entry.TargetId);
        Assert.Equal("{\"Method\":\"POST\"}", entry.After);
    }

    [Fact]
    public async Task StaffPage_Anonymous_SentToSignInNothingRecorded()
    {
        // Arrange
        using var client = factory.CreateBrowserClient();
        var before = await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.AccessRefused && e.TargetId == "/AdminAudit"));

        // Act
        using var response = await client.GetAsync("/AdminAudit");

        // Assert: not signed in is not a refused access (no one to name)
        Assert.Contains("/Account/Login", Html.Location(response), StringComparison.Ordinal);
        Assert.Equal(before, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == AuditActions.AccessRefused && e.TargetId == "/AdminAudit")));
    }
}
