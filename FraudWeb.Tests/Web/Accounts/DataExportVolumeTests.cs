using System.Net;
using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Privacy;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Accounts;

/// <summary>The app without seeded history, with a low download limit, for holders with long histories.</summary>
public sealed class DataExportFactory : FraudWebFactory
{
    public const int DownloadsAnHour = 3;

    public DataExportFactory()
    {
        Settings["Seed:Enabled"] = "false";
        Settings["Seed:TrainModel"] = "false";
        Settings["RateLimits:DataExport:PerAccount"] = DownloadsAnHour.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}

/// <summary>The data download of a long history is streamed, a chunk of payments at a time, and rate-limited.</summary>
public sealed class DataExportVolumeTests(DataExportFactory factory) : IClassFixture<DataExportFactory>
{
    /// <summary>A holder with one card and <paramref name="payments"/> scored payments, written straight to the database.</summary>
    private async Task<(CardHolderSession Holder, List<long> Ids)> HolderWithPaymentsAsync(int payments)
    {
        var holder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await holder.AddCardAsync(20_000m);
        var ids = await factory.QueryAsync(async db =>
        {
            var terminal = Terminal.Create("Volume Test Market", "grocery", 10, 10);
            db.Terminals.Add(terminal);
            await db.SaveChangesAsync();
            var card = await db.Cards.SingleAsync(c => c.Id == cardId);
            var start = factory.Clock.UtcNow.AddDays(-30);
            var rows = new List<CardTransaction>();
            for (var i = 0; i < payments; i++)
            {
                var payment = CardTransaction.Submit(card, terminal.Id, 1.25m, start.AddMinutes(i));
                payment.RecordVerdict(new Verdict(12, i % 50 == 0 ? Decision.Review : Decision.Approved, "volume-test", "[]", 1.0, null));
                rows.Add(payment);
            }
            db.Transactions.AddRange(rows);
            await db.SaveChangesAsync();
            return rows.Select(r => r.Id).Order().ToList();
        });
        return (holder, ids);
    }

