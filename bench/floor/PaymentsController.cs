using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Floor;

/// <summary>The form's POST: bound, validated against forgery, answered with a redirect; nothing scored or written.</summary>
[Authorize]
public sealed class PaymentsController : Controller
{
    [HttpPost("/Transactions/New")]
    [ValidateAntiForgeryToken]
    public IActionResult New([FromForm] long cardId, [FromForm] long terminalId, [FromForm] decimal amount) =>
        ModelState.IsValid && amount > 0 ? Redirect(string.Create(CultureInfo.InvariantCulture, $"/Transactions/Details/{cardId + terminalId}")) : BadRequest();
}
