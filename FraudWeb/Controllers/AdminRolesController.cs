using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services;
using FraudWeb.Services.Admin;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[Authorize(Policy = Authorization.Permissions.UsersManage)]
public sealed class AdminRolesController(AdminRoleService roles, AdminRolesViewModelBuilder screens) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => View(await screens.ListAsync(cancellationToken));

    [HttpPost]
    public async Task<IActionResult> Permissions(string id, RolePermissionsFormViewModel form, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(form);
        var result = await roles.SetPermissionsAsync(User.GetUserId(), id, form.Permissions, form.Shown, cancellationToken);
        if (result.Code == ErrorCode.NotFound) return NotFound();
        // The role as it is named, however the address wrote it (/Permissions/customer).
        var role = Data.Roles.All.FirstOrDefault(r => string.Equals(r, id, StringComparison.OrdinalIgnoreCase)) ?? id;
        if (result.Succeeded) TempData["Message"] = Text.Format("The permissions of {0} have been saved; its members are signed out and have them when they sign in again.", RoleNames.Display(role));
        else TempData["Error"] = result.Errors[0].Message;
        return RedirectToAction(nameof(Index));
    }
}
