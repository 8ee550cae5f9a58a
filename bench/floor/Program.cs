// The platform's floor for bench/load.sh: the payment form's POST with nothing behind it. An MVC action behind cookie
// authentication and antiforgery validation that answers with a redirect, as FraudWeb's form does, and no logging.
// What FraudWeb spends above this is its own.
using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
builder.Services.AddControllersWithViews();
builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(options =>
{
    options.SlidingExpiration = true;
    options.ExpireTimeSpan = TimeSpan.FromHours(8);
});
builder.Services.AddAuthorization();
var app = builder.Build();
app.UseAuthentication();
app.UseAuthorization();
// A session as FraudWeb's sign-in makes one (user id, name, security stamp, role), and the form's token for it.
app.MapGet("/session/{index:int}", async (HttpContext context, int index, IAntiforgery antiforgery) =>
{
    var identity = new ClaimsIdentity(
    [
        new Claim(ClaimTypes.NameIdentifier, Guid.NewGuid().ToString()),
        new Claim(ClaimTypes.Name, string.Create(CultureInfo.InvariantCulture, $"holder{index}@example.test")),
        new Claim("AspNet.Identity.SecurityStamp", Guid.NewGuid().ToString("N")),
        new Claim(ClaimTypes.Role, "CardHolder"),
    ], CookieAuthenticationDefaults.AuthenticationScheme);
    var user = new ClaimsPrincipal(identity);
    await context.SignInAsync(user);
    context.User = user;
    return Results.Text(antiforgery.GetAndStoreTokens(context).RequestToken);
});
app.MapControllers();
await app.RunAsync();
