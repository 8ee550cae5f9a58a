using FraudWeb.Authorization;
using FraudWeb.ViewModelBuilders;
using FraudWeb.ViewModels.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[Authorize(Policy = Permissions.AuditRead)]
public sealed class AdminAuditController(AuditViewModelBuilder screens) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(AuditQueryViewModel query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!ModelState.IsValid) return View(await screens.ListAsync(new AuditQueryViewModel(), cancellationToken));
        return View(await screens.ListAsync(query, cancellationToken));
    }
}
