using System.Globalization;
using System.Net;
using FraudWeb.Api;
using FraudWeb.Controllers.Api;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Api;

/// <summary>
/// The API says what is wrong in its own words: fields as the JSON names them, rules in plain words, its own terms
/// (a terminalId, a kind "not-me") rather than the web form's, and one answer for a payment it cannot show (tester's
/// report). The pages' words are unchanged.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiMessageTests(FraudWebFactory factory)
{
    private async Task<(CardHolderSession Holder, HttpClient Api, long CardId, long Merchant)> HolderWithKeyAsync()
    {
        var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var api = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite, ApiScopes.ReportsWrite));
        return (holder, api, card, await Merchants.OrdinaryAsync(factory));
    }

    private async Task<long> ApprovedPaymentAsync(HttpClient api, long card, long merchant)
    {
        var paid = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = 7 });
        Assert.Equal("approved", paid.Json.GetProperty("decision").GetString());
        return paid.Json.GetProperty("id").GetInt64();
    }

    public static TheoryData<string, string, string, string> BadBodies => new()
    {
        // url, body ({CARD}, {TERMINAL}, {PAYMENT} filled in), field, message
        { "/api/v1/payments", """{"terminalId":{TERMINAL},"amount":5}""", "cardId", "'cardId' is required." },
        { "/api/v1/payments", """{"cardId":{CARD},"amount":5}""", "terminalId", "'terminalId' is required." },
        { "/api/v1/payments", """{"cardId":{CARD},"terminalId":{TERMINAL}}""", "amount", "'amount' is required." },
        { "/api/v1/payments", """{"cardId":{CARD},"terminalId":{TERMINAL},"amount":null}""", "amount", "'amount' is required." },
        { "/api/v1/payments/{PAYMENT}/reports", """{"reason":"I never bought this."}""", "kind", "'kind' is required: not-me or this-was-me." },
        // A member given twice (QA: "The value is not valid."): as a query parameter given twice is told
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":"not-me","reason":"abcd","reason":"efgh"}""", "reason", "Give 'reason' once." },
        { "/api/v1/payments", """{"cardId":{CARD},"terminalId":{TERMINAL},"amount":5,"amount":6}""", "amount", "Give 'amount' once." },
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":"not-me"}""", "reason", "'reason' is required." },
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":"not-me","reason":"abc"}""", "reason", ReportReasonAttribute.LengthMessage },
        // The documented values exactly (review: "not-me " and " not-me" were taken as not-me, a list as flags).
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":"not-me ","reason":"I never bought this."}""", "kind", KindExpected },
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":" not-me","reason":"I never bought this."}""", "kind", KindExpected },
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":"Not-Me","reason":"I never bought this."}""", "kind", KindExpected },
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":"NotMe","reason":"I never bought this."}""", "kind", KindExpected },
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":0,"reason":"I never bought this."}""", "kind", KindExpected },
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":"0","reason":"I never bought this."}""", "kind", KindExpected },
        { "/api/v1/payments/{PAYMENT}/reports", """{"kind":"not-me, this-was-me","reason":"I never bought this."}""", "kind", KindExpected },
    };

    private const string KindExpected = "Expected one of the values the documentation lists, exactly as written: not-me, this-was-me.";
    private const string LabelExpected = "Expected one of the values the documentation lists, exactly as written: fraud, legitimate.";

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Post_BadBody_400NamingTheJsonFieldInPlainWords(string url, string template, string field, string message)
    {
        // Arrange (tester's report: "The TerminalId field is required.", "The field Reason must be a string with a minimum length of 5 ...")
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        var payment = url.Contains("{PAYMENT}", StringComparison.Ordinal) ? await ApprovedPaymentAsync(api, card, merchant) : 0;
        var body = template.Replace("{CARD}", Id(card), StringComparison.Ordinal).Replace("{TERMINAL}", Id(merchant), StringComparison.Ordinal);

        // Act
        var response = await api.SendAsync(factory, HttpMethod.Post, url.Replace("{PAYMENT}", Id(payment), StringComparison.Ordinal), body, validRequest: false);

        // Assert
        AssertOnlyError(response, field, message);
        if (payment != 0) Assert.Equal(0, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == payment)));
    }

    public static TheoryData<string, string, string> BadLabelBatches => new()
    {
        { "{}", "labels", "'labels' is required: 1 to 500 labels." },
        { """{"labels":[]}""", "labels", "'labels' must hold 1 to 500 labels." },
        { $$"""{"labels":[{{string.Join(",", Enumerable.Repeat("""{"paymentId":1,"label":"fraud"}""", 501))}}]}""", "labels", "'labels' must hold 1 to 500 labels." },
        { """{"labels":[{"label":"fraud"}]}""", "labels[0].paymentId", "'paymentId' is required." },
        { """{"labels":[{"paymentId":1,"label":"fraud"},{"paymentId":2}]}""", "labels[1].label", "'label' is required: fraud or legitimate." },
        { """{"labels":[{"paymentId":1,"label":"fraud "}]}""", "labels[0].label", LabelExpected },
        { """{"labels":[{"paymentId":1,"label":" fraud"}]}""", "labels[0].label", LabelExpected },
        { """{"labels":[{"paymentId":1,"label":"FRAUD"}]}""", "labels[0].label", LabelExpected },
        { """{"labels":[{"paymentId":1,"label":1}]}""", "labels[0].label", LabelExpected },
        { """{"labels":[{"paymentId":1,"label":"fraud,legitimate"}]}""", "labels[0].label", LabelExpected },
    };

    [Theory]
    [MemberData(nameof(BadLabelBatches))]
    public async Task Labels_BadBatch_400NamingTheJsonFieldInPlainWords(string body, string field, string message)
    {
        // Arrange (tester's report: "The PaymentId field is required.", "The field Labels must be a string or array type ...")
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, FraudWeb.Data.Roles.Analyst);
        var api = factory.ApiClient(await factory.IssueKeyAsync(await factory.UserIdAsync(analyst.Email), ApiScopes.LabelsWrite));

        // Act
        var response = await api.SendAsync(factory, HttpMethod.Post, "/api/v1/labels", body, validRequest: false);

        // Assert
        AssertOnlyError(response, field, message);
    }

    [Fact]
    public async Task Create_UnknownTerminal_422InTheApisWordsAndTheFormKeepsItsOwn()
    {
        // Arrange (tester's report: "Choose a merchant from the list." has no list to choose from)
        var (holder, api, card, _) = await HolderWithKeyAsync();
        using var session = holder;

        // Act
        var response = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = 987_654_321, amount = 5 });
        var form = await Html.ParseAsync(await holder.PayAsync(card, 987_654_321, 5m));

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal(ApiProblems.BusinessRule.Uri, response.Json.GetProperty("type").GetString());
        Assert.Equal("'terminalId' names no merchant.", response.Json.GetProperty("detail").GetString());
        Assert.Equal("'terminalId' names no merchant.", response.Json.GetProperty("errors").GetProperty("terminalId")[0].GetString());
        Assert.Contains("Choose a merchant from the list.", Html.ValidationMessages(form));
    }

    [Fact]
    public async Task Predict_UnknownTerminal_422InTheApisWords()
    {
        // Arrange
        var (holder, _, card, _) = await HolderWithKeyAsync();
        using var session = holder;
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, FraudWeb.Data.Roles.Analyst);
        var scoring = factory.ApiClient(await factory.IssueKeyAsync(await factory.UserIdAsync(analyst.Email), ApiScopes.PaymentsScore));

        // Act
        var response = await scoring.PostAsync(factory, "/api/v1/predict", new { cardId = card, terminalId = 987_654_321, amount = 5 });

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        Assert.Equal("'terminalId' names no merchant.", response.Json.GetProperty("errors").GetProperty("terminalId")[0].GetString());
    }

    [Fact]
    public async Task Report_ThisWasMeOnAnApprovedPayment_422SayingKindNotMeAndTheFormKeepsItsWords()
    {
        // Arrange (tester's report: the API told its client to 'choose "Not me"', an option only the form has)
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        var id = await ApprovedPaymentAsync(api, card, merchant);

        // Act
        var response = await api.PostAsync(factory, $"/api/v1/payments/{Id(id)}/reports", new { kind = "this-was-me", reason = "I made this one myself." });
        var form = await Html.ParseAsync(await holder.ReportAsync(id, ReportKind.ThisWasMe, "I made this one myself."));

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        var detail = response.Json.GetProperty("detail").GetString()!;
        Assert.Equal("This payment went through, so there is no stop to dispute. If you did not make it, send kind \"not-me\".", detail);
        Assert.Equal(detail, response.Json.GetProperty("errors").GetProperty("kind")[0].GetString());
        Assert.Contains("This payment went through, so there is no stop to dispute. If you did not make it, choose \"Not me\".", Html.ValidationMessages(form));
    }

    [Fact]
    public async Task Report_ThisWasMeOnACreditDecline_422SayingTheCreditDeclinedIt()
    {
        // Arrange (QA: accepted with a 201, and the analyst's "confirmed" outcome changed nothing)
        var (holder, api, card, merchant) = await HolderWithKeyAsync();
        using var session = holder;
        var id = await holder.PayAndGetIdAsync(card, merchant, 6000m);
        Assert.Equal(DeclineReasons.InsufficientCredit, (await factory.TransactionAsync(id)).Verdict!.DeclineReason);

        // Act
        var response = await api.PostAsync(factory, $"/api/v1/payments/{Id(id)}/reports", new { kind = "this-was-me", reason = "That was me, let it through." });

        // Assert
        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.Status);
        var detail = response.Json.GetProperty("detail").GetString()!;
        Assert.Equal("This payment was declined because the amount was over the card's available credit, not by the fraud check, so there is no stop to dispute. If you did not make it, send kind \"not-me\".", detail);
        Assert.Equal(detail, response.Json.GetProperty("errors").GetProperty("kind")[0].GetString());
        Assert.False(await factory.QueryAsync(db => db.FraudReports.AnyAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Report_AnotherHoldersPayment_404AsReadingItAndAsAPaymentThatDoesNotExist()
    {
        // Arrange (tester's report: "Not found." here, "This payment does not exist." on GET)
        var (owner, ownerApi, card, merchant) = await HolderWithKeyAsync();
        using var ownerSession = owner;
        var theirs = await ApprovedPaymentAsync(ownerApi, card, merchant);
        var (stranger, api, _, _) = await HolderWithKeyAsync();
        using var strangerSession = stranger;
        const long None = 987_654_321_987;

        // Act
        var report = await api.PostAsync(factory, $"/api/v1/payments/{Id(theirs)}/reports", new { kind = "not-me", reason = "I never bought this." });
        var read = await api.GetAsync(factory, $"/api/v1/payments/{Id(theirs)}");
        var reportNone = await api.PostAsync(factory, $"/api/v1/payments/{Id(None)}/reports", new { kind = "not-me", reason = "I never bought this." });

        // Assert: one answer for all three, so ids cannot be probed
        Assert.All(new[] { report, read, reportNone }, r =>
        {
            Assert.Equal(HttpStatusCode.NotFound, r.Status);
            Assert.Equal(ApiProblems.NotFound.Uri, r.Json.GetProperty("type").GetString());
            Assert.Equal(PaymentsApiController.NoSuchPayment, r.Json.GetProperty("detail").GetString());
        });
        Assert.Equal(0, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == theirs)));
    }

    /// <summary>A 400 validation problem with one error, under the JSON's name, and that error as its detail.</summary>
    private static void AssertOnlyError(ApiResponse response, string field, string message)
    {
        Assert.True(response.Status == HttpStatusCode.BadRequest, $"{(int)response.Status} {response.Body}");
        Assert.Equal(ApiProblems.Validation.Uri, response.Json.GetProperty("type").GetString());
        var errors = response.Json.GetProperty("errors").EnumerateObject().ToList();
        Assert.True(errors.Count == 1 && errors[0].Name == field, response.Body);
        Assert.Equal([message], errors[0].Value.EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(message, response.Json.GetProperty("detail").GetString());
        Assert.DoesNotMatch(@"The \w+ field|The field ", response.Body);
    }

    private static string Id(long value) => value.ToString(CultureInfo.InvariantCulture);
}
