using System.Diagnostics;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[AllowAnonymous]
public sealed class HomeController : Controller
{
    [HttpGet]
    public IActionResult Index() => View();

    /// <summary>Unhandled errors and re-executed status codes land here, whatever the request method.</summary>
    [Route("/Error/{code:int?}")]
    [IgnoreAntiforgeryToken]
    [ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
    public IActionResult Error()
    {
        // No action parameters: binding them would read the (possibly malformed) form of a re-executed request again.
        var status = int.TryParse(RouteData.Values["code"] as string, out var code) ? code
            : Response.StatusCode >= 400 ? Response.StatusCode
            : StatusCodes.Status500InternalServerError;
        Response.StatusCode = status;
        return View("Error", ErrorViewModel.For(status, Activity.Current?.Id ?? HttpContext.TraceIdentifier));
    }
}
