using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>Test-only endpoint (added to the test host as an application part) that fails like a bug would.</summary>
[AllowAnonymous]
public sealed class TestFaultsController : Controller
{
    public const string SecretDetail = "SensitiveInternalDetail42";

    [HttpGet("/test-faults/throw")]
    public IActionResult Throw() => throw new InvalidOperationException(SecretDetail + HttpContext.TraceIdentifier);
}
