using System.Globalization;
using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using FraudWeb.Tests.Builders;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>One person using the site through its forms, with their own cookie jar.</summary>
public sealed class CardHolderSession : IDisposable
{
    private CardHolderSession(FraudWebFactory factory, string email)
    {
        Factory = factory;
        Email = email;
        Client = factory.CreateBrowserClient();
    }

    public FraudWebFactory Factory { get; }
    public HttpClient Client { get; }
    public string Email { get; }

    public static CardHolderSession Anonymous(FraudWebFactory factory) => new(factory, factory.NewEmail());

    /// <summary>Another person, with their own cookie jar, using the given address (someone else's, in a takeover attempt).</summary>
    public static CardHolderSession Anonymous(FraudWebFactory factory, string email) => new(factory, email);

    /// <summary>A registered card holder, signed in through the login form as a returning user would be.</summary>
    public static async Task<CardHolderSession> RegisteredAsync(FraudWebFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var session = new CardHolderSession(factory, factory.NewEmail());
        var registered = await session.RegisterAsync(new RegistrationBuilder(session.Email, FraudWebFactory.Password));
        Assert.Equal("/Account/RegisterConfirmation", Html.Location(registered));
        await ConfirmAndSignInAsync(factory, session.Client, session.Email);
        return session;
    }

    /// <summary>Follows the confirmation link mailed at registration, then signs in through the login form.</summary>
    public static async Task ConfirmAndSignInAsync(FraudWebFactory factory, HttpClient client, string email)
    {
        var confirm = Mailbox.LinkTo(Mailbox.MessageTo(factory, email, "Confirm your FraudWeb account"), "/Account/ConfirmEmail");
        var confirmed = await FollowConfirmationAsync(client, confirm);
        Assert.NotNull(confirmed.QuerySelector("[data-testid=email-confirmed]"));
        var signedIn = await MfaSteps.SignInAsync(factory, client, email, FraudWebFactory.Password);
        Assert.Equal("/Profile", Html.Location(signedIn));
    }

    /// <summary>
    /// Opens a registration's confirmation link and presses its button, as the person does (the link's page only asks);
    /// the page that answers. A link the page refuses at once (invalid, already confirmed) is that page.
    /// </summary>
    public static async Task<AngleSharp.Html.Dom.IHtmlDocument> FollowConfirmationAsync(HttpClient client, string link)
    {
        var page = await Html.GetPageAsync(client, link);
        if (page.QuerySelector("[data-testid=confirm-email]") is null) return page;
        return await Html.ParseAsync(await Html.SubmitAsync(client, "/Account/ConfirmEmail", new Dictionary<string, string>
        {
            ["UserId"] = page.QuerySelector("input[name=UserId]")!.GetAttribute("value")!,
            ["Token"] = page.QuerySelector("input[name=Token]")!.GetAttribute("value")!,
        }, link));
    }

    public Task<HttpResponseMessage> RegisterAsync(RegistrationBuilder registration)
    {
        ArgumentNullException.ThrowIfNull(registration);
        return Html.SubmitAsync(Client, "/Account/Register", registration.Build());
    }

    /// <summary>Signs in through the login form, completing two-step sign-in (and staff enrolment) when asked.</summary>
    public Task<HttpResponseMessage> SignInAsync(string password) => MfaSteps.SignInAsync(Factory, Client, Email, password);

