using FraudWeb.Authorization;
using System.Diagnostics;
using System.Globalization;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[AllowAnonymous]
[AllowWithoutConsent]
public sealed class HomeController : Controller
{
    [HttpGet]
    public IActionResult Index() => View();

    /// <summary>What the app asks for, why, who sees it, for how long, and the holder's rights; before registering too (privacy test).</summary>
    [HttpGet]
    public IActionResult PrivacyNotice() => View();

    /// <summary>Unhandled errors and re-executed status codes land here, whatever the request method.</summary>
    [Route("/Error/{code:int?}")]
    [IgnoreAntiforgeryToken]
    [ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
    public IActionResult Error()
    {
        // No action parameters: binding them would read the (possibly malformed) form of a re-executed request again.
        // Asked for directly (no error being handled, no status re-executed), there is no such page.
        var handling = HttpContext.Features.Get<IExceptionHandlerFeature>() is not null || HttpContext.Features.Get<IStatusCodeReExecuteFeature>() is not null;
        // Only error statuses: any other number in the address would become the response's status line.
        var status = int.TryParse(RouteData.Values["code"] as string, out var code) ? (code is >= 400 and <= 599 ? code : StatusCodes.Status404NotFound)
            : Response.StatusCode >= 400 ? Response.StatusCode
            : handling ? StatusCodes.Status500InternalServerError
            : StatusCodes.Status404NotFound;
        Response.StatusCode = status;
        var requestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        if (status == StatusCodes.Status429TooManyRequests)
        {
            // The rate limiter's rejection set Retry-After (whole seconds) before the page was re-executed.
            var retryAfter = int.TryParse(Response.Headers.RetryAfter.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) ? seconds : (int?)null;
            return View("Error", ErrorViewModel.TooManyAttempts(retryAfter, requestId));
        }
        return View("Error", ErrorViewModel.For(status, requestId));
    }
}
