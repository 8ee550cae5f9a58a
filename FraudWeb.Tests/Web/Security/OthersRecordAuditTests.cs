using System.Globalization;
using System.Net;
using System.Reflection;
using FraudWeb.Controllers;
using FraudWeb.Controllers.Api;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Api;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Security;

/// <summary>
/// ASVS 7.2.2, PCI DSS 10.2.1.4: a holder who opens another holder's card, payment or key by its id is answered 404, as
/// for an id that does not exist; that refusal was not recorded anywhere, so probing other people's ids left no trace.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class OthersRecordAuditTests(FraudWebFactory factory)
{
    private Task<string> IdOfAsync(CardHolderSession session) =>
        factory.QueryAsync(db => db.Users.Where(u => u.Email == session.Email).Select(u => u.Id).FirstAsync());

    private Task<List<AuditEntry>> RefusalsOfAsync(string actorId) =>
        factory.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking().Where(e => e.ActorId == actorId && e.Action == AuditActions.AccessRefused).OrderBy(e => e.Id).ToListAsync());

    /// <summary>The refusals recorded for <paramref name="actorId"/> once there are <paramref name="count"/> (written after the answer has gone).</summary>
    private async Task<List<AuditEntry>> RefusalsOfAsync(string actorId, int count)
    {
        for (var waited = 0; ; waited += 50)
        {
            var entries = await RefusalsOfAsync(actorId);
            if (entries.Count >= count || waited >= 10_000) return entries;
            await Task.Delay(50);
        }
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>A holder with a card and a payment, and another holder signed in.</summary>
    private async Task<(string OwnerId, long CardId, long PaymentId, CardHolderSession Prober, string ProberId)> TwoHoldersAsync()
    {
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        var card = await owner.AddCardAsync();
        var payment = await owner.PayAndGetIdAsync(card, await Merchants.OrdinaryAsync(factory), 12.50m);
        var prober = await CardHolderSession.RegisteredAsync(factory);
        return (await IdOfAsync(owner), card, payment, prober, await IdOfAsync(prober));
    }

    [Fact]
    public async Task Details_AnotherHoldersCardAndPayment_404AndRefusalRecordedWithTheirOwner()
    {
        // Arrange
        var (ownerId, cardId, paymentId, prober, proberId) = await TwoHoldersAsync();
        using var _ = prober;

        // Act
        using var card = await prober.Client.GetAsync(new Uri($"/Cards/Details/{Id(cardId)}", UriKind.Relative));
        using var payment = await prober.Client.GetAsync(new Uri($"/Transactions/Details/{Id(paymentId)}", UriKind.Relative));

        // Assert: answered as a missing id; recorded with the record's owner
        Assert.Equal(HttpStatusCode.NotFound, card.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, payment.StatusCode);
        // (written off the request, in either order)
        var entries = (await RefusalsOfAsync(proberId, 2)).ToDictionary(e => e.TargetId, e => e.After);
        Assert.Equal(2, entries.Count);
        Assert.Equal($"{{\"Method\":\"GET\",\"CardId\":{Id(cardId)},\"Owner\":\"{ownerId}\"}}", entries[$"/Cards/Details/{Id(cardId)}"]);
        Assert.Equal($"{{\"Method\":\"GET\",\"PaymentId\":{Id(paymentId)},\"Owner\":\"{ownerId}\"}}", entries[$"/Transactions/Details/{Id(paymentId)}"]);
    }

    [Fact]
    public async Task Details_IdsThatDoNotExistAndOwnCard_NothingRecordedForThem()
    {
        // Arrange
        var (_, othersCard, _, holder, holderId) = await TwoHoldersAsync();
        using var _ = holder;
        var own = await holder.AddCardAsync();

        // Act: and another's card (the decision not to record is taken before each answer goes)
        using var missingCard = await holder.Client.GetAsync(new Uri("/Cards/Details/987654321", UriKind.Relative));
        using var missingPayment = await holder.Client.GetAsync(new Uri("/Transactions/Details/987654321", UriKind.Relative));
        using var ownCard = await holder.Client.GetAsync(new Uri($"/Cards/Details/{Id(own)}", UriKind.Relative));
        using var others = await holder.Client.GetAsync(new Uri($"/Cards/Remove/{Id(othersCard)}", UriKind.Relative));

        // Assert: a missing id is not another person's; nothing to record for it
        Assert.Equal(HttpStatusCode.NotFound, missingCard.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missingPayment.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownCard.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, others.StatusCode);
        var entry = Assert.Single(await RefusalsOfAsync(holderId, 1));
        Assert.Equal($"/Cards/Remove/{Id(othersCard)}", entry.TargetId);
    }

    [Fact]
    public async Task OtherOwnerAsync_OwnMissingAndAnothersRecords_OnlyAnothersNamed()
    {
        // Arrange
        var (ownerId, cardId, paymentId, prober, proberId) = await TwoHoldersAsync();
        using var _ = prober;
        await using var scope = factory.Services.CreateAsyncScope();
        var audit = scope.ServiceProvider.GetRequiredService<AccessAuditService>();

        // Act + Assert: the owner's own records and missing ids name nobody; the prober sees the owner
        Assert.Null(await audit.OtherOwnerAsync(ownerId, OwnedRecord.Card, cardId, CancellationToken.None));
        Assert.Null(await audit.OtherOwnerAsync(ownerId, OwnedRecord.Payment, paymentId, CancellationToken.None));
        Assert.Null(await audit.OtherOwnerAsync(proberId, OwnedRecord.Card, 987654321, CancellationToken.None));
        Assert.Equal(ownerId, await audit.OtherOwnerAsync(proberId, OwnedRecord.Card, cardId, CancellationToken.None));
        Assert.Equal(ownerId, await audit.OtherOwnerAsync(proberId, OwnedRecord.Payment, paymentId, CancellationToken.None));
    }

    [Fact]
    public async Task PaymentForm_AnotherHoldersCardInTheForm_404NothingPaidRefusalRecorded()
    {
        // Arrange
        var (ownerId, cardId, _, prober, proberId) = await TwoHoldersAsync();
        using var __ = prober;
        var before = await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId));

        // Act: the form sent with the other holder's card id in its body
        using var response = await prober.PayAsync(cardId, await Merchants.OrdinaryAsync(factory), 10m);

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before, await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.CardId == cardId)));
        var entry = Assert.Single(await RefusalsOfAsync(proberId, 1));
        Assert.Equal("/Transactions/New", entry.TargetId);
        // Written after the request, with the request's trace and span (PCI DSS 10.2.2)
        var trace = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.Id == entry.Id)
            .Select(e => EF.Property<string?>(e, FraudWeb.Data.Configurations.AuditEntryConfiguration.TraceId)).SingleAsync());
        Assert.Matches("^[0-9a-f]{32}-[0-9a-f]{16}$", trace);
        Assert.Equal($"{{\"Method\":\"POST\",\"CardId\":{Id(cardId)},\"Owner\":\"{ownerId}\"}}", entry.After);
    }

    [Fact]
    public async Task Api_KeyAsksForAnotherHoldersPayment_404ProblemAndRefusalRecordedWithTheKeysPrefix()
    {
        // Arrange
        var (ownerId, _, paymentId, prober, proberId) = await TwoHoldersAsync();
        using var __ = prober;
        var key = await prober.CreateKeyAsync(ApiScopes.PaymentsRead);
        using var api = factory.ApiClient(key);

        // Act: twice, as a retrying integration does; and an id that does not exist
        var first = await api.GetAsync(factory, $"/api/v1/payments/{Id(paymentId)}");
        var again = await api.GetAsync(factory, $"/api/v1/payments/{Id(paymentId)}");
        var missing = await api.GetAsync(factory, "/api/v1/payments/987654321");

        // Assert: the same problem as for a payment that does not exist; recorded once a minute per endpoint
        Assert.Equal(HttpStatusCode.NotFound, first.Status);
        Assert.Equal(HttpStatusCode.NotFound, again.Status);
        Assert.Equal(WithoutTrace(missing.Body), WithoutTrace(first.Body));
        var entry = Assert.Single(await RefusalsOfAsync(proberId, 1));
        Assert.Equal($"/api/v1/payments/{Id(paymentId)}", entry.TargetId);
        Assert.Equal($"{{\"Method\":\"GET\",\"PaymentId\":{Id(paymentId)},\"Owner\":\"{ownerId}\",\"Key\":\"{key[..ApiKey.PrefixLength]}\"}}", entry.After);
    }

    /// <summary>A problem's JSON without what names the request (its path, request and trace ids).</summary>
    private static string WithoutTrace(string problem)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(problem)!.AsObject();
        foreach (var name in new[] { "instance", "requestId", "traceId" }) Assert.True(node.Remove(name), $"no {name} in {problem}");
        return node.ToJsonString();
    }

    /// <summary>The holder's pages and the API's own-data endpoints: each action that takes an id of a card, payment or key.</summary>
    public static TheoryData<Type> OwnDataControllers =>
    [
        typeof(CardsController), typeof(TransactionsController), typeof(ReportsController), typeof(ApiKeysController),
        typeof(PaymentsApiController), typeof(CardsApiController),
    ];

    private static readonly string[] IdNames = ["id", "cardId", "transactionId", "paymentId", "keyId"];

    private static bool IsId(Type type) => type == typeof(long) || type == typeof(long?);

    /// <summary>Ids that only narrow a list of the holder's own: another's card gives an empty page, as an unused card of theirs does; nothing is refused.</summary>
    private static readonly string[] Filters = [$"{nameof(PaymentsApiController)}.{nameof(PaymentsApiController.List)}"];

    private static bool TakesAnId(ParameterInfo parameter) =>
        parameter.ParameterType == typeof(long) || parameter.ParameterType == typeof(long?)
            ? IdNames.Contains(parameter.Name, StringComparer.Ordinal)
            : parameter.ParameterType.IsClass && parameter.ParameterType != typeof(string)
              && parameter.ParameterType.GetProperties().Any(p => (p.PropertyType == typeof(long) || p.PropertyType == typeof(long?))
                  && IdNames.Contains(p.Name, StringComparer.OrdinalIgnoreCase));

    [Theory]
    [MemberData(nameof(OwnDataControllers))]
    public void Actions_TakingAnIdOfSomeonesRecord_AuditAnotherPersonsId(Type controller)
    {
        // Arrange
        ArgumentNullException.ThrowIfNull(controller);
        var actions = controller.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.DeclaredOnly)
            .Where(m => m.GetCustomAttributes<Microsoft.AspNetCore.Mvc.Routing.HttpMethodAttribute>().Any() && m.GetCustomAttribute<NonActionAttribute>() is null);

        // Act
        var unaudited = actions.Where(a => a.GetParameters().Any(TakesAnId) && a.GetCustomAttribute<AuditsOthersRecordAttribute>() is null)
            .Select(a => $"{controller.Name}.{a.Name}").Except(Filters).ToList();
        var misnamed = actions.Select(a => (Action: a, Audit: a.GetCustomAttribute<AuditsOthersRecordAttribute>())).Where(x => x.Audit is not null)
            .Where(x => x.Action.GetParameters().FirstOrDefault(p => p.Name == x.Audit!.Argument) is not { } argument
                || (x.Audit!.Member is { } member ? argument.ParameterType.GetProperty(member)?.PropertyType is not { } type || !IsId(type) : !IsId(argument.ParameterType)))
            .Select(x => $"{controller.Name}.{x.Action.Name}").ToList();

        // Assert: a new action that takes such an id says what it names, and names an argument it has
        Assert.True(unaudited.Count == 0, "Not audited: " + string.Join(", ", unaudited));
        Assert.True(misnamed.Count == 0, "Naming no id argument: " + string.Join(", ", misnamed));
    }
}
