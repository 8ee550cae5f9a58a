using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using FraudWeb.Api;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Options;
using FraudWeb.Services.Accounts;
using FraudWeb.Services.Admin;
using FraudWeb.Services.Cards;
using FraudWeb.Services.Scoring;
using LinqKit;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Privacy;

/// <summary>
/// Everything kept about a person, as one JSON document they download (docs/decisions/0024, README "Your data"):
/// their account, personal details, cards (last four, never a number or fingerprint), API keys (never a secret or
/// hash), the security events the audit log holds about them, their fraud reports and every payment as they see it.
/// Written to a private file as it is read, payments a chunk at a time, so a long history is never held whole in memory;
/// then sent from the file at the client's pace.
/// </summary>
public sealed class DataExportService(FraudDbContext db, UserManager<ApplicationUser> users, AccountService accounts, AuditLog audit, TimeProvider clock,
    FraudWebPaths paths)
{
    /// <summary>The document's format name and version (the "format" and "version" keys); the shape is documented in README.md.</summary>
    public const string Format = "fraudweb-personal-data";
    public const int Version = 1;

    /// <summary>Payments read per query: a page of rows in memory at a time, whatever the history's length.</summary>
    public const int Chunk = 500;

    /// <summary>The tag on the payment reads (in the SQL, for whoever reads the database's slow-query log).</summary>
    public const string PaymentsTag = "personal data export: payments";

    /// <summary>
    /// Chinese kept readable (UTF-8, not \u escapes); HTML-significant characters still escaped, so a browser that
    /// sniffs the file never finds markup in it.
    /// </summary>
    private static readonly JsonWriterOptions Options = new() { Indented = true, Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>Records the download in the audit log (who, when; nothing of the data) before it starts.</summary>
    /// <returns>Not found for an account that no longer exists.</returns>
    public async Task<Result> RecordAsync(string userId, CancellationToken cancellationToken)
    {
        if (await users.FindByIdAsync(userId) is null) return Result.NotFound();
        await audit.AppendAsync(userId, AuditActions.UserExport, AuditTargets.User, userId, null, new { Format, Version }, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        return Result.Ok;
    }

    /// <summary>The download's file name, dated in UTC.</summary>
    public string FileName() => $"fraudweb-my-data-{clock.GetUtcNow().UtcDateTime:yyyy-MM-dd}.json";

    /// <summary>Writes the person's document to <paramref name="output"/> in the current language's texts (the keys never change).</summary>
    public async Task WriteAsync(string userId, Stream output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        // Read at the database's pace into a file of the app's own, then sent at the client's: the snapshot's transaction
        // (on PostgreSQL a pooled connection, 16 an instance) ends when the reading does. Written straight to the client, a
        // download read slowly held it for as long, and a few such downloads left every other request without a connection.
        await using var file = TemporaryFile();
        await using (await ReadSnapshot.BeginAsync(db, cancellationToken))
            await WriteDocumentAsync(userId, file, cancellationToken);
        file.Position = 0;
        await file.CopyToAsync(output, cancellationToken);
    }

    /// <summary>
    /// A file only the app's user may read, in the data directory, deleted when closed (it holds personal data). One a
    /// process killed mid-download left behind is deleted by a later download.
    /// </summary>
    private FileStream TemporaryFile()
    {
        var directory = Path.Combine(paths.DataDirectory, "exports");
        FraudWebPaths.CreatePrivate(directory);
        foreach (var left in Directory.EnumerateFiles(directory, "*.json").Where(f => File.GetLastWriteTimeUtc(f) < DateTime.UtcNow - LeftBehindAfter))
        {
            try
            {
                File.Delete(left);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Still open (Windows) or not ours: the next download tries again.
            }
        }
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.ReadWrite,
            Share = FileShare.None,
            Options = FileOptions.DeleteOnClose | FileOptions.Asynchronous,
        };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        return new FileStream(Path.Combine(directory, Guid.NewGuid().ToString("N") + ".json"), options);
    }

    /// <summary>How old a download's file is surely no longer in use (the reading takes seconds; only the sending is slow, and is done from the open file).</summary>
    private static readonly TimeSpan LeftBehindAfter = TimeSpan.FromHours(1);

    /// <summary>The document itself, read in one snapshot (<see cref="ReadSnapshot"/>): a payment or report made meanwhile is in none of its parts or in all.</summary>
    private async Task WriteDocumentAsync(string userId, Stream output, CancellationToken cancellationToken)
    {
        var user = await users.FindByIdAsync(userId) ?? throw new InvalidOperationException("The account no longer exists.");
        await using var json = new Utf8JsonWriter(output, Options);
        json.WriteStartObject();
        json.WriteString("format", Format);
        json.WriteNumber("version", Version);
        json.WriteString("exportedUtc", clock.GetUtcNow().UtcDateTime);
        json.WriteString("language", Languages.Current);
        await WriteAccountAsync(json, user);
        var holder = await db.CardHolders.AsNoTracking().OwnedBy(userId).FirstOrDefaultAsync(cancellationToken);
        WriteProfile(json, holder);
        await WriteCardsAsync(json, userId, cancellationToken);
        await WriteApiKeysAsync(json, userId, cancellationToken);
        await WriteSecurityEventsAsync(json, userId, cancellationToken);
        await WriteReportsAsync(json, userId, cancellationToken);
        await json.FlushAsync(cancellationToken);
        await WritePaymentsAsync(json, userId, cancellationToken);
        json.WriteEndObject();
        await json.FlushAsync(cancellationToken);
    }

    private async Task WriteAccountAsync(Utf8JsonWriter json, ApplicationUser user)
    {
        json.WriteStartObject("account");
        json.WriteString("id", user.Id);
        json.WriteString("email", user.Email);
        json.WriteBoolean("emailConfirmed", user.EmailConfirmed);
        json.WriteString("createdUtc", user.CreatedUtc);
        json.WriteString("mailLanguage", await accounts.LanguageAsync(user));
        // Kept so a taken address costs registration what a new one does (ADR 0031); it is about them, so it is theirs.
        json.WriteString("registeredAgainUtc", await accounts.RegisteredAgainAsync(user));
        json.WriteBoolean("twoStepSignIn", user.TwoFactorEnabled);
        json.WriteStartArray("roles");
        foreach (var role in (await users.GetRolesAsync(user)).Order(StringComparer.Ordinal)) json.WriteStringValue(role);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteProfile(Utf8JsonWriter json, CardHolder? holder)
    {
        if (holder is null)
        {
            json.WriteNull("profile");
            return;
        }
        json.WriteStartObject("profile");
        json.WriteString("fullName", holder.FullName);
        json.WriteString("phoneNumber", holder.PhoneNumber);
        if (holder.DateOfBirth is { } born) json.WriteString("dateOfBirth", born.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        else json.WriteNull("dateOfBirth");
        if (holder.Address is { } address)
        {
            json.WriteStartObject("address");
            json.WriteString("line1", address.Line1);
            json.WriteString("line2", address.Line2);
            json.WriteString("city", address.City);
            json.WriteString("postcode", address.Postcode);
            json.WriteString("country", address.Country);
            json.WriteEndObject();
        }
        else json.WriteNull("address");
        json.WriteString("createdUtc", holder.CreatedUtc);
        // The separate consent (PIPL article 29) and the notice it was given to: null when none is recorded.
        if (holder.ConsentedUtc is { } consented)
        {
            json.WriteStartObject("consent");
            json.WriteString("givenUtc", consented);
            json.WriteString("privacyNotice", holder.ConsentNotice);
            json.WriteEndObject();
        }
        else json.WriteNull("consent");
        json.WriteEndObject();
    }

    private async Task WriteCardsAsync(Utf8JsonWriter json, string userId, CancellationToken cancellationToken)
    {
        // Projected, so the fingerprint is never even read.
        var cards = await db.Cards.AsNoTracking().OwnedBy(userId).OrderBy(c => c.Id)
            .Select(c => new { c.Id, c.Brand, c.Last4, c.ExpiryMonth, c.ExpiryYear, c.CardholderName, c.CreditLimit, c.Balance, c.AddedUtc, c.StoppedAs, c.StoppedUtc, c.BlockReason, c.BlockNote })
            .ToListAsync(cancellationToken);
        json.WriteStartArray("cards");
        foreach (var c in cards)
        {
            json.WriteStartObject();
            json.WriteNumber("id", c.Id);
            json.WriteString("brand", Kebab(c.Brand.ToString()));
            json.WriteString("last4", c.Last4);
            json.WriteString("masked", CardNumber.Mask(c.Brand, c.Last4));
            json.WriteNumber("expiryMonth", c.ExpiryMonth);
            json.WriteNumber("expiryYear", c.ExpiryYear);
            json.WriteString("cardholderName", c.CardholderName);
            json.WriteString("creditLimit", ApiMoney.Format(c.CreditLimit));
            json.WriteString("balance", ApiMoney.Format(c.Balance));
            json.WriteString("currency", ApiMoney.Currency);
            json.WriteString("addedUtc", c.AddedUtc);
            // Removed or reported lost or stolen (docs/decisions/0023), or blocked by the bank (0028): null while the card takes payments.
            if (c.StoppedAs is { } stop) json.WriteString("stopped", Kebab(stop.ToString())); else json.WriteNull("stopped");
            if (c.StoppedUtc is { } stoppedUtc) json.WriteString("stoppedUtc", stoppedUtc); else json.WriteNull("stoppedUtc");
            // Why the bank blocked it and staff's note about it (data about the holder): null unless blocked.
            if (c.BlockReason is { } reason) json.WriteString("blockReason", Kebab(reason.ToString())); else json.WriteNull("blockReason");
            if (c.BlockNote is { } note) json.WriteString("blockNote", note); else json.WriteNull("blockNote");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private async Task WriteApiKeysAsync(Utf8JsonWriter json, string userId, CancellationToken cancellationToken)
    {
        // Projected: the hash is never read.
        var keys = await db.ApiKeys.AsNoTracking().OwnedBy(userId).OrderBy(k => k.Id)
            .Select(k => new { k.Id, k.Name, k.Prefix, k.Scopes, k.CreatedUtc, k.ExpiresUtc, k.RevokedUtc, k.LastUsedUtc })
            .ToListAsync(cancellationToken);
        json.WriteStartArray("apiKeys");
        foreach (var k in keys)
        {
            json.WriteStartObject();
            json.WriteNumber("id", k.Id);
            json.WriteString("name", k.Name);
            json.WriteString("prefix", k.Prefix);
            json.WriteStartArray("scopes");
            foreach (var scope in k.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries)) json.WriteStringValue(scope);
            json.WriteEndArray();
            json.WriteString("createdUtc", k.CreatedUtc);
            json.WriteString("expiresUtc", k.ExpiresUtc);
            WriteTime(json, "revokedUtc", k.RevokedUtc);
            WriteTime(json, "lastUsedUtc", k.LastUsedUtc);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    /// <summary>
    /// What the audit log holds about the account and its keys: the action, when, and whether they, staff or the system
    /// did it (never which staff member: that is someone else's data): changes to the account and its credentials, and lockouts. Sign-ins themselves go to the application log only.
    /// </summary>
    private async Task WriteSecurityEventsAsync(Utf8JsonWriter json, string userId, CancellationToken cancellationToken)
    {
        // Key entries name the key by its prefix (ApiKeyService), card entries (a stop) the card by its id.
        var prefixes = await db.ApiKeys.AsNoTracking().OwnedBy(userId).Select(k => k.Prefix).ToListAsync(cancellationToken);
        var cardIds = (await db.Cards.AsNoTracking().OwnedBy(userId).Select(c => c.Id).ToListAsync(cancellationToken))
            .ConvertAll(id => id.ToString(CultureInfo.InvariantCulture));
        var events = await db.Set<AuditEntry>().AsNoTracking()
            .Where(e => (e.TargetType == AuditTargets.User && e.TargetId == userId) || (e.TargetType == AuditTargets.ApiKey && prefixes.Contains(e.TargetId))
                || (e.TargetType == CardService.AuditTarget && cardIds.Contains(e.TargetId)))
            .OrderBy(e => e.Id).Select(e => new { e.TimestampUtc, e.Action, e.TargetType, e.TargetId, e.ActorId })
            .ToListAsync(cancellationToken);
        json.WriteStartArray("securityEvents");
        foreach (var e in events)
        {
            json.WriteStartObject();
            json.WriteString("timestampUtc", e.TimestampUtc);
            json.WriteString("action", e.Action);
            json.WriteString("target", e.TargetType switch
            {
                AuditTargets.ApiKey => "api-key " + e.TargetId,
                CardService.AuditTarget => "card " + e.TargetId,
                _ => "account",
            });
            json.WriteString("by", e.ActorId == userId ? "you" : e.ActorId == AuditLog.SystemActor ? "system" : "staff");
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private async Task WriteReportsAsync(Utf8JsonWriter json, string userId, CancellationToken cancellationToken)
    {
        var cards = db.Cards.OwnedBy(userId);
        var reports = await db.FraudReports.AsNoTracking().Where(r => cards.Any(c => c.Id == r.CardId)).OrderBy(r => r.Id)
            .Select(r => new { r.Id, r.TransactionId, r.CardId, r.Kind, r.Reason, r.Status, r.CreatedUtc, r.DecidedUtc })
            .ToListAsync(cancellationToken);
        json.WriteStartArray("fraudReports");
        foreach (var r in reports)
        {
            json.WriteStartObject();
            json.WriteNumber("id", r.Id);
            json.WriteNumber("paymentId", r.TransactionId);
            json.WriteNumber("cardId", r.CardId);
            json.WriteString("kind", Kebab(r.Kind.ToString()));
            json.WriteString("reason", r.Reason);
            json.WriteString("status", Kebab(r.Status.ToString()));
            json.WriteString("createdUtc", r.CreatedUtc);
            WriteTime(json, "decidedUtc", r.DecidedUtc);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }

    private sealed record PaymentRow(long Id, long CardId, CardBrand Brand, string Last4, string Merchant, decimal Amount, DateTime TimestampUtc,
        Verdict? Verdict, PaymentStatus Status, FraudLabel Label, string? SettlementReason, DateTime? SettledUtc, DateTime? RefundedUtc, string? RefundReason);

    /// <summary>Every payment, oldest first, read <see cref="Chunk"/> at a time by id (keyset) and flushed after each chunk.</summary>
    private async Task WritePaymentsAsync(Utf8JsonWriter json, string userId, CancellationToken cancellationToken)
    {
        json.WriteStartArray("payments");
        var after = 0L;
        while (true)
        {
            var from = after;
            var rows = await db.Transactions.AsNoTracking().TagWith(PaymentsTag).OwnedBy(userId).Where(t => t.Id > from).OrderBy(t => t.Id).Take(Chunk)
                .Select(t => new PaymentRow(t.Id, t.CardId, t.Card!.Brand, t.Card.Last4, t.Terminal!.Name, t.Amount, t.TimestampUtc, t.Verdict,
                    PaymentStatusRule.Expression.Invoke(t), t.Label, t.SettlementReason, t.SettledUtc, t.RefundedUtc, t.RefundReason))
                .ToListAsync(cancellationToken);
            foreach (var row in rows) WritePayment(json, row);
            await json.FlushAsync(cancellationToken);
            if (rows.Count < Chunk) break;
            after = rows[^1].Id;
        }
        json.WriteEndArray();
    }

    private static void WritePayment(Utf8JsonWriter json, PaymentRow row)
    {
        json.WriteStartObject();
        json.WriteNumber("id", row.Id);
        json.WriteNumber("cardId", row.CardId);
        json.WriteString("card", CardNumber.Mask(row.Brand, row.Last4));
        json.WriteString("merchant", row.Merchant);
        json.WriteString("amount", ApiMoney.Format(row.Amount));
        json.WriteString("currency", ApiMoney.Currency);
        json.WriteString("timestampUtc", row.TimestampUtc);
        json.WriteString("status", PaymentResources.Name(row.Status));
        if (row.Verdict is { } verdict)
        {
            // No risk score: holders see decisions and reasons in words only (no tuning oracle, docs/security.md 8.2.x).
            json.WriteString("decision", PaymentResources.Name(verdict.Decision));
            // What the payment's page says (VerdictPanel), as the API says it, in the person's language.
            var decline = DeclineReasons.Shown(row.Status, row.Label, row.SettlementReason, verdict.DeclineReason);
            json.WriteString("declineReason", PaymentResources.DeclineCode(decline));
            json.WriteString("declineMessage", decline is null ? null : Text.Get(decline));
            json.WriteStartArray("reasons");
            foreach (var reason in PaymentResources.HolderReasons(verdict))
            {
                json.WriteStartObject();
                json.WriteString("feature", reason.Feature);
                json.WriteString("direction", reason.Direction);
                json.WriteString("text", reason.Feature == PaymentResources.RuleFeature ? Text.Get(reason.Text) : ReasonPhrases.Localized(reason.Text));
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        else
        {
            json.WriteNull("decision");
            json.WriteNull("declineReason");
            json.WriteNull("declineMessage");
            json.WriteStartArray("reasons");
            json.WriteEndArray();
        }
        WriteTime(json, "reviewedUtc", row.SettledUtc);
        WriteTime(json, "refundedUtc", row.RefundedUtc);
        json.WriteString("refundMessage", row.RefundReason is null ? null : Text.Get(row.RefundReason));
        json.WriteEndObject();
    }

    private static void WriteTime(Utf8JsonWriter json, string name, DateTime? value)
    {
        if (value is { } time) json.WriteString(name, time);
        else json.WriteNull(name);
    }

    private static string Kebab(string name) => JsonNamingPolicy.KebabCaseLower.ConvertName(name);
}
