using FraudWeb.ViewModels.Common;
using System.Globalization;
using FraudWeb.Data;
using FraudWeb.Domain.Cards;
using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Infrastructure.Security;
using FraudWeb.Services.Rules;
using FraudWeb.ViewModels.Rules;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.ViewModelBuilders;

/// <summary>The rules and lists pages (staff with rules.manage).</summary>
public sealed class RulesViewModelBuilder(FraudDbContext db, LocalTime time)
{
    /// <summary>Candidates shown for one search.</summary>
    public const int SearchResults = 20;

    public async Task<RulesIndexViewModel> IndexAsync(CancellationToken cancellationToken) => new()
    {
        Rules = await db.Rules.AsNoTracking().OrderBy(r => r.Id)
            .Select(r => new RuleRowViewModel(r.Id, r.Name, r.Action, r.Status, r.Version, r.BacktestedVersion == r.Version, r.UpdatedUtc))
            .ToListAsync(cancellationToken),
        Lists = await ListRowsAsync(cancellationToken),
    };

    public async Task<RuleEditorViewModel> EditorAsync(long? ruleId, int? version, RuleFormViewModel form, CancellationToken cancellationToken) => new()
    {
        RuleId = ruleId,
        Version = version,
        Form = form,
        Lists = await ListRowsAsync(cancellationToken),
        Categories = await db.Terminals.CategoriesAsync(cancellationToken),
    };

    /// <summary>The form filled from the stored rule, or null when there is none.</summary>
    public async Task<RuleEditorViewModel?> EditorForAsync(long ruleId, CancellationToken cancellationToken)
    {
        var rule = await db.Rules.AsNoTracking().SingleOrDefaultAsync(r => r.Id == ruleId, cancellationToken);
        if (rule is null) return null;
        var form = new RuleFormViewModel { Name = rule.Name, Action = rule.Action, Expression = rule.Expression, RowVersion = rule.RowVersion };
        return await EditorAsync(rule.Id, rule.Version, form, cancellationToken);
    }

    public async Task<RuleDetailsViewModel?> DetailsAsync(long ruleId, int? days, CancellationToken cancellationToken)
    {
        var rule = await db.Rules.AsNoTracking().Include(r => r.Versions).SingleOrDefaultAsync(r => r.Id == ruleId, cancellationToken);
        if (rule is null) return null;
        var backtest = await db.RuleBacktests.AsNoTracking().Where(b => b.RuleId == ruleId).OrderByDescending(b => b.Id).FirstOrDefaultAsync(cancellationToken);
        var people = await EmailsAsync(rule.Versions.Select(v => v.ChangedBy).Append(backtest?.RanBy ?? ""), cancellationToken);
        var deleted = DeletedUser;
        return new RuleDetailsViewModel
        {
            Id = rule.Id,
            Name = rule.Name,
            Action = rule.Action,
            Expression = rule.Expression,
            Version = rule.Version,
            Status = rule.Status,
            Backtested = rule.IsBacktested,
            AllowRuleAuthorId = rule.Action == RuleAction.Allow ? rule.Versions.SingleOrDefault(v => v.Version == rule.Version)?.ChangedBy : null,
            RowVersion = rule.RowVersion,
            Versions = rule.Versions.OrderByDescending(v => v.Version)
                .Select(v => new RuleVersionViewModel(v.Version, v.Name, v.Action, v.Expression, people.GetValueOrDefault(v.ChangedBy, deleted), v.ChangedUtc))
                .ToList(),
            LastBacktest = backtest is null ? null : await BacktestAsync(backtest, people, cancellationToken),
            Days = days ?? backtest?.Days ?? 30,
        };
    }

