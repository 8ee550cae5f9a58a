using System.Net;
using System.Text;
using FraudWeb.Tests.Builders;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using FraudWeb.Services;
using FraudWeb.Services.Cards;

namespace FraudWeb.Tests.Web.Cards;

[Collection(WebTestGroup.Name)]
public sealed class CardsControllerTests(FraudWebFactory factory)
{
    private static readonly string[] PagesShowingCards = ["/Profile", "/Transactions/New"];

    [Fact]
    public async Task AddCard_ValidNumber_ProfileShowsBrandLast4AndCredit()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = new CardFormBuilder().WithNumber(TestCards.Mastercard2Series).WithCreditLimit(2500m);

        // Act
        var response = await holder.AddCardAsync(card);

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var profile = await Html.GetPageAsync(holder.Client, "/Profile");
        var shown = profile.QuerySelector("[data-card-id]")!;
        Assert.Contains("Mastercard •••• 3222", shown.TextContent, StringComparison.Ordinal);
        Assert.Contains("2,500.00", shown.TextContent, StringComparison.Ordinal);
        Assert.Equal("2500", shown.QuerySelector("[data-available]")!.GetAttribute("data-available"));
    }

    [Theory]
    [InlineData(TestCards.VisaBadLuhn, "This card number is not valid. Please check it and try again.")]
    [InlineData("4111 1111 1111 11", "A Visa card number has 13, 16 or 19 digits.")]
    [InlineData("4111 1111 111", "A Visa card number has 13, 16 or 19 digits.")]
    [InlineData("9111 1111 11", "A card number has 12 to 19 digits.")]
    [InlineData("4111-1111-abcd-1111", "Enter the card number using digits only (spaces and dashes are fine).")]
    [InlineData("9111111111111111", "This card brand is not recognised.")]
    public async Task AddCard_InvalidNumber_ShowsMessageWithoutEchoingTheNumber(string number, string expectedMessage)
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.AddCardAsync(new CardFormBuilder().WithNumber(number));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        var page = await Html.ParseAsync(response);
        Assert.Contains(expectedMessage, Html.ValidationMessages(page));
        Assert.Equal("", page.QuerySelector("input[name=CardNumber]")!.GetAttribute("value") ?? "");
        Assert.DoesNotContain(Digits(number), Digits(html), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCard_Expired_ShowsMessage()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var lastMonth = factory.Clock.UtcNow.AddMonths(-1);

        // Act
        var response = await holder.AddCardAsync(new CardFormBuilder().WithExpiry(lastMonth.Month, lastMonth.Year));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("This card has expired.", Html.ValidationMessages(await Html.ParseAsync(response)));
    }

    [Fact]
    public async Task AddCard_ExpiryTooFarAhead_ShowsMessage()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.AddCardAsync(new CardFormBuilder().WithExpiry(1, factory.Clock.UtcNow.Year + 40));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The expiry date cannot be more than 15 years ahead.", Html.ValidationMessages(await Html.ParseAsync(response)));
    }

    [Fact]
    public async Task AddCard_CreditLimitNotOffered_ShowsMessage()
    {
        // Arrange
        using var holder = await CardHolderSession.RegisteredAsync(factory);

        // Act
        var response = await holder.AddCardAsync(new CardFormBuilder().WithCreditLimit(1_000_000m));

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("The credit limit must be between 100 and 50,000.", Html.ValidationMessages(await Html.ParseAsync(response)));
    }

    [Fact]
    public async Task AddCard_SameCardTwiceBySameHolder_OneCardAndTheSecondSaysItIsThere()
    {
        // Arrange: a double click, or the card typed again
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = TestCards.NewVisa();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(new CardFormBuilder().WithNumber(number))).StatusCode);

        // Act
        var again = await holder.AddCardAsync(new CardFormBuilder().WithNumber(FormatWithSpaces(number)));

        // Assert
        Assert.Equal("/Profile", Html.Location(again));
        Assert.Contains("This card is already on your profile.", (await Html.GetPageAsync(holder.Client, "/Profile")).Body!.TextContent, StringComparison.Ordinal);
        Assert.Single(await holder.CardIdsAsync());
    }

    [Fact]
    public async Task AddCard_RenewedCardWithLaterExpiry_SameCardValidUntilTheNewDateAndPaysAgain()
    {
        // Arrange: a card that has expired since it was added (it was added when the clock said otherwise)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = TestCards.NewVisa();
        var now = factory.Clock.UtcNow;
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(new CardFormBuilder().WithNumber(number).WithExpiry(now.Month, now.Year))).StatusCode);
        var cardId = Assert.Single(await holder.CardIdsAsync());
        await factory.QueryAsync(db => db.Cards.Where(c => c.Id == cardId).ExecuteUpdateAsync(set => set.SetProperty(c => c.ExpiryYear, now.Year - 1)));
        var merchant = await Merchants.OrdinaryAsync(factory);
        Assert.Equal(HttpStatusCode.OK, (await holder.PayAsync(cardId, merchant, 10m)).StatusCode);
        var renewed = now.AddYears(3);

        // Act
        var response = await holder.AddCardAsync(new CardFormBuilder().WithNumber(number).WithExpiry(renewed.Month, renewed.Year));
        var earlier = await holder.AddCardAsync(new CardFormBuilder().WithNumber(number).WithExpiry(now.Month, now.Year));

        // Assert: one card, its new expiry, payments accepted again; an older card than the one kept is refused
        Assert.Equal("/Profile", Html.Location(response));
        Assert.Equal([cardId], await holder.CardIdsAsync());
        var expiry = await factory.QueryAsync(db => db.Cards.Where(c => c.Id == cardId).Select(c => new { c.ExpiryMonth, c.ExpiryYear }).SingleAsync());
        Assert.Equal((renewed.Month, renewed.Year), (expiry.ExpiryMonth, expiry.ExpiryYear));
        Assert.Equal(HttpStatusCode.Redirect, (await holder.PayAsync(cardId, merchant, 10m)).StatusCode);
        Assert.Contains("This card is already on your profile with a later expiry date.", Html.ValidationMessages(await Html.ParseAsync(earlier)));
    }

    [Fact]
    public async Task AddCard_RenewedWithAnotherCreditLimit_LimitKeptAndTheMessageSaysSo()
    {
        // Arrange (review finding, 2026-12-04: the limit chosen was silently ignored)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = TestCards.NewVisa();
        var now = factory.Clock.UtcNow;
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(new CardFormBuilder().WithNumber(number).WithExpiry(now.Month, now.Year).WithCreditLimit(500m))).StatusCode);
        var renewed = now.AddYears(3);

        // Act
        var response = await holder.AddCardAsync(new CardFormBuilder().WithNumber(number).WithExpiry(renewed.Month, renewed.Year).WithCreditLimit(20000m));
        var profile = await Html.GetPageAsync(holder.Client, Html.Location(response));

        // Assert
        var cardId = Assert.Single(await holder.CardIdsAsync());
        Assert.Equal(500m, await factory.QueryAsync(db => db.Cards.Where(c => c.Id == cardId).Select(c => c.CreditLimit).SingleAsync()));
        Assert.Contains("Its credit limit stays €500.00; a renewal does not change it.", profile.Body!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCard_CardHeldByAnotherHolder_AnsweredExactlyAsAFreshCard()
    {
        // Arrange: the oracle was "already added" for a number someone else holds (ADR 0003).
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        using var someoneElse = await CardHolderSession.RegisteredAsync(factory);
        var held = TestCards.NewVisa();
        Assert.Equal(HttpStatusCode.Redirect, (await holder.AddCardAsync(new CardFormBuilder().WithNumber(held))).StatusCode);

        // Act
        var byAnother = await someoneElse.AddCardAsync(new CardFormBuilder().WithNumber(held));
        var fresh = await someoneElse.AddCardAsync(new CardFormBuilder().WithNumber(TestCards.NewVisa()));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, byAnother.StatusCode);
        Assert.Equal(fresh.StatusCode, byAnother.StatusCode);
        Assert.Equal(Html.Location(fresh), Html.Location(byAnother));
        var last4 = held[^4..];
        Assert.Equal(2, await factory.QueryAsync(db => db.Cards.Where(c => c.Last4 == last4).GroupBy(c => c.Fingerprint).Select(g => g.Count()).MaxAsync()));
    }

    [Fact]
    public async Task AddCard_FullNumber_NeverInDatabaseHtmlOrLogs()
    {
        // Arrange
        using var everything = factory.Logs.KeepEverything();
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = TestCards.NewVisa();
        var withDashes = string.Join('-', number.Chunk(4).Select(c => new string(c)));

        // Act
        var added = await holder.AddCardAsync(new CardFormBuilder().WithNumber(withDashes));
        var duplicate = await holder.AddCardAsync(new CardFormBuilder().WithNumber(number));
        var pages = PagesShowingCards.Select(async url => await (await holder.Client.GetAsync(new Uri(url, UriKind.Relative))).Content.ReadAsStringAsync());
        var html = string.Concat(await Task.WhenAll(pages)) + await duplicate.Content.ReadAsStringAsync();

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        Assert.Contains(number[^4..], html, StringComparison.Ordinal);
        Assert.DoesNotContain(number, Digits(html), StringComparison.Ordinal);
        Assert.DoesNotContain(number, Digits(factory.Logs.AllText()), StringComparison.Ordinal);
        Assert.DoesNotContain(number, Digits(await StoredData.DumpAsync(factory)), StringComparison.Ordinal);
        Assert.DoesNotContain(number[..12], await StoredData.DumpAsync(factory), StringComparison.Ordinal);
        Assert.DoesNotContain(number, await StoredData.RawAsync(factory), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddCard_Stored_FingerprintKeyedWithTheConfiguredKey()
    {
        // Arrange (tests review: an unkeyed SHA-256 of the number, a PAN in all but name, passed every card test)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var number = TestCards.NewVisa();

        // Act
        var added = await holder.AddCardAsync(new CardFormBuilder().WithNumber(number));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, added.StatusCode);
        var keyed = new FraudWeb.Domain.Cards.CardFingerprinter(Convert.FromBase64String(FraudWebFactory.TestFingerprintKey)).Fingerprint(number);
        var otherKey = new FraudWeb.Domain.Cards.CardFingerprinter(new byte[32]).Fingerprint(number);
        var unkeyed = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(number)));
        var last4 = number[^4..];
        var stored = await factory.QueryAsync(db => db.Cards.Where(c => c.Last4 == last4).Select(c => c.Fingerprint).ToListAsync());
        Assert.Contains(keyed, stored);
        Assert.DoesNotContain(otherKey, stored);
        Assert.DoesNotContain(stored, f => f.Equals(unkeyed, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task CardDetails_AnotherUsersCard_Returns404()
    {
        // Arrange
        using var owner = await CardHolderSession.RegisteredAsync(factory);
        using var intruder = await CardHolderSession.RegisteredAsync(factory);
        var cardId = await owner.AddCardAsync();

        // Act
        var ownView = await owner.Client.GetAsync(new Uri($"/Cards/Details/{cardId}", UriKind.Relative));
        var foreignView = await intruder.Client.GetAsync(new Uri($"/Cards/Details/{cardId}", UriKind.Relative));
        var foreignPayForm = await intruder.Client.GetAsync(new Uri($"/Transactions/New?cardId={cardId}", UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.OK, ownView.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignView.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignPayForm.StatusCode);
        Assert.Contains("Page not found", await foreignView.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string FormatWithSpaces(string number) => string.Join(' ', number.Chunk(4).Select(c => new string(c)));

    private static string Digits(string text) => new(text.Where(char.IsAsciiDigit).ToArray());

    [Fact]
    public async Task AddAsync_CardChangedMeanwhileAtEveryAttempt_BusyAndNothingSaved()
    {
        // Arrange (review: the third conflict in a row escaped as a 500): a host over the same database whose every
        // save of a card fails as a concurrent change would.
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var userId = await factory.QueryAsync(db => db.Users.Where(u => u.Email == holder.Email).Select(u => u.Id).SingleAsync());
        var changed = new CardChangedMeanwhile();
        using var host = factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IInterceptor>(changed)));
        var card = new NewCard(TestCards.NewVisa(), "ADA LOVELACE", 12, factory.Clock.UtcNow.Year + 3, 5000m);

        // Act
        Result<CardAdded> result;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            result = await scope.ServiceProvider.GetRequiredService<CardService>().AddAsync(userId, card, CancellationToken.None);
        }

        // Assert: said as a retry that can work, after the three attempts; no card kept
        Assert.False(result.Succeeded);
        Assert.Equal(ErrorCode.Unavailable, result.Errors[0].Code);
        Assert.Equal(CardService.CardBusyAdding, result.Errors[0].Message);
        Assert.Equal(3, changed.Attempts);
        Assert.False(await factory.QueryAsync(db => db.Cards.AnyAsync(c => db.Users.Any(u => u.Id == c.CardHolder!.UserId && u.Email == holder.Email))));
    }

    /// <summary>Fails every save that adds or changes a card, as a payment or a second request changing it meanwhile would.</summary>
    private sealed class CardChangedMeanwhile : SaveChangesInterceptor
    {
        private int _attempts;

        public int Attempts => Volatile.Read(ref _attempts);

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            if (eventData.Context!.ChangeTracker.Entries<FraudWeb.Domain.Entities.Card>().Any(e => e.State is EntityState.Added or EntityState.Modified))
            {
                Interlocked.Increment(ref _attempts);
                throw new DbUpdateConcurrencyException("The card changed meanwhile (test).");
            }
            return ValueTask.FromResult(result);
        }
    }
}
