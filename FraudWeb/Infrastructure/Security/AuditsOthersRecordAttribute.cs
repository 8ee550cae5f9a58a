using FraudWeb.Services.Admin;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace FraudWeb.Infrastructure.Security;

/// <summary>
/// PCI DSS 10.2.1.4 and ASVS 7.2.2 (failed access decisions logged): an action answers another person's card, payment
/// or key as it answers one that does not exist, a 404, so nothing is revealed. When the id it was given names another
/// person's record, that 404 is audited as <c>access.refused</c> with the record's owner, as often as
/// <see cref="RefusalThrottle"/> lets it (a budget of its own, apart from authorization's refusals). Nothing runs
/// unless the answer is a 404; then one lookup of the owner, for a missing id as for another's, and the entry is
/// queued for <see cref="OthersRecordRefusals"/> to write, so the answer's time does not tell the two apart.
/// </summary>
/// <param name="record">What the id names.</param>
/// <param name="argument">The action's argument that holds the id, or the form or body that does (see <see cref="Member"/>).</param>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed partial class AuditsOthersRecordAttribute(OwnedRecord record, string argument) : Attribute, IAsyncActionFilter
{
    public OwnedRecord Record => record;

    public string Argument => argument;

    /// <summary>The property of <see cref="Argument"/> that holds the id (a form's CardId); null when the argument is the id.</summary>
    public string? Member { get; init; }

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var executed = await next();
        if (executed.Exception is not null || executed.Result is not IStatusCodeActionResult { StatusCode: StatusCodes.Status404NotFound }) return;
        var http = context.HttpContext;
        if (IdIn(context.ActionArguments) is not { } id || http.User.FindUserId() is not { } userId) return;
        var services = http.RequestServices;
        try
        {
            // Not the request's token: a prober who hangs up at once is still recorded.
            var owner = await services.GetRequiredService<AccessAuditService>().OtherOwnerAsync(userId, record, id, CancellationToken.None);
            var page = $"{http.Request.Method} {context.ActionDescriptor.DisplayName}";
            if (owner is null || !services.GetRequiredService<RefusalThrottle>().ShouldRecord(userId, page, RefusalKind.OthersRecord)) return;
            services.GetRequiredService<OthersRecordRefusals>().Queue(new OthersRecordRefusals.Refusal(userId, record, id, owner, http.Request.Method,
                http.Request.Path.Value ?? "/", RefusedAccessAudit.ApiKeyId(http.User), Data.AuditTraceInterceptor.CurrentTrace()));
        }
#pragma warning disable CA1031 // The 404 stands whatever the log's fate: logged, never a 500.
        catch (Exception ex)
        {
            LogNotRecorded(services.GetRequiredService<ILogger<AuditsOthersRecordAttribute>>(), ex);
        }
#pragma warning restore CA1031
    }

    private long? IdIn(IDictionary<string, object?> arguments)
    {
        if (!arguments.TryGetValue(argument, out var value) || value is null) return null;
        if (Member is not null) value = value.GetType().GetProperty(Member)?.GetValue(value);
        return value is long id && id > 0 ? id : null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Another person's id answered 404 could not be audited")]
    private static partial void LogNotRecorded(ILogger logger, Exception exception);
}