    [Fact]
    public async Task Export_ThreeThousandPayments_StreamedInChunksAllPresentInOrder()
    {
        // Arrange
        const int count = 3_000;
        var (holder, ids) = await HolderWithPaymentsAsync(count);
        using var _ = holder;
        var page = await Html.GetPageAsync(holder.Client, "/Privacy");
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        var reads = 0;
        // This holder's payment reads only (other classes' apps run meanwhile in this process): the export's tag and their id.
        using var watch = EfEvents.Subscribe("Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted", data =>
        {
            if (data is not Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData { Command: var command }) return;
            if (command.CommandText.Contains(DataExportService.PaymentsTag, StringComparison.Ordinal)
                && command.Parameters.Cast<System.Data.Common.DbParameter>().Any(p => Equals(p.Value, userId)))
                Interlocked.Increment(ref reads);
        });

        // Act: read as a browser saving the file would, headers first.
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/Privacy/Export", UriKind.Relative))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", Html.AntiforgeryToken(page))]),
        };
        using var response = await holder.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await using var stream = await response.Content.ReadAsStreamAsync();
        using var document = await JsonDocument.ParseAsync(stream);

        // Assert: every payment once, oldest first; no length known up front (written as read); one query per chunk.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(response.Content.Headers.ContentLength);
        var exported = document.RootElement.GetProperty("payments").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(ids, exported);
        Assert.Equal(count / 50, document.RootElement.GetProperty("payments").EnumerateArray().Count(p => p.GetProperty("status").GetString() == "review"));
        Assert.InRange(reads, count / DataExportService.Chunk, count / DataExportService.Chunk + 1);
    }

    [Fact]
    public async Task Export_PaymentStoredWhileReading_InNoPartOfThisFileAndInTheNext()
    {
        // Arrange: a payment stored from another connection once the export has read the holder's reports (its cards,
        // keys and security events before them), before it reads the payments, as a payment made meanwhile would be.
        var (holder, ids) = await HolderWithPaymentsAsync(3);
        using var _ = holder;
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        long? added = null;
        var fired = 0;
        using (EfEvents.Subscribe("Microsoft.EntityFrameworkCore.Database.Command.CommandExecuted", data =>
        {
            if (data is not Microsoft.EntityFrameworkCore.Diagnostics.CommandExecutedEventData { Command: var command }
                || !command.CommandText.Contains("\"FraudReports\"", StringComparison.Ordinal)
                || !command.Parameters.Cast<System.Data.Common.DbParameter>().Any(p => Equals(p.Value, userId))
                || Interlocked.Exchange(ref fired, 1) == 1) return;
            added = HolderPaymentAsync(ids[0]).GetAwaiter().GetResult().Id;
        }))
        {
            // Act
            await using var output = new MemoryStream();
            using (var scope = factory.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<DataExportService>().WriteAsync(userId, output, CancellationToken.None);
            var first = System.Text.Encoding.UTF8.GetString(output.ToArray());
            await using var again = new MemoryStream();
            using (var scope = factory.Services.CreateScope())
                await scope.ServiceProvider.GetRequiredService<DataExportService>().WriteAsync(userId, again, CancellationToken.None);

            // Assert: the file is the moment its reading began; the payment is in the next one
            Assert.NotNull(added);
            Assert.Equal(ids, PaymentIds(first));
            Assert.Equal([.. ids, added.Value], PaymentIds(System.Text.Encoding.UTF8.GetString(again.ToArray())));
        }
    }

    [Fact]
    public async Task Export_ClientReadingSlowly_NoTransactionHeldWhileSending()
    {
        // Arrange: whatever the client's pace, the response is written while the read's transaction is open or not. Held
        // open, each slow download kept a pooled PostgreSQL connection (16 an instance) until the client had read it all.
        var (holder, _) = await HolderWithPaymentsAsync(3);
        using var _ = holder;
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        using var scope = factory.Services.CreateScope();
        var context = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
        var openAtWrites = new List<bool>();
        await using var output = new WatchedStream(() => openAtWrites.Add(context.Database.CurrentTransaction is not null));

        // Act
        await scope.ServiceProvider.GetRequiredService<DataExportService>().WriteAsync(userId, output, CancellationToken.None);

        // Assert: every write to the client came after the transaction ended; the document is whole.
        Assert.NotEmpty(openAtWrites);
        Assert.DoesNotContain(true, openAtWrites);
        Assert.Equal(3, PaymentIds(System.Text.Encoding.UTF8.GetString(output.ToArray())).Count);
        Assert.Null(context.Database.CurrentTransaction);
    }

    [Fact]
    public async Task Export_FileLeftByAKilledProcess_DeletedByTheNextDownload()
    {
        // Arrange: a download's file (personal data) that a process killed mid-download never deleted, and a recent one.
        var (holder, _) = await HolderWithPaymentsAsync(1);
        using var _ = holder;
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        var directory = Path.Combine(factory.Services.GetRequiredService<FraudWeb.Infrastructure.Options.FraudWebPaths>().DataDirectory, "exports");
        Directory.CreateDirectory(directory);
        var left = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".json");
        var recent = Path.Combine(directory, Guid.NewGuid().ToString("N") + ".json");
        await File.WriteAllTextAsync(left, "{}");
        await File.WriteAllTextAsync(recent, "{}");
        File.SetLastWriteTimeUtc(left, DateTime.UtcNow.AddHours(-2));

        // Act
        using (var scope = factory.Services.CreateScope())
        {
            await using var output = new MemoryStream();
            await scope.ServiceProvider.GetRequiredService<DataExportService>().WriteAsync(userId, output, CancellationToken.None);
        }

        // Assert: the old one is gone; one as recent as a download in progress stays (its owner deletes it).
        Assert.False(File.Exists(left));
        Assert.True(File.Exists(recent));
        File.Delete(recent);
    }

    private static List<long> PaymentIds(string document)
    {
        using var json = JsonDocument.Parse(document);
        return json.RootElement.GetProperty("payments").EnumerateArray().Select(p => p.GetProperty("id").GetInt64()).ToList();
    }

    /// <summary>Another payment on the card of <paramref name="paymentId"/>, stored through its own context.</summary>
    private Task<CardTransaction> HolderPaymentAsync(long paymentId) => factory.QueryAsync(async db =>
    {
        var existing = await db.Transactions.AsNoTracking().SingleAsync(t => t.Id == paymentId);
        var card = await db.Cards.SingleAsync(c => c.Id == existing.CardId);
        var payment = CardTransaction.Submit(card, existing.TerminalId, 2.50m, factory.Clock.UtcNow.AddMinutes(-1));
        payment.RecordVerdict(new Verdict(10, Decision.Approved, "volume-test", "[]", 1.0, null));
        db.Transactions.Add(payment);
        await db.SaveChangesAsync();
        return payment;
    });

    /// <summary>Runs <paramref name="onWrite"/> at every write, before its bytes are kept.</summary>
    private sealed class WatchedStream(Action onWrite) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            onWrite();
            return base.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count)
        {
            onWrite();
            base.Write(buffer, offset, count);
        }
    }

    [Fact]
    public async Task Export_OverTheHourlyLimit_Answers429WithRetryAfter()
    {
        // Arrange
        var (holder, _) = await HolderWithPaymentsAsync(3);
        using var _h = holder;
        for (var i = 0; i < DataExportFactory.DownloadsAnHour; i++)
            Assert.Equal(HttpStatusCode.OK, (await Html.SubmitAsync(holder.Client, "/Privacy/Export", [], "/Privacy")).StatusCode);

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Privacy/Export", [], "/Privacy");

        // Assert
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(DataExportFactory.DownloadsAnHour, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(e => e.Action == Services.Admin.AuditActions.UserExport
            && db.Users.Any(u => u.Id == e.ActorId && u.Email == holder.Email))));
    }

    [Fact]
    public async Task Close_HolderWithPaymentsHeldForReview_ClosedAndHeldPaymentsStay()
    {
        // Arrange: an installation with no administrator yet must not stop a holder closing (the guard's rule).
        var (holder, ids) = await HolderWithPaymentsAsync(100);
        using var _h = holder;
        var page = await Html.GetPageAsync(holder.Client, "/Privacy/Close");

        // Act
        var response = await Html.SubmitAsync(holder.Client, "/Privacy/Close", [new("Form.CurrentPassword", FraudWebFactory.Password)], "/Privacy/Close");

        // Assert
        Assert.Contains("(2)", page.QuerySelector("[data-testid=close-held]")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(page.QuerySelector("[data-testid=close-balance]"));
        Assert.Equal("/Privacy/Closed", Html.Location(response));
        Assert.Equal(ids.Count, await factory.QueryAsync(db => db.Transactions.CountAsync(t => ids.Contains(t.Id) && t.Card!.CardHolder!.UserId == null)));
    }
}
