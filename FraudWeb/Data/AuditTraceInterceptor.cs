using System.Diagnostics;
using FraudWeb.Data.Configurations;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Data;

/// <summary>
/// Stamps each new audit entry with the W3C trace id of the request that made it (PCI DSS 10.2.2: where an event came
/// from; auditor's test): the same id the request's logs, traces, problem details and X-Request-Id carry, so an entry
/// leads to its request without the log holding anything about a person. Entries the application writes on its own
/// (a worker, the command line) outside a request's trace have none.
/// </summary>
public sealed class AuditTraceInterceptor : SaveChangesInterceptor
{
    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Stamp(eventData?.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Stamp(eventData?.Context);
        return ValueTask.FromResult(result);
    }

    private static void Stamp(DbContext? context)
    {
        if (context is null || Activity.Current is not { } activity || activity.TraceId == default) return;
        var traceId = activity.TraceId.ToHexString();
        foreach (var entry in context.ChangeTracker.Entries<AuditEntry>())
        {
            if (entry.State != EntityState.Added) continue;
            var property = entry.Property(AuditEntryConfiguration.TraceId);
            property.CurrentValue ??= traceId;
        }
    }
}
