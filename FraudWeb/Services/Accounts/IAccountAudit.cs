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

    /// <summary>The owner changed their password on the settings page (PCI DSS 10.2.1.5: changes to credentials).</summary>
    public const string PasswordChange = "user.password-change";

    /// <summary>A password chosen through a mailed link: a reset link or an invitation (After says which).</summary>
    public const string PasswordSet = "user.password-set";

    /// <summary>Wrong passwords or codes locked the account for the lockout's length (PCI DSS 10.2.1.4); the actor is the system.</summary>
    public const string LockedOut = "user.locked-out";

    /// <summary>The owner turned two-step sign-in on, or off.</summary>
    public const string TwoStepOn = "user.two-step-on";
    public const string TwoStepOff = "user.two-step-off";

    /// <summary>The owner took new recovery codes in place of the old ones.</summary>
    public const string RecoveryCodes = "user.recovery-codes";

    /// <summary>
    /// A card holder gave the separate consent to processing their card and payment records (PIPL article 29), at
    /// registration or when asked; After names the privacy notice's version.
    /// </summary>
    public const string Consent = "user.consent";

    /// <summary>What the application did on its own (Services.Admin's AuditLog.SystemActor).</summary>
    public const string System = "system";

    public const string UserTarget = "user";
}
