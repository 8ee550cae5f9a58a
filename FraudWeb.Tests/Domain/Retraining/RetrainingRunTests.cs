using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Domain.Retraining;

/// <summary>A run goes Queued -> Running -> Succeeded or Failed, and nothing moves it once it has finished.</summary>
public sealed class RetrainingRunTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);

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
}
