using FraudWeb.Domain.Cards;
using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Models;
using FraudWeb.Services.Retraining;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.Tests.Web.Models;
using FraudWeb.Tests.Web.Localization;
using FraudWeb.ViewModels.Models;
using Microsoft.Data.Sqlite;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FraudWeb.Tests.Web.Retraining;

/// <summary>Its own app: these tests queue runs and change the serving model. The worker only wakes when signalled.</summary>
public sealed class RetrainingFactory : FraudWebFactory
{
    public RetrainingFactory()
    {
        Settings["Retraining:Trees"] = "30";
        Settings["Retraining:PollInterval"] = "01:00:00";
        Settings["Retraining:LabelThreshold"] = "3";
        Settings["Retraining:Interval"] = "00:00:00";
    }
}

public sealed class RetrainingTests(RetrainingFactory factory) : IClassFixture<RetrainingFactory>, IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>
    /// After every test, pass or fail: runs a test inserted and left queued or running are ended, so one failed
    /// assertion cannot leave the queue busy for the tests after it (each waits for a quiet queue).
    /// </summary>
    public Task DisposeAsync() =>
        factory.QueryAsync(db => db.RetrainingRuns
            .Where(r => r.RequestedBy == "test" && (r.Status == RetrainingRunStatus.Queued || r.Status == RetrainingRunStatus.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, RetrainingRunStatus.Failed)));

    private async Task<T> WithServiceAsync<T, TService>(Func<TService, Task<T>> action) where TService : notnull
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Waits until no run is queued or running, so each test starts from a quiet queue.</summary>
    private async Task QuietAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (await factory.QueryAsync(db => db.RetrainingRuns.AnyAsync(r => r.Status == RetrainingRunStatus.Queued || r.Status == RetrainingRunStatus.Running)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The retraining queue did not drain.");
            await Task.Delay(100);
        }
    }

    private async Task<long> InsertRunAsync(RetrainingRunStatus status)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var run = RetrainingRun.Queue(RetrainingTrigger.Manual, "test", factory.Clock.UtcNow, 0);
        db.RetrainingRuns.Add(run);
        // Inserted in its status: inserted queued and changed after, the app's worker could take it in between (a CI
        // failure: the worker ran it, and the recovery run the test looks for was never queued).
        db.Entry(run).Property(r => r.Status).CurrentValue = status;
        await db.SaveChangesAsync();
        return run.Id;
    }

    private Task<int> SetStatusAsync(long id, RetrainingRunStatus status) =>
        factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status)));

    [Fact]
    public async Task RequestBy_WhileARunTrainsEveryConfirmedLabel_ThatRunAndNoSecondOne()
    {
        // Arrange: a run training (a double click's first half), asked for when the labels were as they are now
        await QuietAsync();
        var running = await InsertRunAsync(RetrainingRunStatus.Running);
        var labels = await factory.QueryAsync(db => db.Transactions.CountAsync(RetrainingService.AnalystLabelled));
        await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == running).ExecuteUpdateAsync(s => s.SetProperty(r => r.LabelCountAtRequest, labels)));
        var before = await factory.QueryAsync(db => db.RetrainingRuns.CountAsync());

        // Act
        var answer = await WithServiceAsync<RetrainingRun, RetrainingService>(s => s.RequestByAsync("test-actor", "test", CancellationToken.None));
        await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == running).ExecuteUpdateAsync(s => s.SetProperty(r => r.LabelCountAtRequest, labels - 1)));
        var afterNewLabel = await WithServiceAsync<RetrainingRun, RetrainingService>(s => s.RequestByAsync("test-actor", "test", CancellationToken.None));

        // Assert: the click while it trains gets it; once a label came in since it was asked for, a run is queued
        Assert.Equal(running, answer.Id);
        Assert.Equal(RetrainingRunStatus.Running, answer.Status);
        Assert.NotEqual(running, afterNewLabel.Id);
        Assert.Equal(RetrainingRunStatus.Queued, afterNewLabel.Status);
        Assert.Equal(before + 1, await factory.QueryAsync(db => db.RetrainingRuns.CountAsync()));
        await SetStatusAsync(afterNewLabel.Id, RetrainingRunStatus.Failed);
        await SetStatusAsync(running, RetrainingRunStatus.Failed);
    }

    [Fact]
    public async Task RequestBy_RunningRunWhoseLeaseWentUnrenewed_NewRunQueuedNotThatOne()
    {
        // Arrange: a run left Running by an instance that stopped a moment ago (its lease not yet run out, but two
        // renewals missed; review finding, 2026-12-04: the click was told "already training" and nothing was queued)
        await QuietAsync();
        var running = await InsertRunAsync(RetrainingRunStatus.Running);
        var labels = await factory.QueryAsync(db => db.Transactions.CountAsync(RetrainingService.AnalystLabelled));
        var silentSince = factory.Clock.UtcNow.AddSeconds(-45);
        await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == running)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LabelCountAtRequest, labels).SetProperty(r => r.HeartbeatUtc, silentSince)));

        // Act
        var answer = await WithServiceAsync<RetrainingRun, RetrainingService>(s => s.RequestByAsync("test-actor", "test", CancellationToken.None));

        // Assert
        Assert.NotEqual(running, answer.Id);
        Assert.Equal(RetrainingRunStatus.Queued, answer.Status);
        await SetStatusAsync(answer.Id, RetrainingRunStatus.Failed);
        await SetStatusAsync(running, RetrainingRunStatus.Failed);
    }

    [Fact]
    public async Task Request_SixAtOnce_OneQueuedRunAndEveryRequestAnsweredWithIt()
    {
        // Arrange: a run training, so the app's worker claims nothing while the requests race (two instances' buttons)
        await QuietAsync();
        var running = await InsertRunAsync(RetrainingRunStatus.Running);

        // Act
        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            WithServiceAsync<RetrainingRun, RetrainingService>(s => s.RequestAsync(RetrainingTrigger.LabelThreshold, "test", CancellationToken.None))));

        // Assert
        var queued = await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Status == RetrainingRunStatus.Queued).Select(r => r.Id).ToListAsync());
        Assert.Single(queued);
        Assert.All(answers, a => Assert.Equal(queued[0], a.Id));
        await SetStatusAsync(queued[0], RetrainingRunStatus.Failed);
        await SetStatusAsync(running, RetrainingRunStatus.Failed);
    }

    [Fact]
    public async Task SaveChanges_SecondQueuedRun_RefusedByTheDatabase()
    {
        // Arrange: what two instances' check-then-insert could do without the index
        await QuietAsync();
        var running = await InsertRunAsync(RetrainingRunStatus.Running);
        var first = await InsertRunAsync(RetrainingRunStatus.Queued);

        // Act + Assert
        await Assert.ThrowsAsync<DbUpdateException>(() => InsertRunAsync(RetrainingRunStatus.Queued));
        await SetStatusAsync(first, RetrainingRunStatus.Failed);
        await SetStatusAsync(running, RetrainingRunStatus.Failed);
    }

    [Fact]
    public async Task ClaimNext_AnotherRunRunning_ClaimsNothing()
    {
        // Arrange
        await QuietAsync();
        var running = await InsertRunAsync(RetrainingRunStatus.Running);
        var queued = await InsertRunAsync(RetrainingRunStatus.Queued);

        // Act
        var claimed = await WithServiceAsync<RetrainingRun?, RetrainingService>(s => s.ClaimNextAsync(CancellationToken.None));

        // Assert
        Assert.Null(claimed);
        Assert.Equal(RetrainingRunStatus.Queued, await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == queued).Select(r => r.Status).SingleAsync()));
        await SetStatusAsync(running, RetrainingRunStatus.Failed);
        await SetStatusAsync(queued, RetrainingRunStatus.Failed);
    }

    [Fact]
    public async Task ClaimNext_TwoClaimsAtOnce_OnlyOneRuns()
    {
        // Arrange
        await QuietAsync();
        var queued = await InsertRunAsync(RetrainingRunStatus.Queued);

        // Act
        var claims = await Task.WhenAll(
            WithServiceAsync<RetrainingRun?, RetrainingService>(s => s.ClaimNextAsync(CancellationToken.None)),
            WithServiceAsync<RetrainingRun?, RetrainingService>(s => s.ClaimNextAsync(CancellationToken.None)));

        // Assert: the app's own worker is a third claimer (it may loop back to the queue just as the run is inserted),
        // so the run must have been claimed exactly once by one of the three.
        var won = claims.Count(c => c is not null);
        Assert.True(won <= 1, $"{won} claims won the same run.");
        var status = await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == queued).Select(r => r.Status).SingleAsync());
        Assert.NotEqual(RetrainingRunStatus.Queued, status);
        // Whoever won (one of these claims or the app's worker), at most one run is running.
        Assert.InRange(await factory.QueryAsync(db => db.RetrainingRuns.CountAsync(r => r.Status == RetrainingRunStatus.Running)), 0, 1);
        if (won == 1) await SetStatusAsync(queued, RetrainingRunStatus.Failed);
        await QuietAsync();
    }

    [Fact]
    public async Task RecoverInterrupted_RunWithFreshLease_LeftToTheInstanceTrainingIt()
    {
        // Arrange: another instance claimed this run a moment ago.
        await QuietAsync();
        var running = await InsertRunAsync(RetrainingRunStatus.Running);
        await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == running).ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatUtc, factory.Clock.UtcNow)));

        // Act
        var recovered = await WithServiceAsync<int, RetrainingService>(s => s.RecoverInterruptedAsync(CancellationToken.None));

        // Assert
        Assert.Equal(0, recovered);
        Assert.Equal(RetrainingRunStatus.Running, await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == running).Select(r => r.Status).SingleAsync()));
        await SetStatusAsync(running, RetrainingRunStatus.Failed);
    }

    [Fact]
    public async Task RecoverInterrupted_RunLeftRunningLeaseExpired_IsFailedAndRequeued()
    {
        // Arrange: its instance last renewed the lease two minutes ago (the lease is one).
        await QuietAsync();
        var interrupted = await InsertRunAsync(RetrainingRunStatus.Running);
        await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == interrupted).ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatUtc, factory.Clock.UtcNow.AddMinutes(-2))));

        // Act
        var recovered = await WithServiceAsync<int, RetrainingService>(s => s.RecoverInterruptedAsync(CancellationToken.None));

        // Assert
        Assert.Equal(1, recovered);
        var run = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().SingleAsync(r => r.Id == interrupted));
        Assert.Equal(RetrainingRunStatus.Failed, run.Status);
        Assert.Contains("Interrupted", run.Error, StringComparison.Ordinal);
        // Requeued: a recovery run, or a run the app's own triggers queued meanwhile, which the recovery joins (one queue).
        Assert.True(await factory.QueryAsync(db => db.RetrainingRuns.AnyAsync(r => r.Id > interrupted)));
        await QuietAsync();
    }

    [Fact]
    public async Task StopTraining_RunThisInstanceTrains_InterruptedAtOnceAndItsRecoveryNamesItAndItsRequester()
    {
        // Arrange (fraud-operations test: after a clean stop the run showed Running for over a minute, and the recovery
        // that followed named no one and no run)
        await QuietAsync();
        var running = await InsertRunAsync(RetrainingRunStatus.Running);
        await factory.QueryAsync(db => db.RetrainingRuns.Where(r => r.Id == running).ExecuteUpdateAsync(s => s.SetProperty(r => r.HeartbeatUtc, factory.Clock.UtcNow)));

        // Act: the host stops while it trains (its lease is fresh)
        var handedOver = await WithServiceAsync<bool, RetrainingService>(s => s.StopTrainingAsync(running, CancellationToken.None));
        var again = await WithServiceAsync<bool, RetrainingService>(s => s.StopTrainingAsync(running, CancellationToken.None));

        // Assert
        Assert.True(handedOver);
        Assert.False(again);
        var run = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().SingleAsync(r => r.Id == running));
        Assert.Equal(RetrainingRunStatus.Failed, run.Status);
        Assert.Equal(RetrainingService.InterruptedError, run.Error);
        // Its recovery, unless a run the app's triggers queued meanwhile took the queue's one place (the recovery joins it).
        var later = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().Where(r => r.Id > running).ToListAsync());
        Assert.NotEmpty(later);
        if (later.FirstOrDefault(r => r.RetryOfRunId == running) is { } recovery)
        {
            Assert.Equal((RetrainingTrigger.Recovery, "test"), (recovery.Trigger, recovery.RequestedBy));
        }
        else
        {
            Assert.Contains(later, r => r.Trigger != RetrainingTrigger.Recovery);
        }
        await QuietAsync();
    }

    [Fact]
    public async Task CheckTriggers_EnoughNewConfirmedLabels_QueuesLabelThresholdRun()
    {
        // Arrange: three analyst labels (the threshold) on stored payments.
        await QuietAsync();
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            var rows = await db.Transactions.Where(t => t.LabelledBy == "simulator").OrderByDescending(t => t.Id).Take(3).ToListAsync();
            foreach (var t in rows) t.ApplyLabel(t.Label, "analyst@example.test", IssuerTime.InUtc(factory.Clock.UtcNow));
            await db.SaveChangesAsync();
        }

        // Act
        var run = await WithServiceAsync<RetrainingRun?, RetrainingService>(s => s.CheckTriggersAsync(CancellationToken.None));

        // Assert
        Assert.NotNull(run);
        Assert.Equal(RetrainingTrigger.LabelThreshold, run.Trigger);
        await QuietAsync();
        var again = await WithServiceAsync<RetrainingRun?, RetrainingService>(s => s.CheckTriggersAsync(CancellationToken.None));
        Assert.Null(again);
    }

    [Fact]
    public async Task CheckTriggers_ScheduleDue_QueuesScheduleRunAndNotBeforeItIsDue()
    {
        // Arrange: the same service, with a one-day schedule and the label trigger off, at two moments in time.
        await QuietAsync();
        var settings = new RetrainingSettings { Interval = TimeSpan.FromDays(1), LabelThreshold = 0 };
        var since = await factory.QueryAsync(db => db.RetrainingRuns.OrderByDescending(r => r.Id).Select(r => (DateTime?)r.RequestedUtc).FirstOrDefaultAsync())
            ?? await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.CreatedUtc).SingleAsync());
        async Task<RetrainingRun?> CheckAtAsync(DateTime now)
        {
            await using var scope = factory.Services.CreateAsyncScope();
            var provider = scope.ServiceProvider;
            var service = new RetrainingService(provider.GetRequiredService<FraudDbContext>(), provider.GetRequiredService<ModelRegistry>(),
                provider.GetRequiredService<RetrainingSignal>(), provider.GetRequiredService<FraudWeb.Services.Admin.AuditLog>(),
                Microsoft.Extensions.Options.Options.Create(settings), new FixedClock(now),
                provider.GetRequiredService<ILogger<RetrainingService>>());
            return await service.CheckTriggersAsync(CancellationToken.None);
        }

        // Act
        var early = await CheckAtAsync(since.AddHours(23));
        var due = await CheckAtAsync(since.AddHours(25));

        // Assert
        Assert.Null(early);
        Assert.NotNull(due);
        Assert.Equal(RetrainingTrigger.Schedule, due.Trigger);
        await QuietAsync();
    }

    private sealed class FixedClock(DateTime utcNow) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => new(utcNow, TimeSpan.Zero);
    }

    [Fact]
    public async Task Execute_RequesterDeletedWhileTraining_NewVersionNamesTheDeletedAccountNotTheAddress()
    {
        // Arrange (review: the erasure renamed the run, but the version written when training ended took the address read
        // at the start): a run requested by an analyst whose account is deleted once the run has been read.
        await QuietAsync();
        var address = "leaving-" + Guid.NewGuid().ToString("N")[..8] + "@example.test";
        const string renamed = "deleted-account:u-leaving";
        var id = await factory.QueryAsync(async db =>
        {
            var queued = RetrainingRun.Queue(RetrainingTrigger.Manual, address, factory.Clock.UtcNow, 0);
            db.RetrainingRuns.Add(queued);
            db.Entry(queued).Property(r => r.Status).CurrentValue = RetrainingRunStatus.Running;
            await db.SaveChangesAsync();
            return queued.Id;
        });
        var run = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().SingleAsync(r => r.Id == id));
        await factory.QueryAsync(async db =>
        {
            // As an erasure renames: inside its transaction (the reports it renames are held first).
            await using var transaction = await db.Database.BeginTransactionAsync();
            await db.RenameAsync(address, renamed, CancellationToken.None);
            await transaction.CommitAsync();
            return 0;
        });

        // Act
        var result = await WithServiceAsync<TrainingResult?, RetrainingService>(s => s.ExecuteAsync(run, CancellationToken.None));

        // Assert
        Assert.NotNull(result);
        var trigger = await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Version == result.Version.Version).Select(m => m.Trigger).SingleAsync());
        Assert.Equal("manual: " + renamed, trigger);
        Assert.False(await factory.QueryAsync(db => db.ModelVersions.AnyAsync(m => m.Trigger != null && m.Trigger.Contains(address))));
    }

    [Fact]
    public async Task Execute_HistoryCannotBeRead_RunFailedWithTheDatabasesErrorNotLeftRunning()
    {
        // Arrange: a database error of a kind the run did not expect (review finding, 2026-12-04: anything but six
        // exception types left the run Running, later "interrupted" and queued again without end)
        await QuietAsync();
        var id = await InsertRunAsync(RetrainingRunStatus.Running);
        var run = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().SingleAsync(r => r.Id == id));
        await factory.QueryAsync(db => db.Database.ExecuteSqlRawAsync("ALTER TABLE \"Transactions\" RENAME TO \"TransactionsAway\""));
        TrainingResult? result;
        try
        {
            // Act
            result = await WithServiceAsync<TrainingResult?, RetrainingService>(s => s.ExecuteAsync(run, CancellationToken.None));
        }
        finally
        {
            await factory.QueryAsync(db => db.Database.ExecuteSqlRawAsync("ALTER TABLE \"TransactionsAway\" RENAME TO \"Transactions\""));
        }

        // Assert
        Assert.Null(result);
        var stored = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().SingleAsync(r => r.Id == id));
        Assert.Equal(RetrainingRunStatus.Failed, stored.Status);
        Assert.Contains("Transactions", stored.Error, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", TestPostgres.SqliteOnly)] // another connection's write lock is the outage; PostgreSQL would only wait
    public async Task Execute_DatabaseRefusesWritesWhenTheTrainingEnds_RunFailedSayingSoOnceItAnswers()
    {
        // Arrange (exploratory testing: a retraining that ended while PostgreSQL was down was left Running, and
        // recovered after its lease as "Interrupted: the instance training it stopped", which it had not): another
        // connection holds SQLite's write lock, so the run can neither store its model nor record how it ended
        await QuietAsync();
        var id = await InsertRunAsync(RetrainingRunStatus.Running);
        var run = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().SingleAsync(r => r.Id == id));
        var logsBefore = factory.Logs.Entries.Count;
        await using var outage = new SqliteConnection($"Data Source={factory.DatabaseFile}");
        await outage.OpenAsync();
        await using (var begin = outage.CreateCommand())
        {
            begin.CommandText = "BEGIN IMMEDIATE";
            await begin.ExecuteNonQueryAsync();
        }

        // Act: the database answers again once the run has tried to record its end
        var execution = WithServiceAsync<TrainingResult?, RetrainingService>(s => s.ExecuteAsync(run, CancellationToken.None));
        var waiting = $"Retraining run {id.ToString(CultureInfo.InvariantCulture)} ended, but the database could not record it";
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (!factory.Logs.Entries.Skip(logsBefore).Any(e => e.Contains(waiting, StringComparison.Ordinal)) && DateTime.UtcNow < deadline && !execution.IsCompleted)
            await Task.Delay(50);
        await using (var end = outage.CreateCommand())
        {
            end.CommandText = "ROLLBACK";
            await end.ExecuteNonQueryAsync();
        }
        var result = await execution;

        // Assert: it waited for the database, then recorded a failure that says what happened, and a retry
        Assert.True(DateTime.UtcNow < deadline, "The run never said it was waiting to record its end.");
        Assert.Null(result);
        var stored = await factory.QueryAsync(db => db.RetrainingRuns.AsNoTracking().SingleAsync(r => r.Id == id));
        Assert.Equal(RetrainingRunStatus.Failed, stored.Status);
        Assert.Equal(RetrainingService.DatabaseUnavailableError, stored.Error);
        using (CultureScope.Use(Chinese.Culture)) Assert.Equal("无法连接数据库，因此未保留新模型。", ModelTexts.RunError(stored.Error));
    }

    [Fact]
    public async Task Train_PaymentsTheCheckStoppedThatNobodyLabelled_NeverCountedAsMaturedLegitimate()
    {
        // Arrange: over a month ago the fraud check declined one payment and held another that no analyst decided;
        // nobody reported either. Silence about a payment that never reached the statement says nothing about it: a
        // fraudster whose attempt was declined does not report it, so counting it legitimate would teach the next
        // model that what it stopped was fine.
        await QuietAsync();
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        var approved = await holder.PayAndGetIdAsync(card, merchant, 30m);
        var declined = await holder.PayAndGetIdAsync(card, merchant, 31m);
        var held = await holder.PayAndGetIdAsync(card, merchant, 32m);
        var old = factory.Clock.UtcNow.AddDays(-40);
        await factory.QueryAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE \"Transactions\" SET \"TimestampUtc\" = {old.AddMinutes(-1)}, \"Decision\" = 'Approved' WHERE \"Id\" = {approved}"));
        await factory.QueryAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE \"Transactions\" SET \"TimestampUtc\" = {old}, \"Decision\" = 'Declined', \"DeclineReason\" = {DeclineReasons.HighRisk} WHERE \"Id\" = {declined}"));
        await factory.QueryAsync(db => db.Database.ExecuteSqlInterpolatedAsync(
            $"UPDATE \"Transactions\" SET \"TimestampUtc\" = {old.AddMinutes(1)}, \"Decision\" = 'Review' WHERE \"Id\" = {held}"));

        // Act
        var result = await WithServiceAsync<TrainingResult, ModelRegistry>(r => r.TrainAsync("test: stopped", 30, CancellationToken.None));

        // Assert: matured legitimate are exactly the unlabelled payments that went through (the approved one here);
        // the training window (120 days) holds every stored payment.
        var matureCutoff = result.Version.CreatedUtc.AddDays(-30);
        var wentThrough = await factory.QueryAsync(db => db.Transactions.CountAsync(t => t.Label == FraudLabel.Unknown && t.TimestampUtc < matureCutoff
            && (t.Verdict == null || t.Verdict.Decision == Decision.Approved)));
        Assert.True(wentThrough >= 1);
        Assert.Equal(wentThrough, result.Outcome.Labels.MaturedLegitimate);
    }

    [Fact]
    public async Task Train_WeakChallenger_KeptRejectedWithMetricsAndPromoteThenRollbackSwapServing()
    {
        // Arrange
        await QuietAsync();
        var servingBefore = factory.Services.GetRequiredService<IServingModel>().Current!.Version;

        // Act 1: a one-tree, one-split challenger cannot match the serving model.
        var result = await WithServiceAsync<TrainingResult, ModelRegistry>(r => r.TrainAsync("test: weak", 1, CancellationToken.None));

        // Assert 1
        Assert.False(result.Outcome.Decision.Promote, result.Outcome.Decision.Reason);
        var rejected = await factory.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Version == result.Version.Version));
        Assert.Equal(ModelStatus.Rejected, rejected.Status);
        Assert.Contains("holdout_auc", rejected.MetricsJson, StringComparison.Ordinal);
        Assert.Equal(servingBefore, factory.Services.GetRequiredService<IServingModel>().Current!.Version);
        // Each version records the days it was not trained on; the challenger was compared on the serving version's.
        var served = await factory.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Version == servingBefore));
        Assert.NotNull(served.HoldoutStartUtc);
        Assert.True(rejected.HoldoutEndUtc > rejected.HoldoutStartUtc);
        Assert.Contains("compared_auc", rejected.MetricsJson, StringComparison.Ordinal);

        // Act 2: an administrator promotes it through the dashboard; a new payment uses it.
        using var admin = await ReviewSteps.SignedInAsAsync(factory, Roles.Admin);
        var promoted = await Html.SubmitAsync(admin.Client, $"/Models/Promote/{rejected.Id}", [], "/Models");
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync();
        var merchant = await Merchants.OrdinaryAsync(factory);
        var paid = await holder.PayAndGetIdAsync(card, merchant, 25m);

        // Assert 2
        Assert.Equal(HttpStatusCode.Redirect, promoted.StatusCode);
        Assert.Equal(rejected.Version, factory.Services.GetRequiredService<IServingModel>().Current!.Version);
        Assert.Equal(rejected.Version, await factory.QueryAsync(db => db.Transactions.Where(t => t.Id == paid).Select(t => t.Verdict!.ModelVersion).SingleAsync()));

        // Act 3: roll back.
        var rolledBack = await ModelSteps.RollbackAsync(admin.Client);
        var again = await holder.PayAndGetIdAsync(card, merchant, 26m);

        // Assert 3
        Assert.Equal(HttpStatusCode.Redirect, rolledBack.StatusCode);
        Assert.Equal(servingBefore, factory.Services.GetRequiredService<IServingModel>().Current!.Version);
        Assert.Equal(servingBefore, await factory.QueryAsync(db => db.Transactions.Where(t => t.Id == again).Select(t => t.Verdict!.ModelVersion).SingleAsync()));
        Assert.Equal(ModelStatus.Retired, await factory.QueryAsync(db => db.ModelVersions.Where(m => m.Id == rejected.Id).Select(m => m.Status).SingleAsync()));

        // Act 4: a training after the rollback, good enough to be promoted on its figures (fraud-operations test: an
        // analyst's "Retrain now" replaced the version an administrator had rolled back to)
        var afterRollback = await WithServiceAsync<TrainingResult, ModelRegistry>(r => r.TrainAsync("test: after a rollback", null, CancellationToken.None));

        // Assert 4: kept, saying why; the rolled-back version still serves
        Assert.True(afterRollback.Outcome.Decision.Promote, afterRollback.Outcome.Decision.Reason);
        var pinned = await factory.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Version == afterRollback.Version.Version));
        Assert.Equal(ModelStatus.Rejected, pinned.Status);
        Assert.Equal($"{ModelRegistry.PinnedPrefix}{servingBefore}{ModelRegistry.PinnedMiddle}{afterRollback.Outcome.Decision.Reason})", pinned.DecisionReason);
        Assert.Equal(servingBefore, factory.Services.GetRequiredService<IServingModel>().Current!.Version);

        // Act 5: the administrator promotes it by hand, which ends the pin (trainings promote again)
        var byHand = await Html.SubmitAsync(admin.Client, $"/Models/Promote/{pinned.Id}", [], "/Models");

        // Assert 5
        Assert.Equal(HttpStatusCode.Redirect, byHand.StatusCode);
        Assert.Equal(pinned.Version, factory.Services.GetRequiredService<IServingModel>().Current!.Version);
    }

    [Fact]
    public async Task Dashboard_Analyst_RendersServingMetricsChartsAndVersions()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);

        // Act
        var page = await Html.GetPageAsync(analyst.Client, "/Models");

        // Assert
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-testid=serving-version]")?.TextContent));
        // Every metric with four decimals, however many the value needs.
        Assert.Matches(@"^\d\.\d{4} / \d\.\d{4} / \d\.\d{4}$", page.QuerySelector("[data-testid=serving-metrics]")!.TextContent.Trim());
        Assert.Contains("\"roc\"", page.QuerySelector("#model-charts")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("canvas#pr-chart"));
        var rows = page.QuerySelectorAll("[data-testid=version-row]");
        Assert.NotEmpty(rows);
        // The labels a version was trained with read as words, not as the JSON they are kept in.
        Assert.All(rows, r => Assert.DoesNotContain("{", r.TextContent, StringComparison.Ordinal));
        Assert.NotNull(page.QuerySelector("#runs-body[data-refresh-while-active]"));
        Assert.NotNull(page.QuerySelector("[data-testid=retrain]"));
        Assert.Null(page.QuerySelector("[data-testid=rollback]"));
    }

    [Theory]
    [InlineData("en", "each version's own")]
    [InlineData("zh-CN", "每个版本自己的指标")]
    public async Task Dashboard_Versions_SayTheRowsAndTheDecisionsFiguresAreOnDifferentDays(string language, string expected)
    {
        // Arrange (exploratory testing: a decision's AUC and its row's AUC differed with no word why: the decision
        // compares both models on the serving model's days, the row is on the version's own)
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        analyst.Client.DefaultRequestHeaders.Add("Accept-Language", language);

        // Act
        var page = await Html.GetPageAsync(analyst.Client, "/Models");

        // Assert
        Assert.Contains(expected, page.QuerySelector("[data-testid=metrics-note]")?.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promote_Analyst_IsDenied()
    {
        // Arrange
        using var analyst = await ReviewSteps.SignedInAsAsync(factory, Roles.Analyst);
        var token = Html.AntiforgeryToken(await Html.GetPageAsync(analyst.Client, "/Models"));

        // Act
        var response = await analyst.Client.PostAsync(new Uri("/Models/Rollback", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));

        // Assert
        Assert.Contains("/Account/AccessDenied", Html.Location(response), StringComparison.Ordinal);
    }
}
