using FraudWeb.Infrastructure;
using FraudWeb.Services.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[Authorize(Policy = Authorization.Permissions.UsersManage)]
public sealed class AdminRolesController(AdminRoleService roles) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => View(await roles.ListAsync(cancellationToken));

    [HttpPost]
    public async Task<IActionResult> Permissions(string id, string[]? permissions, CancellationToken cancellationToken)
    {
        var result = await roles.SetPermissionsAsync(User.GetUserId(), id, permissions ?? [], cancellationToken);
        if (result is null) return NotFound();
        if (result.Succeeded) TempData["Message"] = $"The permissions of {id} have been saved; members get them on their next request.";
        else TempData["Error"] = result.Errors[0].Message;
        return RedirectToAction(nameof(Index));
    }
}
