using System.Security.Claims;
using FraudWeb.Authorization;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Models;
using FraudWeb.Services.Reports;
using FraudWeb.Services.Retraining;
using FraudWeb.ViewModels.Staff;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The staff landing page: a panel for each permission the person holds, nothing for the others.</summary>
public sealed class StaffDashboardViewModelBuilder(FraudDbContext db, ModelRegistry registry, RetrainingService retraining, IServingModel servingModel, TimeProvider clock)
{
    public async Task<StaffDashboardViewModel> BuildAsync(ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        bool Holds(string permission) => user.HasClaim(Permissions.ClaimType, permission);
        return new StaffDashboardViewModel
        {
            Queue = Holds(Permissions.ReportsReview) ? await QueueAsync(user.GetUserId(), cancellationToken) : null,
            Model = Holds(Permissions.ModelsView) ? await ModelAsync(cancellationToken) : null,
            Users = Holds(Permissions.UsersManage) ? await UsersAsync(cancellationToken) : null,
            Rules = Holds(Permissions.RulesManage) ? await RulesAsync(cancellationToken) : null,
            CanReadAudit = Holds(Permissions.AuditRead),
            CanBlockCards = Holds(Permissions.CardsBlock),
        };
    }

    private async Task<QueuePanel> QueueAsync(string userId, CancellationToken cancellationToken)
    {
        // Each part of the queue by itself (AwaitingReview): over their union every count read and sorted every item.
        var reports = await AwaitingReview.Reported(db).CountAsync(cancellationToken);
        var held = await AwaitingReview.Held(db).CountAsync(cancellationToken);
        var oldestReport = await AwaitingReview.Reported(db).MinAsync(i => (DateTime?)i.Since, cancellationToken);
        var oldestHeld = await AwaitingReview.Held(db).MinAsync(i => (DateTime?)i.Since, cancellationToken);
        var oldest = oldestReport is null || (oldestHeld is not null && oldestHeld < oldestReport) ? oldestHeld : oldestReport;
        // From the analyst's assignments (a few), each checked to be waiting still.
        var mine = await db.ReviewAssignments.Where(a => a.AssigneeId == userId
                && (AwaitingReview.Reported(db).Any(i => i.TransactionId == a.TransactionId) || AwaitingReview.Held(db).Any(i => i.TransactionId == a.TransactionId)))
            .CountAsync(cancellationToken);
        return new QueuePanel(reports, held, oldest, mine);
    }

    private async Task<ModelPanel> ModelAsync(CancellationToken cancellationToken)
    {
        var serving = await registry.ServingVersionAsync(cancellationToken);
        var run = (await retraining.RecentRunsAsync(1, cancellationToken)).FirstOrDefault();
        var metrics = serving is null ? [] : ModelDashboardViewModelBuilder.MetricsOf(serving.MetricsJson);
        var now = clock.GetUtcNow().UtcDateTime;
        return new ModelPanel(serving?.Version, serving?.ActivatedUtc ?? serving?.CreatedUtc,
            metrics.TryGetValue("holdout_auc", out var auc) ? auc : null, metrics.TryGetValue("holdout_ap", out var ap) ? ap : null,
            run is null ? null : new LatestRun(run.Id, run.Status, run.FinishedUtc ?? run.StartedUtc ?? run.RequestedUtc, run.Error,
                run.Attempt, retraining.MaxAttempts, run.IsWaiting(now) ? run.NotBeforeUtc : null),
            servingModel.Current?.Version);
    }

    private async Task<UsersPanel> UsersAsync(CancellationToken cancellationToken)
    {
        var accounts = await db.Users.CountAsync(cancellationToken);
        var staffRoles = await db.Roles.Where(r => r.Name == Roles.Analyst || r.Name == Roles.Admin).Select(r => r.Id).ToListAsync(cancellationToken);
        // From the role rows (their RoleId index), not every account probed for a staff role: tens of thousands of
        // card holders made this count most of the page's time (85 ms at 30,000 accounts).
        var staff = await db.UserRoles.Where(ur => staffRoles.Contains(ur.RoleId)).Select(ur => ur.UserId).Distinct().CountAsync(cancellationToken);
        // Counted in SQL from the LockoutEnd index (was: the id of every account ever locked read into memory).
        var locked = await AdminUsersViewModelBuilder.LockedAt(db, clock.GetUtcNow()).CountAsync(cancellationToken);
        return new UsersPanel(accounts, staff, locked);
    }

    private async Task<RulesPanel> RulesAsync(CancellationToken cancellationToken)
    {
        var enabled = await db.Rules.CountAsync(r => r.Status == RuleStatus.Enabled, cancellationToken);
        var backtested = await db.Rules.CountAsync(r => r.Status == RuleStatus.Draft && r.BacktestedVersion == r.Version, cancellationToken);
        var drafts = await db.Rules.CountAsync(r => r.Status == RuleStatus.Draft, cancellationToken);
        return new RulesPanel(enabled, drafts - backtested, backtested);
    }
}