    private async Task<BacktestViewModel> BacktestAsync(RuleBacktest backtest, Dictionary<string, string> people, CancellationToken cancellationToken)
    {
        var ids = backtest.Sample;
        var rows = await db.Transactions.AsNoTracking().Where(t => ids.Contains(t.Id))
            .Select(t => new
            {
                t.Id,
                t.TimestampUtc,
                t.Amount,
                t.Label,
                Risk = t.Verdict == null ? (int?)null : t.Verdict.RiskScore,
                Decision = t.Verdict == null ? null : (Decision?)t.Verdict.Decision,
                Brand = t.Card!.Brand,
                t.Card.Last4,
                Merchant = t.Terminal!.Name,
            })
            .ToListAsync(cancellationToken);
        var sample = rows.OrderByDescending(r => r.TimestampUtc).ThenByDescending(r => r.Id)
            .Select(r => new BacktestSampleViewModel(r.Id, r.TimestampUtc, CardLabel.Mask(r.Brand, r.Last4), r.Merchant, r.Amount, r.Risk,
                r.Label switch { FraudLabel.Fraud => Text.Get("Fraud"), FraudLabel.Legitimate => Text.Get("Legitimate"), _ => Text.Get("Not labelled") },
                DecisionText(r.Decision)))
            .ToList();
        return new BacktestViewModel(backtest.Version, backtest.Days, backtest.FromUtc, backtest.ToUtc, people.GetValueOrDefault(backtest.RanBy, DeletedUser),
            backtest.RanUtc, backtest.Evaluated, backtest.Matched, backtest.MatchedFraud, backtest.MatchedLegitimate, backtest.MatchedUnlabelled,
            backtest.MatchedAmount, backtest.MatchedFraudAmount, backtest.MatchedLegitimateAmount, backtest.FraudInPeriod, sample);
    }

    /// <param name="findCards">
    /// A card list's search: the cards for the term (an audited, rate-limited lookup, <see cref="Services.Cards.CardLookupService.FindForListAsync"/>);
    /// null shows no cards, whatever the term.
    /// </param>
    public async Task<RuleListDetailsViewModel?> ListDetailsAsync(long listId, string? query, Func<string, Task<IReadOnlyList<long>>>? findCards,
        CancellationToken cancellationToken)
    {
        var list = await db.RuleLists.AsNoTracking().Include(l => l.Entries).SingleOrDefaultAsync(l => l.Id == listId, cancellationToken);
        if (list is null) return null;
        var people = await EmailsAsync(list.Entries.SelectMany(e => new[] { e.AddedBy, e.RemovedBy ?? "", e.ApprovedBy ?? "" }), cancellationToken);
        var term = query?.Trim() ?? "";
        var deleted = DeletedUser;
        // Merchants are named at read time, in the page's language (the stored label is English).
        var merchants = list.Kind == RuleListKind.Merchant ? await MerchantsByIdAsync(list.Entries.Select(e => e.Value), cancellationToken) : [];
        return new RuleListDetailsViewModel
        {
            List = new RuleListRowViewModel(list.Id, list.Name, list.Kind, list.Purpose, list.Description, list.Entries.Count(e => e.IsActive)),
            Entries = list.Entries.OrderBy(e => e.RemovedUtc is not null).ThenByDescending(e => e.AddedUtc)
                .Select(e => new RuleListEntryViewModel(e.Id, RuleListLabels.Display(list.Kind, e.Label, e.Value, merchants.TryGetValue(e.Value, out var m) ? m : null), people.GetValueOrDefault(e.AddedBy, deleted), e.AddedUtc, ShownReason(e.AddedReason)!,
                    e.RemovedBy is null ? null : people.GetValueOrDefault(e.RemovedBy, deleted), e.RemovedUtc, ShownReason(e.RemovedReason))
                {
                    Pending = e.IsPending,
                    AddedById = e.AddedBy,
                    // A second approver is named only when it was another analyst (an entry its author added at once is not "approved").
                    ApprovedBy = e.ApprovedBy is { } by && by != e.AddedBy ? people.GetValueOrDefault(by, deleted) : null,
                    ApprovedUtc = e.ApprovedBy != e.AddedBy ? e.ApprovedUtc : null,
                })
                .ToList(),
            // A pasted card number is searched by its fingerprint and never shown whole (PCI DSS 3.4.1).
            Query = CardNumber.Redact(term),
            Candidates = term.Length == 0 ? [] : await CandidatesAsync(list.Kind, term, findCards, cancellationToken),
            Categories = list.Kind == RuleListKind.MerchantCategory
                ? await db.Terminals.CategoriesAsync(cancellationToken)
                : [],
        };
    }

