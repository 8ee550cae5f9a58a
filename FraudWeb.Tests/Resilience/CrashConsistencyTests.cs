using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Dom;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.ScaleOut;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace FraudWeb.Tests.Resilience;

/// <summary>
/// The built app as a real process on SQLite (Production, durable commits), paid through the API by concurrent
/// clients and killed with SIGKILL at random moments, then restarted: every payment acknowledged (201) is stored, no
/// payment is stored twice (each request's Idempotency-Key, retried after the crash, maps to at most one payment), the
/// card's balance equals its charged payments, and SQLite's integrity check passes. FRAUDWEB_CRASH_CYCLES sets the
/// cycles (3 in the normal run; `./test.sh --long` asks 20). Killed during retraining (training, evaluation or
/// promotion): one version serves throughout, and the run cut off is recovered once its lease runs out.
/// </summary>
public sealed class CrashConsistencyTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "fraudweb-crash", Guid.NewGuid().ToString("N"));
    private readonly int _port = FreePort();
    private readonly string _fingerprintKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private Process? _app;
    private StringBuilder _log = new();
    private readonly Dictionary<string, string> _settings = [];

    private string DataDirectory => Path.Combine(_root, "data");
    private string DatabaseFile => Path.Combine(DataDirectory, "fraudweb.db");
    private Uri Address => new($"http://127.0.0.1:{_port}");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        return StartAsync();
    }

    public Task DisposeAsync()
    {
        Kill();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the temp folder is cleaned by the OS.
        }
        return Task.CompletedTask;
    }

    private async Task StartAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.Combine(TwoInstanceClusterPaths.Repository, "FraudWeb"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { TwoInstanceClusterPaths.AppDll, "--contentRoot", Path.Combine(TwoInstanceClusterPaths.Repository, "FraudWeb"), "--urls", Address.ToString() })
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in TwoInstanceClusterPaths.AppProcessSettings(DataDirectory, _fingerprintKey, _signingKey).Concat(_settings))
        {
            info.Environment[name] = value;
        }
        var app = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
        var log = new StringBuilder();
        app.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        app.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        app.BeginOutputReadLine();
        app.BeginErrorReadLine();
        _app = app;
        _log = log;
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddMinutes(4);
        while (DateTime.UtcNow < deadline)
        {
            if (app.HasExited) throw new InvalidOperationException($"The app stopped at start: {Tail(log)}");
            try
            {
                if ((await http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode == HttpStatusCode.OK) return;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or busy starting.
            }
            await Task.Delay(250);
        }
        throw new TimeoutException($"The app did not become healthy: {Tail(log)}");
    }

    private static string Tail(StringBuilder log)
    {
        lock (log) return log.Length > 3000 ? log.ToString()[^3000..] : log.ToString();
    }

    /// <summary>SIGKILL: no graceful stop, no flush, as a power cut or the OOM killer would.</summary>
    private void Kill()
    {
        if (_app is { HasExited: false } app) app.Kill(entireProcessTree: true);
        _app?.WaitForExit();
        _app?.Dispose();
        _app = null;
    }

    /// <summary>A browser-like client: loopback is a trusted proxy, so it says the request came over TLS; it keeps the Secure cookies itself.</summary>
    private HttpClient Browser() =>
        new(new ForwardedTls { InnerHandler = new CookieJarHandler { InnerHandler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false } } })
        {
            BaseAddress = Address,
            Timeout = TimeSpan.FromSeconds(60),
        };

    private sealed class ForwardedTls : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            return base.SendAsync(request, cancellationToken);
        }
    }

    private async Task<string> ConfirmationLinkAsync(string email)
    {
        var mail = Path.Combine(DataDirectory, "mail");
        for (var attempt = 0; attempt < 100; attempt++)
        {
            foreach (var file in Directory.Exists(mail) ? Directory.GetFiles(mail) : [])
            {
                var message = await File.ReadAllTextAsync(file);
                if (message.Contains($"To: {email}", StringComparison.Ordinal)) return Mailbox.LinkTo(message, "/Account/ConfirmEmail");
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"No confirmation mail for {email}.");
    }

    /// <summary>A card holder with a large card and an API key, through the pages as a person would set them up.</summary>
    private async Task<(string Key, long Card, long Terminal)> HolderAsync()
    {
        using var client = Browser();
        var email = $"crash-{Guid.NewGuid():N}@example.test";
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, FraudWebFactory.Password).Build())).StatusCode);
        Assert.NotNull((await CardHolderSession.FollowConfirmationAsync(client, await ConfirmationLinkAsync(email))).QuerySelector("[data-testid=email-confirmed]"));
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = FraudWebFactory.Password })).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Cards/Add", new CardFormBuilder().WithCreditLimit(20000m).Build())).StatusCode);
        var form = await Html.GetPageAsync(client, "/Transactions/New?merchantSearch=market");
        long First(string select) => long.Parse(form.QuerySelectorAll($"select[name={select}] option").OfType<IHtmlOptionElement>().Select(o => o.Value).First(v => v.Length > 0), CultureInfo.InvariantCulture);
        var created = await Html.SubmitAsync(client, "/ApiKeys/Create",
            [new("Name", "crash"), new("Scopes", "payments:read"), new("Scopes", "payments:write"), new("LifetimeDays", "30")], "/ApiKeys");
        var key = ((await Html.ParseAsync(created)).QuerySelector("[data-testid=new-api-key]") as IHtmlInputElement)?.Value ?? throw new InvalidOperationException("No key shown.");
        return (key, First("CardId"), First("TerminalId"));
    }

    /// <summary>One API payment with its Idempotency-Key: the payment's id when acknowledged (201), else null (refused or no answer).</summary>
    private static async Task<long?> PayAsync(HttpClient http, string key, long card, long terminal, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/payments", UriKind.Relative))
        {
            Content = new StringContent($$"""{"cardId":{{card}},"terminalId":{{terminal}},"amount":"1.00"}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        try
        {
            using var response = await http.SendAsync(request);
            if (response.StatusCode != HttpStatusCode.Created) return null;
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("id").GetInt64();
        }
        // SocketException: a connection made just as the process died, whose peer was gone before HttpClient read its
        // address ("Transport endpoint is not connected", unwrapped; seen once in CI).
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException or System.Net.Sockets.SocketException)
        {
            return null; // The process died under the request: not acknowledged.
        }
    }

    private SqliteFraudDbContext Database() =>
        new(new DbContextOptionsBuilder<SqliteFraudDbContext>().UseSqlite($"Data Source={DatabaseFile}").Options);

    [Fact]
    public void Start_OnSqlite_MultiThreadModeWithoutMemoryStatistics()
    {
        // The process sets SQLite's mode before its first connection (SqliteProcessMode); SQLite refuses it after.
        string log;
        lock (_log) log = _log.ToString();
        Assert.Contains("SQLite runs in multi-thread mode with memory statistics off", log, StringComparison.Ordinal);
        Assert.DoesNotContain("it runs serialized", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill9_MidPayments_EveryAcknowledgedPaymentStoredOnceAndBalancesExact()
    {
        // Arrange
        var cycles = int.TryParse(Environment.GetEnvironmentVariable("FRAUDWEB_CRASH_CYCLES"), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 3;
        var (key, card, terminal) = await HolderAsync();
        var acknowledged = new ConcurrentDictionary<string, long>();
        var unanswered = new ConcurrentBag<string>();
        var random = new Random(20261201);
        var report = new List<string>();

        for (var cycle = 0; cycle < cycles; cycle++)
        {
            // Act: four payers until the kill
            using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
            using var stop = new CancellationTokenSource();
            var sentBefore = acknowledged.Count;
            async Task PayerAsync()
            {
                while (!stop.IsCancellationRequested)
                {
                    var idempotencyKey = Guid.NewGuid().ToString("N");
                    if (await PayAsync(http, key, card, terminal, idempotencyKey) is { } id) acknowledged[idempotencyKey] = id;
                    else unanswered.Add(idempotencyKey);
                }
            }
            var payers = Enumerable.Range(0, 4).Select(_ => Task.Run(PayerAsync)).ToList();
            // Killed while payments flow: after this cycle's first ten acknowledgements, at a random moment within 1.5 s.
            var flowing = DateTime.UtcNow.AddSeconds(90);
            while (acknowledged.Count - sentBefore < 10 && DateTime.UtcNow < flowing) await Task.Delay(20);
            await Task.Delay(random.Next(0, 1500));
            Kill();
            await stop.CancelAsync();
            await Task.WhenAll(payers);

            // Assert (the app down): what SQLite holds after the crash
            await using (var db = Database())
            {
                await db.Database.OpenConnectionAsync();
                await using (var command = db.Database.GetDbConnection().CreateCommand())
                {
                    command.CommandText = "PRAGMA integrity_check";
                    Assert.Equal("ok", await command.ExecuteScalarAsync());
                }
                var stored = (await db.Transactions.Where(t => t.CardId == card).Select(t => t.Id).ToListAsync()).ToHashSet();
                var lost = acknowledged.Values.Where(id => !stored.Contains(id)).ToList();
                Assert.True(lost.Count == 0, $"cycle {cycle + 1}: {lost.Count} acknowledged payments lost after the kill ({string.Join(", ", lost.Take(10))})");
                report.Add($"cycle {cycle + 1}: {acknowledged.Count - sentBefore} acknowledged before the kill, {stored.Count} stored in all");
            }

            // Act: restart, and retry every request that got no answer, with its own Idempotency-Key
            await StartAsync();
            foreach (var idempotencyKey in unanswered.ToList())
            {
                if (await PayAsync(http, key, card, terminal, idempotencyKey) is { } id) acknowledged[idempotencyKey] = id;
            }
            unanswered.Clear();
        }

        // Assert: each key one payment, nothing stored that nobody acknowledged, the balance is the charged payments
        await using var check = Database();
        var payments = await check.Transactions.Where(t => t.CardId == card).ToListAsync();
        var byKey = await check.IdempotencyRecords.Where(r => r.PaymentId != null).Select(r => new { r.Key, r.PaymentId }).ToListAsync();
        Assert.Equal(byKey.Count, byKey.Select(r => r.Key).Distinct().Count());
        Assert.Equal(payments.Count, byKey.Select(r => r.PaymentId).Distinct().Count());
        Assert.Equal(acknowledged.Values.Order(), payments.Select(p => p.Id).Order());
        var charged = payments.Where(p => PaymentStatusRule.Of(p) is PaymentStatus.Approved or PaymentStatus.ApprovedAfterReview).Sum(p => p.Amount);
        var balance = await check.Cards.Where(c => c.Id == card).Select(c => c.Balance).SingleAsync();
        Assert.True(charged == balance, $"balance {balance}, charged payments {charged}; {string.Join("; ", report)}");
        Assert.True(payments.Count >= cycles * 10, $"Too few payments to mean anything: {string.Join("; ", report)}");
        foreach (var line in report) output.WriteLine(line);
        output.WriteLine($"{cycles} kills survived: {payments.Count} payments stored, all acknowledged once, balance {balance} = charged payments");
    }

    [Fact]
    public async Task Kill9_MidRetrainingAndPromotion_RunRecoveredAndOneServingModelThatServes()
    {
        // Arrange: retraining back to back (a run queued 2 s after the last), in the web process, so kills land in
        // training, evaluation or promotion; a short lease so a cut-off run is recovered within seconds.
        var (key, card, terminal) = await HolderAsync();
        Kill();
        _settings["Retraining__Interval"] = "00:00:02";
        _settings["Retraining__PollInterval"] = "00:00:00.500";
        _settings["Retraining__RunLease"] = "00:00:04";
        _settings["Retraining__LabelThreshold"] = "0";
        await StartAsync();
        var random = new Random(20261202);
        var cutOff = new List<long>();
        var seen = 0L;
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

        for (var cycle = 0; cycle < 3; cycle++)
        {
            // Act: kill while a new run is training: the first at once, the others at a random moment of it
            var after = seen;
            var running = await WaitForAsync(db => db.RetrainingRuns.Where(r => r.Status == RetrainingRunStatus.Running && r.Id > after).Select(r => (long?)r.Id).FirstOrDefaultAsync(),
                TimeSpan.FromSeconds(90), "a retraining run to start");
            seen = running!.Value;
            await Task.Delay(cycle == 0 ? 0 : random.Next(0, 2000));
            Kill();

            // Assert (the app down): the database is whole and exactly one version serves
            await using (var db = Database())
            {
                await db.Database.OpenConnectionAsync();
                await using (var command = db.Database.GetDbConnection().CreateCommand())
                {
                    command.CommandText = "PRAGMA integrity_check";
                    Assert.Equal("ok", await command.ExecuteScalarAsync());
                }
                Assert.Equal(1, await db.ModelVersions.CountAsync(m => m.Status == ModelStatus.Serving));
                // The run seen starting, or a later one if it finished before the kill.
                cutOff.AddRange(await db.RetrainingRuns.Where(r => r.Status == RetrainingRunStatus.Running).Select(r => r.Id).ToListAsync());
                seen = Math.Max(seen, await db.RetrainingRuns.MaxAsync(r => r.Id));
            }

            // Act: restart; the serving model scores a payment at once
            await StartAsync();
            Assert.NotNull(await PayAsync(http, key, card, terminal, Guid.NewGuid().ToString("N")));
        }

        // Assert: every run cut off was failed as interrupted once its lease ran out, a run after the last kill
        // finished, and the one serving version is the one payments are scored with.
        Assert.NotEmpty(cutOff);
        var lastCutOff = cutOff.Max();
        await WaitForAsync(db => db.RetrainingRuns.Where(r => r.Id > lastCutOff && (r.Status == RetrainingRunStatus.Succeeded || r.Status == RetrainingRunStatus.Failed))
            .Select(r => (long?)r.Id).FirstOrDefaultAsync(), TimeSpan.FromSeconds(120), "a run after the last kill to finish");
        await using var check = Database();
        var interrupted = await check.RetrainingRuns.Where(r => cutOff.Contains(r.Id)).ToListAsync();
        Assert.All(interrupted, r => Assert.True(r.Status == RetrainingRunStatus.Failed && r.Error!.StartsWith("Interrupted", StringComparison.Ordinal), $"run {r.Id}: {r.Status} {r.Error}"));
        Assert.Empty(await check.RetrainingRuns.Where(r => r.Id > lastCutOff && r.Status == RetrainingRunStatus.Failed).ToListAsync());
        var serving = await check.ModelVersions.Where(m => m.Status == ModelStatus.Serving).Select(m => m.Version).SingleAsync();
        var paid = await PayAsync(http, key, card, terminal, Guid.NewGuid().ToString("N"));
        Assert.NotNull(paid);
        await using var scored = Database();
        Assert.Equal(serving, await scored.Transactions.Where(t => t.Id == paid).Select(t => t.Verdict!.ModelVersion).SingleAsync());
        output.WriteLine($"3 kills during retraining: runs {string.Join(", ", cutOff)} cut off and recovered; serving {serving}");
    }

    /// <summary>Polls the database (the app running) until the query finds something.</summary>
    private async Task<long?> WaitForAsync(Func<SqliteFraudDbContext, Task<long?>> query, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using (var db = Database())
            {
                if (await query(db) is { } found) return found;
            }
            await Task.Delay(50);
        }
        throw new TimeoutException($"Waited {timeout.TotalSeconds:F0} s for {what}.");
    }
}
