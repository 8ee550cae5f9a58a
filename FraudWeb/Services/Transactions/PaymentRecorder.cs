using FraudWeb.Services.Cards;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Database;
using System.Data.Common;
using System.Threading.Channels;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Telemetry;
using FraudWeb.Services.Scoring;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace FraudWeb.Services.Transactions;

/// <summary>An API client's Idempotency-Key for a payment: the key, whose it is, and a hash of what it asked for.</summary>
public sealed record PaymentIdempotency(long ApiKeyId, string Key, string RequestHash);

/// <summary>A scored payment waiting to be recorded, with the client's Idempotency-Key if it sent one.</summary>
public sealed record PaymentToRecord(long CardId, long TerminalId, decimal Amount, DateTime TimestampUtc, Verdict Verdict, PaymentIdempotency? Idempotency = null);

/// <summary>What recording did: the new payment, or the payment an earlier request with the same Idempotency-Key recorded.</summary>
public sealed record RecordedPayment(CardTransaction? Payment, long PaymentId, string? EarlierRequestHash)
{
    public bool IsReplay => Payment is null;

    /// <summary>
    /// A replay whose key answered another request (other details, or another endpoint: payment 0): refused, never
    /// answered with that payment.
    /// </summary>
    public bool IsKeyReusedBy(PaymentIdempotency? key) => IsReplay && (EarlierRequestHash != key?.RequestHash || PaymentId == 0);

    /// <summary>The new payment's merchant, as the submission found it (set by <see cref="TransactionService"/>).</summary>
    public string? MerchantName { get; init; }
}

