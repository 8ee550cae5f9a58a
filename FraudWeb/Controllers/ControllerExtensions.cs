using FraudWeb.Services;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

internal static class ControllerExtensions
{
    public static void AddErrors(this Controller controller, ServiceResult result)
    {
        foreach (var (field, message) in result.Errors) controller.ModelState.AddModelError(field, message);
    }
}
