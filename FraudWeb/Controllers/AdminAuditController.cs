using FraudWeb.Authorization;
using FraudWeb.Services.Admin;
using FraudWeb.ViewModels.Admin;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

[Authorize(Policy = Permissions.AuditRead)]
public sealed class AdminAuditController(AuditLog audit) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(AuditQueryViewModel query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (!ModelState.IsValid) return View(await audit.SearchAsync(new AuditQueryViewModel(), cancellationToken));
        return View(await audit.SearchAsync(query, cancellationToken));
    }
}
