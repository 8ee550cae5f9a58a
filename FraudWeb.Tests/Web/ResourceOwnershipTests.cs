using System.Net;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web;

/// <summary>
/// Every endpoint that takes a resource id, found at test time, is requested by the resource's owner and by another
/// card holder: the owner gets it, the other gets 404 (the same as a missing id, so ids cannot be probed). An
/// administration page about a user is for staff only, even for that user. A new id-taking endpoint fails until mapped.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ResourceOwnershipTests(FraudWebFactory factory)
{
    private sealed record Ids(long Card, long Transaction, string User);

    /// <summary>"METHOD Controller.Action" to its URL for the owner's resource, and what the owner and another holder get.</summary>
    private static readonly Dictionary<string, (Func<Ids, string> Url, HttpStatusCode Owner, HttpStatusCode Other)> Resources = new(StringComparer.Ordinal)
    {
        ["GET Cards.Details"] = (i => $"/Cards/Details/{i.Card}", HttpStatusCode.OK, HttpStatusCode.NotFound),
        ["GET Cards.Remove"] = (i => $"/Cards/Remove/{i.Card}", HttpStatusCode.OK, HttpStatusCode.NotFound),
        ["GET Cards.ReportLost"] = (i => $"/Cards/ReportLost/{i.Card}", HttpStatusCode.OK, HttpStatusCode.NotFound),
        ["GET Transactions.Details"] = (i => $"/Transactions/Details/{i.Transaction}", HttpStatusCode.OK, HttpStatusCode.NotFound),
        ["GET Reports.New"] = (i => $"/Reports/New?transactionId={i.Transaction}", HttpStatusCode.OK, HttpStatusCode.NotFound),
        ["GET Transactions.New"] = (i => $"/Transactions/New?cardId={i.Card}", HttpStatusCode.OK, HttpStatusCode.NotFound),
        // Staff pages about a person: the person themself is not staff.
        ["GET AdminUsers.Details"] = (i => $"/AdminUsers/Details/{i.User}", HttpStatusCode.Redirect, HttpStatusCode.Redirect),
        ["GET AdminUsers.Edit"] = (i => $"/AdminUsers/Edit/{i.User}", HttpStatusCode.Redirect, HttpStatusCode.Redirect),
        ["GET AdminUsers.Delete"] = (i => $"/AdminUsers/Delete/{i.User}", HttpStatusCode.Redirect, HttpStatusCode.Redirect),
        // Staff pages about shared resources (rules, lists): no card holder reaches any of them.
        ["GET Rules.Details"] = (_ => "/Rules/Details/1", HttpStatusCode.Redirect, HttpStatusCode.Redirect),
        ["GET Rules.Edit"] = (_ => "/Rules/Edit/1", HttpStatusCode.Redirect, HttpStatusCode.Redirect),
        ["GET RuleLists.Details"] = (_ => "/RuleLists/Details/1", HttpStatusCode.Redirect, HttpStatusCode.Redirect),
    };

    private static readonly string[] IdParameters = ["id", "transactionId", "cardId"];

    private List<string> IdTakingGets() =>
        factory.Services.GetRequiredService<IActionDescriptorCollectionProvider>().ActionDescriptors.Items.OfType<ControllerActionDescriptor>()
            .Where(a => a.ControllerTypeInfo.Assembly != typeof(ResourceOwnershipTests).Assembly)
            // The JSON API's ownership (another user's key) is in ApiScopeMatrixTests.
            .Where(a => !typeof(FraudWeb.Controllers.Api.ApiControllerBase).IsAssignableFrom(a.ControllerTypeInfo))
            .Where(a => a.Parameters.Any(p => IdParameters.Contains(p.Name, StringComparer.Ordinal)))
            .Where(a => !a.EndpointMetadata.OfType<Microsoft.AspNetCore.Routing.HttpMethodMetadata>().Any(m => !m.HttpMethods.Contains("GET")))
            .Select(a => $"GET {a.ControllerName}.{a.ActionName}").Distinct().ToList();

    [Fact]
    public void Resources_EveryIdTakingPage_IsMapped()
    {
        // Arrange + Act
        var unmapped = IdTakingGets().Except(Resources.Keys).ToList();

        // Assert
        Assert.Empty(unmapped);
    }

    [Fact]
    public async Task Resources_OwnerAndAnotherCardHolder_OwnerAllowedOtherNotFound()
    {
        // Arrange
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        using var other = await CardHolderSession.RegisteredAsync(factory);
        var card = await owner.AddCardAsync();
        var transaction = await owner.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12m);
        var user = await factory.QueryAsync(db => db.Users.Where(u => u.Email == owner.Email).Select(u => u.Id).SingleAsync());
        var ids = new Ids(card, transaction, user);
        var failures = new List<string>();

        // Act
        foreach (var (key, (url, ownerStatus, otherStatus)) in Resources)
        {
            var byOther = await other.Client.GetAsync(new Uri(url(ids), UriKind.Relative));
            var byOwner = await owner.Client.GetAsync(new Uri(url(ids), UriKind.Relative));
            if (byOwner.StatusCode != ownerStatus) failures.Add($"{key} owner: expected {(int)ownerStatus}, got {(int)byOwner.StatusCode}");
            if (byOther.StatusCode != otherStatus) failures.Add($"{key} other: expected {(int)otherStatus}, got {(int)byOther.StatusCode}");
            if (ownerStatus == HttpStatusCode.Redirect && !(byOwner.Headers.Location?.OriginalString ?? "").Contains("/Account/AccessDenied", StringComparison.Ordinal))
                failures.Add($"{key} owner: expected access denied, got {byOwner.Headers.Location}");
        }

        // Assert
        Assert.Empty(failures);
    }
}
