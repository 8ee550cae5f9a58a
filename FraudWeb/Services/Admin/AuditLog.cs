using System.Text.Json;
using FraudWeb.Data;
using FraudWeb.Domain.Entities;

namespace FraudWeb.Services.Admin;

/// <summary>Target types written to the audit log by more than one area.</summary>
public static class AuditTargets
{
    public const string ApiKey = "api-key";
    public const string User = "user";
}

/// <summary>Action names written to the audit log.</summary>
public static class AuditActions
{
    public const string UserCreate = "user.create";
    public const string UserEdit = "user.edit";
    public const string UserLock = "user.lock";
    public const string UserUnlock = "user.unlock";
    public const string UserPasswordReset = "user.password-reset";
    public const string UserTwoStepReset = "user.two-step-reset";
    public const string UserDelete = "user.delete";
    /// <summary>A card holder closed their own account: the same erasure as <see cref="UserDelete"/>, by its owner.</summary>
    public const string UserClose = "user.close";
    /// <summary>A person downloaded everything kept about them.</summary>
    public const string UserExport = "user.export";
    /// <summary>An administrator opened a card holder's personal details (PCI DSS 10.2.1.1: access to data about a person).</summary>
    public const string UserDetailsView = "user.details-view";
    /// <summary>Written by the account services (Services.Accounts), which cannot depend on this namespace.</summary>
    public const string UserEmailChange = Accounts.AccountAuditActions.EmailChange;
    public const string UserPasswordChange = Accounts.AccountAuditActions.PasswordChange;
    public const string UserPasswordSet = Accounts.AccountAuditActions.PasswordSet;
    public const string UserLockedOut = Accounts.AccountAuditActions.LockedOut;
    public const string UserTwoStepOn = Accounts.AccountAuditActions.TwoStepOn;
    public const string UserTwoStepOff = Accounts.AccountAuditActions.TwoStepOff;
    public const string UserRecoveryCodes = Accounts.AccountAuditActions.RecoveryCodes;
    public const string UserConsent = Accounts.AccountAuditActions.Consent;
    public const string UserRoles = "user.roles";
    public const string RolePermissions = "role.permissions";
    public const string AdminCreatedByCommand = "user.create-admin";
    public const string ReviewDecide = "review.decide";
    public const string ReviewAssign = "review.assign";
    public const string ReviewRelease = "review.release";
    public const string ModelRetrain = "model.retrain";
    public const string ModelPromote = "model.promote";
    public const string ModelRollback = "model.rollback";
    /// <summary>No person asked: the serving model's file was missing or corrupt, so an earlier version serves again.</summary>
    public const string ModelFallback = "model.fallback";
    public const string ApiKeyCreate = "api-key.create";
    public const string ApiKeyRevoke = "api-key.revoke";
    public const string RuleCreate = "rule.create";
    public const string RuleEdit = "rule.edit";
    public const string RuleBacktest = "rule.backtest";
    public const string RuleEnable = "rule.enable";
    public const string RuleDisable = "rule.disable";
    public const string ListCreate = "list.create";
    public const string ListAdd = "list.add";
    public const string ListRemove = "list.remove";
    public const string ListApprove = "list.approve";
    public const string ListAwaitApproval = "list.await-approval";
    /// <summary>Entries that waited for a second analyst, in force on their author's word once no allow rule reads their list.</summary>
    public const string ListTakeEffect = "list.take-effect";
    public const string MerchantsImport = "merchants.import";
    /// <summary>A card holder took a card off their profile (the actor is the holder).</summary>
    public const string CardRemove = Cards.CardService.AuditRemove;
    /// <summary>A card holder reported a card lost or stolen (the actor is the holder).</summary>
    public const string CardLostOrStolen = Cards.CardService.AuditLostOrStolen;
    /// <summary>Staff blocked a holder's card (the actor is the staff member; docs/decisions/0028).</summary>
    public const string CardBlock = Cards.CardBlockService.AuditBlock;
    /// <summary>Staff lifted the bank's block on a card.</summary>
    public const string CardUnblock = Cards.CardBlockService.AuditUnblock;
    /// <summary>Staff looked a card up by its number or its holder's email address (one entry per card found; docs/decisions/0030).</summary>
    public const string CardLookup = Cards.CardLookupService.AuditLookup;
    /// <summary>Staff opened a page of the audit log, with the filters used (PCI DSS 10.2.1.3).</summary>
    public const string AuditRead = "audit.read";
    /// <summary>A signed-in user was refused a page or an action by authorization (PCI DSS 10.2.1.4); the target is the path.</summary>
    public const string AccessRefused = "access.refused";