    public async Task SignOutAsync()
    {
        // The home page is open to anyone, so a staff member who still has to enrol can sign out from it too.
        var page = await Html.GetPageAsync(Client, "/");
        var token = page.QuerySelector("form[action='/Account/Logout'] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var response = await Client.PostAsync(new Uri("/Account/Logout", UriKind.Relative),
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }

    public Task<HttpResponseMessage> AddCardAsync(CardFormBuilder card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return Html.SubmitAsync(Client, "/Cards/Add", card.Build());
    }

    /// <summary>Adds a valid card and returns its id.</summary>
    public async Task<long> AddCardAsync(decimal creditLimit = 5000m)
    {
        var card = new CardFormBuilder().WithCreditLimit(creditLimit);
        var response = await AddCardAsync(card);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var email = Email;
        return await Factory.QueryAsync(db => db.Cards.Where(c => db.Users.Any(u => u.Id == c.CardHolder!.UserId && u.Email == email))
            .OrderByDescending(c => c.Id).Select(c => c.Id).FirstAsync());
    }

    /// <summary>This holder's cards' ids, oldest first.</summary>
    public Task<List<long>> CardIdsAsync()
    {
        var email = Email;
        return Factory.QueryAsync(db => db.Cards.Where(c => db.Users.Any(u => u.Id == c.CardHolder!.UserId && u.Email == email))
            .OrderBy(c => c.Id).Select(c => c.Id).ToListAsync());
    }

    /// <summary>
    /// Submits the payment form. <paramref name="confirmed"/>: as if the holder had already confirmed the amount
    /// when the form asked (large or unusual amounts), so the payment is made rather than shown back.
    /// </summary>
    public Task<HttpResponseMessage> PayAsync(long cardId, long terminalId, decimal amount, bool confirmed = true)
    {
        var fields = new Dictionary<string, string>
        {
            ["CardId"] = cardId.ToString(CultureInfo.InvariantCulture),
            ["TerminalId"] = terminalId.ToString(CultureInfo.InvariantCulture),
            ["Amount"] = amount.ToString(CultureInfo.InvariantCulture),
        };
        if (confirmed) fields["ConfirmedPayment"] = string.Create(CultureInfo.InvariantCulture, $"{cardId}:{terminalId}:{amount:F2}");
        return SubmitPaymentFormAsync(fields);
    }

    /// <summary>Opens the payment form and sends it with the fields, its antiforgery token and its one-time key, as a browser does.</summary>
    public async Task<HttpResponseMessage> SubmitPaymentFormAsync(IDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var page = await Html.GetPageAsync(Client, "/Transactions/New");
        return await Client.PostAsync(new Uri("/Transactions/New", UriKind.Relative), new FormUrlEncodedContent(WithFormKeys(page, fields)));
    }

    /// <summary>The fields with the page's antiforgery token and payment key (unless the fields name their own).</summary>
    public static Dictionary<string, string> WithFormKeys(AngleSharp.Html.Dom.IHtmlDocument page, IDictionary<string, string> fields)
    {
        ArgumentNullException.ThrowIfNull(page);
        var all = new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = Html.AntiforgeryToken(page) };
        // A page with no form (every card stopped) stands for one shown before: a form has its own one-time key.
        if (!all.ContainsKey("SubmissionKey"))
            all["SubmissionKey"] = page.QuerySelector("input[name=SubmissionKey]")?.GetAttribute("value") is { Length: > 0 } key ? key : Guid.NewGuid().ToString("N");
        return all;
    }

    /// <summary>Pays and returns the new transaction's id (from the redirect to its result page).</summary>
    public async Task<long> PayAndGetIdAsync(long cardId, long terminalId, decimal amount)
    {
        var logged = Factory.Logs.Entries.Count;
        var response = await PayAsync(cardId, terminalId, amount);
        // With what the app logged meanwhile and, on PostgreSQL, what its connections were doing: a rare 503 on CI
        // (2026-12-04: the app's pool of 16 empty for 15 s) left nothing else to go on.
        if (response.StatusCode != HttpStatusCode.Redirect)
        {
            var activity = Factory.PostgresDatabase is { } database ? await TestPostgres.ActivityAsync(database) : "";
            Assert.Fail($"The payment answered {(int)response.StatusCode}. Logged meanwhile: {Factory.Logs.WarningsSince(logged)}\nConnections: {activity}");
        }
        var location = Html.Location(response);
        return long.Parse(location[(location.LastIndexOf('/') + 1)..], CultureInfo.InvariantCulture);
    }

    /// <summary>A payment's row in the history on the profile page, and the decision its status badge shows.</summary>
    public async Task<(string Decision, IElement Row)> HistoryRowAsync(long transactionId)
    {
        var profile = await Html.GetPageAsync(Client, "/Profile");
        var row = profile.QuerySelector($"#transactions tr[data-transaction-id='{transactionId}']")!;
        return (row.QuerySelector("[data-decision]")!.GetAttribute("data-decision")!, row);
    }

    /// <summary>The payment's own result page.</summary>
    public Task<IHtmlDocument> DetailsAsync(long transactionId) => Html.GetPageAsync(Client, $"/Transactions/Details/{transactionId}");

    public void Dispose() => Client.Dispose();
}