/// <summary>
/// The one writer of submitted payments: requests score in parallel, then queue here; one loop records every payment
/// waiting at that moment in a single database transaction (group commit: one durable commit, one fsync, for many
/// payments) and only then answers each request. Balances are read inside that transaction, so a payment is decided
/// on the card's fresh balance and never refused because another payment touched the card (measured before:
/// SQLite's single write lock, taken by every request with busy-timeout sleeps, was 75% of a payment's time).
/// </summary>
public sealed partial class PaymentRecorder(IServiceScopeFactory scopes, PaymentWriterDatabase writerDatabase, FeatureHistory history, CardMemory memory, ApiKeyUsage keyUsage,
    FraudMetrics metrics, TimeProvider clock, IssuerClock issuer, ILogger<PaymentRecorder> logger)
    : BackgroundService
{
    /// <summary>Enough to absorb a burst; a request waits (not fails) when the queue is full.</summary>
    private const int QueueCapacity = 8192;
    private const int MaxBatch = 512;

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>
    /// Records the payment and its verdict, charging the card if approved (an approval over the fresh available
    /// credit becomes a decline with that reason). Completes once the payment is durably committed. Throws
    /// <see cref="DomainException"/> for a business refusal (an expired card).
    /// </summary>
    /// <remarks>
    /// A payment with an Idempotency-Key is recorded with its key in the same commit; if the key already recorded a
    /// payment (earlier, or earlier in the same batch), nothing is recorded and that payment is returned instead.
    /// </remarks>
    public async Task<RecordedPayment> RecordAsync(PaymentToRecord payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var pending = new Pending(payment, new TaskCompletionSource<RecordedPayment>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            // The app is stopping: nothing was recorded; a 503 (the API's "unavailable": retry later), and a retry reaches
            // an instance that is running.
            throw new ScorerUnavailableException();
        }
        // Once queued, the payment is recorded even if the client goes away: the answer is not cancellable.
        return await pending.Completion.Task;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // Accept nothing new; the loop writes what is queued and ends.
        _queue.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    /// <summary>
    /// The loop runs on a thread of its own, not as a thread-pool continuation: measured on held apps (bench/README.md,
    /// "The payment writer on its own thread"), a payment then cost 10-15% less CPU and the app served 8-15% more
    /// payments per second, form and API alike. SQLite's calls are synchronous, so a batch runs start to finish on this
    /// thread; on PostgreSQL the thread waits for Npgsql's I/O. Answers go back to the thread pool
    /// (RunContinuationsAsynchronously), never run here.
    /// </summary>
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.Factory.StartNew(WriteUntilStopped, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private void WriteUntilStopped()
    {
        var batch = new List<Pending>(MaxBatch);
        // Not stoppingToken: queued payments are written before the loop ends (StopAsync completes the queue).
        try
        {
            while (_queue.Reader.WaitToReadAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult())
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
                try
                {
                    WriteBatchAsync(batch).GetAwaiter().GetResult();
                }
#pragma warning disable CA1031 // The loop every payment waits on: whatever escaped a batch ends that batch, not the loop.
                catch (Exception ex)
                {
                    LogBatchEscaped(logger, ex, batch.Count);
                    foreach (var unanswered in batch) unanswered.Completion.TrySetException(ex);
                }
#pragma warning restore CA1031
                batch.Clear();
            }
        }
        finally
        {
            EndSessionAsync().GetAwaiter().GetResult();
        }
    }

    /// <summary>
    /// The writer's database context, kept from batch to batch. On SQLite its connection stays open, with the
    /// statements <see cref="PreparedPaymentWrites"/> compiled on it; after any failure the next batch starts a new one.
    /// </summary>
    private sealed record Session(AsyncServiceScope Scope, FraudDbContext Db, PreparedPaymentWrites? Writes, bool OwnsDb);

    private Session? _session;

    private async Task<Session> SessionAsync()
    {
        if (_session is { } open) return open;
        var scope = scopes.CreateAsyncScope();
        try
        {
            // PostgreSQL: a context of the writer's own, on its own connection pool (PaymentWriterDatabase).
            FraudDbContext db = writerDatabase.Options is { } own ? new PostgresFraudDbContext(own) : scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            PreparedPaymentWrites? writes = null;
            if (db.Database.IsSqlite())
            {
                await db.Database.OpenConnectionAsync();
                // A payment's insert (with its triggers) keeps a statement journal; past 64 KiB SQLite spilled it to a
                // file in /var/tmp: copies of the database's pages outside the data directory, and five more write
                // calls per payment (perf, issue 17). In memory, it is bounded by the writer's own statements.
                await db.Database.ExecuteSqlRawAsync("PRAGMA temp_store=MEMORY;");
                // Each batch touches scattered index and hourly-total pages; SQLite's default 2 MB page cache missed
                // them and read each one back (16 pread calls per payment, all on this thread). 64 MB holds them.
                await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size=-65536;");
                writes = new PreparedPaymentWrites(db);
            }
            return _session = new Session(scope, db, writes, OwnsDb: writerDatabase.Options is not null);
        }
        catch
        {
            await scope.DisposeAsync();
            throw;
        }
    }

    private async Task EndSessionAsync()
    {
        if (_session is not { } session) return;
        _session = null;
        session.Writes?.Dispose();
        if (session.OwnsDb) await session.Db.DisposeAsync();
        await session.Scope.DisposeAsync();
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            await WriteAsync(batch);
        }
        catch (Exception ex) when (batch.Count > 1 && DatabaseFaults.IsUnavailable(ex) && !DatabaseFaults.IsTransientConflict(ex))
        {
            // The database is down, full or locked: every payment would fail the same way, each after its own wait.
            foreach (var pending in batch) pending.Completion.TrySetException(ex);
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // One payment's failure must not fail the others: write each alone, so only its own request hears it.
            // (So is a batch PostgreSQL gave up in a deadlock with another instance's writer: nothing of it was kept.)
            LogBatchFailed(logger, ex, batch.Count);
            foreach (var pending in batch) await WriteAloneAsync(pending);
        }
        catch (Exception ex) when (DatabaseFaults.IsTransientConflict(ex))
        {
            await WriteAloneAsync(batch[0]);
        }
        catch (Exception ex)
        {
            // A batch of one: the same as one written alone below (scale-out review: a key another instance had just
            // recorded answered 500 here instead of that payment).
            await FailAsync(batch[0], ex);
        }
    }

    /// <summary>
    /// One payment in its own transaction, tried once more when PostgreSQL gave it up in a deadlock or serialization
    /// failure with another instance's writer (nothing was kept; a second try normally goes through).
    /// </summary>
    private async Task WriteAloneAsync(Pending pending)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await WriteAsync([pending]);
                return;
            }
            catch (Exception single) when (attempt == 1 && DatabaseFaults.IsTransientConflict(single))
            {
                // Written again below.
            }
            catch (Exception single)
            {
                await FailAsync(pending, single);
                return;
            }
        }
    }

    /// <summary>
    /// A payment written alone failed. Another instance may have recorded the same key first (the unique index refused
    /// ours): then the answer is its payment. Looking it up may fail too (the database went away): never let that end
    /// the recording loop, which every payment waits on.
    /// </summary>
    private async Task FailAsync(Pending pending, Exception failure)
    {
        try
        {
            if (failure is DbUpdateException or DbException && pending.Payment.Idempotency is { } key && await RecordedUnderAsync(key) is { } earlier)
                pending.Completion.TrySetResult(earlier);
            else
                pending.Completion.TrySetException(failure);
        }
#pragma warning disable CA1031 // The recording loop's last line: whatever the look-up threw, the request hears the write's failure.
        catch (Exception)
        {
            pending.Completion.TrySetException(failure);
        }
#pragma warning restore CA1031
    }

    private async Task WriteAsync(IReadOnlyList<Pending> batch)
    {
        var session = await SessionAsync();
        var written = false;
        try
        {
            await WriteAsync(session.Db, session.Writes, batch);
            written = true;
        }
        finally
        {
            // PostgreSQL: a pooled context per batch, as its connections are the pool's. SQLite: kept while it works.
            if (!written || session.Writes is null) await EndSessionAsync();
            else session.Db.ChangeTracker.Clear();
        }
    }

    private async Task WriteAsync(FraudDbContext db, PreparedPaymentWrites? writes, IReadOnlyList<Pending> batch)
    {
        // No savepoint around each SaveChanges inside this transaction (EF Core's default): a failed batch is rolled
        // back whole and written again payment by payment, so they were only two more round trips per SaveChanges.
        db.Database.AutoSavepointsEnabled = false;
        var cardIds = batch.Select(p => p.Payment.CardId).Distinct().ToList();
        var mark = writes is null ? null : memory.BeforeWrite(cardIds);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var cards = writes is null ? await LockCardsAsync(db, cardIds) : await ReadCardsAsync(writes, cardIds, transaction.GetDbTransaction());
        var balances = cards.ToDictionary(c => c.Key, c => c.Value.Balance);
        var earlier = await EarlierKeysAsync(db, writes, transaction.GetDbTransaction(), batch, clock.GetUtcNow().UtcDateTime);
        var outcomes = new (CardTransaction? Recorded, Exception? Refused)[batch.Count];
        var replays = new RecordedPayment?[batch.Count];
        var keyed = new Dictionary<(long, string), int>();
        for (var i = 0; i < batch.Count; i++)
        {
            var payment = batch[i].Payment;
            if (payment.Idempotency is { } idempotency)
            {
                var key = (idempotency.ApiKeyId, idempotency.Key);
                if (earlier.TryGetValue(key, out var record))
                {
                    // PaymentId 0: the key answered another endpoint's request; the hash will not match.
                    replays[i] = new RecordedPayment(null, record.PaymentId ?? 0, record.RequestHash);
                    continue;
                }
                // A concurrent retry in the same batch: it is answered with the first one's payment once written.
                if (keyed.ContainsKey(key)) continue;
                keyed[key] = i;
            }
            try
            {
                // Payments of one card are applied in queue order, each on the balance the previous one left.
                var card = cards.GetValueOrDefault(payment.CardId) ?? throw new DomainException("This card no longer exists.");
                if (card.IsExpired(issuer.At(payment.TimestampUtc).Date)) throw new DomainException("This card has expired.");
                var recorded = CardTransaction.Submit(card, payment.TerminalId, payment.Amount, payment.TimestampUtc);
                recorded.RecordVerdict(payment.Verdict);
                outcomes[i] = (recorded, null);
            }
            catch (DomainException refused)
            {
                outcomes[i] = (null, refused);
            }
        }
        if (writes is null)
        {
            // PostgreSQL: the payments as one statement (its insert trigger then runs once for the batch); the cards'
            // balances go with the keys below, in one SaveChanges.
            var recorded = outcomes.Where(o => o.Recorded is not null).Select(o => (object)o.Recorded!).ToList();
            await PaymentRows(db).InsertManyAsync(db.Database.GetDbConnection(), transaction.GetDbTransaction(), recorded, CancellationToken.None);
        }
        else
        {
            await WritePreparedAsync(writes, transaction.GetDbTransaction(), outcomes, cards, balances);
        }
        // The keys go in the payments' transaction (now that the payments have ids): one commit for both.
        foreach (var (key, i) in keyed)
        {
            if (outcomes[i].Recorded is not { } recorded) continue;
            var payment = batch[i].Payment;
            var record = IdempotencyRecord.ForPayment(key.Item1, key.Item2, payment.Idempotency!.RequestHash, recorded.Id, payment.TimestampUtc);
            if (writes is null) db.IdempotencyRecords.Add(record);
            else await writes.InsertAsync(record, transaction.GetDbTransaction());
        }
        // PostgreSQL: the cards' new balances and the keys, batched by EF Core into one round trip.
        if (writes is null) await db.SaveChangesAsync();
        // API keys' last use rides on this commit: written beside it, it would wait for (and make wait) the writer.
        var keysUsed = keyUsage.Take();
        try
        {
            if (keysUsed.Count > 0) await ApiKeyUsage.WriteAsync(db, keysUsed, CancellationToken.None);
            await transaction.CommitAsync();
        }
        catch
        {
            keyUsage.Restore(keysUsed);
            throw;
        }
        try
        {
            AfterCommit(batch, mark, cards, outcomes, replays, keyed);
        }
#pragma warning disable CA1031 // Committed: nothing after the commit may make the batch look failed, which writes it again (twice charged).
        catch (Exception ex)
        {
            LogAfterCommitFailed(logger, ex, batch.Count);
            Answer(batch, outcomes, replays, keyed);
            // What the memory holds of these cards and merchants may have missed this batch: read again from the database.
            if (writes is not null)
            {
                memory.ForgetCards(cards.Keys);
                history.Forget(cards.Keys, batch.Select(p => p.Payment.TerminalId).Distinct());
            }
        }
#pragma warning restore CA1031
    }

    /// <summary>What follows a batch's commit: its log line, the SQLite memory, the metrics and the answers.</summary>
    private void AfterCommit(IReadOnlyList<Pending> batch, CardMemory.WriteMark? mark, Dictionary<long, Card> cards,
        (CardTransaction? Recorded, Exception? Refused)[] outcomes, RecordedPayment?[] replays, Dictionary<(long, string), int> keyed)
    {
        LogBatch(logger, batch.Count);
        // SQLite: the payments join the series kept in memory for the next ones' features, and the cards as committed
        // replace the kept ones (docs/decisions/0018).
        if (mark is not null)
        {
            Remember(outcomes);
            memory.Committed(cards.Values, mark);
        }
        // Counted once durable, with the decision as recorded (an approval over the fresh credit became a decline).
        foreach (var (recorded, _) in outcomes)
        {
            if (recorded?.Verdict is { } verdict) metrics.PaymentScored(verdict.Decision);
        }
        Answer(batch, outcomes, replays, keyed);
    }

    /// <summary>Each request of a committed batch hears its payment, its refusal or the payment its key recorded.</summary>
    private static void Answer(IReadOnlyList<Pending> batch, (CardTransaction? Recorded, Exception? Refused)[] outcomes, RecordedPayment?[] replays,
        Dictionary<(long, string), int> keyed)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            var idempotency = batch[i].Payment.Idempotency;
            if (replays[i] is { } replay) batch[i].Completion.TrySetResult(replay);
            else if (outcomes[i].Recorded is { } recorded) batch[i].Completion.TrySetResult(new RecordedPayment(recorded, recorded.Id, null));
            else if (outcomes[i].Refused is { } refused) batch[i].Completion.TrySetException(refused);
            else if (idempotency is not null && keyed.TryGetValue((idempotency.ApiKeyId, idempotency.Key), out var first))
            {
                // The same key earlier in this batch: its payment, or its refusal.
                if (outcomes[first].Recorded is { } firstPayment) batch[i].Completion.TrySetResult(new RecordedPayment(null, firstPayment.Id, batch[first].Payment.Idempotency!.RequestHash));
                else batch[i].Completion.TrySetException(outcomes[first].Refused!);
            }
        }
    }

    /// <summary>The payments' INSERT, built once from the model (the same for every context of the provider).</summary>
    private RowInsert PaymentRows(FraudDbContext db) =>
        _paymentRows ??= RowInsert.For(db.Model.FindEntityType(typeof(CardTransaction))!, db.GetService<ISqlGenerationHelper>());

    private RowInsert? _paymentRows;

    private void Remember((CardTransaction? Recorded, Exception? Refused)[] outcomes)
    {
        foreach (var (recorded, _) in outcomes)
        {
            if (recorded is null) continue;
            history.Recorded(recorded.Id, recorded.CardId, recorded.TerminalId, recorded.TimestampUtc, recorded.Amount,
                PaymentStatusRule.CountsAsSpendOf(recorded), recorded.Label == FraudLabel.Fraud);
        }
    }

    /// <summary>
    /// The batch's cards, read inside its transaction. PostgreSQL, where several instances write at once: locked
    /// (FOR UPDATE, in id order so two writers never deadlock), so each instance decides on the balance the other
    /// left, never on a stale one. SQLite: one instance and one writer; its transaction is the lock.
    /// </summary>
    /// <remarks>
    /// A card whose holder's account was closed (erased) after the payment was checked is left out, as a card that no
    /// longer exists: the payment is refused, not charged to a closed account (docs/decisions/0024).
    /// </remarks>
    private static async Task<Dictionary<long, Card>> LockCardsAsync(FraudDbContext db, List<long> cardIds)
    {
        if (!db.Database.IsNpgsql()) return await db.Cards.OfOpenAccounts().Where(c => cardIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id);
        var cards = await db.Cards.FromSql($"SELECT * FROM \"Cards\" WHERE \"Id\" = ANY({cardIds.ToArray()}) ORDER BY \"Id\" FOR UPDATE").ToDictionaryAsync(c => c.Id);
        // Asked after the lock, in a statement of its own: an erasure renames its cards, so one committed before the lock
        // is seen here (a condition inside the locking statement would be re-checked on the card's new row only, with
        // the holder as the statement first saw it); one that waits for the lock comes after this payment.
        var erased = await db.Cards.OfClosedAccounts().Where(c => cardIds.Contains(c.Id)).Select(c => c.Id).ToListAsync();
        foreach (var id in erased) cards.Remove(id);
        return cards;
    }

    /// <summary>SQLite with the prepared statements: the batch's cards one prepared read each, untracked.</summary>
    private static async Task<Dictionary<long, Card>> ReadCardsAsync(PreparedPaymentWrites writes, List<long> cardIds, DbTransaction transaction)
    {
        var cards = new Dictionary<long, Card>(cardIds.Count);
        foreach (var id in cardIds)
        {
            if (await writes.ReadCardAsync(id, transaction) is { } card) cards[id] = card;
        }
        return cards;
    }

    /// <summary>The batch's payments and its cards' new balances, by the prepared statements (SQLite).</summary>
    private static async Task WritePreparedAsync(PreparedPaymentWrites writes, DbTransaction transaction, (CardTransaction? Recorded, Exception? Refused)[] outcomes,
        Dictionary<long, Card> cards, Dictionary<long, decimal> balances)
    {
        foreach (var (recorded, _) in outcomes)
        {
            if (recorded is not null) await writes.InsertAsync(recorded, transaction);
        }
        foreach (var (id, card) in cards)
        {
            if (card.Balance != balances[id]) await writes.UpdateBalanceAsync(card, balances[id], transaction);
        }
    }

    /// <summary>
    /// The payments already recorded under the batch's Idempotency-Keys; records past their 24 hours are deleted
    /// here, so the key can be used again.
    /// </summary>
    private static async Task<Dictionary<(long, string), IdempotencyRecord>> EarlierKeysAsync(FraudDbContext db, PreparedPaymentWrites? writes, DbTransaction transaction,
        IReadOnlyList<Pending> batch, DateTime nowUtc)
    {
        var keys = batch.Select(p => p.Payment.Idempotency).OfType<PaymentIdempotency>().ToList();
        if (keys.Count == 0) return [];
        // The app's clock, as the records' CreatedUtc (and IdempotencyStore's purge) are on it.
        var cutoff = nowUtc - IdempotencyRecord.Retention;
        List<IdempotencyRecord> records;
        if (writes is null)
        {
            var apiKeyIds = keys.Select(k => k.ApiKeyId).Distinct().ToList();
            var names = keys.Select(k => k.Key).Distinct().ToList();
            records = await db.IdempotencyRecords.AsNoTracking()
                .Where(r => apiKeyIds.Contains(r.ApiKeyId) && names.Contains(r.Key))
                .ToListAsync();
        }
        else
        {
            records = [];
            foreach (var (apiKeyId, name) in keys.Select(k => (k.ApiKeyId, k.Key)).Distinct())
            {
                if (await writes.ReadKeyAsync(apiKeyId, name, transaction) is { } record) records.Add(record);
            }
        }
        var expired = records.Where(r => r.CreatedUtc <= cutoff).Select(r => r.Id).ToList();
        if (expired.Count > 0) await db.IdempotencyRecords.Where(r => expired.Contains(r.Id)).ExecuteDeleteAsync();
        // Only payments' records count here; a key used on another endpoint is a mismatch the caller reports.
        return records.Where(r => r.CreatedUtc > cutoff).ToDictionary(r => (r.ApiKeyId, r.Key));
    }

    private async Task<RecordedPayment?> RecordedUnderAsync(PaymentIdempotency key)
    {
        await using var scope = scopes.CreateAsyncScope();
        // Only a record still in force: a key over 24 hours old may be used again, and when that new payment's write
        // failed (its delete of the old record rolled back with it) the old one answered as if this had paid (review).
        var cutoff = clock.GetUtcNow().UtcDateTime - IdempotencyRecord.Retention;
        var record = await scope.ServiceProvider.GetRequiredService<FraudDbContext>().IdempotencyRecords.AsNoTracking()
            .FirstOrDefaultAsync(r => r.ApiKeyId == key.ApiKeyId && r.Key == key.Key && r.CreatedUtc > cutoff);
        return record is null ? null : new RecordedPayment(null, record.PaymentId ?? 0, record.RequestHash);
    }

    private sealed record Pending(PaymentToRecord Payment, TaskCompletionSource<RecordedPayment> Completion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Recorded {Count} payments in one commit")]
    private static partial void LogBatch(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "After a batch of {Count} payments was committed, its follow-up failed; the payments stand and are answered, the cards' memory is dropped")]
    private static partial void LogAfterCommitFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "A batch of {Count} payments failed unexpectedly; its requests are answered with the error and the writer goes on")]
    private static partial void LogBatchEscaped(ILogger logger, Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} payments failed as a whole; recording them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}
