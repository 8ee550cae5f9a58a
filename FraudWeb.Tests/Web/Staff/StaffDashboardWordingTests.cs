using FraudWeb.Data;
using FraudWeb.Tests.Web.Admin;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web.Staff;

/// <summary>The dashboard's counts of people on an installation of its own, where the first administrator is the only account.</summary>
public sealed class StaffDashboardWordingTests(AdminFactory factory) : IClassFixture<AdminFactory>
{
    [Fact]
    public async Task Index_OnlyTheFirstAdministrator_SaysOneAccount()
    {
        // Arrange: the installation's one account, as create-admin makes it
        using var admin = await StaffSession.SignInAsync(factory, await factory.EmailOfAsync(await factory.CreateUserAsync(Roles.Admin)));

        // Act
        var response = await admin.Client.GetAsync(new Uri("/Staff", UriKind.Relative));

        // Assert: counted as English counts one ("1 account", not "1 accounts")
        var page = await Html.ParseAsync(response);
        Assert.Equal("1 account, 1 staff, 0 locked.", page.QuerySelector("[data-testid=users-panel] p")!.TextContent.Trim());
    }
}
