using System.Globalization;
using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace FraudWeb.Tests.Web.Retraining;

/// <summary>Its own app and database: the scenario changes the serving model.</summary>
public sealed class LearningLoopFactory : FraudWebFactory
{
    public LearningLoopFactory()
    {
        // This database is tiny (80 card holders): its 7-day holdout has a few dozen frauds, so holdout AUC moves by a few
        // hundredths between equally good models, and 60 frauds of a new, ordinary-looking pattern cost some of it.
        Settings["Retraining:Tolerance"] = "0.05";
        Settings["Retraining:PollInterval"] = "00:00:01";
        Settings["Retraining:LabelThreshold"] = "0";
        Settings["Retraining:Interval"] = "00:00:00";
    }
}

public sealed class LearningLoopTests(LearningLoopFactory factory, ITestOutputHelper output) : IClassFixture<LearningLoopFactory>
{
    private const int Victims = 10;
    private const int PaymentsPerVictim = 6;

    /// <summary>
    /// A merchant is compromised after the serving model was trained: stolen cards are run through it in quick
    /// bursts of ordinary amounts. The card holders report them, an analyst confirms them, an analyst retrains, and
    /// the promoted model catches the pattern's later payments.
    /// </summary>
    [Fact]
    public async Task ReportReviewRetrain_NewFraudPattern_RecallRises()
    {
        // Arrange: victims with cards; the compromised merchant is an ordinary one with no fraud in the history.
        var merchant = await Merchants.OrdinaryAsync(factory);
        var victims = new List<(CardHolderSession Session, long Card)>();
        for (var i = 0; i < Victims; i++)
        {
            var session = await CardHolderSession.RegisteredAsync(factory);
            victims.Add((session, await session.AddCardAsync(20_000m)));
        }
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var servingBefore = await ServingVersionAsync();

        // Act 1: the pattern's first payments, scored by the serving model.
        var first = await RunPatternAsync(victims, merchant, amountBase: 60m);
        var recallBefore = await RecallAsync(first);

        // Act 2: card holders report, the analyst confirms in the queue, then presses "Retrain now".
        foreach (var (session, ids) in first)
        {
            foreach (var id in ids)
            {
                var reported = await session.ReportAsync(id, ReportKind.NotMe, "I never shopped there; my card was in my wallet.");
                Assert.Equal(HttpStatusCode.Redirect, reported.StatusCode);
            }
        }
        foreach (var id in first.SelectMany(f => f.Ids))
        {
            var decided = await analyst.DecideAsync(id, confirm: true);
            Assert.Equal(HttpStatusCode.Redirect, decided.StatusCode);
        }
        var retrain = await Html.SubmitAsync(analyst.Client, "/Models/Retrain", [], "/Models");
        Assert.Equal(HttpStatusCode.Redirect, retrain.StatusCode);
        var runId = await factory.QueryAsync(db => db.RetrainingRuns.MaxAsync(r => r.Id));
        var run = await ReviewSteps.WaitForRunAsync(factory, runId);
        var analystId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == analyst.Email).Select(u => u.Id).FirstAsync());
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(e => e.Action == Services.Admin.AuditActions.ModelRetrain
            && e.ActorId == analystId && e.TargetId == runId.ToString(CultureInfo.InvariantCulture))), "the request is audited");

        // Act 3: the pattern goes on.
        var later = await RunPatternAsync(victims, merchant, amountBase: 70m);
        var recallAfter = await RecallAsync(later);

        // Assert
        output.WriteLine($"Run {run.Id}: {run.Status} {run.ModelVersion} {run.Outcome} {run.Error}");
        var servingAfter = await ServingVersionAsync();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Recall on the new pattern (flagged = review or declined): before {recallBefore:P1} ({servingBefore}), after {recallAfter:P1} ({servingAfter})"));
        Assert.Equal(RetrainingRunStatus.Succeeded, run.Status);
        Assert.NotEqual(servingBefore, servingAfter);
        // The system's promotion is in the audit log, with what started the training (staff test: only the registry had it).
        var promoted = await factory.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking()
            .Where(e => e.Action == FraudWeb.Services.Admin.AuditActions.ModelPromote && e.After!.Contains(servingAfter)).SingleAsync());
        Assert.Equal(FraudWeb.Services.Admin.AuditLog.SystemActor, promoted.ActorId);
        Assert.Equal((await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Version == servingAfter).Select(m => m.Id).SingleAsync()))
            .ToString(CultureInfo.InvariantCulture), promoted.TargetId);
        Assert.Contains(servingBefore, promoted.Before, StringComparison.Ordinal);
        Assert.Contains("\"Trigger\":\"Manual\"", promoted.After, StringComparison.Ordinal);
        Assert.DoesNotContain(analyst.Email, promoted.After, StringComparison.Ordinal); // the requester's address stays out of the log
        Assert.Equal(first.Sum(f => f.Ids.Count), await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.Label == FraudLabel.Fraud && t.LabelledBy == analyst.Email)));
        Assert.True(recallAfter >= recallBefore + 0.25, $"Recall rose only from {recallBefore:P1} to {recallAfter:P1}.");
        foreach (var (session, _) in victims) session.Dispose();
    }

    private static async Task<List<(CardHolderSession Session, List<long> Ids)>> RunPatternAsync(
        List<(CardHolderSession Session, long Card)> victims, long merchant, decimal amountBase)
    {
        var result = new List<(CardHolderSession, List<long>)>();
        for (var v = 0; v < victims.Count; v++)
        {
            var ids = new List<long>();
            for (var p = 0; p < PaymentsPerVictim; p++)
            {
                ids.Add(await victims[v].Session.PayAndGetIdAsync(victims[v].Card, merchant, amountBase + v + p * 3.5m));
            }
            result.Add((victims[v].Session, ids));
        }
        return result;
    }

    private async Task<double> RecallAsync(List<(CardHolderSession Session, List<long> Ids)> payments)
    {
        var ids = payments.SelectMany(p => p.Ids).ToList();
        var flagged = await factory.QueryAsync(db => db.Transactions.CountAsync(t => ids.Contains(t.Id) && t.Verdict!.Decision != Decision.Approved));
        return (double)flagged / ids.Count;
    }

    private Task<string> ServingVersionAsync() =>
        factory.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).FirstAsync());
}
