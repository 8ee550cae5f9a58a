using System.Collections.Concurrent;
using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Dom;
using FraudWeb.Api;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure;
using FraudWeb.Infrastructure.Database;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.ScaleOut;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace FraudWeb.Tests.Resilience;

/// <summary>
/// The built app as a process when its database fails under it: a full disk (SQLite on a tmpfs of its own), a stopped
/// PostgreSQL server, a write lock held for seconds. Each answers a clear 503 with Retry-After (never a 500), writes
/// nothing by halves, keeps reads fast, and recovers by itself once the database does.
/// </summary>
[Collection(DatabaseFaultGroup.Name)]
public sealed class DatabaseFaultTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(int.Parse(DatabaseFaults.RetryAfterSeconds, CultureInfo.InvariantCulture));
    private static readonly int[] FillChunkSizes = [1 << 20, 4096];
    private static string ClusterScript => Path.Combine(TwoInstanceClusterPaths.Repository, "scripts", "postgres-cluster.sh");

    [Fact]
    public async Task Payments_DiskFullThenFreed_503WithNothingHalfWrittenThenResumes()
    {
        // Arrange: the app's data directory is a 64 MB filesystem of its own
        var root = NewRoot();
        var data = Path.Combine(root, "data");
        Directory.CreateDirectory(data);
        var mount = await RunAsync("mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", data);
        Assert.True(mount.ExitCode == 0,
            $"This test needs root to mount a tmpfs (mount -t tmpfs) as the app's data directory, so it can fill that disk: {mount.Output}");
        try
        {
            using var app = new AppProcess(data);
            await app.StartAsync();
            using var holder = await app.HolderAsync();
            using var api = app.ApiClient();
            var acknowledged = new Dictionary<string, long>(StringComparer.Ordinal);
            var refused = new List<string>();
            var first = await PayAsync(api, holder, NewKey());
            Assert.True(first.Status == HttpStatusCode.Created, first.Describe() + app.Tail());
            acknowledged[first.Key] = first.Id!.Value;
            // An emptied WAL file: the next commit needs new space (an older, longer WAL would be overwritten in place).
            await TruncateWalAsync(app.DatabaseFile);
            var filler = Path.Combine(data, "filler");
            var filled = FillDisk(filler);

            // Act: payments until the full disk refuses one
            Paid? unavailable = null;
            for (var attempt = 0; attempt < 500 && unavailable is null; attempt++)
            {
                var paid = await PayAsync(api, holder, NewKey());
                Assert.True(paid.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, paid.Describe() + app.Tail());
                if (paid.Status == HttpStatusCode.Created) acknowledged[paid.Key] = paid.Id!.Value;
                else
                {
                    refused.Add(paid.Key);
                    unavailable = paid;
                }
            }
            // The holder's pages meanwhile: a read, and the payment form's POST
            using var page = await holder.Browser.GetAsync(new Uri("/Transactions/New", UriKind.Relative));
            using var formPayment = await Html.SubmitAsync(holder.Browser, "/Transactions/New", PaymentForm(holder));
            var formPage = await formPayment.Content.ReadAsStringAsync();
            using var probe = app.PlainClient();
            var full = await HealthAsync(probe);

            // Act: the space returns
            File.Delete(filler);
            var freed = Stopwatch.StartNew();
            Paid? resumed = null;
            while (resumed is null && freed.Elapsed < TimeSpan.FromSeconds(10))
            {
                var paid = await PayAsync(api, holder, NewKey());
                Assert.True(paid.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, paid.Describe() + app.Tail());
                if (paid.Status == HttpStatusCode.Created)
                {
                    acknowledged[paid.Key] = paid.Id!.Value;
                    resumed = paid;
                }
                else
                {
                    refused.Add(paid.Key);
                    await Task.Delay(200);
                }
            }
            var resumedAfter = freed.Elapsed;
            var healthyAgain = await HealthAsync(probe);
            for (var i = 0; i < 3; i++)
            {
                var paid = await PayAsync(api, holder, NewKey());
                Assert.True(paid.Status == HttpStatusCode.Created, paid.Describe() + app.Tail());
                acknowledged[paid.Key] = paid.Id!.Value;
            }
            app.Kill();

            // Assert: a clear 503 while full, never a 500
            Assert.True(unavailable is not null, $"500 payments were accepted on a full disk ({filled} bytes of filler): the test did not fill it.");
            AssertUnavailableProblem(unavailable);
            Assert.True(page.StatusCode is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"The holder's page answered {(int)page.StatusCode}.");
            Assert.True(formPayment.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.ServiceUnavailable, $"The payment form answered {(int)formPayment.StatusCode}.");
            if (formPayment.StatusCode == HttpStatusCode.ServiceUnavailable) AssertUnavailablePage(formPayment, formPage);
            Assert.True(resumed is not null, $"No payment was accepted within 10 s of freeing the disk. {app.Tail()}");
            // Assert: /healthz says so while the disk is full (a probe or an alert sees what payments meet), not after
            Assert.True(full.Status == HttpStatusCode.ServiceUnavailable, $"/healthz answered {full.Status} {full.Body} while the disk was full.");
            Assert.Equal("Unhealthy", full.Body);
            Assert.True(healthyAgain.Status == HttpStatusCode.OK, $"/healthz answered {healthyAgain.Status} once payments resumed.");

            // Assert: what SQLite holds is whole; each acknowledged payment once, no refused one, the balance exact
            await using var db = SqliteDb(app.DatabaseFile);
            await db.Database.OpenConnectionAsync();
            await using (var command = db.Database.GetDbConnection().CreateCommand())
            {
                command.CommandText = "PRAGMA integrity_check";
                Assert.Equal("ok", await command.ExecuteScalarAsync());
            }
            var records = await db.IdempotencyRecords.AsNoTracking().Select(r => new { r.Key, r.PaymentId }).ToListAsync();
            foreach (var (key, id) in acknowledged) Assert.Equal(id, Assert.Single(records, r => r.Key == key).PaymentId);
            Assert.DoesNotContain(records, r => refused.Contains(r.Key));
            var payments = await db.Transactions.AsNoTracking().Where(t => t.CardId == holder.Card).ToListAsync();
            var formPaid = formPayment.StatusCode == HttpStatusCode.Redirect ? 1 : 0;
            Assert.Equal(acknowledged.Count + formPaid, payments.Count);
            Assert.Subset(payments.Select(p => p.Id).ToHashSet(), acknowledged.Values.ToHashSet());
            var charged = payments.Where(p => PaymentStatusRule.Of(p) is PaymentStatus.Approved or PaymentStatus.ApprovedAfterReview).Sum(p => p.Amount);
            var balance = await db.Cards.Where(c => c.Id == holder.Card).Select(c => c.Balance).SingleAsync();
            Assert.Equal(charged, balance);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{acknowledged.Count} payments acknowledged, {refused.Count} refused with 503 on the full disk; accepted again {resumedAfter.TotalSeconds:F1} s after freeing it"));
        }
        finally
        {
            await RunAsync("umount", "-l", data);
            DeleteQuietly(root);
        }
    }

    [Fact]
    public async Task Requests_PostgresStoppedThenStarted_503AndUnhealthyThenRecovers()
    {
        // Arrange: a PostgreSQL cluster of this test's own (the shared one serves the other tests meanwhile)
        var root = NewRoot();
        var cluster = Path.Combine(root, "postgres");
        var started = await RunAsync("bash", ClusterScript, "start", cluster);
        Assert.True(started.ExitCode == 0,
            $"This test starts its own PostgreSQL cluster (scripts/postgres-cluster.sh; CI installs the postgresql package): {started.Output}");
        try
        {
            var server = started.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Last(line => line.StartsWith("Host=", StringComparison.Ordinal));
            var database = await CreateDatabaseAsync(server, "fraudweb_faults");
            using var app = new AppProcess(Path.Combine(root, "data"), new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["Database__ConnectionString"] = database,
            });
            await app.StartAsync();
            using var holder = await app.HolderAsync();
            using var api = app.ApiClient();
            using var probe = app.PlainClient();
            var acknowledged = new List<long>();
            var before = await PayAsync(api, holder, NewKey());
            Assert.True(before.Status == HttpStatusCode.Created, before.Describe() + app.Tail());
            acknowledged.Add(before.Id!.Value);

            // Act: the server stops at once, as in a crash
            var killed = await RunAsync("bash", ClusterScript, "kill", cluster);
            Assert.True(killed.ExitCode == 0, killed.Output);
            var down = await WaitForHealthAsync(probe, HttpStatusCode.ServiceUnavailable, TimeSpan.FromSeconds(10));
            var lostKey = NewKey();
            var lost = await PayAsync(api, holder, lostKey);
            using var page = await holder.Browser.GetAsync(new Uri("/Profile", UriKind.Relative));
            var pageHtml = await page.Content.ReadAsStringAsync();

            // Act: it starts again on the same directory and port
            var resumed = await RunAsync("bash", ClusterScript, "resume", cluster);
            Assert.True(resumed.ExitCode == 0, resumed.Output);
            var recovery = Stopwatch.StartNew();
            var up = await WaitForHealthAsync(probe, HttpStatusCode.OK, TimeSpan.FromSeconds(15));
            var fresh = await PayUntilAnsweredAsync(api, holder, NewKey(), TimeSpan.FromSeconds(15) - recovery.Elapsed, app);
            var recovered = recovery.Elapsed;
            var retried = await PayUntilAnsweredAsync(api, holder, lostKey, TimeSpan.FromSeconds(10), app);
            acknowledged.AddRange(new[] { fresh.Id, retried.Id }.OfType<long>());
            app.Kill();

            // Assert: unhealthy and 503 (never 500) while the server is down
            Assert.True(down.Status == HttpStatusCode.ServiceUnavailable, $"/healthz answered {down.Status} while PostgreSQL was down. {app.Tail()}");
            Assert.Equal("Unhealthy", down.Body);
            AssertUnavailableProblem(lost);
            Assert.True(page.StatusCode == HttpStatusCode.ServiceUnavailable, $"The holder's page answered {(int)page.StatusCode} while PostgreSQL was down. {app.Tail()}");
            AssertUnavailablePage(page, pageHtml);
            // Logged as the app's warnings, not also as EF Core's errors with their stacks (exploratory testing: about
            // 35 a second an instance during an outage)
            var log = app.Output();
            Assert.Contains("The database could not answer", log, StringComparison.Ordinal);
            Assert.DoesNotContain(log.Split('\n'), line => line.Contains("\"LogLevel\":\"Error\"", StringComparison.Ordinal)
                && line.Contains("\"Category\":\"Microsoft.EntityFrameworkCore", StringComparison.Ordinal));

            // Assert: healthy again and paying within 15 s, and the payment that got 503 stored at most once on retry
            Assert.True(up.Status == HttpStatusCode.OK, $"/healthz answered {up.Status} 15 s after PostgreSQL came back. {app.Tail()}");
            Assert.True(fresh.Status == HttpStatusCode.Created && recovered < TimeSpan.FromSeconds(15),
                string.Create(CultureInfo.InvariantCulture, $"No payment within 15 s of PostgreSQL coming back ({recovered.TotalSeconds:F1} s): {fresh.Describe()}{app.Tail()}"));
            Assert.True(retried.Status == HttpStatusCode.Created, retried.Describe() + app.Tail());
            await using var db = PostgresDb(database);
            var underLostKey = await db.IdempotencyRecords.AsNoTracking().Where(r => r.Key == lostKey).Select(r => r.PaymentId).ToListAsync();
            Assert.Equal(retried.Id, Assert.Single(underLostKey));
            var stored = await db.Transactions.AsNoTracking().Where(t => t.CardId == holder.Card).Select(t => t.Id).ToListAsync();
            Assert.Equal(acknowledged.Order(), stored.Order());
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Paying again {recovered.TotalSeconds:F1} s after PostgreSQL came back"));
        }
        finally
        {
            await RunAsync("bash", ClusterScript, "stop", cluster);
            DeleteQuietly(root);
        }
    }

    [Fact]
    public async Task Start_PostgresNotUpYet_WaitsForItAndServesOnceItAnswers()
    {
        // Arrange: a cluster of this test's own, with the app's database, then stopped as a host's reboot leaves it
        var root = NewRoot();
        var cluster = Path.Combine(root, "postgres");
        var started = await RunAsync("bash", ClusterScript, "start", cluster);
        Assert.True(started.ExitCode == 0, $"This test starts its own PostgreSQL cluster: {started.Output}");
        try
        {
            var server = started.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Last(line => line.StartsWith("Host=", StringComparison.Ordinal));
            var database = await CreateDatabaseAsync(server, "fraudweb_late");
            var wrongName = new NpgsqlConnectionStringBuilder(server) { Database = "no_such_database" }.ConnectionString;
            using var misnamed = new AppProcess(Path.Combine(root, "misnamed"), new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["Database__ConnectionString"] = wrongName,
            });
            var refusal = Stopwatch.StartNew();
            var misnamedStart = await Record.ExceptionAsync(misnamed.StartAsync);
            refusal.Stop();
            var killed = await RunAsync("bash", ClusterScript, "kill", cluster);
            Assert.True(killed.ExitCode == 0, killed.Output);
            using var app = new AppProcess(Path.Combine(root, "data"), new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["Database__ConnectionString"] = database,
            });

            // Act: the app starts first; the database comes up seconds later
            var starting = app.StartAsync();
            await Task.Delay(TimeSpan.FromSeconds(4));
            var waitedAlive = !starting.IsCompleted;
            var resumed = await RunAsync("bash", ClusterScript, "resume", cluster);
            Assert.True(resumed.ExitCode == 0, resumed.Output);
            await starting;
            using var holder = await app.HolderAsync();
            using var api = app.ApiClient();
            var paid = await PayAsync(api, holder, NewKey());

            // Assert: a misnamed database is a setting, refused at once in one line; an absent server is waited for
            Assert.IsType<InvalidOperationException>(misnamedStart);
            Assert.Equal(1, misnamed.ExitCode);
            Assert.True(refusal.Elapsed < TimeSpan.FromSeconds(30), $"A misnamed database took {refusal.Elapsed} to be refused.");
            Assert.Contains("error: the database cannot be reached or used (Database:ConnectionString): ", misnamed.Output(), StringComparison.Ordinal);
            Assert.DoesNotContain("does not answer yet", misnamed.Output(), StringComparison.Ordinal);
            Assert.True(waitedAlive, "The app stopped while the database was down instead of waiting." + app.Tail());
            Assert.Contains("The database does not answer yet", app.Output(), StringComparison.Ordinal);
            Assert.True(paid.Status == HttpStatusCode.Created, paid.Describe() + app.Tail());
        }
        finally
        {
            await RunAsync("bash", ClusterScript, "stop", cluster);
            DeleteQuietly(root);
        }
    }

    [Fact]
    public async Task Start_PostgresNeverAnswers_GivesUpAfterTheWaitInOneLine()
    {
        // Arrange: nothing listens on the port; a short wait
        var root = NewRoot();
        try
        {
            using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            using var app = new AppProcess(Path.Combine(root, "data"), new Dictionary<string, string>
            {
                ["Database__Provider"] = "Postgres",
                ["Database__ConnectionString"] = $"Host=127.0.0.1;Port={port.ToString(CultureInfo.InvariantCulture)};Database=fraudweb;Username=fraudweb",
                ["Database__StartupWaitSeconds"] = "3",
            });

            // Act
            var clock = Stopwatch.StartNew();
            var failure = await Record.ExceptionAsync(app.StartAsync);
            clock.Stop();

            // Assert: tried more than once, for about the wait, then exit 1 with one line last (not an unhandled crash)
            Assert.IsType<InvalidOperationException>(failure);
            Assert.Equal(1, app.ExitCode);
            Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(2) && clock.Elapsed < TimeSpan.FromSeconds(60), $"Gave up after {clock.Elapsed}.");
            var output = app.Output();
            Assert.True(output.Split("The database does not answer yet").Length > 2, output);
            var last = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
            Assert.StartsWith("error: the database cannot be reached or used (Database:ConnectionString): Failed to connect to 127.0.0.1:", last, StringComparison.Ordinal);
            Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        }
        finally
        {
            DeleteQuietly(root);
        }
    }

    [Fact]
    public async Task Pages_WriteLockHeldForSeconds_WritesAnswer503InBoundedTimeAndReadsStayFast()
    {
        // Arrange: the app on SQLite with its default busy timeout; a key just used, so reading writes nothing for a minute
        var busyTimeout = TimeSpan.FromSeconds(new DatabaseOptions().BusyTimeoutSeconds);
        var bound = busyTimeout + TimeSpan.FromSeconds(2);
        var root = NewRoot();
        try
        {
            using var app = new AppProcess(Path.Combine(root, "data"));
            await app.StartAsync();
            using var holder = await app.HolderAsync();
            using var api = app.ApiClient();
            Assert.Equal(HttpStatusCode.OK, (await ReadAsync(api, holder)).Status);
            var warm = await PayAsync(api, holder, NewKey());
            Assert.True(warm.Status == HttpStatusCode.Created, warm.Describe() + app.Tail());

            // Act: another connection holds the write lock for longer than the busy timeout
            await using var blocker = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = app.DatabaseFile, Pooling = false }.ToString());
            await blocker.OpenAsync();
            using var writeLock = blocker.BeginTransaction(deferred: false);
            var held = Stopwatch.StartNew();
            using var stopReading = new CancellationTokenSource();
            var reads = new ConcurrentBag<(HttpStatusCode? Status, TimeSpan Elapsed)>();
            var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!stopReading.IsCancellationRequested)
                {
                    reads.Add(await ReadAsync(api, holder));
                    await Task.Delay(10);
                }
            })).ToList();
            var payments = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
            {
                var paid = await PayAsync(api, holder, NewKey());
                return (Paid: paid, DoneAt: held.Elapsed);
            })).ToList();
            await Task.Delay(busyTimeout + TimeSpan.FromSeconds(1));
            writeLock.Rollback();
            var released = held.Elapsed;
            var answers = await Task.WhenAll(payments);
            await stopReading.CancelAsync();
            await Task.WhenAll(readers);
            var after = await PayAsync(api, holder, NewKey());

            // Assert: every payment answered in bounded time, 201 only once the lock was gone, else 503 with Retry-After
            foreach (var (paid, doneAt) in answers)
            {
                Assert.True(paid.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, paid.Describe() + app.Tail());
                Assert.True(paid.Elapsed <= bound, string.Create(CultureInfo.InvariantCulture,
                    $"A payment took {paid.Elapsed.TotalSeconds:F1} s with a {busyTimeout.TotalSeconds:F0} s busy timeout: {paid.Describe()}"));
                if (paid.Status == HttpStatusCode.ServiceUnavailable) AssertUnavailableProblem(paid);
                else Assert.True(doneAt >= released - TimeSpan.FromMilliseconds(50), "A payment was recorded while another connection held the write lock: the test held no lock.");
            }
            // Assert: reads were not blocked (WAL) and threads were not used up: the p99 of a read stayed under a second
            var latencies = reads.Select(r => r.Elapsed).Order().ToList();
            Assert.All(reads, r => Assert.Equal(HttpStatusCode.OK, r.Status));
            Assert.True(latencies.Count >= 20, $"Only {latencies.Count} reads while the lock was held.");
            var p99 = latencies[(int)Math.Ceiling(latencies.Count * 0.99) - 1];
            Assert.True(p99 < TimeSpan.FromSeconds(1), string.Create(CultureInfo.InvariantCulture,
                $"Reads' p99 was {p99.TotalMilliseconds:F0} ms over {latencies.Count} reads while a write lock was held."));
            Assert.True(after.Status == HttpStatusCode.Created, after.Describe() + app.Tail());
            var created = answers.Count(a => a.Paid.Status == HttpStatusCode.Created);
            var slowest = answers.Max(a => a.Paid.Elapsed);
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Lock held {released.TotalSeconds:F1} s: {created} payments 201 after it, {answers.Length - created} 503; slowest {slowest.TotalSeconds:F1} s; reads p99 {p99.TotalMilliseconds:F0} ms over {latencies.Count}"));
        }
        finally
        {
            DeleteQuietly(root);
        }
    }

    [Fact]
    public async Task Invoke_OutageFailingEveryRequest_OneWarningWithItsStackTheRestAtDebug()
    {
        // Arrange (resilience test: a full disk logged 3,109 warnings with stack traces in 20 s)
        var sink = new TestLogSink();
        using var loggers = new Microsoft.Extensions.Logging.LoggerFactory([new TestLoggerProvider(sink)]);
        var middleware = new DatabaseRetryMiddleware(_ => throw new SqliteException("database or disk is full", 13), null!, null!,
            new Microsoft.Extensions.Logging.Logger<DatabaseRetryMiddleware>(loggers));

        // Act: twenty payments while the disk is full
        for (var i = 0; i < 20; i++)
        {
            var context = new DefaultHttpContext();
            context.Request.Method = HttpMethods.Post;
            context.Request.Path = "/Transactions/New";
            await Assert.ThrowsAsync<SqliteException>(() => middleware.InvokeAsync(context));
        }

        // Assert: each still refused (the exception goes on to the 503 page), logged once as a warning with its exception
        var warnings = sink.Entries.Where(e => e.StartsWith("Warning", StringComparison.Ordinal)).ToList();
        var warning = Assert.Single(warnings);
        Assert.Contains("database or disk is full", warning, StringComparison.Ordinal);
        Assert.Contains("(0 more such requests", warning, StringComparison.Ordinal);
        Assert.Equal(19, sink.Entries.Count(e => e.StartsWith("Debug", StringComparison.Ordinal) && e.Contains("could not answer POST /Transactions/New either", StringComparison.Ordinal)));
    }

    [Fact]
    public void IsUnavailable_WrappedSqliteFullOrBusy_True()
    {
        // Arrange
        var full = new DbUpdateException("An error occurred while saving the entity changes.", new SqliteException("database or disk is full", 13));
        var busy = new SqliteException("database is locked", 5);
        var ioError = new SqliteException("disk I/O error", 10, 778);
        var aggregate = new AggregateException(new InvalidOperationException("first"), busy);

        // Act
        var results = new Exception[] { full, busy, ioError, aggregate }.Select(DatabaseFaults.IsUnavailable).ToList();

        // Assert
        Assert.All(results, result => Assert.True(result));
    }

    [Fact]
    public void IsUnavailable_BugOrConstraintOrCancelledRequest_False()
    {
        // Arrange
        var constraint = new DbUpdateException("An error occurred while saving the entity changes.", new SqliteException("UNIQUE constraint failed", 19));
        var bug = new InvalidOperationException("Sequence contains no elements.");
        var cancelled = new OperationCanceledException("Query was cancelled", new PostgresException("canceling statement due to user request", "ERROR", "ERROR", "57014"));

        // Act
        var results = new Exception[] { constraint, bug, cancelled }.Select(DatabaseFaults.IsUnavailable).ToList();

        // Assert
        Assert.All(results, result => Assert.False(result));
    }

    [Fact]
    public void IsBrokenConnection_ShutdownOrSocketError_TrueButTimeoutOnlyUnavailable()
    {
        // Arrange
        var shutdown = new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01");
        var refused = new InvalidOperationException("An exception has been raised that is likely due to a transient failure.",
            new NpgsqlException("Failed to connect to 127.0.0.1:5432", new SocketException((int)SocketError.ConnectionRefused)));
        var timeout = new NpgsqlException("Exception while reading from stream", new TimeoutException("Timeout during reading attempt"));
        var diskFull = new PostgresException("could not extend file", "ERROR", "ERROR", "53100");

        // Act
        var broken = (Shutdown: DatabaseFaults.IsBrokenConnection(shutdown), Refused: DatabaseFaults.IsBrokenConnection(refused),
            Timeout: DatabaseFaults.IsBrokenConnection(timeout), DiskFull: DatabaseFaults.IsBrokenConnection(diskFull));
        var unavailable = new Exception[] { shutdown, refused, timeout, diskFull }.Select(DatabaseFaults.IsUnavailable).ToList();

        // Assert
        Assert.True(broken.Shutdown);
        Assert.True(broken.Refused);
        Assert.False(broken.Timeout);
        Assert.False(broken.DiskFull);
        Assert.All(unavailable, result => Assert.True(result));
    }

    [Theory]
    [InlineData("40P01", "deadlock detected")]
    [InlineData("40001", "could not serialize access due to concurrent update")]
    public void IsUnavailable_PostgresGaveTheTransactionUp_TrueTransientConflictAnd503(string state, string message)
    {
        // Arrange (scale-out review: two instances' writers deadlocked, and the request answered 500, logged as a bug)
        var deadlock = new DbUpdateException("An error occurred while saving the entity changes.", new PostgresException(message, "ERROR", "ERROR", state));

        // Act
        var unavailable = DatabaseFaults.IsUnavailable(deadlock);
        var conflict = DatabaseFaults.IsTransientConflict(deadlock);
        var status = WebServiceCollectionExtensions.StatusCodeFor(deadlock);

        // Assert: a 503 the same request sent again gets through; other faults are not conflicts
        Assert.True(unavailable);
        Assert.True(conflict);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
        Assert.False(DatabaseFaults.IsTransientConflict(new PostgresException("read-only", "ERROR", "ERROR", "25006")));
    }

    [Fact]
    public void IsUnavailable_PostgresReadOnly_TrueAnd503()
    {
        // Arrange: a database that refuses writes (a standby reached after a failover, default_transaction_read_only
        // set for maintenance) fails a payment's row lock or insert with 25006.
        var lockRows = new PostgresException("cannot execute SELECT FOR UPDATE in a read-only transaction", "ERROR", "ERROR", "25006");
        var insert = new DbUpdateException("An error occurred while saving the entity changes.",
            new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", "25006"));

        // Act
        var unavailable = new Exception[] { lockRows, insert }.Select(DatabaseFaults.IsUnavailable).ToList();
        var status = WebServiceCollectionExtensions.StatusCodeFor(lockRows);

        // Assert
        Assert.All(unavailable, result => Assert.True(result));
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, status);
    }

    [Fact]
    public void StatusCodeFor_DatabaseFault_503AndOtherErrors500()
    {
        // Arrange
        var fault = new DbUpdateException("An error occurred while saving the entity changes.", new SqliteException("database or disk is full", 13));
        var bug = new InvalidOperationException("Sequence contains no elements.");

        // Act
        var faultStatus = WebServiceCollectionExtensions.StatusCodeFor(fault);
        var bugStatus = WebServiceCollectionExtensions.StatusCodeFor(bug);

        // Assert
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, faultStatus);
        Assert.Equal(StatusCodes.Status500InternalServerError, bugStatus);
    }

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static string NewRoot()
    {
        var root = Path.Combine(Path.GetTempPath(), "fraudweb-dbfault", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return root;
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A file still closing, or a lazily unmounted filesystem; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>A command's exit code and its output (stdout, then stderr); -1 when it cannot be run at all.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments) info.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(info) ?? throw new InvalidOperationException($"{file} did not start.");
            var standardOutput = process.StandardOutput.ReadToEndAsync();
            var standardError = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            return (process.ExitCode, await standardOutput + await standardError);
        }
        catch (Win32Exception ex)
        {
            return (-1, $"{file}: {ex.Message}");
        }
    }

    /// <summary>Writes zeros until the filesystem is full (ENOSPC), in large chunks and then in pages; the bytes written.</summary>
    private static long FillDisk(string file)
    {
        using var handle = File.OpenHandle(file, FileMode.CreateNew, FileAccess.Write);
        var zeros = new byte[FillChunkSizes[0]];
        long written = 0;
        foreach (var size in FillChunkSizes)
        {
            while (true)
            {
                try
                {
                    RandomAccess.Write(handle, zeros.AsSpan(0, size), written);
                    written += size;
                }
                catch (IOException)
                {
                    break; // No space left on device: try the smaller chunk, then stop.
                }
            }
        }
        return written;
    }

    /// <summary>Checkpoints the WAL into the database and truncates it to nothing (the app keeps running).</summary>
    private static async Task TruncateWalAsync(string databaseFile)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
        await command.ExecuteNonQueryAsync();
    }

    private static SqliteFraudDbContext SqliteDb(string databaseFile) =>
        new(new DbContextOptionsBuilder<SqliteFraudDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = databaseFile, Pooling = false }.ToString()).Options);

    private static PostgresFraudDbContext PostgresDb(string database) =>
        new(new DbContextOptionsBuilder<PostgresFraudDbContext>()
            .UseNpgsql(new NpgsqlConnectionStringBuilder(database) { Pooling = false }.ConnectionString).Options);

    /// <summary>A new empty database on the server; the app's connection string to it.</summary>
    private static async Task<string> CreateDatabaseAsync(string server, string name)
    {
        await using (var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Pooling = false }.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    private static Dictionary<string, string> PaymentForm(Holder holder) => new()
    {
        ["CardId"] = holder.Card.ToString(CultureInfo.InvariantCulture),
        ["TerminalId"] = holder.Terminal.ToString(CultureInfo.InvariantCulture),
        ["Amount"] = "1.00",
    };

    /// <summary>One API payment of 1.00 with its Idempotency-Key, timed; a transport failure has no status.</summary>
    private static async Task<Paid> PayAsync(HttpClient api, Holder holder, string idempotencyKey)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/v1/payments", UriKind.Relative))
        {
            Content = new StringContent(string.Create(CultureInfo.InvariantCulture,
                $$"""{"cardId":{{holder.Card}},"terminalId":{{holder.Terminal}},"amount":"1.00"}"""), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", holder.Key);
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await api.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            long? id = null;
            if (response.StatusCode == HttpStatusCode.Created)
            {
                using var json = JsonDocument.Parse(body);
                id = json.RootElement.GetProperty("id").GetInt64();
            }
            return new Paid(idempotencyKey, response.StatusCode, id, response.Content.Headers.ContentType?.MediaType, response.Headers.RetryAfter?.Delta, body, clock.Elapsed);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return new Paid(idempotencyKey, null, null, null, null, ex.Message, clock.Elapsed);
        }
    }

    /// <summary>The same payment (same key) until it is answered other than 503, within <paramref name="within"/>; never a 500 meanwhile.</summary>
    private static async Task<Paid> PayUntilAnsweredAsync(HttpClient api, Holder holder, string idempotencyKey, TimeSpan within, AppProcess app)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var paid = await PayAsync(api, holder, idempotencyKey);
            Assert.True(paid.Status is HttpStatusCode.Created or HttpStatusCode.ServiceUnavailable, paid.Describe() + app.Tail());
            if (paid.Status != HttpStatusCode.ServiceUnavailable || clock.Elapsed >= within) return paid;
            await Task.Delay(250);
        }
    }

    /// <summary>One read of the holder's payments through the API, timed.</summary>
    private static async Task<(HttpStatusCode? Status, TimeSpan Elapsed)> ReadAsync(HttpClient api, Holder holder)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/payments?limit=10", UriKind.Relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", holder.Key);
        request.Headers.Add("X-Forwarded-Proto", "https");
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await api.SendAsync(request);
            await response.Content.ReadAsByteArrayAsync();
            return (response.StatusCode, clock.Elapsed);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (null, clock.Elapsed);
        }
    }

    private static async Task<(HttpStatusCode? Status, string Body)> HealthAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (null, ex.Message);
        }
    }

    /// <summary>/healthz until it answers <paramref name="wanted"/>, for at most <paramref name="within"/>; its last answer.</summary>
    private static async Task<(HttpStatusCode? Status, string Body)> WaitForHealthAsync(HttpClient http, HttpStatusCode wanted, TimeSpan within)
    {
        var clock = Stopwatch.StartNew();
        var last = await HealthAsync(http);
        while (last.Status != wanted && clock.Elapsed < within)
        {
            await Task.Delay(200);
            last = await HealthAsync(http);
        }
        return last;
    }

    /// <summary>A 503 problem of type unavailable, with Retry-After: what an API client can act on.</summary>
    private static void AssertUnavailableProblem(Paid? paid)
    {
        Assert.NotNull(paid);
        Assert.True(paid.Status == HttpStatusCode.ServiceUnavailable, paid.Describe());
        Assert.Equal("application/problem+json", paid.MediaType);
        Assert.Equal(RetryAfter, paid.RetryAfter);
        using var json = JsonDocument.Parse(paid.Body);
        Assert.Equal(StatusCodes.Status503ServiceUnavailable, json.RootElement.GetProperty("status").GetInt32());
        Assert.Equal(ApiProblems.Unavailable.Uri, json.RootElement.GetProperty("type").GetString());
        Assert.DoesNotContain("Exception", paid.Body, StringComparison.Ordinal);
    }

    /// <summary>The friendly 503 page with Retry-After, and nothing of the exception.</summary>
    private static void AssertUnavailablePage(HttpResponseMessage response, string html)
    {
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(RetryAfter, response.Headers.RetryAfter?.Delta);
        Assert.Contains("Temporarily unavailable", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", html, StringComparison.Ordinal);
    }

    /// <summary>An API payment's answer: its key, status (null: no answer), payment id, media type, Retry-After, body and time.</summary>
    private sealed record Paid(string Key, HttpStatusCode? Status, long? Id, string? MediaType, TimeSpan? RetryAfter, string Body, TimeSpan Elapsed)
    {
        public string Describe() => string.Create(CultureInfo.InvariantCulture,
            $"payment {Key}: {(Status is { } status ? ((int)status).ToString(CultureInfo.InvariantCulture) : "no answer")} after {Elapsed.TotalSeconds:F1} s: {(Body.Length > 400 ? Body[..400] : Body)} ");
    }

    /// <summary>A signed-in card holder (the browser's cookies), their card, a merchant and an API key.</summary>
    private sealed class Holder(HttpClient browser, string key, long card, long terminal) : IDisposable
    {
        public HttpClient Browser { get; } = browser;
        public string Key { get; } = key;
        public long Card { get; } = card;
        public long Terminal { get; } = terminal;

        public void Dispose() => Browser.Dispose();
    }

    /// <summary>
    /// The built app as a process (Production, small seed) on its own port and data directory; its output is kept for
    /// failing assertions' messages.
    /// </summary>
    private sealed class AppProcess : IDisposable
    {
        private readonly Dictionary<string, string> _settings;
        private readonly StringBuilder _log = new();
        private readonly Lock _logGate = new();
        private Process? _process;

        public AppProcess(string dataDirectory, Dictionary<string, string>? settings = null)
        {
            DataDirectory = dataDirectory;
            _settings = TwoInstanceClusterPaths.AppProcessSettings(dataDirectory,
                Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            foreach (var (name, value) in settings ?? new Dictionary<string, string>()) _settings[name] = value;
            Address = new Uri($"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}");
        }

        public string DataDirectory { get; }
        public Uri Address { get; }
        public string DatabaseFile => Path.Combine(DataDirectory, "fraudweb.db");

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        public async Task StartAsync()
        {
            var content = Path.Combine(TwoInstanceClusterPaths.Repository, "FraudWeb");
            var info = new ProcessStartInfo("dotnet") { WorkingDirectory = content, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            info.ArgumentList.Add(TwoInstanceClusterPaths.AppDll);
            info.ArgumentList.Add("--contentRoot");
            info.ArgumentList.Add(content);
            info.ArgumentList.Add("--urls");
            info.ArgumentList.Add(Address.ToString());
            foreach (var (name, value) in _settings) info.Environment[name] = value;
            var process = Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start.");
            process.OutputDataReceived += (_, e) => Append(e.Data);
            process.ErrorDataReceived += (_, e) => Append(e.Data);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            _process = process;
            using var http = PlainClient();
            var clock = Stopwatch.StartNew();
            while (clock.Elapsed < TimeSpan.FromMinutes(4))
            {
                if (process.HasExited) throw new InvalidOperationException($"The app stopped at start: {Tail()}");
                if ((await HealthAsync(http)).Status == HttpStatusCode.OK) return;
                await Task.Delay(250);
            }
            throw new TimeoutException($"The app did not become healthy: {Tail()}");
        }

        private void Append(string? line)
        {
            lock (_logGate) _log.AppendLine(line);
        }

        /// <summary>Everything the app printed so far.</summary>
        public string Output()
        {
            lock (_logGate) return _log.ToString();
        }

        /// <summary>The end of the app's output, for a failing assertion's message.</summary>
        public string Tail()
        {
            lock (_logGate)
            {
                var text = _log.ToString();
                return " App output: " + (text.Length > 4000 ? text[^4000..] : text);
            }
        }

        /// <summary>The exit code of an app that stopped by itself (null while it runs).</summary>
        public int? ExitCode => _process is { HasExited: true } process ? process.ExitCode : null;

        /// <summary>SIGKILL: the files stay as the app last wrote them.</summary>
        public void Kill()
        {
            if (_process is { HasExited: false } process) process.Kill(entireProcessTree: true);
            _process?.WaitForExit();
            _process?.Dispose();
            _process = null;
        }

        public void Dispose() => Kill();

        /// <summary>Plain HTTP, no cookies: /healthz answers over HTTP.</summary>
        public HttpClient PlainClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };

        /// <summary>For the API: callers add their key and X-Forwarded-Proto.</summary>
        public HttpClient ApiClient() => new() { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(60) };

        /// <summary>A browser through the trusted loopback proxy (X-Forwarded-Proto https) that keeps its Secure cookies itself.</summary>
        private HttpClient Browser() =>
            new(new ForwardedTls { InnerHandler = new CookieJarHandler { InnerHandler = new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false } } })
            {
                BaseAddress = Address,
                Timeout = TimeSpan.FromSeconds(60),
            };

        /// <summary>Registered, confirmed and signed in through the pages, with a card and an API key to pay and read with.</summary>
        public async Task<Holder> HolderAsync()
        {
            var client = Browser();
            try
            {
                var email = $"faults-{Guid.NewGuid():N}@example.test";
                Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Account/Register", new RegistrationBuilder(email, FraudWebFactory.Password).Build())).StatusCode);
                Assert.NotNull((await CardHolderSession.FollowConfirmationAsync(client, await ConfirmationLinkAsync(email))).QuerySelector("[data-testid=email-confirmed]"));
                Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Account/Login",
                    new Dictionary<string, string> { ["Email"] = email, ["Password"] = FraudWebFactory.Password })).StatusCode);
                Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(client, "/Cards/Add", new CardFormBuilder().WithCreditLimit(20000m).Build())).StatusCode);
                var form = await Html.GetPageAsync(client, "/Transactions/New?merchantSearch=market");
                long First(string select) => long.Parse(form.QuerySelectorAll($"select[name={select}] option").OfType<IHtmlOptionElement>()
                    .Select(o => o.Value).First(v => v.Length > 0), CultureInfo.InvariantCulture);
                var created = await Html.SubmitAsync(client, "/ApiKeys/Create",
                    [new("Name", "faults"), new("Scopes", "payments:read"), new("Scopes", "payments:write"), new("LifetimeDays", "30")], "/ApiKeys");
                var key = ((await Html.ParseAsync(created)).QuerySelector("[data-testid=new-api-key]") as IHtmlInputElement)?.Value
                    ?? throw new InvalidOperationException("No key shown.");
                return new Holder(client, key, First("CardId"), First("TerminalId"));
            }
            catch
            {
                client.Dispose();
                throw;
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

        private sealed class ForwardedTls : DelegatingHandler
        {
            protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            {
                request.Headers.Add("X-Forwarded-Proto", "https");
                return base.SendAsync(request, cancellationToken);
            }
        }
    }
}

/// <summary>
/// The app processes of these tests, a PostgreSQL cluster and timing bounds on the test machine's cores: run alone,
/// after the parallel tests, so neither they nor the others are starved.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DatabaseFaultGroup
{
    public const string Name = "database-faults";
}
