using FraudWeb.Infrastructure.Localization;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Services.Admin;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Rules;

/// <summary>
/// Writing, backtesting, enabling and disabling rules (permission rules.manage). Every change is audited in the same
/// transaction and reaches payments through <see cref="RuleBookCache"/> once committed.
/// </summary>
public sealed class RuleService(FraudDbContext db, RuleBookCache cache, RuleBacktester backtester, AuditLog audit, TimeProvider clock)
{
    public const string AuditTarget = "rule";

    /// <summary>The inputs errors can point at; the forms use the same names.</summary>
    public static class Fields
    {
        public const string Name = "Name";
        public const string Action = "Action";
        public const string Expression = "Expression";
        public const string Days = "Days";
    }

    public const string ChangedMeanwhile = "Someone changed this rule meanwhile; here is the current version.";

    /// <summary>Parses the text against the lists that exist: the position and what was expected, or the compiled rule.</summary>
    public async Task<Result<RuleExpression>> CheckAsync(string expression, CancellationToken cancellationToken)
    {
        // Before parsing, so the message is the card number's and lands on the condition (the rule entity refuses it too).
        if (CardNumber.IsIn(expression))
        {
            return Result.Fail<RuleExpression>(ErrorCode.Invalid, Text.Get(CardNumber.TypedWhereNotWanted), Fields.Expression);
        }
        if ((expression ?? "").Any(TextDirection.IsControl))
        {
            return Result.Fail<RuleExpression>(ErrorCode.Invalid, Text.Get("Remove the text-direction control characters."), Fields.Expression);
        }
        if ((expression ?? "").Any(c => FreeText.IsControl(c, lines: true)))
        {
            return Result.Fail<RuleExpression>(ErrorCode.Invalid, Text.Get(FreeText.ControlMessage), Fields.Expression);
        }
        var kinds = await ListKindsAsync(cancellationToken);
        // Trailing spaces are not the rule (the rule is stored trimmed) and must not count towards its length; leading
        // ones stay, so positions match what was typed.
        var text = (expression ?? "").TrimEnd();
        if (!RuleExpression.TryParse(text, kinds, out var parsed, out var error))
        {
            return Result.Fail<RuleExpression>(ErrorCode.Invalid, Describe(error!, text), Fields.Expression);
        }
        var categories = await db.Terminals.CategoriesAsync(cancellationToken);
        return UnknownCategory(parsed!.Root, categories, text) is { } unknown
            ? Result.Fail<RuleExpression>(ErrorCode.Invalid, unknown, Fields.Expression)
            : Result.Success(parsed);
    }

    /// <summary>
    /// A category a rule names must be one merchants are in, as stored: a category's name as the pages show it
    /// ("咖啡馆") or a typo never matches, and the backtest only said it would have matched nothing. Checked when a rule
    /// is saved, not when the rule book loads: a category that later empties leaves the rule as it was.
    /// </summary>
    private static string? UnknownCategory(RuleNode root, List<string> categories, string expression)
    {
        if (categories.Count == 0) return null;
        foreach (var literal in CategoryLiterals(root))
        {
            if (categories.Contains(literal.Value, StringComparer.OrdinalIgnoreCase)) continue;
            var meant = categories.Find(c => NamedInAnyLanguage(c, literal.Value.Trim()));
            var message = meant is not null
                ? Text.Format("'{0}' is how the pages name the category {1}; a rule names it as stored: '{1}'.", literal.Value, meant)
                : Text.Format("No merchant is in the category '{0}'; the categories are {1}.", literal.Value, string.Join(", ", categories));
            return At(expression, literal.Position, message);
        }
        return null;
    }

    private static bool NamedInAnyLanguage(string category, string typed) => Languages.Choices.Any(language =>
    {
        using var scope = Languages.Use(language.Culture);
        return string.Equals(Text.Get(category), typed, StringComparison.OrdinalIgnoreCase);
    });

