using System.Net;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>A signed-in user (any role) with their own cookie jar, signed in through the login form (and two-step sign-in, enrolling staff).</summary>
public sealed class StaffSession : IDisposable
{
    private StaffSession(HttpClient client, string email)
    {
        Client = client;
        Email = email;
    }

    public HttpClient Client { get; }
    public string Email { get; }

    public static async Task<StaffSession> SignInAsync(FraudWebFactory factory, string email)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var client = factory.CreateBrowserClient();
        var response = await MfaSteps.SignInAsync(factory, client, email, FraudWebFactory.Password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.DoesNotContain("/Account/Login", Html.Location(response), StringComparison.Ordinal);
        return new StaffSession(client, email);
    }

    /// <summary>Posts a form with a valid antiforgery token taken from <paramref name="formPage"/>.</summary>
    public Task<HttpResponseMessage> PostAsync(string url, string formPage, IEnumerable<KeyValuePair<string, string>>? fields = null) =>
        Html.SubmitAsync(Client, url, fields ?? [], formPage);

    public void Dispose() => Client.Dispose();
}
