using FraudWeb.Data;
using Microsoft.AspNetCore.Mvc.Filters;
using FraudWeb.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Infrastructure.Middleware;

/// <summary>
/// On SQLite, one open connection for all of a request's queries instead of an open and a close around each one:
/// opening a pooled Microsoft.Data.Sqlite connection registers EF Core's SQL functions on it again (delegates, native
/// hooks, objects with finalizers), which under load cost more than the queries (bench/README.md). PostgreSQL's
/// pooled opens are cheap, and holding its connections for a whole request would only use up its pool.
/// </summary>
public sealed class RequestConnectionFilter(FraudDbContext db) : IAsyncResourceFilter
{
    public async Task OnResourceExecutionAsync(ResourceExecutingContext context, ResourceExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (!db.OnSqlite())
        {
            await next();
            return;
        }
        await db.Database.OpenConnectionAsync(context.HttpContext.RequestAborted);
        try
        {
            await next();
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }
}
