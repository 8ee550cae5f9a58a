using FraudWeb.Services;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

internal static class ControllerExtensions
{
    public static void AddErrors(this Controller controller, Result result)
    {
        foreach (var error in result.Errors) controller.ModelState.AddModelError(error.Field, error.Message);
    }
}
