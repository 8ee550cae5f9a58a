using System.Threading.Channels;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Scoring;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Transactions;

/// <summary>A scored payment waiting to be recorded.</summary>
public sealed record PaymentToRecord(long CardId, long TerminalId, decimal Amount, DateTime TimestampUtc, Verdict Verdict);

/// <summary>
/// The one writer of submitted payments: requests score in parallel, then queue here; one loop records every payment
/// waiting at that moment in a single database transaction (group commit: one durable commit, one fsync, for many
/// payments) and only then answers each request. Balances are read inside that transaction, so a payment is decided
/// on the card's fresh balance and never refused because another payment touched the card (measured before:
/// SQLite's single write lock, taken by every request with busy-timeout sleeps, was 75% of a payment's time).
/// </summary>
public sealed partial class PaymentRecorder(IServiceScopeFactory scopes, ILogger<PaymentRecorder> logger) : BackgroundService
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
    public async Task<CardTransaction> RecordAsync(PaymentToRecord payment, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payment);
        var pending = new Pending(payment, new TaskCompletionSource<CardTransaction>(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken);
        }
        catch (ChannelClosedException)
        {
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        // Not stoppingToken: queued payments are written before the loop ends (StopAsync completes the queue).
        while (await _queue.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var pending)) batch.Add(pending);
            await WriteBatchAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        try
        {
            await WriteAsync(batch);
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            // One payment's failure must not fail the others: write each alone, so only its own request hears it.
            LogBatchFailed(logger, ex, batch.Count);
            foreach (var pending in batch)
            {
                try
                {
                    await WriteAsync([pending]);
                }
                catch (Exception single)
                {
                    pending.Completion.TrySetException(single);
                }
            }
        }
        catch (Exception ex)
        {
            batch[0].Completion.TrySetException(ex);
        }
    }

    private async Task WriteAsync(IReadOnlyList<Pending> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        await using var transaction = await db.Database.BeginTransactionAsync();
        var cardIds = batch.Select(p => p.Payment.CardId).Distinct().ToList();
        var cards = await db.Cards.Where(c => cardIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id);
        var outcomes = new (CardTransaction? Recorded, Exception? Refused)[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var payment = batch[i].Payment;
            try
            {
                // Payments of one card are applied in queue order, each on the balance the previous one left.
                var card = cards.GetValueOrDefault(payment.CardId) ?? throw new DomainException("This card no longer exists.");
                if (card.IsExpired(payment.TimestampUtc)) throw new DomainException("This card has expired.");
                var recorded = CardTransaction.Submit(card, payment.TerminalId, payment.Amount, payment.TimestampUtc);
                recorded.RecordVerdict(payment.Verdict);
                db.Transactions.Add(recorded);
                outcomes[i] = (recorded, null);
            }
            catch (DomainException refused)
            {
                outcomes[i] = (null, refused);
            }
        }
        await db.SaveChangesAsync();
        await transaction.CommitAsync();
        LogBatch(logger, batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Recorded is { } recorded) batch[i].Completion.TrySetResult(recorded);
            else batch[i].Completion.TrySetException(outcomes[i].Refused!);
        }
    }

    private sealed record Pending(PaymentToRecord Payment, TaskCompletionSource<CardTransaction> Completion);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Recorded {Count} payments in one commit")]
    private static partial void LogBatch(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A batch of {Count} payments failed as a whole; recording them one by one")]
    private static partial void LogBatchFailed(ILogger logger, Exception exception, int count);
}
