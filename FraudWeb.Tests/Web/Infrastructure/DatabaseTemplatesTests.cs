using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>The suite's copied first starts (<see cref="DatabaseTemplates"/>): the same data, a clock not behind it, and a way out.</summary>
public sealed class DatabaseTemplatesTests
{
    /// <summary>Two factories of one kind of their own (a setting no other factory has).</summary>
    private static (FraudWebFactory First, FraudWebFactory Second) OfANewKind(Action<FraudWebFactory>? configure = null)
    {
        var kind = Guid.NewGuid().ToString("N");
        var first = new FraudWebFactory();
        var second = new FraudWebFactory();
        foreach (var factory in new[] { first, second })
        {
            factory.Settings["Tests:TemplateKind"] = kind;
            configure?.Invoke(factory);
        }
        return (first, second);
    }

    [Fact]
    public async Task Start_SecondFactoryOfAKind_StartsFromTheFirstsDatabaseWithoutSeedingAgain()
    {
        // Arrange: the first start seeds and trains.
        var (first, second) = OfANewKind();
        using (first)
        using (second)
        {
            _ = first.Services;
            var firstModels = await first.QueryAsync(db => db.ModelVersions.OrderBy(m => m.Id).Select(m => m.Version).ToListAsync());
            var firstPayments = await first.QueryAsync(db => db.Transactions.CountAsync());

            // Act
            _ = second.Services;

            // Assert: the same history and model, neither made again; nothing stored after the copy's "now".
            Assert.Contains("Seeded ", first.Logs.AllText(), StringComparison.Ordinal);
            Assert.DoesNotContain("Seeded ", second.Logs.AllText(), StringComparison.Ordinal);
            Assert.Contains("FraudWeb data ready", second.Logs.AllText(), StringComparison.Ordinal);
            Assert.NotEmpty(firstModels);
            Assert.Equal(firstModels, await second.QueryAsync(db => db.ModelVersions.OrderBy(m => m.Id).Select(m => m.Version).ToListAsync()));
            Assert.Equal(firstPayments, await second.QueryAsync(db => db.Transactions.CountAsync()));
            var latest = await second.QueryAsync(db => db.ModelVersions.MaxAsync(m => m.CreatedUtc));
            Assert.True(latest <= second.Clock.UtcNow, $"The copy's clock reads {second.Clock.UtcNow:O}, before its model's {latest:O}.");
            // The copied file is the app's user's alone, as one the app creates (review: File.Copy gave it the template's 644).
            if (second.PostgresDatabase is null && !OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(second.DatabaseFile));
        }
    }

    [Fact]
    public async Task Start_FirstOfTheKindsClockMovedBeforeItsStart_NextOneSeedsOnItsOwnClock()
    {
        // Arrange (a full run: a test moved its factory's clock to a month's end before the start, the template was
        // seeded there, and the next factory of that kind had its clock moved weeks ahead with it)
        var (first, second) = OfANewKind(factory => factory.Settings["Seed:TrainModel"] = "false");
        using (first)
        using (second)
        {
            first.Clock.Advance(TimeSpan.FromDays(20));
            _ = first.Services;

            // Act
            _ = second.Services;

            // Assert
            Assert.Contains("Seeded ", second.Logs.AllText(), StringComparison.Ordinal);
            Assert.Equal(TimeSpan.Zero, second.Clock.Advanced);
            Assert.True(await second.QueryAsync(db => db.Transactions.MaxAsync(t => t.TimestampUtc)) < second.Clock.UtcNow);
        }
    }

    [Fact]
    public async Task Start_TemplateTurnedOff_SeedsItsOwnHistory()
    {
        // Arrange
        var (first, second) = OfANewKind(factory => factory.Settings["Seed:TrainModel"] = "false");
        using (first)
        using (second)
        {
            _ = first.Services;
            second.StartFromTemplate = false;

            // Act
            _ = second.Services;

            // Assert
            Assert.Contains("Seeded ", second.Logs.AllText(), StringComparison.Ordinal);
            Assert.Equal(await first.QueryAsync(db => db.Transactions.CountAsync()), await second.QueryAsync(db => db.Transactions.CountAsync()));
        }
    }
}
