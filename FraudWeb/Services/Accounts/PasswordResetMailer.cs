using System.Threading.Channels;
using FraudWeb.Infrastructure.Localization;

namespace FraudWeb.Services.Accounts;

/// <summary>
/// Password-reset mails, looked up and written after the form has answered (docs/decisions/0031). The answer was
/// already the same for every address, but an address with an account took longer (its link made and its mail written:
/// 0.46 ms more at the median, told apart in a few hundred tries). Safe to send late: a reset stores nothing (its link is
/// made from the account's state), and a mail that cannot be written was already only logged, so a mail lost to a crash
/// before it was written is what a mail fault is today: the person asks again. Stopping the app sends what is queued.
/// </summary>
public sealed partial class PasswordResetMailer(IServiceScopeFactory scopes, ILogger<PasswordResetMailer> logger) : BackgroundService
{
    /// <param name="ResetUrl">Makes the link from the encoded token alone, without the request (it has ended).</param>
    /// <param name="Language">The visitor's language, which the mail is written in (they asked for it).</param>
    public sealed record Request(string Email, Func<string, string> ResetUrl, string Language);

    /// <summary>How long after a request its mail work starts (and with it every request queued meanwhile).</summary>
    public static readonly TimeSpan Round = TimeSpan.FromMilliseconds(200);

    // Bounded: under a flood the form waits for room instead of memory growing without limit (the rate limits make it rare).
    private readonly Channel<Request> _queue = Channel.CreateBounded<Request>(new BoundedChannelOptions(1000) { SingleReader = true });
    private int _pending;

    /// <summary>Requests queued or being sent.</summary>
    public int Pending => Volatile.Read(ref _pending);

    public async ValueTask EnqueueAsync(Request request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        Interlocked.Increment(ref _pending);
        try
        {
            await _queue.Writer.WriteAsync(request, cancellationToken);
        }
        catch
        {
            Interlocked.Decrement(ref _pending);
            throw;
        }
    }

    /// <summary>Waits until every queued request has been sent (for tests and shutdown), at most <paramref name="timeout"/>.</summary>
    public async Task<bool> WhenIdleAsync(TimeSpan timeout)
    {
        var until = DateTime.UtcNow + timeout;
        while (Pending > 0)
        {
            if (DateTime.UtcNow > until) return false;
            await Task.Delay(5);
        }
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                // A round later, not at once: started at once, an account's lookup and mail shared the CPU with the tail
                // of the answer it follows, which still came 0.5 ms later for an address with an account.
                await Task.Delay(Round, stoppingToken);
                while (_queue.Reader.TryRead(out var request)) await SendAsync(request, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync sends what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
        while (_queue.Reader.TryRead(out var request)) await SendAsync(request, cancellationToken);
    }

    private async Task SendAsync(Request request, CancellationToken cancellationToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            using var language = Languages.Use(request.Language);
            await scope.ServiceProvider.GetRequiredService<AccountService>().SendPasswordResetAsync(request.Email, request.ResetUrl, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The person saw the usual page either way; the operator sees why no mail went.
            LogFailed(logger, ex);
        }
        finally
        {
            Interlocked.Decrement(ref _pending);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "A password-reset request could not be handled; no mail was sent")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
