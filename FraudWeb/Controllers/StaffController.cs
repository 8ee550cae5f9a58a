using FraudWeb.Authorization;
using FraudWeb.ViewModelBuilders;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Controllers;

/// <summary>The staff landing page: what waits for them, by what they may do.</summary>
[Authorize(Policy = Permissions.StaffWork)]
public sealed class StaffController(StaffDashboardViewModelBuilder screens) : Controller
{
    [HttpGet]
    public async Task<IActionResult> Index(CancellationToken cancellationToken) => View(await screens.BuildAsync(User, cancellationToken));
}
