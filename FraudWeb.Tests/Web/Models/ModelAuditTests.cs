using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Admin;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;

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
        await app.StoreModelArtifactAsync("copy.model", (await app.ModelArtifactAsync(serving.FileName))!);
        var candidate = ModelVersion.Register("copy-1", "copy.model", app.Clock.UtcNow, 1, 1, "{}");
        await app.QueryAsync(async db =>
        {
            db.ModelVersions.Add(candidate);
            return await db.SaveChangesAsync();
        });
        using var admin = await ReviewSteps.SignedInAsAsync(app, Roles.Admin);

        // Act
        var promoted = await Html.SubmitAsync(admin.Client, $"/Models/Promote/{candidate.Id}", [], "/Models");
        var rolledBack = await Html.SubmitAsync(admin.Client, "/Models/Rollback", [], "/Models");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, promoted.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, rolledBack.StatusCode);
        Assert.Equal(serving.Version, await app.QueryAsync(db => db.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).SingleAsync()));
        var entries = await app.QueryAsync(db => db.Set<AuditEntry>().Where(e => e.TargetType == "model").OrderBy(e => e.Id).ToListAsync());
        Assert.Equal([AuditActions.ModelPromote, AuditActions.ModelRollback], entries.Select(e => e.Action));
        Assert.Contains("copy-1", entries[0].After, StringComparison.Ordinal);
        Assert.Contains(serving.Version, entries[1].After, StringComparison.Ordinal);
    }
}
