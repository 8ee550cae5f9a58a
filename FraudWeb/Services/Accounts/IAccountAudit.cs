namespace FraudWeb.Services.Accounts;

/// <summary>
/// The audit log as the account services write to it: implemented by Services.Admin's AuditLog, which already depends
/// on this namespace (an interface here keeps the service namespaces free of cycles, as <see cref="IAccountKeyRevoker"/>).
/// </summary>
public interface IAccountAudit
{
    /// <summary>Adds an entry to the unit of work; the caller's SaveChanges writes it with the change. No personal data in snapshots.</summary>
    Task AppendAsync(string actorId, string action, string targetType, string targetId, object? before, object? after, CancellationToken cancellationToken);
}

/// <summary>Audit actions and targets the account services write (listed with the others in Services.Admin.AuditActions).</summary>
public static class AccountAuditActions
{
    /// <summary>A person changed their own address (confirmed from the new mailbox).</summary>
    public const string EmailChange = "user.email-change";

    public const string UserTarget = "user";
}
