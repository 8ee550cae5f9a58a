using FraudWeb.Authorization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Tests.Web.Admin;

/// <summary>
/// Stands in for issue 4's review queue (/Review) until it is merged: a page behind the same reports.review policy.
/// Test-assembly controllers are left out of the permission matrix.
/// </summary>
[Authorize(Policy = Permissions.ReportsReview)]
public sealed class ReviewProbeController : Controller
{
    public const string Route = "/test-probes/review";

    [HttpGet(Route)]
    public IActionResult Index() => Content("review queue");
}
