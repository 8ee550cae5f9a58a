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

    /// <summary>The same under /api, where errors are problem details.</summary>
    [HttpGet("/api/test-faults/throw")]
    public IActionResult ThrowInApi() => throw new InvalidOperationException(SecretDetail + HttpContext.TraceIdentifier);
}
