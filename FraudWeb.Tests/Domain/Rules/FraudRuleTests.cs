using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;

namespace FraudWeb.Tests.Domain.Rules;

/// <summary>
/// A rule's lifecycle (draft, backtest of that version, enabled, disabled; every change a new version) and the lists'
/// entries (added and removed with a reason, history kept).
/// </summary>
public sealed class FraudRuleTests
{
    private const string Analyst = "analyst-1";
    private const string Other = "analyst-2";
    private static readonly DateTime Now = new(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);
    private static readonly DateTime Later = Now.AddHours(1);

    private static FraudRule Draft() => FraudRule.Create("Big payments on new cards", RuleAction.Review, "card_age_days < 7 and amount > 500", Analyst, Now);

    private static FraudRule Enabled()
    {
        var rule = Draft();
        rule.RecordBacktest(1);
        rule.Enable(Analyst, Now);
        return rule;
    }

    [Fact]
    public void Create_ValidRule_DraftVersionOneWithOneVersion()
    {
        var rule = FraudRule.Create("  Big payments  ", RuleAction.Block, "  amount > 500 ", Analyst, Now);

        Assert.Equal(RuleStatus.Draft, rule.Status);
        Assert.Equal(1, rule.Version);
        Assert.Equal("Big payments", rule.Name);
        Assert.Equal("amount > 500", rule.Expression);
        Assert.Equal(RuleAction.Block, rule.Action);
        Assert.Null(rule.BacktestedVersion);
        Assert.False(rule.IsBacktested);
        Assert.Equal((Analyst, Now, Analyst, Now), (rule.CreatedBy, rule.CreatedUtc, rule.UpdatedBy, rule.UpdatedUtc));
        var version = Assert.Single(rule.Versions);
        Assert.Equal((1, "Big payments", RuleAction.Block, "amount > 500", Analyst, Now),
            (version.Version, version.Name, version.Action, version.Expression, version.ChangedBy, version.ChangedUtc));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\there")]
    public void Create_BadName_Refused(string name)
    {
        Assert.Throws<DomainException>(() => FraudRule.Create(name, RuleAction.Review, "amount > 1", Analyst, Now));
    }

    [Fact]
    public void Create_NameOf80And81Characters_OnlyFirstAccepted()
    {
        Assert.Equal(80, FraudRule.Create(new string('n', 80), RuleAction.Review, "amount > 1", Analyst, Now).Name.Length);
        Assert.Throws<DomainException>(() => FraudRule.Create(new string('n', 81), RuleAction.Review, "amount > 1", Analyst, Now));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Create_EmptyExpression_Refused(string expression)
    {
        Assert.Throws<DomainException>(() => FraudRule.Create("name", RuleAction.Review, expression, Analyst, Now));
    }

    [Fact]
    public void Create_ExpressionOver2000Characters_Refused()
    {
        var exception = Assert.Throws<DomainException>(() => FraudRule.Create("name", RuleAction.Review, "amount > " + new string('1', 1992), Analyst, Now));

        Assert.Contains("2000", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_UndefinedAction_Refused()
    {
        Assert.Throws<DomainException>(() => FraudRule.Create("name", (RuleAction)7, "amount > 1", Analyst, Now));
    }

    [Fact]
    public void Create_NoActor_Refused()
    {
        Assert.Throws<ArgumentException>(() => FraudRule.Create("name", RuleAction.Review, "amount > 1", " ", Now));
    }

    [Fact]
    public void Enable_BeforeBacktest_ThrowsAndStaysDraft()
    {
        var rule = Draft();

        var exception = Assert.Throws<DomainException>(() => rule.Enable(Analyst, Later));

        Assert.Equal("Backtest version 1 before enabling it.", exception.Message);
        Assert.Equal(RuleStatus.Draft, rule.Status);
    }

    [Fact]
    public void Enable_AfterBacktestOfThisVersion_EnabledAndTouched()
    {
        var rule = Draft();
        var before = rule.RowVersion;
        rule.RecordBacktest(1);

        rule.Enable(Other, Later);

        Assert.True(rule.IsBacktested);
        Assert.Equal(RuleStatus.Enabled, rule.Status);
        Assert.Equal((Other, Later), (rule.UpdatedBy, rule.UpdatedUtc));
        Assert.NotEqual(before, rule.RowVersion);
    }

    [Fact]
    public void Enable_AllowRuleByTheAuthorOfItsVersion_ThrowsAndStaysDraft()
    {
        var rule = FraudRule.Create("Trusted shop", RuleAction.Allow, "amount < 5", Analyst, Now);
        rule.RecordBacktest(1);

        var exception = Assert.Throws<DomainException>(() => rule.Enable(Analyst, Later));

        Assert.Contains("Another analyst", exception.Message, StringComparison.Ordinal);
        Assert.Equal(RuleStatus.Draft, rule.Status);
    }

    [Fact]
    public void Enable_AllowRuleEditedByAnotherThenEnabledByTheFirstAuthor_EnabledSinceTheVersionIsTheOthers()
    {
        // The version that would run is Other's; Analyst, who wrote version 1, is the second pair of eyes on it.
        var rule = FraudRule.Create("Trusted shop", RuleAction.Allow, "amount < 5", Analyst, Now);
        rule.Edit("Trusted shop", RuleAction.Allow, "amount < 4", Other, Now);
        rule.RecordBacktest(2);

        rule.Enable(Analyst, Later);

        Assert.Equal(RuleStatus.Enabled, rule.Status);
        Assert.Throws<DomainException>(() =>
        {
            var again = FraudRule.Create("Trusted shop", RuleAction.Allow, "amount < 5", Analyst, Now);
            again.Edit("Trusted shop", RuleAction.Allow, "amount < 4", Other, Now);
            again.RecordBacktest(2);
            again.Enable(Other, Later);
        });
    }

    [Fact]
    public void Enable_ReviewRuleByItsAuthor_Enabled()
    {
        var rule = Draft();
        rule.RecordBacktest(1);

        rule.Enable(Analyst, Later);

        Assert.Equal(RuleStatus.Enabled, rule.Status);
    }

    [Fact]
    public void Enable_AlreadyEnabled_StateChanged()
    {
        var rule = Enabled();

        var exception = Assert.Throws<DomainException>(() => rule.Enable(Analyst, Later));

        Assert.Equal(DomainErrorCode.StateChanged, exception.Code);
    }

    [Fact]
    public void RecordBacktest_OtherVersion_DoesNotCount()
    {
        var rule = Draft();

        rule.RecordBacktest(2);
        rule.RecordBacktest(0);

        Assert.Null(rule.BacktestedVersion);
        Assert.Throws<DomainException>(() => rule.Enable(Analyst, Later));
    }

    [Fact]
    public void Edit_EnabledRule_NewDraftVersionKeepsHistory()
    {
        var rule = Enabled();
        var before = rule.RowVersion;

        rule.Edit("Big payments on new cards", RuleAction.Block, "card_age_days < 3 and amount > 500", Other, Later);

        Assert.Equal(2, rule.Version);
        Assert.Equal(RuleStatus.Draft, rule.Status);
        Assert.Equal(RuleAction.Block, rule.Action);
        Assert.Equal("card_age_days < 3 and amount > 500", rule.Expression);
        Assert.False(rule.IsBacktested);
        Assert.Equal(1, rule.BacktestedVersion);
        Assert.NotEqual(before, rule.RowVersion);
        Assert.Equal([1, 2], rule.Versions.Select(v => v.Version));
        Assert.Equal("card_age_days < 7 and amount > 500", rule.Versions[0].Expression);
        Assert.Equal(RuleAction.Review, rule.Versions[0].Action);
        Assert.Equal((Other, Later), (rule.Versions[1].ChangedBy, rule.Versions[1].ChangedUtc));
    }

    [Fact]
    public void Edit_ThenEnable_RequiresBacktestOfTheNewVersion()
    {
        var rule = Enabled();
        rule.Edit("Renamed", RuleAction.Review, rule.Expression, Analyst, Later);

        var exception = Assert.Throws<DomainException>(() => rule.Enable(Analyst, Later));
        rule.RecordBacktest(1);
        Assert.Throws<DomainException>(() => rule.Enable(Analyst, Later));
        rule.RecordBacktest(2);
        rule.Enable(Analyst, Later);

        Assert.Equal("Backtest version 2 before enabling it.", exception.Message);
        Assert.Equal(RuleStatus.Enabled, rule.Status);
        Assert.Equal(2, rule.BacktestedVersion);
    }

    [Theory]
    [InlineData("Big payments on new cards", RuleAction.Review, "card_age_days < 7 and amount > 500")]
    [InlineData("  Big payments on new cards ", RuleAction.Review, " card_age_days < 7 and amount > 500  ")]
    public void Edit_NothingChanged_ThrowsAndKeepsVersion(string name, RuleAction action, string expression)
    {
        var rule = Enabled();

        var exception = Assert.Throws<DomainException>(() => rule.Edit(name, action, expression, Other, Later));

        Assert.Equal("Nothing changed.", exception.Message);
        Assert.Equal(1, rule.Version);
        Assert.Equal(RuleStatus.Enabled, rule.Status);
        Assert.Single(rule.Versions);
    }

    [Theory]
    [InlineData("Another name", RuleAction.Review, "card_age_days < 7 and amount > 500")]
    [InlineData("Big payments on new cards", RuleAction.Allow, "card_age_days < 7 and amount > 500")]
    [InlineData("Big payments on new cards", RuleAction.Review, "card_age_days < 7 and amount > 501")]
    public void Edit_AnyOneFieldChanged_NewVersion(string name, RuleAction action, string expression)
    {
        var rule = Draft();

        rule.Edit(name, action, expression, Other, Later);

        Assert.Equal(2, rule.Version);
        Assert.Equal(2, rule.Versions.Count);
    }

    [Fact]
    public void Edit_InvalidName_ThrowsAndChangesNothing()
    {
        var rule = Enabled();

        Assert.Throws<DomainException>(() => rule.Edit("", RuleAction.Block, "amount > 1", Other, Later));

        Assert.Equal((1, RuleStatus.Enabled, RuleAction.Review), (rule.Version, rule.Status, rule.Action));
    }

    [Fact]
    public void Disable_EnabledRule_Disabled()
    {
        var rule = Enabled();

        rule.Disable(Other, Later);

        Assert.Equal(RuleStatus.Disabled, rule.Status);
        Assert.Equal(Other, rule.UpdatedBy);
    }

    [Fact]
    public void Disable_DraftOrAlreadyDisabled_StateChanged()
    {
        var draft = Draft();
        var disabled = Enabled();
        disabled.Disable(Analyst, Later);

        Assert.Equal(DomainErrorCode.StateChanged, Assert.Throws<DomainException>(() => draft.Disable(Analyst, Later)).Code);
        Assert.Equal(DomainErrorCode.StateChanged, Assert.Throws<DomainException>(() => disabled.Disable(Analyst, Later)).Code);
        Assert.Equal(RuleStatus.Draft, draft.Status);
    }

    [Fact]
    public void Enable_DisabledRuleOfBacktestedVersion_EnabledAgain()
    {
        var rule = Enabled();
        rule.Disable(Analyst, Later);

        rule.Enable(Analyst, Later);

        Assert.Equal(RuleStatus.Enabled, rule.Status);
    }

    [Fact]
    public void Enable_BlankActor_ThrowsAndStaysDraft()
    {
        var rule = Draft();
        rule.RecordBacktest(1);

        Assert.ThrowsAny<ArgumentException>(() => rule.Enable(" ", Later));

        Assert.Equal(RuleStatus.Draft, rule.Status);
    }

    [Fact]
    public void RuleBacktest_Record_MarksTheRulesCurrentVersion()
    {
        var rule = Draft();
        rule.Edit("Renamed", RuleAction.Review, rule.Expression, Analyst, Now);
        var figures = new BacktestFigures(100, 3, 2, 1, 30m, 20m, 10m, 4, [5, 4, 3]);

        var backtest = RuleBacktest.Record(rule, 30, Now.AddDays(-30), Now, figures, Analyst, Later);

        Assert.Equal(2, backtest.Version);
        Assert.True(rule.IsBacktested);
        Assert.Equal([5L, 4L, 3L], backtest.Sample);
        Assert.Equal(0, backtest.MatchedUnlabelled);
    }

    // ---- Lists ----

    [Theory]
    [InlineData("stolen_cards", "stolen_cards")]
    [InlineData("  Stolen_Cards ", "stolen_cards")]
    [InlineData("ab", "ab")]
    [InlineData("a1_2", "a1_2")]
    public void RuleListCreate_GoodName_LowerCasedAndTrimmed(string name, string expected)
    {
        var list = RuleList.Create(name, RuleListKind.Card, RuleListPurpose.Block, " Cards reported stolen ", Analyst, Now);

        Assert.Equal(expected, list.Name);
        Assert.Equal("Cards reported stolen", list.Description);
        Assert.Empty(list.Entries);
    }

    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("1cards")]
    [InlineData("_cards")]
    [InlineData("stolen-cards")]
    [InlineData("stolen cards")]
    [InlineData("@stolen")]
    [InlineData("kärtchen")]
    public void RuleListCreate_BadName_Refused(string name)
    {
        Assert.Throws<DomainException>(() => RuleList.Create(name, RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now));
    }

    [Fact]
    public void RuleListCreate_NameOf40And41Characters_OnlyFirstAccepted()
    {
        Assert.Equal(40, RuleList.Create(new string('a', 40), RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now).Name.Length);
        Assert.Throws<DomainException>(() => RuleList.Create(new string('a', 41), RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now));
    }

    [Fact]
    public void RuleListCreate_UndefinedKindOrPurpose_Refused()
    {
        Assert.Throws<DomainException>(() => RuleList.Create("cards", (RuleListKind)9, RuleListPurpose.Block, null, Analyst, Now));
        Assert.Throws<DomainException>(() => RuleList.Create("cards", RuleListKind.Card, (RuleListPurpose)9, null, Analyst, Now));
    }

    [Fact]
    public void RuleListCreate_ValidName_ParsesInRules()
    {
        // What Create accepts, a rule can name: @ plus the stored name.
        var list = RuleList.Create("Stolen_Cards_2", RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now);

        var rule = RuleExpression.Parse($"card in @{list.Name}", new Dictionary<string, RuleListKind> { [list.Name] = list.Kind });

        Assert.Equal([list.Name], rule.Lists);
    }

    [Fact]
    public void Add_NewValue_ActiveEntryWithReason()
    {
        var list = RuleList.Create("stolen_cards", RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now);

        var entry = list.Add("fp-1", "Visa ****1111", 12, "  reported stolen ", Analyst, Now);

        Assert.Same(entry, Assert.Single(list.Entries));
        Assert.True(entry.IsActive);
        Assert.Equal(("fp-1", "Visa ****1111", 12L, "reported stolen", Analyst, Now),
            (entry.Value, entry.Label, entry.CardId, entry.AddedReason, entry.AddedBy, entry.AddedUtc));
    }

    [Fact]
    public void Add_ValueAlreadyActive_Refused()
    {
        var list = RuleList.Create("stolen_cards", RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now);
        list.Add("fp-1", "Visa ****1111", 12, "reported stolen", Analyst, Now);

        var exception = Assert.Throws<DomainException>(() => list.Add("fp-1", "Visa ****1111", 12, "again", Other, Later));

        Assert.Equal("Visa ****1111 is already on this list.", exception.Message);
        Assert.Single(list.Entries);
    }

    [Fact]
    public void Add_CardFingerprintDifferingInCase_AnotherEntry()
    {
        var list = RuleList.Create("stolen_cards", RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now);
        list.Add("fp-abc", "card a", 1, "reason", Analyst, Now);

        list.Add("FP-ABC", "card b", 2, "reason", Analyst, Now);

        Assert.Equal(2, list.Entries.Count);
    }

    [Fact]
    public void Add_CategoryDifferingInCase_Refused()
    {
        // Rules compare categories ignoring case, so two entries would be one.
        var list = RuleList.Create("risky_categories", RuleListKind.MerchantCategory, RuleListPurpose.Reference, null, Analyst, Now);
        list.Add("gambling", "gambling", null, "reason", Analyst, Now);

        Assert.Throws<DomainException>(() => list.Add("GAMBLING", "GAMBLING", null, "reason", Analyst, Now));
    }

    [Fact]
    public void Add_AfterRemove_AcceptedAndHistoryKept()
    {
        var list = RuleList.Create("stolen_cards", RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now);
        var first = list.Add("fp-1", "Visa ****1111", 12, "reported stolen", Analyst, Now);
        first.Remove("found again", Other, Later);

        var second = list.Add("fp-1", "Visa ****1111", 12, "stolen again", Analyst, Later);

        Assert.Equal(2, list.Entries.Count);
        Assert.False(first.IsActive);
        Assert.True(second.IsActive);
        Assert.Equal(("found again", Other, Later), (first.RemovedReason, first.RemovedBy, first.RemovedUtc));
    }

    [Fact]
    public void Remove_EntryWaitingForApproval_WithdrawnAndCannotBeApprovedAfter()
    {
        var list = RuleList.Create("trusted_cards", RuleListKind.Card, RuleListPurpose.Allow, null, Analyst, Now);
        var entry = list.Add("fp-1", "Visa ****1111", 12, "trusted", Analyst, Now, needsSecondAnalyst: true);
        Assert.True(entry.IsPending);

        entry.Remove("added by mistake", Analyst, Later);

        Assert.False(entry.IsPending);
        Assert.False(entry.IsActive);
        Assert.Throws<DomainException>(() => entry.Approve(Other, Later.AddHours(1)));
    }

    [Fact]
    public void Remove_Twice_StateChanged()
    {
        var list = RuleList.Create("stolen_cards", RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now);
        var entry = list.Add("fp-1", "Visa ****1111", 12, "reported stolen", Analyst, Now);
        entry.Remove("found again", Other, Later);

        var exception = Assert.Throws<DomainException>(() => entry.Remove("once more", Analyst, Later.AddHours(1)));

        Assert.Equal(DomainErrorCode.StateChanged, exception.Code);
        Assert.Equal(("found again", Later), (entry.RemovedReason, entry.RemovedUtc));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("line\nbreak")]
    public void Add_BadReason_RefusedAndNothingAdded(string reason)
    {
        var list = RuleList.Create("stolen_cards", RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now);

        Assert.Throws<DomainException>(() => list.Add("fp-1", "Visa ****1111", 12, reason, Analyst, Now));

        Assert.Empty(list.Entries);
    }

    [Fact]
    public void Remove_NoReason_RefusedAndStillActive()
    {
        var list = RuleList.Create("stolen_cards", RuleListKind.Card, RuleListPurpose.Block, null, Analyst, Now);
        var entry = list.Add("fp-1", "Visa ****1111", 12, "reported stolen", Analyst, Now);

        Assert.Throws<DomainException>(() => entry.Remove(" ", Other, Later));

        Assert.True(entry.IsActive);
    }

    [Fact]
    public void CheckReason_200And201Characters_OnlyFirstAccepted()
    {
        Assert.Equal(200, RuleList.CheckReason(new string('r', 200)).Length);
        Assert.Throws<DomainException>(() => RuleList.CheckReason(new string('r', 201)));
    }
}
