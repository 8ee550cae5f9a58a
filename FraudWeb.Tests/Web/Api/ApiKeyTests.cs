using FraudWeb.Services.Accounts;
using System.Net;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;
using FraudWeb.Services;
using FraudWeb.Services.Admin;
using FraudWeb.Services.ApiKeys;
using FraudWeb.Tests.Web.Infrastructure;
using FraudWeb.ViewModelBuilders;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FraudWeb.Tests.Web.Api;

/// <summary>A card holder's keys: shown once, stored as a keyed hash, revocable, expiring, audited; keys and cookies never cross over.</summary>
[Collection(WebTestGroup.Name)]
public sealed class ApiKeyTests(FraudWebFactory factory)
{
    private static string PrefixOf(string key) => key[..ApiKey.PrefixLength];

    /// <summary>Changes a user as the administration pages do: the change, then a new security stamp.</summary>
    private async Task ChangeUserAsync(string email, Func<UserManager<ApplicationUser>, ApplicationUser, Task<IdentityResult>> change)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        Assert.True((await change(users, user)).Succeeded);
        Assert.True((await users.UpdateSecurityStampAsync(user)).Succeeded);
    }

    [Fact]
    public async Task Create_OnThePage_ShownOnceStoredOnlyAsAKeyedHashAndAudited()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        var list = await Html.GetPageAsync(holder.Client, "/ApiKeys");
        var stored = await factory.QueryAsync(db => db.ApiKeys.AsNoTracking().SingleAsync(k => k.Prefix == PrefixOf(key)));

        // Assert
        Assert.Matches("^fwk_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$", key);
        Assert.DoesNotContain(key, list.Source.Text, StringComparison.Ordinal);
        Assert.NotNull(list.QuerySelector($"tr[data-key-prefix='{stored.Prefix}']"));
        Assert.Equal(64, stored.Hash.Length);
        Assert.DoesNotContain(key[ApiKey.PrefixLength..], stored.Hash, StringComparison.Ordinal);
        // Keyed (tests review: a plain SHA-256 passed): no unkeyed digest of the key or of its secret part.
        string[] parts = [key, key[ApiKey.PrefixLength..], key[(ApiKey.PrefixLength + 1)..]];
        Assert.All(parts, p => Assert.NotEqual(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(p))), stored.Hash));
        Assert.All(parts, p => Assert.NotEqual(Convert.ToHexStringLower(System.Security.Cryptography.HMACSHA256.HashData(new byte[32], System.Text.Encoding.UTF8.GetBytes(p))), stored.Hash));
        Assert.Equal(ApiScopes.PaymentsRead, stored.Scopes);
        Assert.DoesNotContain(key[(ApiKey.PrefixLength + 1)..], await StoredData.RawAsync(factory), StringComparison.Ordinal);
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.ApiKeyCreate && a.TargetId == stored.Prefix && a.ActorId == stored.OwnerId)));
    }

    [Fact]
    public async Task Index_YearsOfRotatedKeys_WorkingKeyAndOnlyTheNewestRevokedOnesShown()
    {
        // Arrange (volume review: every key a holder ever made was on the page, 1.6 MB at 3,000 keys): 60 keys made and
        // revoked one after another, then the one in use
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var ownerId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        var now = factory.Clock.GetUtcNow().UtcDateTime;
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            for (var i = 0; i < 60; i++)
            {
                var old = ApiKey.Create(ownerId, $"rotated {i}", "fwk_" + Guid.NewGuid().ToString("N")[..8], new string('c', 64), [ApiScopes.PaymentsRead], ownerId,
                    now.AddDays(-60 + i), TimeSpan.FromDays(30));
                old.Revoke(now.AddDays(-59 + i));
                db.ApiKeys.Add(old);
            }
            await db.SaveChangesAsync();
        }
        var working = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);

        // Act
        var page = await Html.GetPageAsync(holder.Client, "/ApiKeys");

        // Assert: the working key, and the 50 newest revoked ones (the 10 oldest left out)
        var rows = page.QuerySelectorAll("#api-keys tbody tr");
        Assert.Equal(1 + ApiKeyViewModelBuilder.InactiveShown, rows.Length);
        Assert.Equal(PrefixOf(working), rows[0].GetAttribute("data-key-prefix"));
        var names = rows.Select(r => r.QuerySelector("td")!.TextContent).ToList();
        Assert.Contains("rotated 59", names);
        Assert.Contains("rotated 10", names);
        Assert.DoesNotContain("rotated 9", names);
    }

    /// <summary>The create form's fields as the page gives them (its one-time key and token), with a name and a scope.</summary>
    private static async Task<List<KeyValuePair<string, string>>> CreateFormAsync(HttpClient client, string name)
    {
        var page = await Html.GetPageAsync(client, "/ApiKeys");
        var formKey = (page.QuerySelector("input[name=SubmissionKey]") as AngleSharp.Html.Dom.IHtmlInputElement)!.Value;
        return [new("Name", name), new("LifetimeDays", "30"), new("Scopes", ApiScopes.PaymentsRead), new("SubmissionKey", formKey),
            new("__RequestVerificationToken", Html.AntiforgeryToken(page))];
    }

    [Fact]
    public async Task Create_ShownPageReloaded_NoSecondKeyAndTheListNamesTheFirst()
    {
        // Arrange: the page showing a new key is the POST's answer; reloading it sends the form again.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var form = await CreateFormAsync(holder.Client, "checkout");
        var created = await holder.Client.PostAsync(new Uri("/ApiKeys/Create", UriKind.Relative), new FormUrlEncodedContent(form));
        var key = ((await Html.ParseAsync(created)).QuerySelector("[data-testid=new-api-key]") as AngleSharp.Html.Dom.IHtmlInputElement)!.Value;

        // Act
        var again = await holder.Client.PostAsync(new Uri("/ApiKeys/Create", UriKind.Relative), new FormUrlEncodedContent(form));

        // Assert: back to the list, which says which key the form made; one key only, and the first still works.
        Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        Assert.Equal("/ApiKeys", Html.Location(again));
        var list = await Html.GetPageAsync(holder.Client, "/ApiKeys");
        var error = list.QuerySelector("[role=alert]")!.TextContent;
        Assert.Contains("already created the key \"checkout\" (" + PrefixOf(key) + ")", error, StringComparison.Ordinal);
        Assert.DoesNotContain(key, list.Source.Text, StringComparison.Ordinal);
        Assert.Single(list.QuerySelectorAll("tr[data-key-prefix]"));
        using var api = factory.ApiClient(key);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri("/api/v1/payments", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Create_SamePageSentTwiceAtOnce_OneKey()
    {
        // Arrange: a double click sends the same page twice before either answer.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var form = await CreateFormAsync(holder.Client, "double click");

        // Act
        var answers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            holder.Client.PostAsync(new Uri("/ApiKeys/Create", UriKind.Relative), new FormUrlEncodedContent(form))));

        // Assert: one page shows a key; the others go back to the list; one key stored and audited.
        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Redirect));
        var ownerId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        Assert.Equal(1, await factory.QueryAsync(db => db.ApiKeys.CountAsync(k => k.OwnerId == ownerId)));
        Assert.Equal(1, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == AuditActions.ApiKeyCreate && a.ActorId == ownerId)));
    }

    [Fact]
    public async Task Create_PageWithATamperedFormKey_RefusedWithANewKeyOnThePage()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var form = (await CreateFormAsync(holder.Client, "tampered")).Select(f => f.Key == "SubmissionKey" ? new KeyValuePair<string, string>(f.Key, "not-a-key") : f).ToList();

        // Act
        var answer = await holder.Client.PostAsync(new Uri("/ApiKeys/Create", UriKind.Relative), new FormUrlEncodedContent(form));

        // Assert
        var page = await Html.ParseAsync(answer);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Contains("This form has expired. Reload the page and create the key again.", Html.ValidationMessages(page));
        Assert.Matches("^[0-9a-f]{32}$", (page.QuerySelector("input[name=SubmissionKey]") as AngleSharp.Html.Dom.IHtmlInputElement)!.Value);
        Assert.Null(page.QuerySelector("[data-testid=new-api-key]"));
    }

    [Fact]
    public async Task Index_NothingWrong_NoErrorBox()
    {
        // Arrange (UI review: an empty red box on every visit; the summary's hidden item needs an inline style the CSP refuses)
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var page = await Html.GetPageAsync(holder.Client, "/ApiKeys");

        // Assert
        Assert.Empty(page.QuerySelectorAll(".alert-danger"));
        Assert.Empty(page.QuerySelectorAll("[style]"));
    }

    [Fact]
    public async Task Revoke_OnThePage_KeyRefusedAtOnceAndAudited()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        using var api = factory.ApiClient(key);
        Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(factory, "/api/v1/payments")).Status);
        var id = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.Prefix == PrefixOf(key)).Select(k => k.Id).SingleAsync());

        // Act
        var revoked = await Html.SubmitAsync(holder.Client, $"/ApiKeys/Revoke/{id}", [], "/ApiKeys");
        var after = await api.GetAsync(factory, "/api/v1/payments");

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, after.Status);
        Assert.Contains("invalid_token", after.Message.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        Assert.True(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.ApiKeyRevoke && a.TargetId == PrefixOf(key))));
        Assert.Equal("Revoked", (await Html.GetPageAsync(holder.Client, "/ApiKeys")).QuerySelector($"tr[data-key-prefix='{PrefixOf(key)}'] [data-status]")!.GetAttribute("data-status"));
    }

    [Fact]
    public async Task ResetPassword_FromTheMailedLink_EveryKeyRevokedAuditedAsTheOwnersAndSaidSo()
    {
        // Arrange (security review: someone who had the password made a key; the owner took the account back with a
        // reset, every session ended, and the key still read and made payments)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var keys = new[] { await holder.CreateKeyAsync(ApiScopes.PaymentsRead), await holder.CreateKeyAsync(ApiScopes.PaymentsWrite) };
        await holder.SignOutAsync();
        await Html.SubmitAsync(holder.Client, "/Account/ForgotPassword", new Dictionary<string, string> { ["Email"] = holder.Email });
        var link = Mailbox.LinkTo(Mailbox.MessageTo(factory, holder.Email, "Reset your FraudWeb password"), "/Account/ResetPassword");
        var page = await Html.GetPageAsync(holder.Client, link);
        var fields = new Dictionary<string, string>
        {
            ["Email"] = page.QuerySelector("input[name=Email]")!.GetAttribute("value")!,
            ["Token"] = page.QuerySelector("input[name=Token]")!.GetAttribute("value")!,
            ["Password"] = "Harbour violet 58 quartz",
            ["ConfirmPassword"] = "Harbour violet 58 quartz",
        };

        // Act
        var reset = await Html.SubmitAsync(holder.Client, "/Account/ResetPassword", fields, link);
        var confirmation = await Html.GetPageAsync(holder.Client, Html.Location(reset));

        // Assert
        foreach (var key in keys) Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments")).Status);
        var ownerId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        var prefixes = keys.Select(PrefixOf).ToList();
        Assert.Equal(2, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == AuditActions.ApiKeyRevoke && prefixes.Contains(a.TargetId) && a.ActorId == ownerId)));
        Assert.Contains("Your 2 API keys were revoked with the old password", confirmation.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangePassword_SignedIn_TheKeyRevokedAndSaidSo()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        const string newPassword = "Copper meadow 41 lantern";

        // Act
        var changed = await Html.SubmitAsync(holder.Client, "/Account/ChangePassword", new Dictionary<string, string>
        {
            ["CurrentPassword"] = FraudWebFactory.Password,
            ["NewPassword"] = newPassword,
            ["ConfirmPassword"] = newPassword,
        });
        var profile = await Html.GetPageAsync(holder.Client, Html.Location(changed));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments")).Status);
        Assert.Contains("Your password has been changed. Your API key was revoked with the old password", profile.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Revoke_WhileARequestReadsTheKey_ThatReadDoesNotBringItBack()
    {
        // Arrange (API review): a request has read the key from the database, and has not yet remembered it, when its
        // owner revokes it; a host over the same database that holds that read until told.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        var ownerId = await factory.UserIdAsync(holder.Email);
        var keyId = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.Prefix == PrefixOf(key)).Select(k => k.Id).SingleAsync());
        var paused = new PausedKeyRead();
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(paused)));
        async Task<ApiCaller?> AuthenticateAsync()
        {
            await using var scope = host.Services.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().AuthenticateAsync(key, CancellationToken.None);
        }
        var inFlight = Task.Run(AuthenticateAsync);
        await paused.Read.WaitAsync(TimeSpan.FromSeconds(30));

        // Act: revoked while that read is held, then the read goes on
        Result revoked;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            revoked = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(keyId, ownerId, anyOwner: false, CancellationToken.None);
        }
        paused.Release();
        await inFlight.WaitAsync(TimeSpan.FromSeconds(30));
        var after = await AuthenticateAsync();

        // Assert: the next request is refused (it was accepted from the cache for 30 s)
        Assert.True(revoked.Succeeded);
        Assert.Null(after);
    }

    /// <summary>Holds the first read of a key after <see cref="PausedKeyRead.Read"/> until <see cref="Release"/>.</summary>
    private sealed class PausedKeyRead : DbCommandInterceptor
    {
        private readonly TaskCompletionSource _read = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed = 1;

        public Task Read => _read.Task;

        public void Release() => _released.TrySetResult();

        public override async ValueTask<System.Data.Common.DbDataReader> ReaderExecutedAsync(System.Data.Common.DbCommand command, CommandExecutedEventData eventData,
            System.Data.Common.DbDataReader result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("\"Prefix\" = ", StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _read.TrySetResult();
                await _released.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            }
            return result;
        }
    }

    [Fact]
    public async Task Revoke_AnotherHoldersKey_404AndStillWorks()
    {
        // Arrange
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        using var other = await CardHolderSession.RegisteredAsync(factory);
        var key = await owner.CreateKeyAsync(ApiScopes.PaymentsRead);
        var id = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.Prefix == PrefixOf(key)).Select(k => k.Id).SingleAsync());

        // Act
        var response = await Html.SubmitAsync(other.Client, $"/ApiKeys/Revoke/{id}", [], "/ApiKeys");

        // Assert
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments")).Status);
    }

    [Fact]
    public async Task Create_StaffScopeOnOwnPage_RefusedAndNoKey()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await ApiSteps.SubmitKeyFormAsync(holder.Client, "/ApiKeys/Create", "/ApiKeys", "sneaky", [ApiScopes.LabelsWrite]);
        var page = await Html.ParseAsync(response);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(page.QuerySelector("[data-testid=new-api-key]"));
        // A card holder has no administrator to ask (API test): the message names the scopes their own key can have.
        Assert.Contains("Your own key cannot have the scope \"labels:write\": choose among payments:read, payments:write, reports:write, cards:write.", Html.ValidationMessages(page));
        var userId = await factory.UserIdAsync(holder.Email);
        Assert.False(await factory.QueryAsync(db => db.ApiKeys.AnyAsync(k => k.OwnerId == userId)));
    }

    [Fact]
    public async Task Authenticate_ExpiredKey_Unauthorized()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        await factory.ExpireAsync(key);

        // Act
        var response = await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Theory]
    [InlineData("f")]
    [InlineData("fw")]
    [InlineData("fwk")]
    [InlineData("fwk_")]
    [InlineData("x")]
    public async Task Authenticate_TokenShorterThanAKeyPrefix_UnauthorizedNotAnError(string token)
    {
        // Act: found by the API fuzzer (a token shorter than "fwk_" answered 500)
        var response = await factory.ApiClient(token).GetAsync(factory, "/api/v1/payments");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task Authenticate_TamperedSecretWithARealPrefix_Unauthorized()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        var tampered = key[..^1] + (key[^1] == 'A' ? 'B' : 'A');

        // Act
        var response = await factory.ApiClient(tampered).GetAsync(factory, "/api/v1/payments");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task Authenticate_OwnerLockedByAdministratorAfterUsingTheKey_UnauthorizedAtOnce()
    {
        // Arrange: the key has been used (so it is cached), then the owner is locked as an administrator locks one.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments")).Status);
        await ChangeUserAsync(holder.Email, (users, user) => users.SetLockoutEndDateAsync(user, AdminLock.Until));

        // Act
        var response = await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments");

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task Authenticate_OwnerLockedOutByFailedSignIns_KeyStillWorks()
    {
        // Arrange: anyone who knows the address can lock the password for minutes with wrong guesses.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        await holder.SignOutAsync();
        using var guesser = CardHolderSession.Anonymous(factory, holder.Email);
        for (var i = 0; i < FraudWebFactory.MaxFailedAccessAttempts; i++) await guesser.SignInAsync("Wrong guess entirely 1");
        Assert.Equal("/Account/Lockout", Html.Location(await guesser.SignInAsync(FraudWebFactory.Password)));

        // Act
        var response = await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments");

        // Assert: the holder's integration is not switched off by a stranger.
        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Authorize_OwnerLosesThePermissionAfterUsingTheKey_ScopeRefusedAtOnce()
    {
        // Arrange: a used (cached) key, then the holder's roles change as the administration page changes them.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        Assert.Equal(HttpStatusCode.OK, (await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments")).Status);
        await ChangeUserAsync(holder.Email, (users, user) => users.RemoveFromRoleAsync(user, Roles.Customer));

        // Act
        var response = await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments");

        // Assert
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        Assert.Equal("/api/problems/insufficient-scope", response.Json.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Key_CreatedAndUsed_NeverInTheLogs()
    {
        // Arrange
        using var everything = factory.Logs.KeepEverything();
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite);

        // Act: a success, a refusal and a bad request, with every framework log captured.
        await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments");
        await factory.ApiClient(key).SendAsync(factory, HttpMethod.Post, "/api/v1/payments", "{", validRequest: false);
        await factory.ApiClient(key + "x").GetAsync(factory, "/api/v1/payments");

        // Assert: the secret part never; the prefix may identify the key.
        Assert.DoesNotContain(key[(ApiKey.PrefixLength + 1)..], factory.Logs.AllText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LastUsed_AfterARequest_RecordedByTheNextRound()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        var usage = factory.Services.GetRequiredService<ApiKeyUsage>();

        // Act: the request notes the use; the background round writes it (run here rather than waited for)
        await factory.ApiClient(key).GetAsync(factory, "/api/v1/payments");
        await usage.FlushAsync(CancellationToken.None);

        // Assert
        var lastUsed = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.Prefix == PrefixOf(key)).Select(k => k.LastUsedUtc).SingleAsync());
        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed.Value, factory.Clock.UtcNow.AddMinutes(-1), factory.Clock.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task Create_PaymentWithAKey_LastUseWrittenWithThePaymentsCommit()
    {
        // Arrange
        var (api, card, merchant) = await factory.HolderWithKeyAsync();

        // Act
        var created = await api.PostAsync(factory, "/api/v1/payments", new { cardId = card, terminalId = merchant, amount = "12.00" }, "last-use-1");

        // Assert: the writer wrote the key's use in the payment's transaction; no background round was run
        Assert.Equal(HttpStatusCode.Created, created.Status);
        var lastUsed = await factory.QueryAsync(db => db.ApiKeys.OrderByDescending(k => k.Id).Select(k => k.LastUsedUtc).FirstAsync());
        Assert.NotNull(lastUsed);
        Assert.InRange(lastUsed.Value, factory.Clock.UtcNow.AddMinutes(-1), factory.Clock.UtcNow.AddMinutes(1));
    }

    [Fact]
    public async Task FlushAsync_OlderUseNotedAfterALaterOne_LaterKept()
    {
        // Arrange: a key whose stored last use is later than what this instance noted (another instance wrote it)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        var keyId = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.Prefix == PrefixOf(key)).Select(k => k.Id).SingleAsync());
        var later = factory.Clock.UtcNow.AddMinutes(5);
        await factory.QueryAsync(db => db.ApiKeys.Where(k => k.Id == keyId).ExecuteUpdateAsync(set => set.SetProperty(k => k.LastUsedUtc, later)));
        var usage = factory.Services.GetRequiredService<ApiKeyUsage>();

        // Act: two notes, the earlier second
        usage.Note(keyId, factory.Clock.UtcNow.AddMinutes(-2));
        usage.Note(keyId, factory.Clock.UtcNow.AddMinutes(-3));
        await usage.FlushAsync(CancellationToken.None);

        // Assert: the stored later use stands (PostgreSQL keeps microseconds)
        var stored = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.Id == keyId).Select(k => k.LastUsedUtc).SingleAsync());
        Assert.NotNull(stored);
        Assert.InRange(stored.Value, later.AddMilliseconds(-1), later.AddMilliseconds(1));
    }

    [Fact]
    public async Task Api_SignInCookieWithoutKey_Unauthorized()
    {
        // Arrange: a signed-in browser session (cookies) calling the API.
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var read = await holder.Client.GetAsync(new Uri("/api/v1/payments", UriKind.Relative));
        var write = await holder.Client.PostAsync(new Uri("/api/v1/payments", UriKind.Relative),
            new StringContent("""{"cardId":1,"terminalId":1,"amount":1}""", System.Text.Encoding.UTF8, "application/json"));

        // Assert
        Assert.Equal(HttpStatusCode.Unauthorized, read.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, write.StatusCode);
    }

    [Fact]
    public async Task Pages_ApiKeyWithoutCookie_SentToSignIn()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead, ApiScopes.PaymentsWrite);
        using var keyOnly = factory.ApiClient(key);

        // Act
        var profile = await keyOnly.GetAsync(new Uri("/Profile", UriKind.Relative));
        var keys = await keyOnly.GetAsync(new Uri("/ApiKeys", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, profile.StatusCode);
        Assert.Contains("/Account/Login", profile.Headers.Location!.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, keys.StatusCode);
    }

    [Fact]
    public async Task Index_WithoutJavaScript_EveryCellCarriesItsHeading()
    {
        // Arrange (exploratory testing: at phone width with JavaScript off the stacked key list showed values with no
        // headings, as only table-stack.js labelled the cells)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await holder.CreateKeyAsync(ApiScopes.PaymentsRead);

        // Act
        var page = await Html.GetPageAsync(holder.Client, "/ApiKeys");

        // Assert: each cell with content is labelled by the server with its column's heading
        var headings = page.QuerySelectorAll("#api-keys thead th").Select(th => th.TextContent.Trim()).ToList();
        var cells = page.QuerySelectorAll("#api-keys tbody tr")[0].Children.ToList();
        Assert.Equal(headings.Count, cells.Count);
        for (var i = 0; i < cells.Count - 1; i++) Assert.Equal(headings[i], cells[i].GetAttribute("data-label"));
    }

    [Fact]
    public async Task Revoke_RevokedByAnotherRequestAfterItsRead_ConflictAndOneAuditEntry()
    {
        // Arrange (review: two revokes at once each wrote an audit entry and the later time overwrote the first; SQLite's
        // single writer hid it, two PostgreSQL instances would not): the other revoke lands between this one's read and write.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var key = await holder.CreateKeyAsync(ApiScopes.PaymentsRead);
        var ownerId = await factory.UserIdAsync(holder.Email);
        var keyId = await factory.QueryAsync(db => db.ApiKeys.Where(k => k.Prefix == PrefixOf(key)).Select(k => k.Id).SingleAsync());
        var meanwhile = new RevokedMeanwhile(keyId);
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(meanwhile)));

        // Act
        Result result;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(keyId, ownerId, anyOwner: false, CancellationToken.None);
        }

        // Assert
        Assert.True(meanwhile.Fired);
        Assert.Equal(ErrorCode.Conflict, result.Code);
        Assert.Equal(ApiKey.AlreadyRevoked, result.Errors[0].Message);
        Assert.False(await factory.QueryAsync(db => db.Set<AuditEntry>().AnyAsync(a => a.Action == AuditActions.ApiKeyRevoke && a.TargetId == PrefixOf(key))));
    }

    /// <summary>Revokes the key in the revoke's own transaction just before its conditional write, as another request's commit would.</summary>
    private sealed class RevokedMeanwhile(long keyId) : DbCommandInterceptor
    {
        public static readonly DateTime At = new(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        public bool Fired { get; private set; }

        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (!Fired && command.CommandText.Contains("UPDATE \"ApiKeys\"", StringComparison.Ordinal) && command.CommandText.Contains("RevokedUtc", StringComparison.Ordinal))
            {
                Fired = true;
                await using var other = command.Connection!.CreateCommand();
                other.Transaction = command.Transaction;
                other.CommandText = "UPDATE \"ApiKeys\" SET \"RevokedUtc\" = @at WHERE \"Id\" = @id";
                var at = other.CreateParameter();
                at.ParameterName = "at";
                at.Value = At;
                other.Parameters.Add(at);
                var id = other.CreateParameter();
                id.ParameterName = "id";
                id.Value = keyId;
                other.Parameters.Add(id);
                await other.ExecuteNonQueryAsync(cancellationToken);
            }
            return result;
        }
    }

    [Fact]
    public async Task Create_SameScopeTwiceInTheForm_ShownPageListsTheScopesAsStored()
    {
        // Arrange (review: the page showed the scopes as sent, "payments:read payments:read")
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var page = await Html.ParseAsync(await ApiSteps.SubmitKeyFormAsync(holder.Client, "/ApiKeys/Create", "/ApiKeys", "twice",
            [ApiScopes.PaymentsWrite, ApiScopes.PaymentsRead, ApiScopes.PaymentsRead]));

        // Assert
        Assert.NotNull(page.QuerySelector("[data-testid=new-api-key]"));
        Assert.Contains($"{ApiScopes.PaymentsRead} {ApiScopes.PaymentsWrite}", page.Body!.TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain($"{ApiScopes.PaymentsRead} {ApiScopes.PaymentsRead}", page.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteAsync_KeysNotedInAnyOrder_WrittenInKeyOrder()
    {
        // Arrange (scale-out review: inside two instances' payment writers the keys were written in each dictionary's
        // order, which follows arrival, and two keys' rows locked in opposite orders deadlocked on PostgreSQL)
        var written = new KeyUpdates();
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(written)));
        var usedUtc = factory.Clock.UtcNow;

        // Act
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<FraudDbContext>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            await ApiKeyUsage.WriteAsync(db, [(900_038, usedUtc), (900_001, usedUtc), (900_017, usedUtc)], CancellationToken.None);
            await transaction.RollbackAsync();
        }

        // Assert
        Assert.Equal([900_001L, 900_017L, 900_038L], written.KeyIds);
    }

    /// <summary>The key id of each "last used" update, in the order they ran.</summary>
    private sealed class KeyUpdates : DbCommandInterceptor
    {
        public List<long> KeyIds { get; } = [];

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(System.Data.Common.DbCommand command, CommandEventData eventData,
            InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (command.CommandText.Contains("UPDATE \"ApiKeys\"", StringComparison.Ordinal) && command.CommandText.Contains("LastUsedUtc", StringComparison.Ordinal))
            {
                lock (KeyIds) KeyIds.AddRange(command.Parameters.Cast<System.Data.Common.DbParameter>().Select(p => p.Value).OfType<long>().Where(v => v >= 900_000));
            }
            return ValueTask.FromResult(result);
        }
    }
}
