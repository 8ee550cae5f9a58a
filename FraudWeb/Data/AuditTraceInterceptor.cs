using System.Diagnostics;
using FraudWeb.Data.Configurations;
using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Data;

/// <summary>
/// Stamps each new audit entry with the request that made it (PCI DSS 10.2.2: where an event came from; auditor's test):
/// "trace-span", the W3C trace id its logs, traces and problem details carry, and the span id this server made for the
/// request. The trace id alone is the caller's to choose (traceparent), so it could name another request or many; the
/// span id is never taken from the caller. Entries the application writes on its own outside a request have none.
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

    /// <summary>The "trace-span" an entry made now is stamped with; null outside a traced request.</summary>
    public static string? CurrentTrace() =>
        Activity.Current is { } activity && activity.TraceId != default ? activity.TraceId.ToHexString() + "-" + activity.SpanId.ToHexString() : null;

    /// <summary>Stamps the new entries with <paramref name="trace"/> (a request's <see cref="CurrentTrace"/>, for entries written after it).</summary>
    public static void Stamp(DbContext context, string trace)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var entry in context.ChangeTracker.Entries<AuditEntry>())
        {
            if (entry.State == EntityState.Added) entry.Property(AuditEntryConfiguration.TraceId).CurrentValue ??= trace;
        }
    }

    private static void Stamp(DbContext? context)
    {
        if (context is null || CurrentTrace() is not { } traceId) return;
        foreach (var entry in context.ChangeTracker.Entries<AuditEntry>())
        {
            if (entry.State != EntityState.Added) continue;
            var property = entry.Property(AuditEntryConfiguration.TraceId);
            property.CurrentValue ??= traceId;
        }
    }
}
