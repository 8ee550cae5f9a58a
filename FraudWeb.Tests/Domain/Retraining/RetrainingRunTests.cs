using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Domain.Retraining;

/// <summary>
/// A run goes Queued -> Running -> Succeeded or Failed, and nothing moves it once it has finished; a failed run is
/// retried by a new run that counts the attempts and waits out a doubling backoff.
/// </summary>
public sealed class RetrainingRunTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);
    private static readonly TimeSpan Backoff = TimeSpan.FromMinutes(5);
    private const int MaxAttempts = 3;

    private static RetrainingRun Queued() => RetrainingRun.Queue(RetrainingTrigger.Manual, "admin@example.test", Now, 0);

    private static RetrainingRun Running()
    {
        var run = Queued();
        run.Start(Now.AddMinutes(1));
        return run;
    }

    [Fact]
    public void Start_Queued_IsRunningWithStartTime()
    {
        // Arrange
        var run = Queued();

        // Act
        run.Start(Now.AddMinutes(1));

        // Assert
        Assert.Equal(RetrainingRunStatus.Running, run.Status);
        Assert.Equal(Now.AddMinutes(1), run.StartedUtc);
    }

    [Fact]
    public void Succeed_Running_RecordsVersionOutcomeAndEnd()
    {
        // Arrange
        var run = Running();

        // Act
        run.Succeed("gbt-1", "promoted", Now.AddMinutes(5));

        // Assert
        Assert.Equal(RetrainingRunStatus.Succeeded, run.Status);
        Assert.Equal("gbt-1", run.ModelVersion);
        Assert.Equal(Now.AddMinutes(5), run.FinishedUtc);
    }

    [Fact]
    public void Fail_Running_KeepsTheErrorCutToItsColumn()
    {
        // Arrange: a stop cut the run off (recovery at the next start).
        var run = Running();

        // Act
        run.Fail(new string('x', RetrainingRun.ErrorMaxLength + 10), Now.AddMinutes(5));

        // Assert
        Assert.Equal(RetrainingRunStatus.Failed, run.Status);
        Assert.Equal(RetrainingRun.ErrorMaxLength, run.Error!.Length);
    }

    [Fact]
    public void Start_Running_ThrowsStateChanged()
    {
        // Arrange
        var run = Running();

        // Act
        var refused = Assert.Throws<DomainException>(() => run.Start(Now));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(Now.AddMinutes(1), run.StartedUtc);
    }

    [Fact]
    public void Succeed_Queued_ThrowsStateChanged()
    {
        // Arrange
        var run = Queued();

        // Act
        var refused = Assert.Throws<DomainException>(() => run.Succeed("gbt-1", "promoted", Now));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(RetrainingRunStatus.Queued, run.Status);
    }

    [Fact]
    public void Fail_Queued_ThrowsStateChanged()
    {
        // Arrange
        var run = Queued();

        // Act
        var refused = Assert.Throws<DomainException>(() => run.Fail("boom", Now));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Null(run.Error);
    }

    [Fact]
    public void Fail_Succeeded_ThrowsFinalAndKeepsTheSuccess()
    {
        // Arrange
        var run = Running();
        run.Succeed("gbt-1", "promoted", Now.AddMinutes(5));

        // Act
        var refused = Assert.Throws<DomainException>(() => run.Fail("late", Now.AddMinutes(6)));

        // Assert
        Assert.Equal(DomainErrorCode.Final, refused.Code);
        Assert.Equal(RetrainingRunStatus.Succeeded, run.Status);
        Assert.Null(run.Error);
    }

    [Fact]
    public void Start_Failed_ThrowsFinal()
    {
        // Arrange
        var run = Running();
        run.Fail("boom", Now.AddMinutes(5));

        // Act
        var refused = Assert.Throws<DomainException>(() => run.Start(Now.AddMinutes(6)));

        // Assert
        Assert.Equal(DomainErrorCode.Final, refused.Code);
        Assert.Equal(RetrainingRunStatus.Failed, run.Status);
    }

    [Fact]
    public void Succeed_Failed_ThrowsFinal()
    {
        // Arrange
        var run = Running();
        run.Fail("boom", Now.AddMinutes(5));

        // Act
        var refused = Assert.Throws<DomainException>(() => run.Succeed("gbt-1", "promoted", Now.AddMinutes(6)));

        // Assert
        Assert.Equal(DomainErrorCode.Final, refused.Code);
        Assert.Null(run.ModelVersion);
    }

    private static RetrainingRun Failed(RetrainingRun run, DateTime startUtc)
    {
        run.Start(startUtc);
        run.Fail("The training process ran out of memory (exit 1): error: OutOfMemoryException", startUtc.AddMinutes(1));
        return run;
    }

    [Fact]
    public void Queue_NewRun_IsTheFirstAttemptDueAtOnce()
    {
        // Arrange / Act
        var run = Queued();

        // Assert
        Assert.Equal(1, run.Attempt);
        Assert.Null(run.NotBeforeUtc);
        Assert.Null(run.RetryOfRunId);
        Assert.False(run.IsWaiting(Now));
    }

    [Fact]
    public void RetryOf_FailedFirstAttempt_QueuedSecondAttemptAfterTheBackoff()
    {
        // Arrange
        var failed = Failed(Queued(), Now.AddMinutes(1));
        var at = Now.AddMinutes(2);

        // Act
        var retry = RetrainingRun.RetryOf(failed, at, Backoff, MaxAttempts);

        // Assert: the same request again; the failed run keeps its reason.
        Assert.Equal(RetrainingRunStatus.Queued, retry.Status);
        Assert.Equal(2, retry.Attempt);
        Assert.Equal(at + Backoff, retry.NotBeforeUtc);
        Assert.Equal(failed.Trigger, retry.Trigger);
        Assert.Equal(failed.RequestedBy, retry.RequestedBy);
        Assert.Equal(failed.LabelCountAtRequest, retry.LabelCountAtRequest);
        Assert.Equal(failed.Id, retry.RetryOfRunId);
        Assert.True(retry.IsWaiting(at));
        Assert.Equal(RetrainingRunStatus.Failed, failed.Status);
        Assert.Contains("out of memory", failed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void RetryOf_FailedSecondAttempt_WaitsTwiceTheBackoff()
    {
        // Arrange: the second attempt started once its backoff had passed, and failed too.
        var first = Failed(Queued(), Now.AddMinutes(1));
        var second = RetrainingRun.RetryOf(first, Now.AddMinutes(2), Backoff, MaxAttempts);
        Failed(second, second.NotBeforeUtc!.Value);
        var at = second.FinishedUtc!.Value;

        // Act
        var third = RetrainingRun.RetryOf(second, at, Backoff, MaxAttempts);

        // Assert: backoff * 2^(attempt - 1).
        Assert.Equal(3, third.Attempt);
        Assert.Equal(at + 2 * Backoff, third.NotBeforeUtc);
        Assert.Equal(TimeSpan.FromMinutes(20), RetrainingRun.RetryDelay(3, Backoff));
    }

    [Fact]
    public void RetryOf_LastAttemptFailed_ThrowsFinal()
    {
        // Arrange: a policy of two attempts, both failed.
        var first = Failed(Queued(), Now.AddMinutes(1));
        var second = Failed(RetrainingRun.RetryOf(first, Now.AddMinutes(2), TimeSpan.Zero, 2), Now.AddMinutes(3));

        // Act
        var refused = Assert.Throws<DomainException>(() => RetrainingRun.RetryOf(second, Now.AddMinutes(5), Backoff, 2));

        // Assert
        Assert.Equal(DomainErrorCode.Final, refused.Code);
        Assert.False(second.CanRetry(2));
        Assert.True(first.CanRetry(2));
    }

    [Fact]
    public void RetryOf_RunningRun_ThrowsStateChanged()
    {
        // Arrange
        var run = Running();

        // Act
        var refused = Assert.Throws<DomainException>(() => RetrainingRun.RetryOf(run, Now.AddMinutes(2), Backoff, MaxAttempts));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.False(run.CanRetry(MaxAttempts));
    }

    [Fact]
    public void RetryOf_SucceededRun_ThrowsStateChanged()
    {
        // Arrange
        var run = Running();
        run.Succeed("gbt-1", "promoted", Now.AddMinutes(5));

        // Act
        var refused = Assert.Throws<DomainException>(() => RetrainingRun.RetryOf(run, Now.AddMinutes(6), Backoff, MaxAttempts));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(RetrainingRunStatus.Succeeded, run.Status);
    }

    [Fact]
    public void Start_RetryBeforeItsBackoff_ThrowsStateChanged()
    {
        // Arrange
        var retry = RetrainingRun.RetryOf(Failed(Queued(), Now.AddMinutes(1)), Now.AddMinutes(2), Backoff, MaxAttempts);

        // Act
        var refused = Assert.Throws<DomainException>(() => retry.Start(Now.AddMinutes(3)));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(RetrainingRunStatus.Queued, retry.Status);
    }

    [Fact]
    public void RunNow_RetryWaitingOutItsBackoff_IsDueAtOnce()
    {
        // Arrange
        var retry = RetrainingRun.RetryOf(Failed(Queued(), Now.AddMinutes(1)), Now.AddMinutes(2), Backoff, MaxAttempts);

        // Act
        var broughtForward = retry.RunNow(Now.AddMinutes(3));
        retry.Start(Now.AddMinutes(3));

        // Assert
        Assert.True(broughtForward);
        Assert.Null(retry.NotBeforeUtc);
        Assert.Equal(RetrainingRunStatus.Running, retry.Status);
        Assert.Equal(2, retry.Attempt);
    }

    [Fact]
    public void RunNow_RunNotWaiting_ChangesNothing()
    {
        // Arrange
        var run = Queued();

        // Act
        var broughtForward = run.RunNow(Now);

        // Assert
        Assert.False(broughtForward);
        Assert.Null(run.NotBeforeUtc);
    }

    [Fact]
    public void RunNow_Running_ThrowsStateChanged()
    {
        // Arrange
        var run = Running();

        // Act
        var refused = Assert.Throws<DomainException>(() => run.RunNow(Now.AddMinutes(2)));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
    }
}