    /// <summary>The texts a rule compares merchant_category with (=, != and sets), wherever they stand in it.</summary>
    private static IEnumerable<TextNode> CategoryLiterals(RuleNode node)
    {
        static bool IsCategory(RuleNode n) => n is NameNode { Name.Name: "merchant_category" };
        switch (node)
        {
            case BinaryNode binary:
                if (binary.Operator is RuleOperator.Equal or RuleOperator.NotEqual)
                {
                    if (IsCategory(binary.Left) && binary.Right is TextNode right) yield return right;
                    if (IsCategory(binary.Right) && binary.Left is TextNode left) yield return left;
                }
                foreach (var text in CategoryLiterals(binary.Left).Concat(CategoryLiterals(binary.Right))) yield return text;
                break;
            case UnaryNode unary:
                foreach (var text in CategoryLiterals(unary.Operand)) yield return text;
                break;
            case SetNode set when IsCategory(set.Operand):
                foreach (var text in set.Items.OfType<TextNode>()) yield return text;
                break;
        }
    }

    /// <summary>
    /// A rule error as the editor shows it, in the current UI culture: "Position 18: ..." (the English is the error's
    /// own <see cref="RuleError.ToString"/>). The message's template is the key; phrases among its values translate on their own.
    /// </summary>
    public static string Describe(RuleError error, string expression)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Arguments.Count == 0 ? Text.Get(error.Template) : Text.Format(error.Template, [.. error.Arguments.Select(Phrase)]);
        return At(expression, error.Position, message);
    }

    /// <summary>
    /// Where in the rule, as its author counts: "Position 18" in a one-line rule, "Line 2, column 5" in a longer one. A
    /// browser sends a line break as CR LF, so a position counted through them ran one ahead per line (staff test).
    /// </summary>
    private static string At(string expression, int position, string message)
    {
        ArgumentNullException.ThrowIfNull(expression);
        if (!expression.Contains('\n', StringComparison.Ordinal)) return Text.Format("Position {0}: {1}", position, message);
        var before = expression.AsSpan(0, Math.Clamp(position - 1, 0, expression.Length));
        var lineStart = before.LastIndexOf('\n') + 1;
        return Text.Format("Line {0}, column {1}: {2}", before.Count('\n') + 1, before.Length - lineStart + 1, message);
    }

    private static object Phrase(object value) => value switch
    {
        RulePhrase phrase => Text.InContext("rule", phrase.English),
        RulePhraseList { Items.Count: > 0 } list => Alternatives(list.Items),
        _ => value,
    };

    /// <summary>"`)`, value or condition", each alternative in the current UI culture.</summary>
    private static string Alternatives(IReadOnlyList<string> items)
    {
        // In the rule context: "value" and "condition" are the grammar's words there (their plain keys are other words).
        var said = items.Select(i => Text.InContext("rule", i)).ToList();
        var head = said[0];
        for (var i = 1; i < said.Count - 1; i++) head = Text.Format("{0}, {1}", head, said[i]);
        return said.Count == 1 ? head : Text.Format("{0} or {1}", head, said[^1]);
    }

    public async Task<Result<long>> CreateAsync(string actorId, string name, RuleAction action, string expression, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(expression, cancellationToken);
        if (!check.Succeeded) return check.As<long>();
        FraudRule rule;
        try
        {
            rule = FraudRule.Create(name, action, expression, actorId, clock.GetUtcNow().UtcDateTime);
        }
        catch (DomainException ex)
        {
            return Result.Fail<long>(ErrorCode.Invalid, Text.Of(ex), Fields.Name);
        }
        // The entries of the lists it reads are read inside the transaction that saves it (RulesLock).
        await using var transaction = await RulesLock.BeginAsync(db, cancellationToken);
        db.Rules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        await audit.AppendAsync(actorId, AuditActions.RuleCreate, AuditTarget, Id(rule), null, Snapshot(rule), cancellationToken);
        var waiting = await AwaitSecondAnalystAsync(rule, actorId, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // An entry of a list it reads was approved or removed at the same moment: written again, it sees the change.
            return Result.Fail<long>(ErrorCode.Conflict, Text.Get(ListsChangedMeanwhile));
        }
        await transaction.CommitAsync(cancellationToken);
        if (waiting > 0) await cache.ChangedAsync();
        return Result.Success(rule.Id);
    }

    /// <summary>Saves a new version (the rule becomes a draft until that version is backtested and enabled).</summary>
    public async Task<Result> EditAsync(string actorId, long ruleId, Guid rowVersion, string name, RuleAction action, string expression, CancellationToken cancellationToken)
    {
        var check = await CheckAsync(expression, cancellationToken);
        if (!check.Succeeded) return check;
        return await ChangeAsync(actorId, ruleId, rowVersion, AuditActions.RuleEdit,
            rule => rule.Edit(name, action, expression, actorId, clock.GetUtcNow().UtcDateTime), Fields.Name, cancellationToken);
    }

    public Task<Result> EnableAsync(string actorId, long ruleId, Guid rowVersion, CancellationToken cancellationToken) =>
        ChangeAsync(actorId, ruleId, rowVersion, AuditActions.RuleEnable, rule => rule.Enable(actorId, clock.GetUtcNow().UtcDateTime), "", cancellationToken);

    public Task<Result> DisableAsync(string actorId, long ruleId, Guid rowVersion, CancellationToken cancellationToken) =>
        ChangeAsync(actorId, ruleId, rowVersion, AuditActions.RuleDisable, rule => rule.Disable(actorId, clock.GetUtcNow().UtcDateTime), "", cancellationToken);

    /// <summary>Runs the current version over the last <paramref name="days"/> days and keeps the figures; the new backtest's id.</summary>
    public async Task<Result<long>> BacktestAsync(string actorId, long ruleId, int days, CancellationToken cancellationToken)
    {
        if (days is < 1 or > RuleBacktester.MaxDays)
        {
            return Result.Fail<long>(ErrorCode.Invalid, Text.Format("Backtest over 1 to {0} days.", RuleBacktester.MaxDays), Fields.Days);
        }
        var rule = await db.Rules.SingleOrDefaultAsync(r => r.Id == ruleId, cancellationToken);
        if (rule is null) return Result.Fail<long>(ErrorCode.NotFound, Text.Get("This rule does not exist."));
        var check = await CheckAsync(rule.Expression, cancellationToken);
        if (!check.Succeeded) return check.As<long>();
        var now = clock.GetUtcNow().UtcDateTime;
        var from = now.AddDays(-days);
        var book = await cache.CurrentAsync(cancellationToken);
        var figures = await backtester.RunAsync(check.Value, book.Lists, from, now, cancellationToken);
        var backtest = RuleBacktest.Record(rule, days, from, now, figures, actorId, now);
        db.RuleBacktests.Add(backtest);
        // The backtest, the rule's backtested version and the audit entry in one save: never an unaudited backtest.
        await audit.AppendAsync(actorId, AuditActions.RuleBacktest, AuditTarget, Id(rule), null,
            new { rule.Version, DaysBack = days, figures.Evaluated, figures.Matched, figures.MatchedFraud, figures.MatchedLegitimate }, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Another analyst saved the rule while it ran: these figures may be of a version that no longer exists.
            return Result.Fail<long>(ErrorCode.Conflict, Text.Get(ChangedMeanwhile));
        }
        return Result.Success(backtest.Id);
    }

    private async Task<Result> ChangeAsync(string actorId, long ruleId, Guid rowVersion, string action, Action<FraudRule> change, string field, CancellationToken cancellationToken)
    {
        // An edit may make the rule read other lists: their entries are read inside the transaction that saves it (RulesLock).
        await using var transaction = await RulesLock.BeginAsync(db, cancellationToken);
        var rule = await db.Rules.Include(r => r.Versions).SingleOrDefaultAsync(r => r.Id == ruleId, cancellationToken);
        if (rule is null) return Result.NotFound(Text.Get("This rule does not exist."));
        if (rule.RowVersion != rowVersion) return Result.Fail(ErrorCode.Conflict, Text.Get(ChangedMeanwhile));
        var before = Snapshot(rule);
        var (actionBefore, expressionBefore) = (rule.Action, rule.Expression);
        try
        {
            change(rule);
        }
        catch (DomainException ex)
        {
            return Result.Fail(ex.Code == DomainErrorCode.Invalid ? ErrorCode.Invalid : ErrorCode.Conflict, Text.Of(ex), field);
        }
        // The version the form was read at must still be the stored one when this saves (two analysts at once).
        db.Entry(rule).Property(r => r.RowVersion).OriginalValue = rowVersion;
        await audit.AppendAsync(actorId, action, AuditTarget, Id(rule), before, Snapshot(rule), cancellationToken);
        if (action == AuditActions.RuleEdit)
        {
            await AwaitSecondAnalystAsync(rule, actorId, cancellationToken);
            await TakeEffectAloneAsync(rule, actionBefore, expressionBefore, actorId, cancellationToken);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            return Result.Fail(ErrorCode.Conflict, Text.Get(ChangedMeanwhile));
        }
        catch (DbUpdateException ex) when (!Infrastructure.Database.DatabaseFaults.IsUnavailable(ex))
        {
            // Two edits of one version at once: EF writes the new version's row before the rule's, so the second meets
            // the first's version number (unique per rule) before its stale row version (a 500 before).
            db.ChangeTracker.Clear();
            return Result.Fail(ErrorCode.Conflict, Text.Get(ChangedMeanwhile));
        }
        await cache.ChangedAsync();
        return Result.Ok;
    }

    private async Task<Dictionary<string, RuleListKind>> ListKindsAsync(CancellationToken cancellationToken) =>
        await db.RuleLists.AsNoTracking().ToDictionaryAsync(l => l.Name, l => l.Kind, StringComparer.Ordinal, cancellationToken);

    public const string ListsChangedMeanwhile = "An entry of a list this rule reads changed at the same moment; please save the rule again.";

    /// <summary>
    /// An allow rule lets through what its lists hold, so every entry on them waits for a second analyst
    /// (docs/rules.md). Entries added while no allow rule read the list were approved by their authors alone: once
    /// this rule reads the list they wait again, each audited. How many went back to waiting.
    /// </summary>
    private async Task<int> AwaitSecondAnalystAsync(FraudRule rule, string actorId, CancellationToken cancellationToken)
    {
        if (rule.Action != RuleAction.Allow) return 0;
        var named = (await db.RuleLists.AsNoTracking().ToListAsync(cancellationToken)).Where(l => l.IsNamedIn(rule.Expression)).Select(l => l.Id).ToList();
        if (named.Count == 0) return 0;
        var entries = await db.RuleListEntries
            .Where(e => named.Contains(e.ListId) && e.RemovedUtc == null && e.ApprovedUtc != null && e.ApprovedBy == e.AddedBy)
            .ToListAsync(cancellationToken);
        foreach (var entry in entries)
        {
            entry.AwaitSecondAnalyst();
            await audit.AppendAsync(actorId, AuditActions.ListAwaitApproval, RuleListService.AuditTarget, entry.ListId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new { Entry = entry.Id, entry.CardId, WaitingForApproval = false }, new { Entry = entry.Id, entry.CardId, WaitingForApproval = true }, cancellationToken);
        }
        return entries.Count;
    }

    /// <summary>
    /// The other way round: an allow rule's new version no longer reads a list, and no other allow rule does. The
    /// entries there that waited for a second analyst only because of it take effect on their author's word, as they
    /// would had they been added now (lists only block or review rules read take effect at once: a stolen card must not
    /// keep paying while its entry waits). Each audited. Should an allow rule read the list again, they wait again.
    /// </summary>
    private async Task TakeEffectAloneAsync(FraudRule rule, RuleAction actionBefore, string expressionBefore, string actorId, CancellationToken cancellationToken)
    {
        if (actionBefore != RuleAction.Allow) return;
        var lists = await db.RuleLists.AsNoTracking().Where(l => l.Purpose != RuleListPurpose.Allow).ToListAsync(cancellationToken);
        var dropped = lists.Where(l => l.IsNamedIn(expressionBefore) && !(rule.Action == RuleAction.Allow && l.IsNamedIn(rule.Expression))).ToList();
        if (dropped.Count == 0) return;
        var otherAllowRules = await db.Rules.AsNoTracking().Where(r => r.Action == RuleAction.Allow && r.Id != rule.Id)
            .Select(r => r.Expression).ToListAsync(cancellationToken);
        var unread = dropped.Where(l => !otherAllowRules.Any(l.IsNamedIn)).Select(l => l.Id).ToList();
        if (unread.Count == 0) return;
        var entries = await db.RuleListEntries
            .Where(e => unread.Contains(e.ListId) && e.RemovedUtc == null && e.ApprovedUtc == null)
            .ToListAsync(cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var entry in entries)
        {
            entry.TakeEffectAlone(now);
            await audit.AppendAsync(actorId, AuditActions.ListTakeEffect, RuleListService.AuditTarget, entry.ListId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                new { Entry = entry.Id, entry.CardId, WaitingForApproval = true }, new { Entry = entry.Id, entry.CardId, WaitingForApproval = false, RuleId = rule.Id }, cancellationToken);
        }
    }

    private static string Id(FraudRule rule) => rule.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static object Snapshot(FraudRule rule) => new
    {
        rule.Version,
        rule.Name,
        Action = rule.Action.ToString(),
        rule.Expression,
        Status = rule.Status.ToString(),
    };
}
