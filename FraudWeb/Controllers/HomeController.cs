using System.Diagnostics;
using FraudWeb.ViewModels.Common;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
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
    public IActionResult Error(int? code)
    {
        var status = code ?? HttpContext.Features.Get<IExceptionHandlerFeature>() switch
        {
            null => StatusCodes.Status500InternalServerError,
            _ => Response.StatusCode >= 400 ? Response.StatusCode : StatusCodes.Status500InternalServerError,
        };
        Response.StatusCode = status;
        return View("Error", ErrorViewModel.For(status, Activity.Current?.Id ?? HttpContext.TraceIdentifier));
    }
}
