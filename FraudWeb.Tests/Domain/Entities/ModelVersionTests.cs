using FraudWeb.Domain.Entities;

namespace FraudWeb.Tests.Domain.Entities;

/// <summary>
/// One version serves at a time: promoting one retires the one serving before. An administrator may promote any
/// version that is not serving (a rejected challenger, a retired one by rollback); only a new candidate is rejected.
/// A version whose file was found missing or corrupt is marked unusable: retired if it served, never promoted again.
/// </summary>
public sealed class ModelVersionTests
{
    private static readonly DateTime Now = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);

    private static ModelVersion Candidate(string version = "gbt-new") => ModelVersion.Register(version, version + ".model", Now, 100, 3, "{}");

    private static ModelVersion Serving(string version = "gbt-serving")
    {
        var serving = Candidate(version);
        serving.Promote(null, Now.AddHours(-1));
        return serving;
    }

    [Fact]
    public void Promote_AnotherVersionServing_RetiresThePreviousAndServesThis()
    {
        // Arrange
        var previous = Serving();
        var challenger = Candidate();

        // Act
        challenger.Promote(previous, Now);

        // Assert
        Assert.Equal(ModelStatus.Serving, challenger.Status);
        Assert.Equal(Now, challenger.ActivatedUtc);
        Assert.Equal(ModelStatus.Retired, previous.Status);
        Assert.False(previous.IsServing);
    }

    [Fact]
    public void Promote_RejectedVersion_ServesIt()
    {
        // Arrange: an administrator overrides the pipeline's decision.
        var previous = Serving();
        var rejected = Candidate();
        rejected.Reject();

        // Act
        rejected.Promote(previous, Now);

        // Assert
        Assert.Equal(ModelStatus.Serving, rejected.Status);
        Assert.Equal(ModelStatus.Retired, previous.Status);
    }

    [Fact]
    public void Promote_RetiredVersion_ServesItAgainWithNewActivationTime()
    {
        // Arrange: rollback serves the version that served before.
        var older = Serving("gbt-older");
        var newer = Candidate();
        newer.Promote(older, Now.AddMinutes(-30));

        // Act
        older.Promote(newer, Now);

        // Assert
        Assert.Equal(ModelStatus.Serving, older.Status);
        Assert.Equal(Now, older.ActivatedUtc);
        Assert.Equal(ModelStatus.Retired, newer.Status);
    }

    [Fact]
    public void Promote_AlreadyServing_ThrowsStateChangedAndKeepsActivation()
    {
        // Arrange
        var serving = Serving();
        var activated = serving.ActivatedUtc;

        // Act
        var refused = Assert.Throws<DomainException>(() => serving.Promote(null, Now));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(activated, serving.ActivatedUtc);
    }

    [Fact]
    public void Promote_OverItself_ThrowsStateChangedAndStaysServing()
    {
        // Arrange
        var serving = Serving();

        // Act
        var refused = Assert.Throws<DomainException>(() => serving.Promote(serving, Now));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(ModelStatus.Serving, serving.Status);
    }

    [Fact]
    public void Promote_ReplacedVersionNotServing_ThrowsAndChangesNeither()
    {
        // Arrange: a stale read: the "current" version was retired meanwhile.
        var stale = Serving("gbt-stale");
        stale.Retire();
        var challenger = Candidate();

        // Act
        var refused = Assert.Throws<DomainException>(() => challenger.Promote(stale, Now));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(ModelStatus.Candidate, challenger.Status);
        Assert.Equal(ModelStatus.Retired, stale.Status);
    }

    [Theory]
    [InlineData(ModelStatus.Candidate)]
    [InlineData(ModelStatus.Rejected)]
    [InlineData(ModelStatus.Retired)]
    public void Retire_NotServing_ThrowsStateChanged(ModelStatus status)
    {
        // Arrange
        var version = InStatus(status);

        // Act
        var refused = Assert.Throws<DomainException>(version.Retire);

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(status, version.Status);
    }

    [Theory]
    [InlineData(ModelStatus.Serving)]
    [InlineData(ModelStatus.Rejected)]
    [InlineData(ModelStatus.Retired)]
    public void Reject_NotANewCandidate_ThrowsStateChanged(ModelStatus status)
    {
        // Arrange
        var version = InStatus(status);

        // Act
        var refused = Assert.Throws<DomainException>(version.Reject);

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(status, version.Status);
    }

    [Fact]
    public void Reject_Candidate_IsRejectedAndNeverActivated()
    {
        // Arrange
        var candidate = Candidate();

        // Act
        candidate.Reject();

        // Assert
        Assert.Equal(ModelStatus.Rejected, candidate.Status);
        Assert.Null(candidate.ActivatedUtc);
    }

    [Fact]
    public void MarkUnusable_Serving_RetiresItAndRecordsWhy()
    {
        // Arrange
        var serving = Serving();

        // Act
        serving.MarkUnusable("The model file is missing.", Now);

        // Assert: never an unusable version serving.
        Assert.Equal(ModelStatus.Retired, serving.Status);
        Assert.False(serving.IsUsable);
        Assert.Equal("The model file is missing.", serving.UnusableReason);
        Assert.Equal(Now, serving.UnusableSinceUtc);
    }

    [Fact]
    public void MarkUnusable_Candidate_KeepsItsStatus()
    {
        // Arrange
        var candidate = Candidate();

        // Act
        candidate.MarkUnusable("The model file is corrupt: checksum mismatch.", Now);

        // Assert
        Assert.Equal(ModelStatus.Candidate, candidate.Status);
        Assert.False(candidate.IsUsable);
    }

    [Fact]
    public void MarkUnusable_AlreadyMarked_KeepsTheFirstReasonAndTime()
    {
        // Arrange: two instances (or polls) find the same shared file bad.
        var version = Candidate();
        version.MarkUnusable("The model file is missing.", Now);

        // Act
        version.MarkUnusable("The model file is corrupt: later.", Now.AddMinutes(5));

        // Assert
        Assert.Equal("The model file is missing.", version.UnusableReason);
        Assert.Equal(Now, version.UnusableSinceUtc);
    }

    [Fact]
    public void MarkUnusable_LongReason_CutToTheLimit()
    {
        // Arrange: a feature-schema message lists every feature.
        var version = Candidate();

        // Act
        version.MarkUnusable("This version cannot serve: " + new string('x', 2000), Now);

        // Assert
        Assert.Equal(ModelVersion.UnusableReasonMaxLength, version.UnusableReason!.Length);
        Assert.StartsWith("This version cannot serve: ", version.UnusableReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void MarkUnusable_NoReason_ThrowsAndStaysUsable(string reason)
    {
        // Arrange
        var serving = Serving();

        // Act
        Assert.ThrowsAny<ArgumentException>(() => serving.MarkUnusable(reason, Now));

        // Assert
        Assert.True(serving.IsUsable);
        Assert.Equal(ModelStatus.Serving, serving.Status);
    }

    [Fact]
    public void Promote_UnusableVersion_ThrowsStateChangedAndTheServingOneStays()
    {
        // Arrange: an earlier version whose file was found corrupt.
        var broken = Serving("gbt-broken");
        broken.MarkUnusable("The model file is corrupt: checksum mismatch.", Now.AddMinutes(-10));
        var serving = Serving();

        // Act
        var refused = Assert.Throws<DomainException>(() => broken.Promote(serving, Now));

        // Assert
        Assert.Equal(DomainErrorCode.StateChanged, refused.Code);
        Assert.Equal(ModelStatus.Retired, broken.Status);
        Assert.Equal(ModelStatus.Serving, serving.Status);
    }

    private static ModelVersion InStatus(ModelStatus status)
    {
        var version = Candidate();
        switch (status)
        {
            case ModelStatus.Serving:
                version.Promote(null, Now);
                break;
            case ModelStatus.Rejected:
                version.Reject();
                break;
            case ModelStatus.Retired:
                version.Promote(null, Now);
                version.Retire();
                break;
        }
        return version;
    }
}
