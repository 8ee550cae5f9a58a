using FraudWeb.Data;
using FraudWeb.Services.Accounts;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>
/// Wrong passwords for addresses without an account are counted in the database, as an account's are: every try
/// counts whichever request (or instance) takes it, and the address itself is never stored.
/// </summary>
[Collection(WebTestGroup.Name)]
public sealed class UnknownAddressLockoutTests(FraudWebFactory factory)
{
    private static string NewAddress() => $"nobody-{Guid.NewGuid():N}@example.test";

    private async Task<T> WithLockoutAsync<T>(Func<UnknownAddressLockout, Task<T>> action)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<UnknownAddressLockout>());
    }

    [Fact]
    public async Task FailedAsync_TriesAtTheSameMomentInSeparateRequests_EveryTryCounted()
    {
        // Arrange: one try fewer than locks, all at once, each in its own request scope (as on several instances).
        var address = NewAddress();
        using var start = new ManualResetEventSlim();
        var tries = Enumerable.Range(0, FraudWebFactory.MaxFailedAccessAttempts - 1)
            .Select(_ => Task.Run(async () => { start.Wait(); return await WithLockoutAsync(l => l.FailedAsync(address, CancellationToken.None)); }))
            .ToList();

        // Act
        start.Set();
        var lockedEarly = await Task.WhenAll(tries);
        var lockedBefore = await WithLockoutAsync(l => l.IsLockedOutAsync(address, CancellationToken.None));
        var lockedByLast = await WithLockoutAsync(l => l.FailedAsync(address, CancellationToken.None));
        var lockedAfter = await WithLockoutAsync(l => l.IsLockedOutAsync(address, CancellationToken.None));

        // Assert: none lost (the last try locks), none counted twice (no earlier one locked).
        Assert.All(lockedEarly, Assert.False);
        Assert.False(lockedBefore);
        Assert.True(lockedByLast);
        Assert.True(lockedAfter);
    }

    [Fact]
    public async Task FailedAsync_AnyAddress_StoresItsKeyedHashOnly()
    {
        // Arrange
        var address = NewAddress();

        // Act
        await WithLockoutAsync(l => l.FailedAsync(address, CancellationToken.None));

        // Assert: the row is found by the keyed hash of the normalized address; the address is nowhere in it.
        var hash = factory.Services.GetRequiredService<UnknownAddressKey>().Hash("  " + address.ToUpperInvariant() + " ");
        var row = await factory.QueryAsync(db => db.UnknownAddressFailures.AsNoTracking().SingleAsync(f => f.AddressHash == hash));
        Assert.Equal(1, row.Failures);
        Assert.DoesNotContain("nobody", row.AddressHash, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(UnknownAddressFailure.HashLength, row.AddressHash.Length);
    }

    [Fact]
    public async Task FailedAsync_CountLastAddedToOverADayAgo_StartsAgainAndOldCountsArePurged()
    {
        // Arrange: an address one try from its lock, last tried two days ago, and another forgotten count.
        var address = NewAddress();
        var key = factory.Services.GetRequiredService<UnknownAddressKey>();
        var twoDaysAgo = factory.Clock.GetUtcNow().UtcDateTime.AddDays(-2);
        var stale = key.Hash(NewAddress());
        await factory.QueryAsync(async db =>
        {
            db.UnknownAddressFailures.Add(new UnknownAddressFailure { AddressHash = key.Hash(address), Failures = FraudWebFactory.MaxFailedAccessAttempts - 1, LastFailedUtc = twoDaysAgo });
            db.UnknownAddressFailures.Add(new UnknownAddressFailure { AddressHash = stale, Failures = 1, LastFailedUtc = twoDaysAgo });
            return await db.SaveChangesAsync();
        });

        // Act
        var locked = await WithLockoutAsync(l => l.FailedAsync(address, CancellationToken.None));

        // Assert
        Assert.False(locked);
        Assert.Equal(1, await factory.QueryAsync(db => db.UnknownAddressFailures.Where(f => f.AddressHash == key.Hash(address)).Select(f => f.Failures).SingleAsync()));
        Assert.False(await factory.QueryAsync(db => db.UnknownAddressFailures.AnyAsync(f => f.AddressHash == stale)));
    }
}