    private async Task<Dictionary<string, (string Name, string Category)>> MerchantsByIdAsync(IEnumerable<string> values, CancellationToken cancellationToken)
    {
        var ids = values.Select(v => long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1).Where(id => id >= 0).Distinct().ToList();
        if (ids.Count == 0) return [];
        var found = await db.Terminals.AsNoTracking().Where(t => ids.Contains(t.Id)).Select(t => new { t.Id, t.Name, t.Category }).ToListAsync(cancellationToken);
        return found.ToDictionary(t => Id(t.Id), t => (t.Name, t.Category), StringComparer.Ordinal);
    }

    /// <summary>
    /// Cards as the lookup found them (by a whole card number, their last four digits or the name on the card); merchants
    /// by number, name or category (<see cref="MerchantSearch"/>).
    /// </summary>
    private async Task<IReadOnlyList<RuleListCandidateViewModel>> CandidatesAsync(RuleListKind kind, string term, Func<string, Task<IReadOnlyList<long>>>? findCards,
        CancellationToken cancellationToken)
    {
        if (kind == RuleListKind.Card)
        {
            if (findCards is null) return [];
            var ids = await findCards(term);
            var found = await db.Cards.AsNoTracking().Where(c => ids.Contains(c.Id)).OrderBy(c => c.Id).Take(SearchResults)
                .Select(c => new { c.Id, c.Brand, c.Last4, c.CardholderName, c.ExpiryMonth, c.ExpiryYear, c.AddedUtc })
                .ToListAsync(cancellationToken);
            return found.ConvertAll(c => new RuleListCandidateViewModel(Id(c.Id), CardLabel.Mask(c.Brand, c.Last4),
                Text.Format("{0}, expires {1}, added {2}, card #{3}", ShownName(c.CardholderName),
                    $"{c.ExpiryMonth:00}/{c.ExpiryYear % 100:00}",
                    time.FormatDate(c.AddedUtc), Id(c.Id))));
        }
        var merchants = await db.Terminals.AsNoTracking().Matching(term, db).OrderBy(t => t.Name).ThenBy(t => t.Id).Take(SearchResults).Select(t => new { t.Id, t.Name, t.Category }).ToListAsync(cancellationToken);
        return merchants.ConvertAll(m => new RuleListCandidateViewModel(Id(m.Id), m.Name, Text.Format("{0}, merchant #{1}", Text.Get(m.Category), Id(m.Id))));
    }

    private Task<List<RuleListRowViewModel>> ListRowsAsync(CancellationToken cancellationToken) =>
        db.RuleLists.AsNoTracking().OrderBy(l => l.Name)
            .Select(l => new RuleListRowViewModel(l.Id, l.Name, l.Kind, l.Purpose, l.Description, l.Entries.Count(e => e.RemovedUtc == null && e.ApprovedUtc != null)))
            .ToListAsync(cancellationToken);

    private async Task<Dictionary<string, string>> EmailsAsync(IEnumerable<string> userIds, CancellationToken cancellationToken)
    {
        var ids = userIds.Where(id => id.Length > 0).Distinct().ToList();
        return await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.Email ?? u.Id, cancellationToken);
    }

    private static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>Who saved or ran something when their account no longer exists.</summary>
    private static string DeletedUser => Text.Get("(deleted user)");

    /// <summary>What the payment's verdict decided when it was made, or that it came from history never scored live.</summary>
    private static string DecisionText(Decision? decision) => decision switch
    {
        null => Text.Get("History (not scored live)"),
        Decision.Approved => Text.Get("Approved"),
        Decision.Review => Text.Get("Review"),
        Decision.Declined => Text.Get("Declined"),
        _ => decision.Value.ToString(),
    };

    /// <summary>A card's name as shown: the domain's English placeholders (a simulated card, an erased holder's) in the page's language.</summary>
    private static string ShownName(string name) =>
        name is Card.SimulatedCardholderName or CardHolder.ErasedName ? Text.Get(name) : name;

    /// <summary>A reason as shown: the erased holder's placeholder in the page's language.</summary>
    private static string? ShownReason(string? reason) => reason == RuleListEntry.ErasedReason ? Text.Get(RuleListEntry.ErasedReason) : reason;
}
