using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Web.Infrastructure;
using System.Data.Common;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Models;

/// <summary>Which model serves is an administrator's decision: every promotion and rollback is in the audit log.</summary>
public sealed class ModelAuditTests
{
    [Fact]
    public async Task PromoteThenRollback_Administrator_BothAuditedWithVersions()
    {
        // Arrange: a second registered version (a copy of the serving model) to promote.
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;
        var serving = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        var candidate = (await CopiesAsync(app, serving, "copy-1"))[0];
        using var admin = await ReviewSteps.SignedInAsAsync(app, Roles.Admin);

        // Act
        var promoted = await Html.SubmitAsync(admin.Client, $"/Models/Promote/{candidate.Id}", [], "/Models");
        var rolledBack = await ModelSteps.RollbackAsync(admin.Client);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, promoted.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, rolledBack.StatusCode);
        Assert.Equal(serving.Version, await app.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).SingleAsync()));
        // (The first start's model is promoted by the system, audited too: StartTrainsTheFirstModel below.)
        var entries = await app.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetType == "model" && e.ActorId != AuditLog.SystemActor).OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditActions.ModelPromote, AuditActions.ModelRollback], entries.Select(e => e.Action));
        Assert.Contains("copy-1", entries[0].After, StringComparison.Ordinal);
        Assert.Contains(serving.Version, entries[1].After, StringComparison.Ordinal);
        // The versions table says so (analyst test: the version rolled back to still read only "Promoted: no model was serving.")
        var page = await Html.GetPageAsync(admin.Client, "/Models");
        string? Swap(string version) => page.QuerySelector($"[data-testid=version-row][data-version='{version}'] [data-testid=staff-swap]")?.TextContent.Trim();
        Assert.StartsWith("Rolled back to this version on ", Swap(serving.Version), StringComparison.Ordinal);
        Assert.StartsWith("Promoted by hand on ", Swap("copy-1"), StringComparison.Ordinal);
    }

    /// <summary>Copies of the serving model registered as further versions (as training would, without the wait).</summary>
    private static async Task<List<ModelVersion>> CopiesAsync(FraudWebFactory app, ModelVersion serving, params string[] versions)
    {
        var copies = new List<ModelVersion>();
        foreach (var version in versions)
        {
            await app.StoreModelArtifactAsync(version + ".model", (await app.ModelArtifactAsync(serving.FileName))!);
            var copy = ModelVersion.Register(version, version + ".model", app.Clock.UtcNow, 1, 1, "{}");
            await app.QueryAsync(async db =>
            {
                db.ModelVersions.Add(copy);
                return await db.SaveChangesAsync();
            });
            copies.Add(copy);
        }
        return copies;
    }

    private static Task<string> ServingAsync(FraudWebFactory app) =>
        app.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).SingleAsync());

    [Fact]
    public async Task StartTrainsTheFirstModel_PromotionAuditedAsTheSystemsWithItsTrigger()
    {
        // Arrange + Act: a first start trains and serves a model
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;

        // Assert: every change of the serving model is in the audit log (staff test: a training's promotion was not)
        var serving = await ServingAsync(app);
        var servingId = await app.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Id).SingleAsync());
        var entry = await app.QueryAsync(db => db.Set<AuditEntry>().AsNoTracking().SingleAsync(e => e.Action == AuditActions.ModelPromote));
        Assert.Equal(AuditLog.SystemActor, entry.ActorId);
        Assert.Equal(servingId.ToString(System.Globalization.CultureInfo.InvariantCulture), entry.TargetId); // the new version's id, not 0
        Assert.Contains(serving, entry.After, StringComparison.Ordinal);
        Assert.Matches("\"Trigger\":\"(FirstStart|Starter)\"", entry.After);
    }

    [Fact]
    public async Task Rollback_Repeated_GoesFurtherBackEachTimeThenSaysThereIsNoEarlier()
    {
        // Arrange: the first model, then two promoted after it.
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;
        var first = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        var copies = await CopiesAsync(app, first, "second-1", "third-1");
        using var admin = await ReviewSteps.SignedInAsAsync(app, Roles.Admin);
        // Only the first version has served: nothing to go back to, so the button is not offered (exploratory test).
        Assert.Null((await Html.GetPageAsync(admin.Client, "/Models")).QuerySelector("[data-testid=rollback]"));
        foreach (var copy in copies)
            Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(admin.Client, $"/Models/Promote/{copy.Id}", [], "/Models")).StatusCode);

        // Act: roll back three times.
        var served = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            await ModelSteps.RollbackAsync(admin.Client);
            served.Add(await ServingAsync(app));
        }
        // Back at the first version the button is gone; a page shown before (or a script) still asks, and is told.
        Assert.Null((await Html.GetPageAsync(admin.Client, "/Models")).QuerySelector("[data-testid=rollback]"));
        var third = await Html.SubmitAsync(admin.Client, "/Models/Rollback",
            new Dictionary<string, string> { ["from"] = first.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "/Models");
        var page = await Html.GetPageAsync(admin.Client, Html.Location(third));

        // Assert: back through the history, not back and forth between the last two.
        Assert.Equal(["second-1", first.Version], served);
        Assert.Equal(first.Version, await ServingAsync(app));
        Assert.Contains("no earlier serving version", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rollback_PageShownBeforeAnotherAdministratorsRollback_RefusedAndGoesNoFurtherBack()
    {
        // Arrange (review: a second administrator's rollback from a page still showing the third version went two
        // versions back, to one nobody chose): two administrators look at the page while the third version serves.
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;
        var first = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        var copies = await CopiesAsync(app, first, "second-2", "third-2");
        using var admin = await ReviewSteps.SignedInAsAsync(app, Roles.Admin);
        using var other = await ReviewSteps.SignedInAsAsync(app, Roles.Admin);
        foreach (var copy in copies)
            Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(admin.Client, $"/Models/Promote/{copy.Id}", [], "/Models")).StatusCode);
        var stale = await ModelSteps.RollbackFormAsync(other.Client);
        Assert.Equal(HttpStatusCode.Redirect, (await ModelSteps.RollbackAsync(admin.Client)).StatusCode);

        // Act
        var response = await Html.SubmitAsync(other.Client, "/Models/Rollback", stale, "/Models");

        // Assert: said, and the second version still serves
        var page = await Html.GetPageAsync(other.Client, Html.Location(response));
        Assert.Contains(ModelRegistry.ServingChangedMeanwhile, page.Body!.TextContent, StringComparison.Ordinal);
        Assert.Equal("second-2", await ServingAsync(app));
        Assert.Single(await app.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.Action == AuditActions.ModelRollback).ToListAsync()));
    }

    [Fact]
    public async Task PromoteAsync_AnotherPromotionAfterTheServingRowWasRead_OneAfterTheOtherBothAudited()
    {
        // Arrange (review: on PostgreSQL a promotion committed between another's read of the serving row and its write
        // met the unique serving index: a training's run failed with EF's message): the second promotion starts as the
        // first has read the serving row, and is given a second to get in first.
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;
        var first = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        var copies = await CopiesAsync(app, first, "mine-3", "theirs-3");
        const string actor = "administrator-under-test";
        Task<FraudWeb.Services.Result>? theirs = null;
        var other = new AfterTheServingRead(async () =>
        {
            theirs = Task.Run(async () =>
            {
                await using var scope = app.Services.CreateAsyncScope();
                return await scope.ServiceProvider.GetRequiredService<ModelRegistry>().PromoteAsync(copies[1].Id, actor, CancellationToken.None);
            });
            await Task.WhenAny(theirs, Task.Delay(TimeSpan.FromSeconds(1)));
        });
        using var host = app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(other)));

        // Act
        FraudWeb.Services.Result mine;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            mine = await scope.ServiceProvider.GetRequiredService<ModelRegistry>().PromoteAsync(copies[0].Id, actor, CancellationToken.None);
        }

        // Assert: both served, one after the other (theirs waited for mine), each audited with what it replaced
        Assert.NotNull(theirs);
        Assert.True(mine.Succeeded, string.Join(" ", mine.Errors.Select(e => e.Message)));
        Assert.True((await theirs).Succeeded);
        Assert.Equal("theirs-3", await ServingAsync(app));
        var afters = await app.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.Action == AuditActions.ModelPromote && e.ActorId != AuditLog.SystemActor)
            .OrderBy(e => e.Id).Select(e => e.Before + e.After).ToListAsync());
        Assert.Equal(2, afters.Count);
        Assert.Contains(first.Version, afters[0], StringComparison.Ordinal);
        Assert.Contains("mine-3", afters[1], StringComparison.Ordinal);
    }

    /// <summary>Once, after a transaction's read of the serving row, runs <paramref name="other"/> before the read's answer is used.</summary>
    private sealed class AfterTheServingRead(Func<Task> other) : DbCommandInterceptor
    {
        private int _armed = 1;

        public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
            CancellationToken cancellationToken = default)
        {
            if (command.Transaction is not null && command.CommandText.Contains("'Serving'", StringComparison.Ordinal)
                && command.CommandText.Contains("ModelVersions", StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                await other();
            }
            return result;
        }
    }

    [Fact]
    public async Task ModelsPage_ServingOlderThanTheFiftyShown_StillShownAsServing()
    {
        // Arrange: fifty newer versions, none serving (rejected challengers of daily runs).
        using var app = new FraudWebFactory();
        app.Settings["Seed:Trees"] = "5";
        _ = app.Services;
        var serving = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        await app.QueryAsync(async db =>
        {
            for (var i = 0; i < 50; i++)
            {
                var rejected = ModelVersion.Register($"rejected-{i}", "missing.model", app.Clock.UtcNow.AddMinutes(i + 1), 1, 1, "{}");
                rejected.Reject();
                db.ModelVersions.Add(rejected);
            }
            return await db.SaveChangesAsync();
        });
        using var admin = await ReviewSteps.SignedInAsAsync(app, Roles.Admin);

        // Act
        var page = await Html.GetPageAsync(admin.Client, "/Models");

        // Assert
        Assert.Null(page.QuerySelector("[data-testid=no-model]"));
        Assert.Equal(serving.Version, page.QuerySelector("[data-testid=serving-version]")!.TextContent.Trim());
    }
}