    /// <summary>
    /// Each action in words, for the audit page (translated there, with the code beside it): Chinese staff read
    /// "user.create" as a code (Chinese UI test). A test checks every action has words and a translation.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Words { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [UserCreate] = "User created",
        [UserEdit] = "User edited",
        [UserLock] = "Account locked by an administrator",
        [UserUnlock] = "Account unlocked by an administrator",
        [UserPasswordReset] = "Password reset by an administrator",
        [UserTwoStepReset] = "Two-step sign-in reset",
        [UserEmailChange] = "Email address changed",
        [UserPasswordChange] = "Password changed by its owner",
        [UserPasswordSet] = "Password chosen from a mailed link",
        [UserLockedOut] = "Account locked after wrong passwords or codes",
        [UserTwoStepOn] = "Two-step sign-in turned on",
        [UserTwoStepOff] = "Two-step sign-in turned off by its owner",
        [UserRecoveryCodes] = "New recovery codes taken",
        [UserConsent] = "Consent to processing card and payment records given",
        [UserDelete] = "User deleted",
        [UserClose] = "Account closed by its holder",
        [UserExport] = "Personal data downloaded",
        [UserDetailsView] = "Personal details viewed",
        [UserRoles] = "Roles changed",
        [RolePermissions] = "Role permissions changed",
        [AdminCreatedByCommand] = "Administrator created from the command line",
        [ReviewDecide] = "Review decided",
        [ReviewAssign] = "Review assigned",
        [ReviewRelease] = "Review given back",
        [ModelRetrain] = "Retraining requested",
        [ModelPromote] = "Model put into service",
        [ModelRollback] = "Model rolled back",
        [ModelFallback] = "Model fallback",
        [ApiKeyCreate] = "API key created",
        [ApiKeyRevoke] = "API key revoked",
        [RuleCreate] = "Rule created",
        [RuleEdit] = "Rule edited",
        [RuleBacktest] = "Rule backtested",
        [RuleEnable] = "Rule enabled",
        [RuleDisable] = "Rule disabled",
        [ListCreate] = "List created",
        [ListAdd] = "Added to a list",
        [ListRemove] = "Removed from a list",
        [ListApprove] = "List entry approved",
        [ListAwaitApproval] = "List entry waiting for approval",
        [ListTakeEffect] = "List entry took effect",
        [MerchantsImport] = "Merchants imported",
        [CardRemove] = "Card removed",
        [CardLostOrStolen] = "Card reported lost or stolen",
        [CardBlock] = "Card blocked by the bank",
        [CardUnblock] = "Card's block lifted",
        [CardLookup] = "Card looked up",
        [AuditRead] = "Audit log viewed",
        [AccessRefused] = "Access refused",
    };

    /// <summary>The action's words, or the code itself for one recorded by an older version.</summary>
    public static string WordsFor(string action) => Words.TryGetValue(action, out var words) ? words : action;

    public static IReadOnlyList<string> All { get; } =
        [UserCreate, UserEdit, UserLock, UserUnlock, UserPasswordReset, UserTwoStepReset, UserEmailChange, UserPasswordChange, UserPasswordSet, UserLockedOut, UserTwoStepOn, UserTwoStepOff, UserRecoveryCodes, UserConsent, UserDelete, UserClose, UserExport, UserDetailsView, UserRoles, RolePermissions, AdminCreatedByCommand, ReviewDecide, ReviewAssign, ReviewRelease, ModelRetrain, ModelPromote, ModelRollback, ModelFallback, ApiKeyCreate, ApiKeyRevoke,
         RuleCreate, RuleEdit, RuleBacktest, RuleEnable, RuleDisable, ListCreate, ListAdd, ListRemove, ListApprove, ListAwaitApproval, ListTakeEffect, MerchantsImport, CardRemove, CardLostOrStolen, CardBlock, CardUnblock, CardLookup, AuditRead, AccessRefused];
}

/// <summary>
/// Appends to the audit log (the audit screen reads it). There is deliberately no update or delete: entries are only added,
/// in the same transaction as the change they describe.
/// </summary>
public sealed class AuditLog(FraudDbContext db, TimeProvider clock) : Accounts.IAccountAudit
{
    /// <summary>The actor of what the application did on its own (an automatic model fallback); never a user id.</summary>
    public const string SystemActor = Accounts.AccountAuditActions.System;

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = false };

    /// <summary>Adds an entry to the unit of work; the caller's SaveChanges writes it with the change.</summary>
    /// <remarks>Snapshots must hold no personal data (ADR 0004): ids, roles, flags and field names, never values about a person.</remarks>
    public Task AppendAsync(string actorId, string action, string targetType, string targetId, object? before, object? after, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        db.Set<AuditEntry>().Add(AuditEntry.Record(actorId, action, targetType, targetId,
            before is null ? null : JsonSerializer.Serialize(before, Json), after is null ? null : JsonSerializer.Serialize(after, Json),
            clock.GetUtcNow().UtcDateTime));
        return Task.CompletedTask;
    }
}
