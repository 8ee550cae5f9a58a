using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Services.Reports;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Reports;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Api;

/// <summary>A case tool's labels through the API follow the review queue's rules: settle, refund, audit, separation of duties.</summary>
public sealed class ApiLabelTests(HeldPaymentFactory factory) : IClassFixture<HeldPaymentFactory>
{
    private async Task<(HttpClient Api, string AnalystId)> CaseToolAsync()
    {
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var id = await factory.UserIdAsync(analyst.Email);
        return (factory.ApiClient(await factory.IssueKeyAsync(id, ApiScopes.LabelsWrite)), id);
    }

    [Fact]
    public async Task Submit_HeldPaymentsFraudAndLegitimate_SettledAuditedAndReported()
    {
        // Arrange
        var (api, analystId) = await CaseToolAsync();
        var (h1, card1, fraud) = await factory.NewHolderPaidAsync(40m, ControlledRiskModel.HeldProbability, Decision.Review);
        var (h2, card2, fine) = await factory.NewHolderPaidAsync(60m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _1 = h1;
        using var _2 = h2;

        // Act
        var response = await api.PostAsync(factory, "/api/v1/labels", new
        {
            labels = new object[] { new { paymentId = fraud, label = "fraud" }, new { paymentId = fine, label = "legitimate" }, new { paymentId = 987654321, label = "fraud" } },
        });

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(2, response.Json.GetProperty("applied").GetInt32());
        Assert.Equal(["applied", "applied", "not-found"], response.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("outcome").GetString()));
        var f = await factory.TransactionAsync(fraud);
        var l = await factory.TransactionAsync(fine);
        Assert.Equal((FraudLabel.Fraud, ReviewSettlement.Declined), (f.Label, f.Settlement));
        Assert.Equal((FraudLabel.Legitimate, ReviewSettlement.Charged), (l.Label, l.Settlement));
        Assert.Equal(0m, await factory.BalanceAsync(card1));
        Assert.Equal(60m, await factory.BalanceAsync(card2));
        var audited = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(a => a.Action == AuditActions.ReviewDecide && a.ActorId == analystId).Select(a => a.TargetId).ToListAsync());
        Assert.Contains(fraud.ToString(System.Globalization.CultureInfo.InvariantCulture), audited);
        Assert.Contains(fine.ToString(System.Globalization.CultureInfo.InvariantCulture), audited);
    }

    [Fact]
    public async Task Submit_KeyCreatedByAnAdministratorWhoHoldsTheCard_RefusedAndOtherLabelsNameTheKeyAndItsCreator()
    {
        // Arrange: someone with a held payment of their own creates an analyst's labels key, and so has seen its secret.
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var analystId = await factory.UserIdAsync(analyst.Email);
        var (creator, _, own) = await factory.NewHolderPaidAsync(30m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _1 = creator;
        var creatorId = await factory.UserIdAsync(creator.Email);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            // An administrator (who gives only the scopes they hold) with a card of their own.
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
            Assert.True((await users.AddToRoleAsync((await users.FindByIdAsync(creatorId))!, Roles.Admin)).Succeeded);
        }
        var (other, _, theirs) = await factory.NewHolderPaidAsync(35m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var _2 = other;
        NewApiKey key;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var created = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(analystId, creatorId, "case tool", [ApiScopes.LabelsWrite], 30, null, CancellationToken.None);
            key = created.Value;
        }

        // Act
        var response = await factory.ApiClient(key.Secret).PostAsync(factory, "/api/v1/labels", new
        {
            labels = new object[] { new { paymentId = own, label = "legitimate" }, new { paymentId = theirs, label = "fraud" } },
        });

        // Assert: the creator's own payment is not cleared through the key; the decision made says which key and whose.
        Assert.Equal(["refused", "applied"], response.Json.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("outcome").GetString()));
        Assert.Equal(FraudLabel.Unknown, (await factory.TransactionAsync(own)).Label);
        var target = theirs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var after = await factory.QueryAsync(db => db.Set<AuditEntry>().Where(a => a.Action == AuditActions.ReviewDecide && a.TargetId == target).Select(a => a.After).SingleAsync());
        Assert.Contains($"\"Key\":\"{key.Prefix}\"", after, StringComparison.Ordinal);
        Assert.Contains($"\"KeyCreatedBy\":\"{creatorId}\"", after, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_LabelOnAHoldersNotMeReport_ConfirmsItAndRefunds()
    {
        // Arrange: an approved payment the holder reports as not theirs.
        var (api, _) = await CaseToolAsync();
        var (holder, card, id) = await factory.NewHolderPaidAsync(75m, 0.01, Decision.Approved);
        using var __ = holder;
        await holder.ReportAsync(id, ReportKind.NotMe, "I have never been to this shop.");
        var report = await factory.ReportOfAsync(id);

        // Act
        var response = await api.PostAsync(factory, "/api/v1/labels", new { labels = new[] { new { paymentId = id, reportId = report.Id, label = "fraud" } } });

        // Assert
        Assert.Equal("applied", response.Json.GetProperty("results")[0].GetProperty("outcome").GetString());
        Assert.Equal(ReportStatus.Confirmed, (await factory.ReportOfAsync(id)).Status);
        Assert.NotNull((await factory.TransactionAsync(id)).RefundedUtc);
        Assert.Equal(0m, await factory.BalanceAsync(card));
    }

    [Fact]
    public async Task Submit_DecidedTwice_SecondIsAConflictAndChangesNothing()
    {
        // Arrange
        var (api, _) = await CaseToolAsync();
        var (holder, _, id) = await factory.NewHolderPaidAsync(20m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var __ = holder;
        await api.PostAsync(factory, "/api/v1/labels", new { labels = new[] { new { paymentId = id, label = "legitimate" } } });

        // Act
        var again = await api.PostAsync(factory, "/api/v1/labels", new { labels = new[] { new { paymentId = id, label = "fraud" } } });

        // Assert
        Assert.Equal("conflict", again.Json.GetProperty("results")[0].GetProperty("outcome").GetString());
        Assert.Equal(ReviewService.ApiAlreadyLabelledByYou, again.Json.GetProperty("results")[0].GetProperty("detail").GetString());
        Assert.Equal(FraudLabel.Legitimate, (await factory.TransactionAsync(id)).Label);
    }

    [Fact]
    public async Task Submit_HeldPaymentTheHolderHasReported_ConflictNamingTheReportToLabel()
    {
        // Arrange (a left item: the API's refusals used the review queue's words, "decide their report, which the
        // queue now shows", to a case tool that has no queue)
        var (api, _) = await CaseToolAsync();
        var (holder, _, id) = await factory.NewHolderPaidAsync(20m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var __ = holder;
        await holder.ReportAsync(id, ReportKind.NotMe, "I have never been to this shop.");
        var report = await factory.ReportOfAsync(id);

        // Act
        var response = await api.PostAsync(factory, "/api/v1/labels", new { labels = new[] { new { paymentId = id, label = "fraud" } } });

        // Assert
        var result = response.Json.GetProperty("results")[0];
        Assert.Equal("conflict", result.GetProperty("outcome").GetString());
        Assert.Equal(ReviewService.ApiReported.Replace("{0}", report.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), result.GetProperty("detail").GetString());
        Assert.DoesNotContain("queue", result.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(ReportStatus.Open, (await factory.ReportOfAsync(id)).Status);
    }

    [Fact]
    public async Task Submit_ApprovedPaymentTheHolderHasReported_ConflictNamingTheReportToLabel()
    {
        // Arrange (exploratory testing: the queue shows this payment's report to decide, but a case tool labelling the
        // payment, say from a chargeback, was told it was "not held for review", an invalid label with no way to find
        // the report through the API)
        var (api, _) = await CaseToolAsync();
        var (holder, _, id) = await factory.NewHolderPaidAsync(22m, 0.01, Decision.Approved);
        using var __ = holder;
        await holder.ReportAsync(id, ReportKind.NotMe, "I have never been to this shop.");
        var report = await factory.ReportOfAsync(id);

        // Act
        var response = await api.PostAsync(factory, "/api/v1/labels", new { labels = new[] { new { paymentId = id, label = "fraud" } } });

        // Assert
        var result = response.Json.GetProperty("results")[0];
        Assert.Equal("conflict", result.GetProperty("outcome").GetString());
        Assert.Equal(ReviewService.ApiReported.Replace("{0}", report.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal), result.GetProperty("detail").GetString());
        Assert.Equal(ReportStatus.Open, (await factory.ReportOfAsync(id)).Status);
        Assert.Null((await factory.TransactionAsync(id)).RefundedUtc);
    }

    [Fact]
    public async Task GetPayment_DeclinedAtOnceThenThisWasMeUpheld_SaysWhatItsPageSays()
    {
        // Arrange (exploratory testing: the payment's page said "a later review found it was yours", while the holder's
        // key read the first decline's "looked too risky" for the same payment)
        var (holder, _, id) = await factory.NewHolderPaidAsync(23m, 0.9, Decision.Declined);
        using var __ = holder;
        await holder.ReportAsync(id, ReportKind.ThisWasMe, "That was me, at my usual shop.");
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true)).StatusCode);
        var api = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.PaymentsRead));

        // Act
        var read = await api.GetAsync(factory, $"/api/v1/payments/{id}");

        // Assert
        Assert.Equal(FraudLabel.Legitimate, (await factory.TransactionAsync(id)).Label);
        Assert.Equal("declined", read.Json.GetProperty("status").GetString());
        Assert.Equal("cleared-after-decline", read.Json.GetProperty("declineReason").GetString());
        Assert.Equal(DeclineReasons.ClearedAfterDecline, read.Json.GetProperty("declineMessage").GetString());
    }

    [Fact]
    public async Task Report_ThisWasMeAfterAnAnalystUpheldIt_409SayingTheyFoundItYours()
    {
        // Arrange: declined by the check, disputed on the page, the dispute upheld
        var (holder, _, id) = await factory.NewHolderPaidAsync(31m, 0.9, Decision.Declined);
        using var __ = holder;
        Assert.Equal(HttpStatusCode.Redirect, (await holder.ReportAsync(id, ReportKind.ThisWasMe, "That was me, at my usual shop.")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await ReviewSteps.DecideAsAnalystAsync(factory, id, confirm: true)).StatusCode);
        var api = factory.ApiClient(await holder.CreateKeyAsync(ApiScopes.ReportsWrite));

        // Act
        var response = await api.PostAsync(factory, $"/api/v1/payments/{id}/reports", new { kind = "this-was-me", reason = "That was me, as I said." });

        // Assert: a decision came first, as "not-me" on confirmed fraud is answered
        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("An analyst has already found that you made this payment, so there is nothing left to dispute. If you did not make it, send kind \"not-me\".",
            response.Json.GetProperty("detail").GetString());
        Assert.Equal(1, await factory.QueryAsync(db => db.FraudReports.CountAsync(r => r.TransactionId == id)));
    }

    [Fact]
    public async Task Submit_AnalystsOwnCard_Refused()
    {
        // Arrange: the analyst's own held payment (separation of duties, as in the queue).
        var (holder, _, id) = await factory.NewHolderPaidAsync(30m, ControlledRiskModel.HeldProbability, Decision.Review);
        using var __ = holder;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<ApplicationUser>>();
            var user = (await users.FindByEmailAsync(holder.Email))!;
            Assert.True((await users.AddToRoleAsync(user, Roles.Analyst)).Succeeded);
        }
        var holderAsAnalyst = factory.ApiClient(await factory.IssueKeyAsync(await factory.UserIdAsync(holder.Email), ApiScopes.LabelsWrite));

        // Act
        var response = await holderAsAnalyst.PostAsync(factory, "/api/v1/labels", new { labels = new[] { new { paymentId = id, label = "legitimate" } } });

        // Assert
        Assert.Equal("refused", response.Json.GetProperty("results")[0].GetProperty("outcome").GetString());
        Assert.Equal(ReviewService.ApiOwnPayment, response.Json.GetProperty("results")[0].GetProperty("detail").GetString());
        Assert.Equal(FraudLabel.Unknown, (await factory.TransactionAsync(id)).Label);
    }

    [Fact]
    public async Task Submit_UnknownLabelOrTooMany_400()
    {
        // Arrange
        var (api, _) = await CaseToolAsync();
        var tooMany = Enumerable.Range(1, 501).Select(i => new { paymentId = i, label = "fraud" }).ToArray();

        // Act
        var unknown = await api.SendAsync(factory, HttpMethod.Post, "/api/v1/labels", """{"labels":[{"paymentId":1,"label":"maybe"}]}""", validRequest: false);
        var many = await api.SendAsync(factory, HttpMethod.Post, "/api/v1/labels", System.Text.Json.JsonSerializer.Serialize(new { labels = tooMany }), validRequest: false);
        var empty = await api.SendAsync(factory, HttpMethod.Post, "/api/v1/labels", """{"labels":[]}""", validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, unknown.Status);
        Assert.Equal(HttpStatusCode.BadRequest, many.Status);
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
    }

    [Theory]
    [InlineData("""{"labels":[null]}""")]
    [InlineData("""{"labels":[{"paymentId":1,"label":7}]}""")]
    [InlineData("""{"labels":[{"paymentId":1,"label":0}]}""")]
    public async Task Submit_NullItemOrNumberForTheLabel_400NothingApplied(string body)
    {
        // Arrange: found by the API fuzzer (a null item reached the action; numbers bound as undefined labels)
        var (api, _) = await CaseToolAsync();

        // Act
        var response = await api.SendAsync(factory, HttpMethod.Post, "/api/v1/labels", body, validRequest: false);

        // Assert
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("/api/problems/validation", response.Json.GetProperty("type").GetString());
    }
}
