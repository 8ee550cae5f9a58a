using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Infrastructure.Security;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Rules;

/// <summary>
/// The enabled rules, compiled once, and the lists' entries: what every payment is decided against. Loaded on first
/// use and again after any change to a rule or list (here at once; on other instances through
/// <see cref="ClusterInvalidation"/>, and at the latest after <see cref="MaxAge"/>), never parsed per payment.
/// </summary>
public sealed partial class RuleBookCache : IDisposable
{
    private const string Kind = "rules";
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly IServiceScopeFactory _scopes;
    private readonly ClusterInvalidation _cluster;
    private readonly TimeProvider _clock;
    private readonly ILogger<RuleBookCache> _logger;
    private readonly SemaphoreSlim _loading = new(1, 1);
    private Loaded? _current;
    private long _generation;

    private sealed record Loaded(RuleBook Book, long Generation, DateTime LoadedUtc);

    public RuleBookCache(IServiceScopeFactory scopes, ClusterInvalidation cluster, TimeProvider clock, ILogger<RuleBookCache> logger)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        _scopes = scopes;
        _cluster = cluster;
        _clock = clock;
        _logger = logger;
        cluster.Received += (kind, _) =>
        {
            if (kind == Kind) Forget();
        };
        cluster.MayHaveMissedMessages += Forget;
    }

    public async ValueTask<RuleBook> CurrentAsync(CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        var now = _clock.GetUtcNow().UtcDateTime;
        if (current is not null && current.Generation == Interlocked.Read(ref _generation) && now - current.LoadedUtc < MaxAge) return current.Book;
        await _loading.WaitAsync(cancellationToken);
        try
        {
            current = Volatile.Read(ref _current);
            var generation = Interlocked.Read(ref _generation);
            if (current is not null && current.Generation == generation && now - current.LoadedUtc < MaxAge) return current.Book;
            var book = await LoadAsync(cancellationToken);
            Volatile.Write(ref _current, new Loaded(book, generation, now));
            return book;
        }
        finally
        {
            _loading.Release();
        }
    }

    /// <summary>After a committed change: reload here on next use, and tell the other instances.</summary>
    public Task ChangedAsync()
    {
        Forget();
        return _cluster.PublishAsync(Kind, null);
    }

    private void Forget() => Interlocked.Increment(ref _generation);

    public void Dispose() => _loading.Dispose();

    private async Task<RuleBook> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = _scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var lists = await db.RuleLists.AsNoTracking()
            .Select(l => new { l.Id, l.Name, l.Kind, l.Purpose, Values = l.Entries.Where(e => e.RemovedUtc == null && e.ApprovedUtc != null).Select(e => e.Value).ToList() })
            .ToListAsync(cancellationToken);
        var rules = await db.Rules.AsNoTracking().Where(r => r.Status == RuleStatus.Enabled)
            .Select(r => new { r.Id, r.Name, r.Version, r.Action, r.Expression })
            .ToListAsync(cancellationToken);
        var kinds = lists.ToDictionary(l => l.Name, l => l.Kind, StringComparer.Ordinal);
        var compiled = new List<CompiledRule>(rules.Count);
        foreach (var rule in rules)
        {
            // Lists are never renamed or deleted, so a saved rule always parses; should one not, it is left out
            // loudly rather than stopping every payment.
            if (RuleExpression.TryParse(rule.Expression, kinds, out var expression, out var error))
            {
                compiled.Add(new CompiledRule(rule.Id, rule.Name, rule.Version, rule.Action, expression!));
            }
            else
            {
                LogUnparsable(_logger, rule.Id, error!.ToString());
            }
        }
        return new RuleBook(compiled, lists.Select(l => new RuleListEntries(l.Id, l.Name, l.Kind, l.Purpose, l.Values)));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Enabled rule {RuleId} does not parse and is skipped: {Error}")]
    private static partial void LogUnparsable(ILogger logger, long ruleId, string error);
}
