using FraudWeb.Services.Accounts;
using System.Net;
using System.Security.Claims;
using FraudWeb.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using FraudWeb.Data;
using FraudWeb.Tests.Web.Admin;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web;

/// <summary>ASVS 2.8: authenticator-app two-step sign-in, required for staff, with recovery codes and lockout.</summary>
public sealed class MfaTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    private static Task<HttpResponseMessage> PasswordOnlyAsync(HttpClient client, string email) =>
        Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string> { ["Email"] = email, ["Password"] = FraudWebFactory.Password });

    /// <summary>A new user of the role who has turned two-step sign-in on, signed out again; with the recovery codes shown.</summary>
    private async Task<(string Email, IReadOnlyList<string> Codes)> EnrolledAsync(string role)
    {
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(role));
        using var enrolling = factory.CreateBrowserClient();
        await PasswordOnlyAsync(enrolling, email);
        return (email, await MfaSteps.EnrolAsync(enrolling));
    }

    /// <summary>The audit log's actions about the account of <paramref name="email"/>, oldest first, with their actors.</summary>
    private Task<List<(string Action, string Actor)>> AuditedAsync(string email) => factory.QueryAsync(async db =>
    {
        var id = await db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync();
        var entries = await db.Set<FraudWeb.Domain.Entities.AuditEntry>().Where(e => e.TargetId == id).OrderBy(e => e.Id).Select(e => new { e.Action, e.ActorId }).ToListAsync();
        return entries.ConvertAll(e => (e.Action, e.ActorId == id ? "owner" : e.ActorId));
    });

    [Theory]
    [InlineData(Roles.Analyst, "/Review")]
    [InlineData(Roles.Analyst, "/Models")]
    [InlineData(Roles.Admin, "/AdminUsers")]
    [InlineData(Roles.Admin, "/AdminAudit")]
    public async Task StaffPage_StaffWithoutMfa_RedirectsToEnrolment(string role, string url)
    {
        // Arrange
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(role));
        using var client = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PasswordOnlyAsync(client, email)).StatusCode);

        // Act
        var response = await client.GetAsync(new Uri(url, UriKind.Relative));

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Mfa", Html.Location(response));
    }

    [Fact]
    public async Task Enable_TurnedOffAndOnAgainAtOnce_TheNewKeysFirstCodeWorks()
    {
        // Arrange (the browser tests' two widths: the step a code of the old key used refused the new key's code of the
        // same 30 s)
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        await MfaSteps.EnrolAsync(holder.Client);
        Assert.Equal(HttpStatusCode.Redirect, (await Html.SubmitAsync(holder.Client, "/Account/Mfa/Disable", WithPassword, "/Account/Mfa")).StatusCode);

        // Act + Assert: enrolled again with the new key's code of this moment (EnrolAsync asserts the recovery codes)
        Assert.NotEmpty(await MfaSteps.EnrolAsync(holder.Client));
    }

    [Fact]
    public async Task Healthz_StaffWithoutMfa_StatusOnlyNotTheDetails()
    {
        // Arrange (operations review: the instance, model and checks went to staff who had given only a password)
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin));
        using var client = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PasswordOnlyAsync(client, email)).StatusCode);
        using var enrolled = factory.CreateBrowserClient();
        await MfaSteps.SignInAsync(factory, enrolled, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)), FraudWebFactory.Password);

        // Act
        var before = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var after = await enrolled.GetAsync(new Uri("/healthz", UriKind.Relative));

        // Assert
        Assert.Equal("text/plain", before.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("instance", await before.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("application/json", after.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task StaffPage_CustomerHoldingAStaffPermissionWithoutMfa_RedirectsToEnrolment()
    {
        // Arrange: a card holder given review work as a permission (as /AdminRoles can grant the Customer role), not a staff role.
        var id = await factory.CreateUserAsync(Roles.Customer);
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
            Assert.True((await users.AddClaimAsync((await users.FindByIdAsync(id))!, new Claim(Permissions.ClaimType, Permissions.ReportsReview))).Succeeded);
        }
        using var client = factory.CreateBrowserClient();
        Assert.Equal(HttpStatusCode.Redirect, (await PasswordOnlyAsync(client, await factory.EmailOfAsync(id))).StatusCode);

        // Act
        var response = await client.GetAsync(new Uri("/Review", UriKind.Relative));

        // Assert: the staff page's access follows the permission, and so does the second step.
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Mfa", Html.Location(response));
    }

    [Fact]
    public async Task Enrolment_StaffWithoutMfa_ShowsKeyAndQrCodeAndSignOutStillWorks()
    {
        // Arrange
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);

        // Act
        var page = await Html.GetPageAsync(client, "/Account/Mfa");
        var signOut = await Html.SubmitAsync(client, "/Account/Logout", [], "/Account/Mfa");

        // Assert
        Assert.NotNull(page.QuerySelector("[data-testid=mfa-required]"));
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-testid=mfa-key]")?.TextContent));
        Assert.StartsWith("data:image/png;base64,", page.QuerySelector("img[data-testid=mfa-qr]")!.GetAttribute("src"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);
        Assert.Equal("/", Html.Location(signOut));
    }

    [Fact]
    public async Task Enable_CorrectCode_ShowsTenRecoveryCodesAndStaffPagesOpen()
    {
        // Arrange
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);

        // Act
        var codes = await MfaSteps.EnrolAsync(client);
        var review = await client.GetAsync(new Uri("/Review", UriKind.Relative));

        // Assert: the second factor's arrival is in the audit log (auditor: nothing recorded it)
        Assert.Equal(10, codes.Distinct().Count());
        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
        Assert.Equal([(AccountAuditActions.TwoStepOn, "owner")], await AuditedAsync(email));
    }

    [Fact]
    public async Task Enable_CodeInFullWidthDigitsWithSpacesAround_Enabled()
    {
        // Arrange: a Chinese input method types full-width digits; a pasted code brings spaces (longer than the form's limit)
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);
        var page = await Html.GetPageAsync(client, "/Account/Mfa");
        var code = MfaSteps.CodeFor(page.QuerySelector("[data-testid=mfa-key]")!.TextContent);
        var typed = "  " + string.Concat(code.Select(c => (char)(c - '0' + '０'))) + "  ";

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Mfa/Enable", new Dictionary<string, string> { ["Form.Code"] = typed }, "/Account/Mfa");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotEmpty((await Html.ParseAsync(response)).QuerySelectorAll("[data-testid=recovery-codes] li"));
        Assert.True(await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).TwoFactorEnabled)));
    }

    [Fact]
    public async Task Enable_WrongCode_ShowsErrorAndStaysOff()
    {
        // Arrange
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Mfa/Enable", new Dictionary<string, string> { ["Form.Code"] = "000000" }, "/Account/Mfa");

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(Html.ValidationMessages(await Html.ParseAsync(response)), m => m.Contains("not correct", StringComparison.Ordinal));
        Assert.False(await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).TwoFactorEnabled)));
    }

    [Fact]
    public async Task Login_EnrolledUser_AsksForCodeAndSignsInOnlyWithIt()
    {
        // Arrange
        var (email, _) = await EnrolledAsync(Roles.Customer);
        using var client = factory.CreateBrowserClient();

        // Act
        var afterPassword = await PasswordOnlyAsync(client, email);
        var beforeCode = await client.GetAsync(new Uri("/Profile", UriKind.Relative));
        var second = await MfaSteps.SecondStepAsync(factory, client, email, Html.Location(afterPassword));
        var afterCode = await client.GetAsync(new Uri("/Profile", UriKind.Relative));

        // Assert
        Assert.StartsWith("/Account/Mfa/SignIn", Html.Location(afterPassword), StringComparison.Ordinal);
        Assert.Contains("/Account/Login", Html.Location(beforeCode), StringComparison.Ordinal);
        Assert.Equal("/Profile", Html.Location(second));
        Assert.Equal(HttpStatusCode.OK, afterCode.StatusCode);
    }

    [Fact]
    public async Task SecondStep_AuthenticatorCodeUsedTwice_SecondSessionRefusedNextCodeWorks()
    {
        // Arrange (accounts review: one code signed in two sessions within its window; ASVS 2.8.4)
        var (email, _) = await EnrolledAsync(Roles.Admin);
        using var first = factory.CreateBrowserClient();
        using var second = factory.CreateBrowserClient();
        var firstForm = Html.Location(await PasswordOnlyAsync(first, email));
        var secondForm = Html.Location(await PasswordOnlyAsync(second, email));
        var code = await MfaSteps.NextCodeAsync(factory, email);

        // Act
        var used = await Html.SubmitAsync(first, "/Account/Mfa/SignIn", new Dictionary<string, string> { ["Code"] = code }, firstForm);
        var replayed = await Html.SubmitAsync(second, "/Account/Mfa/SignIn", new Dictionary<string, string> { ["Code"] = code }, secondForm);
        var next = await MfaSteps.SecondStepAsync(factory, second, email, secondForm);

        // Assert
        Assert.Equal("/Profile", Html.Location(used));
        Assert.Equal(HttpStatusCode.OK, replayed.StatusCode);
        Assert.NotEmpty(Html.ValidationMessages(await Html.ParseAsync(replayed)));
        Assert.Equal("/Profile", Html.Location(next));
    }

    [Fact]
    public async Task Recovery_KeepMeSignedIn_PersistentCookieAsWithACode()
    {
        // Arrange (accounts review: the recovery link dropped "keep me signed in", so the cookie ended with the browser)
        var (email, codes) = await EnrolledAsync(Roles.Customer);
        using var client = factory.CreateBrowserClient();
        var afterPassword = await Html.SubmitAsync(client, "/Account/Login", new Dictionary<string, string>
        {
            ["Email"] = email, ["Password"] = FraudWebFactory.Password, ["RememberMe"] = "true",
        });
        var codePage = await Html.GetPageAsync(client, Html.Location(afterPassword));
        var recoveryLink = codePage.QuerySelector("a[href^='/Account/Mfa/Recovery']")!.GetAttribute("href")!;
        var recoveryPage = await Html.GetPageAsync(client, recoveryLink);

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Mfa/Recovery", new Dictionary<string, string>
        {
            ["RecoveryCode"] = codes[0], ["RememberMe"] = recoveryPage.QuerySelector("input[name=RememberMe]")!.GetAttribute("value")!,
        }, recoveryLink);

        // Assert
        Assert.Equal("/Profile", Html.Location(response));
        // The browser keeps the last one set (the session cookie of Identity's own recovery sign-in comes first).
        var cookie = response.Headers.GetValues("Set-Cookie").Last(c => c.Contains("fraudweb.auth=", StringComparison.Ordinal));
        Assert.Contains("expires=", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task RecoveryCodes_StaffRenewsWithACurrentCode_NewCodesSignInOldOnesNoLonger()
    {
        // Arrange (accounts review: staff, who must keep two-step sign-in on, had no way to new codes once theirs were used)
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);
        var old = await MfaSteps.EnrolAsync(client);
        var current = await MfaSteps.NextCodeAsync(factory, email);
        var wrongCode = current == "123456" ? "654321" : "123456";

        // Act
        var wrong = await Html.SubmitAsync(client, "/Account/Mfa/RecoveryCodes", new Dictionary<string, string> { ["Form.Code"] = wrongCode }, "/Account/Mfa");
        var renewed = await Html.SubmitAsync(client, "/Account/Mfa/RecoveryCodes", new Dictionary<string, string> { ["Form.Code"] = current }, "/Account/Mfa");
        var codes = (await Html.ParseAsync(renewed)).QuerySelectorAll("[data-testid=recovery-codes] li").Select(li => li.TextContent.Trim()).ToList();
        using var other = factory.CreateBrowserClient();
        await PasswordOnlyAsync(other, email);
        var withOld = await Html.SubmitAsync(other, "/Account/Mfa/Recovery", new Dictionary<string, string> { ["RecoveryCode"] = old[0] }, "/Account/Mfa/Recovery");
        var withNew = await Html.SubmitAsync(other, "/Account/Mfa/Recovery", new Dictionary<string, string> { ["RecoveryCode"] = codes[0] }, "/Account/Mfa/Recovery");

        // Assert
        Assert.Contains("That code is not correct. Enter the current 6-digit code from your app.", Html.ValidationMessages(await Html.ParseAsync(wrong)));
        Assert.Equal(MfaService.RecoveryCodeCount, codes.Count);
        Assert.Empty(codes.Intersect(old));
        Assert.Equal(HttpStatusCode.OK, withOld.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, withNew.StatusCode);
        Assert.Equal([(AccountAuditActions.TwoStepOn, "owner"), (AccountAuditActions.RecoveryCodes, "owner")], await AuditedAsync(email));
    }

    [Fact]
    public async Task RecoveryCodes_WrongCodeUntilTheLockout_SignedOutEverywhereAndNoNewCodes()
    {
        // Arrange (review: a session alone, perhaps someone else's, could guess app codes here without limit and take
        // new recovery codes, a lasting second factor): a wrong code counts as a failed sign-in.
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);
        var old = await MfaSteps.EnrolAsync(client);
        var current = await MfaSteps.NextCodeAsync(factory, email);
        var wrongCode = current == "123456" ? "654321" : "123456";

        // Act
        var answers = new List<HttpResponseMessage>();
        for (var i = 0; i < FraudWebFactory.MaxFailedAccessAttempts; i++)
            answers.Add(await Html.SubmitAsync(client, "/Account/Mfa/RecoveryCodes", new Dictionary<string, string> { ["Form.Code"] = wrongCode }, "/Account/Mfa"));

        // Assert: told the code is wrong until the last, which locked the account out and ended the session; the old codes kept
        Assert.All(answers.SkipLast(1), a => Assert.Contains(MfaService.WrongCode, Html.ValidationMessages(Html.ParseAsync(a).Result)));
        Assert.Equal(HttpStatusCode.Redirect, answers[^1].StatusCode);
        Assert.Equal("/Account/Lockout", Html.Location(answers[^1]));
        var page = await client.GetAsync(new Uri("/Account/Mfa", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/Account/Login", Html.Location(page), StringComparison.Ordinal);
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        Assert.True(await users.IsLockedOutAsync(user));
        Assert.Equal(old.Count, await users.CountRecoveryCodesAsync(user));
        Assert.True(await users.RedeemTwoFactorRecoveryCodeAsync(user, old[0]) is { Succeeded: true });
    }

    [Fact]
    public async Task ResetTwoStep_AnalystLostPhone_SessionsEndEnrolsAgainAfterPasswordAndAudited()
    {
        // Arrange (accounts review: staff without codes who lost their phone were locked out for good)
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Analyst));
        using var analyst = factory.CreateBrowserClient();
        await PasswordOnlyAsync(analyst, email);
        await MfaSteps.EnrolAsync(analyst);
        var id = await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).Id));
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

        // Act
        var reset = await admin.PostAsync($"/AdminUsers/ResetTwoStep/{id}", $"/AdminUsers/Details/{id}");
        var oldSession = await analyst.GetAsync(new Uri("/Review", UriKind.Relative));
        using var again = factory.CreateBrowserClient();
        var signIn = await PasswordOnlyAsync(again, email);
        var staffPage = await again.GetAsync(new Uri("/Review", UriKind.Relative));

        // Assert
        Assert.Equal($"/AdminUsers/Details/{id}", Html.Location(reset));
        Assert.Contains("/Account/Login", Html.Location(oldSession), StringComparison.Ordinal);
        Assert.DoesNotContain("/Account/Mfa/SignIn", Html.Location(signIn), StringComparison.Ordinal);
        Assert.StartsWith("/Account/Mfa", Html.Location(staffPage), StringComparison.Ordinal);
        Assert.Equal(1, await factory.QueryAsync(db => db.Set<FraudWeb.Domain.Entities.AuditEntry>().CountAsync(e => e.TargetId == id && e.Action == FraudWeb.Services.Admin.AuditActions.UserTwoStepReset)));
        // The mail says what happens to staff (staff test: it said "signing in now needs only your password").
        var mail = Mailbox.MessageTo(factory, email, "Two-step sign-in was turned off");
        Assert.Contains("you set it up again with your authenticator app", mail, StringComparison.Ordinal);
        Assert.DoesNotContain("needs only your password", mail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enable_SecretsInTheDatabase_KeyEncryptedCodesHashedAndBothStillWork()
    {
        // Arrange (auditor: the authenticator key and the recovery codes were plain text in AspNetUserTokens, so a copy of
        // the database passed two-step sign-in)
        var (email, codes) = await EnrolledAsync(Roles.Customer);
        var key = await MfaSteps.AuthenticatorKeyAsync(factory, email);

        // Act
        var stored = await factory.QueryAsync(db => db.UserTokens.Where(t => t.LoginProvider == "[AspNetUserStore]"
            && t.UserId == db.Users.Where(u => u.Email == email).Select(u => u.Id).FirstOrDefault()).ToDictionaryAsync(t => t.Name, t => t.Value ?? ""));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);
        var recovered = await Html.SubmitAsync(client, "/Account/Mfa/Recovery", new Dictionary<string, string> { ["RecoveryCode"] = codes[1] }, "/Account/Mfa/Recovery");
        using var other = factory.CreateBrowserClient();
        var formPage = Html.Location(await PasswordOnlyAsync(other, email));
        var withCode = await Html.SubmitAsync(other, "/Account/Mfa/SignIn", new Dictionary<string, string> { ["Code"] = await MfaSteps.NextCodeAsync(factory, email) }, formPage);

        // Assert
        Assert.StartsWith("v1:", stored["AuthenticatorKey"], StringComparison.Ordinal);
        Assert.DoesNotContain(key, stored["AuthenticatorKey"], StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("h1:", stored["RecoveryCodes"], StringComparison.Ordinal);
        Assert.All(codes, c => Assert.DoesNotContain(c, stored["RecoveryCodes"], StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Redirect, recovered.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, withCode.StatusCode);
        Assert.DoesNotContain("/Account/Mfa", Html.Location(withCode), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProtectStored_PlainRowsOfAnEarlierRelease_ProtectedAndStillWork()
    {
        // Arrange: an account enrolled before, its rows plain as Identity wrote them
        var (email, codes) = await EnrolledAsync(Roles.Customer);
        var key = await MfaSteps.AuthenticatorKeyAsync(factory, email);
        var id = await factory.QueryAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        await factory.QueryAsync(async db =>
        {
            var rows = await db.UserTokens.Where(t => t.UserId == id && t.LoginProvider == "[AspNetUserStore]").ToListAsync();
            rows.Single(t => t.Name == "AuthenticatorKey").Value = key;
            rows.Single(t => t.Name == "RecoveryCodes").Value = string.Join(';', codes);
            return await db.SaveChangesAsync();
        });

        // Act: what start-up runs
        await using (var scope = factory.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<FraudWeb.Infrastructure.Security.SecondFactorSecrets>()
                .ProtectStoredAsync(scope.ServiceProvider.GetRequiredService<FraudDbContext>(), CancellationToken.None);
        }

        // Assert
        var stored = await factory.QueryAsync(db => db.UserTokens.Where(t => t.UserId == id && t.LoginProvider == "[AspNetUserStore]").ToDictionaryAsync(t => t.Name, t => t.Value ?? ""));
        Assert.StartsWith("v1:", stored["AuthenticatorKey"], StringComparison.Ordinal);
        Assert.StartsWith("h1:", stored["RecoveryCodes"], StringComparison.Ordinal);
        Assert.Equal(key, await MfaSteps.AuthenticatorKeyAsync(factory, email));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);
        var recovered = await Html.SubmitAsync(client, "/Account/Mfa/Recovery", new Dictionary<string, string> { ["RecoveryCode"] = codes[0] }, "/Account/Mfa/Recovery");
        Assert.Equal(HttpStatusCode.Redirect, recovered.StatusCode);
    }

    [Fact]
    public async Task Recovery_CodeUsedTwice_SignsInOnlyOnce()
    {
        // Arrange
        var (email, codes) = await EnrolledAsync(Roles.Customer);
        using var first = factory.CreateBrowserClient();
        using var second = factory.CreateBrowserClient();
        await PasswordOnlyAsync(first, email);
        await PasswordOnlyAsync(second, email);
        var fields = new Dictionary<string, string> { ["RecoveryCode"] = codes[0] };

        // Act
        var used = await Html.SubmitAsync(first, "/Account/Mfa/Recovery", fields);
        var reused = await Html.SubmitAsync(second, "/Account/Mfa/Recovery", fields);

        // Assert
        Assert.Equal("/Profile", Html.Location(used));
        Assert.Equal(HttpStatusCode.OK, reused.StatusCode);
        Assert.Contains(Html.ValidationMessages(await Html.ParseAsync(reused)), m => m.Contains("not correct", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Recovery_DisplayedCodeTypedInLowerCase_SignsIn()
    {
        // Arrange
        var (email, codes) = await EnrolledAsync(Roles.Customer);
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);
        Assert.Equal(codes[0].ToUpperInvariant(), codes[0]);

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Mfa/Recovery", new Dictionary<string, string> { ["RecoveryCode"] = " " + codes[0].ToLowerInvariant() });

        // Assert
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Profile", Html.Location(response));
    }

    [Fact]
    public async Task Enrolment_PageOpenedInOneSession_OtherSessionsStaySignedIn()
    {
        // Arrange: the same card holder signed in twice, no key yet
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        using var viewing = factory.CreateBrowserClient();
        using var other = factory.CreateBrowserClient();
        Assert.Equal("/Profile", Html.Location(await PasswordOnlyAsync(viewing, email)));
        Assert.Equal("/Profile", Html.Location(await PasswordOnlyAsync(other, email)));
        var stampBefore = await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).SecurityStamp));

        // Act
        var page = await Html.GetPageAsync(viewing, "/Account/Mfa");
        var otherAfter = await other.GetAsync(new Uri("/Profile", UriKind.Relative));
        var viewingAfter = await viewing.GetAsync(new Uri("/Profile", UriKind.Relative));

        // Assert: a key is shown and stored, and nobody was signed out
        Assert.False(string.IsNullOrWhiteSpace(page.QuerySelector("[data-testid=mfa-key]")?.TextContent));
        Assert.False(string.IsNullOrEmpty(await MfaSteps.AuthenticatorKeyAsync(factory, email)));
        Assert.Equal(stampBefore, await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).SecurityStamp)));
        Assert.Equal(HttpStatusCode.OK, otherAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, viewingAfter.StatusCode);
    }

    [Fact]
    public async Task SecondStep_RepeatedWrongCodes_LocksAccount()
    {
        // Arrange
        var (email, _) = await EnrolledAsync(Roles.Customer);
        using var client = factory.CreateBrowserClient();
        var formPage = Html.Location(await PasswordOnlyAsync(client, email));
        var key = await MfaSteps.AuthenticatorKeyAsync(factory, email);
        var wrong = MfaSteps.CodeFor(key) == "123456" ? "654321" : "123456";
        HttpResponseMessage last = new(HttpStatusCode.OK);

        // Act
        for (var i = 0; i < 5; i++)
        {
            last = await Html.SubmitAsync(client, "/Account/Mfa/SignIn", new Dictionary<string, string> { ["Code"] = wrong }, formPage);
            if (last.StatusCode == HttpStatusCode.Redirect) break;
        }

        // Assert: the lockout is audited once, as the system's (whoever typed the codes is not known)
        Assert.Equal("/Account/Lockout", Html.Location(last));
        Assert.Equal([(AccountAuditActions.TwoStepOn, "owner"), (AccountAuditActions.LockedOut, AccountAuditActions.System)], await AuditedAsync(email));
    }

    [Fact]
    public async Task Recovery_AccountLockedByAnAdministratorDuringTheSecondStep_RefusedAndSignedOut()
    {
        // Arrange: the password given (the second step pending), then an administrator locks the account
        var (email, codes) = await EnrolledAsync(Roles.Customer);
        using var client = factory.CreateBrowserClient();
        Assert.StartsWith("/Account/Mfa/SignIn", Html.Location(await PasswordOnlyAsync(client, email)), StringComparison.Ordinal);
        var id = await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).Id));
        using (var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin))))
            Assert.Equal(HttpStatusCode.Redirect, (await admin.PostAsync($"/AdminUsers/Lock/{id}", $"/AdminUsers/Details/{id}")).StatusCode);

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Mfa/Recovery", new Dictionary<string, string> { ["RecoveryCode"] = codes[0] });
        var profile = await client.GetAsync(new Uri("/Profile", UriKind.Relative));

        // Assert: the lock holds on the recovery path as on the code path, and the code is not used up
        Assert.Equal("/Account/Lockout", Html.Location(response));
        Assert.Contains("/Account/Login", Html.Location(profile), StringComparison.Ordinal);
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        Assert.Equal(MfaService.RecoveryCodeCount, await users.CountRecoveryCodesAsync((await users.FindByEmailAsync(email))!));
    }

    [Fact]
    public async Task Recovery_RepeatedWrongCodes_LocksAccount()
    {
        // Arrange
        var (email, codes) = await EnrolledAsync(Roles.Customer);
        using var client = factory.CreateBrowserClient();
        var formPage = Html.Location(await PasswordOnlyAsync(client, email)).Replace("/SignIn", "/Recovery", StringComparison.Ordinal);
        HttpResponseMessage last = new(HttpStatusCode.OK);

        // Act: five wrong recovery codes, then a right one
        for (var i = 0; i < 5; i++)
        {
            last = await Html.SubmitAsync(client, "/Account/Mfa/Recovery", new Dictionary<string, string> { ["RecoveryCode"] = $"BBBBB-CCCC{i + 2}" }, formPage);
            if (last.StatusCode == HttpStatusCode.Redirect) break;
        }
        var right = await Html.SubmitAsync(client, "/Account/Mfa/Recovery", new Dictionary<string, string> { ["RecoveryCode"] = codes[0] }, formPage);

        // Assert: counted as wrong authenticator codes are
        Assert.Equal("/Account/Lockout", Html.Location(last));
        Assert.NotEqual("/Profile", Html.Location(right));
    }

    [Fact]
    public async Task SecondStep_StaffAskingToRememberBrowser_AskedForCodeNextTimeToo()
    {
        // Arrange
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);
        await MfaSteps.EnrolAsync(client);
        await Html.SubmitAsync(client, "/Account/Logout", [], "/Account/Mfa");
        var formPage = Html.Location(await PasswordOnlyAsync(client, email));
        Assert.Equal("/Profile", Html.Location(await MfaSteps.SecondStepAsync(factory, client, email, formPage, rememberBrowser: true)));
        await Html.SubmitAsync(client, "/Account/Logout", [], "/Account/Mfa");

        // Act
        var again = await PasswordOnlyAsync(client, email);

        // Assert
        Assert.StartsWith("/Account/Mfa/SignIn", Html.Location(again), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Disable_CardHolder_TurnsOffButStaffCannot()
    {
        // Arrange
        var holder = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        var admin = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin));
        using var holderClient = factory.CreateBrowserClient();
        using var adminClient = factory.CreateBrowserClient();
        foreach (var (client, email) in new[] { (holderClient, holder), (adminClient, admin) })
        {
            await PasswordOnlyAsync(client, email);
            await MfaSteps.EnrolAsync(client);
        }

        // Act
        await Html.SubmitAsync(holderClient, "/Account/Mfa/Disable", WithPassword, "/Account/Mfa");
        await Html.SubmitAsync(adminClient, "/Account/Mfa/Disable", WithPassword, "/Account/Mfa");

        // Assert
        Assert.False(await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == holder).TwoFactorEnabled)));
        Assert.True(await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == admin).TwoFactorEnabled)));
        Assert.Equal([(AccountAuditActions.TwoStepOn, "owner"), (AccountAuditActions.TwoStepOff, "owner")], await AuditedAsync(holder));
        Assert.Equal([(AccountAuditActions.TwoStepOn, "owner")], await AuditedAsync(admin));
    }

    [Fact]
    public async Task Disable_CardHolder_OwnerToldByMail()
    {
        // Arrange (exploratory testing, ASVS 2.2.3: a session holder who knew the password removed the second factor unnoticed)
        var holder = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, holder);
        await MfaSteps.EnrolAsync(client);

        // Act
        await Html.SubmitAsync(client, "/Account/Mfa/Disable", WithPassword, "/Account/Mfa");

        // Assert
        Assert.Contains("was not you", Mailbox.MessageTo(factory, holder, "Two-step sign-in was turned off"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ResetTwoStep_ByAdministrator_OwnerToldByMail()
    {
        // Arrange (exploratory testing, ASVS 2.2.3: someone who talked an administrator into it could remove the factor unnoticed)
        var holder = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, holder);
        await MfaSteps.EnrolAsync(client);
        var id = await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == holder).Id));
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

        // Act
        await admin.PostAsync($"/AdminUsers/ResetTwoStep/{id}", $"/AdminUsers/Details/{id}");

        // Assert
        Assert.Contains("An administrator has turned off two-step sign-in on your FraudWeb account: signing in now needs only your password.",
            Mailbox.MessageTo(factory, holder, "Two-step sign-in was turned off"), StringComparison.Ordinal);
    }

    private static readonly Dictionary<string, string> WithPassword = new() { ["Disable.CurrentPassword"] = FraudWebFactory.Password };

    [Theory]
    [InlineData(null)]
    [InlineData("Not the password 123")]
    public async Task Disable_WithoutTheRightPassword_StaysOnAndSaysWhy(string? password)
    {
        // Arrange (security review: a session alone, perhaps a copied cookie, turned the second factor off for good)
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);
        await MfaSteps.EnrolAsync(client);
        var fields = password is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["Disable.CurrentPassword"] = password };

        // Act
        var response = await Html.SubmitAsync(client, "/Account/Mfa/Disable", fields, "/Account/Mfa");
        var page = await Html.GetPageAsync(client, Html.Location(response));

        // Assert
        Assert.True(await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).TwoFactorEnabled)));
        Assert.NotNull(page.QuerySelector("[data-testid=mfa-status]"));
        Assert.Equal(password is null ? "Enter your password to turn two-step sign-in off." : "That password is not correct; two-step sign-in is still on.",
            page.QuerySelector("[data-testid=admin-error]")!.TextContent.Trim());
    }

    [Fact]
    public async Task Disable_WrongPasswordUntilTheLockout_SignedOutEverywhere()
    {
        // Arrange
        var email = await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Customer));
        using var client = factory.CreateBrowserClient();
        await PasswordOnlyAsync(client, email);
        await MfaSteps.EnrolAsync(client);
        var wrong = new Dictionary<string, string> { ["Disable.CurrentPassword"] = "Not the password 123" };

        // Act
        HttpResponseMessage last = null!;
        for (var i = 0; i < FraudWebFactory.MaxFailedAccessAttempts; i++) last = await Html.SubmitAsync(client, "/Account/Mfa/Disable", wrong, "/Account/Mfa");
        var next = await client.GetAsync(new Uri("/Account/Mfa", UriKind.Relative));

        // Assert
        Assert.Contains("/Account/Lockout", Html.Location(last), StringComparison.Ordinal);
        Assert.Contains("/Account/Login", Html.Location(next), StringComparison.Ordinal);
        Assert.True(await factory.QueryAsync(db => Task.FromResult(db.Users.Single(u => u.Email == email).TwoFactorEnabled)));
    }
}
