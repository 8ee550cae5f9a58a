using FraudWeb.Domain.Entities;
using FraudWeb.Domain.Rules;

namespace FraudWeb.Tests.Domain.Rules;

/// <summary>
/// The order a payment meets the rules and lists: allow lists, allow rules, block lists, block rules, the model's
/// decline, review rules, then the model's decision; within an action the lowest rule id that matches decides.
/// </summary>
public sealed class RuleBookTests
{
    private const string Card = "fp-card";

    private static CompiledRule Rule(long id, RuleAction action, string text, int version = 1, string? name = null) =>
        new(id, name ?? $"rule {id}", version, action, RuleSamples.Parse(text));

    private static RuleListEntries List(long id, string name, RuleListPurpose purpose, RuleListKind kind, params string[] values) =>
        new(id, name, kind, purpose, values);

    /// <summary>A payment of 100 on <see cref="Card"/> at merchant 7 (grocery), hour 14, risk score 30.</summary>
    private static RuleInput Payment() => new()
    {
        Amount = 100,
        CardFingerprint = Card,
        MerchantId = 7,
        MerchantName = "Corner Shop",
        MerchantCategory = "grocery",
        CardBrand = "Visa",
        Hour = 14,
        RiskScore = 30,
    };

    [Fact]
    public void Decide_AllowListAndMatchingBlockRule_AllowListApproves()
    {
        var book = new RuleBook([Rule(1, RuleAction.Block, "amount > 0")], [List(9, "vip_cards", RuleListPurpose.Allow, RuleListKind.Card, Card)]);

        var decision = book.Decide(Payment(), Decision.Approved);

        Assert.Equal(Decision.Approved, decision.Decision);
        Assert.Equal(new RuleHit(null, 9, "vip_cards", 0, RuleAction.Allow), decision.DecidedBy);
        Assert.Equal("Allow list 'vip_cards'", decision.DecidedBy!.Describe());
    }

    [Fact]
    public void Decide_AllowRuleAndBlockList_AllowRuleApproves()
    {
        var book = new RuleBook([Rule(5, RuleAction.Allow, "merchant_category = 'grocery'")], [List(1, "stolen_cards", RuleListPurpose.Block, RuleListKind.Card, Card)]);

        var decision = book.Decide(Payment(), Decision.Approved);

        Assert.Equal(Decision.Approved, decision.Decision);
        Assert.Equal(5, decision.DecidedBy!.RuleId);
    }

    [Fact]
    public void Decide_BlockListAndBlockRuleWithLowerId_BlockListDecides()
    {
        // Lists come before rules of the same action, whatever the ids.
        var book = new RuleBook([Rule(1, RuleAction.Block, "amount > 0")], [List(50, "stolen_cards", RuleListPurpose.Block, RuleListKind.Card, Card)]);

        var decision = book.Decide(Payment(), Decision.Approved);

        Assert.Equal(Decision.Declined, decision.Decision);
        Assert.Null(decision.DecidedBy!.RuleId);
        Assert.Equal(50, decision.DecidedBy.ListId);
        Assert.Equal("Block list 'stolen_cards'", decision.DecidedBy.Describe());
    }

    [Fact]
    public void Decide_BlockRuleAndReviewRuleWithLowerId_BlockDecides()
    {
        var book = new RuleBook([Rule(1, RuleAction.Review, "amount > 0"), Rule(2, RuleAction.Block, "amount > 0")], []);

        var decision = book.Decide(Payment(), Decision.Approved);

        Assert.Equal(Decision.Declined, decision.Decision);
        Assert.Equal(2, decision.DecidedBy!.RuleId);
    }

    [Fact]
    public void Decide_ModelDeclinedAndMatchingReviewRule_StaysDeclinedByTheModel()
    {
        var book = new RuleBook([Rule(1, RuleAction.Review, "amount > 0")], []);

        var decision = book.Decide(Payment(), Decision.Declined);

        Assert.Equal(new RuleDecision(Decision.Declined, null), decision);
    }

    [Fact]
    public void Decide_ModelDeclinedAndMatchingAllowRule_AllowRuleApproves()
    {
        var book = new RuleBook([Rule(1, RuleAction.Allow, "merchant = 'corner shop'"), Rule(2, RuleAction.Review, "amount > 0")], []);

        var decision = book.Decide(Payment(), Decision.Declined);

        Assert.Equal(Decision.Approved, decision.Decision);
        Assert.Equal(1, decision.DecidedBy!.RuleId);
    }

    [Fact]
    public void Decide_ModelDeclinedAndAllowList_AllowListApproves()
    {
        var book = new RuleBook([], [List(3, "trusted_merchants", RuleListPurpose.Allow, RuleListKind.Merchant, "7")]);

        var decision = book.Decide(Payment(), Decision.Declined);

        Assert.Equal(Decision.Approved, decision.Decision);
        Assert.Equal(3, decision.DecidedBy!.ListId);
    }

    [Fact]
    public void Decide_ModelDeclinedAndMatchingBlockRule_BlockRuleNamedAsTheReason()
    {
        // Block rules run before the model's own block, so the rule is what staff see.
        var book = new RuleBook([Rule(4, RuleAction.Block, "hour = 14")], []);

        var decision = book.Decide(Payment(), Decision.Declined);

        Assert.Equal(Decision.Declined, decision.Decision);
        Assert.Equal(4, decision.DecidedBy!.RuleId);
    }

    [Fact]
    public void Decide_ModelApprovedAndMatchingReviewRule_Review()
    {
        var book = new RuleBook([Rule(8, RuleAction.Review, "amount >= 100 and card_brand = 'visa'", version: 2, name: "Visa over 100")], []);

        var decision = book.Decide(Payment(), Decision.Approved);

        Assert.Equal(Decision.Review, decision.Decision);
        Assert.Equal(new RuleHit(8, null, "Visa over 100", 2, RuleAction.Review), decision.DecidedBy);
    }

    [Fact]
    public void Decide_ModelReviewAndNoRuleMatches_ModelsReviewWithoutHit()
    {
        var book = new RuleBook([Rule(1, RuleAction.Block, "amount > 1000"), Rule(2, RuleAction.Allow, "amount < 1")], []);

        var decision = book.Decide(Payment(), Decision.Review);

        Assert.Equal(new RuleDecision(Decision.Review, null), decision);
    }

    [Fact]
    public void Decide_ModelReviewAndMatchingBlockRule_Declined()
    {
        var book = new RuleBook([Rule(1, RuleAction.Block, "risk_score >= 30")], []);

        Assert.Equal(Decision.Declined, book.Decide(Payment(), Decision.Review).Decision);
    }

    [Theory]
    [InlineData(Decision.Approved)]
    [InlineData(Decision.Review)]
    [InlineData(Decision.Declined)]
    public void Decide_NothingMatches_ModelsDecision(Decision model)
    {
        var book = new RuleBook(
            [Rule(1, RuleAction.Block, "amount > 1000"), Rule(2, RuleAction.Review, "hour < 6"), Rule(3, RuleAction.Allow, "risk_score < 5")],
            [List(1, "stolen_cards", RuleListPurpose.Block, RuleListKind.Card, "fp-other"), List(2, "vip_cards", RuleListPurpose.Allow, RuleListKind.Card, "fp-vip")]);

        Assert.Equal(new RuleDecision(model, null), book.Decide(Payment(), model));
    }

    [Fact]
    public void Decide_SeveralMatchingRulesGivenOutOfOrder_LowestIdDecides()
    {
        var book = new RuleBook(
        [
            Rule(7, RuleAction.Block, "amount > 10", name: "seven"),
            Rule(3, RuleAction.Block, "amount > 50", version: 2, name: "Big payments"),
            Rule(5, RuleAction.Block, "amount > 0", name: "five"),
            Rule(1, RuleAction.Block, "amount > 500", name: "does not match"),
        ], []);

        var decision = book.Decide(Payment(), Decision.Approved);

        Assert.Equal(3, decision.DecidedBy!.RuleId);
        Assert.Equal("Rule 3 v2 'Big payments' (block)", decision.DecidedBy.Describe());
        Assert.Contains("Rule 3 v2", decision.DecidedBy.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_SeveralMatchingLists_LowestListIdDecides()
    {
        var book = new RuleBook([],
        [
            List(9, "later_list", RuleListPurpose.Block, RuleListKind.Card, Card),
            List(4, "first_list", RuleListPurpose.Block, RuleListKind.MerchantCategory, "GROCERY"),
        ]);

        var decision = book.Decide(Payment(), Decision.Approved);

        Assert.Equal(4, decision.DecidedBy!.ListId);
    }

    [Fact]
    public void Decide_ReferenceListHoldingTheCard_DecidesNothingAlone()
    {
        var book = new RuleBook([], [List(1, "watched_cards", RuleListPurpose.Reference, RuleListKind.Card, Card)]);

        Assert.Equal(new RuleDecision(Decision.Approved, null), book.Decide(Payment(), Decision.Approved));
    }

    [Fact]
    public void Decide_RuleNamingReferenceList_RuleDecidesThroughIt()
    {
        var book = new RuleBook(
            [Rule(2, RuleAction.Block, "card in @stolen_cards and amount >= 100")],
            [List(1, "stolen_cards", RuleListPurpose.Reference, RuleListKind.Card, Card)]);
        var input = Payment();

        var decision = book.Decide(input, Decision.Approved);

        Assert.Equal(Decision.Declined, decision.Decision);
        Assert.Equal(2, decision.DecidedBy!.RuleId);
        // Decide hands its lists to the input, which starts with none.
        Assert.Same(book.Lists, input.Lists);
    }

    [Fact]
    public void Decide_MerchantListAndCategoryList_KeyedByIdAndCategory()
    {
        var byName = new RuleBook([], [List(1, "bad_merchants", RuleListPurpose.Block, RuleListKind.Merchant, "Corner Shop")]);
        var byId = new RuleBook([], [List(1, "bad_merchants", RuleListPurpose.Block, RuleListKind.Merchant, "7")]);

        Assert.Equal(Decision.Approved, byName.Decide(Payment(), Decision.Approved).Decision);
        Assert.Equal(Decision.Declined, byId.Decide(Payment(), Decision.Approved).Decision);
    }

    [Fact]
    public void Decide_SameRuleBookManyPayments_EachDecidedOnItsOwn()
    {
        var book = new RuleBook([Rule(1, RuleAction.Review, "amount > 500")], []);
        var small = Payment();
        var big = Payment();
        big.Amount = 900;

        Assert.Equal(Decision.Approved, book.Decide(small, Decision.Approved).Decision);
        Assert.Equal(Decision.Review, book.Decide(big, Decision.Approved).Decision);
        Assert.Equal(Decision.Approved, book.Decide(small, Decision.Approved).Decision);
    }

    [Fact]
    public void IsEmpty_EmptyBook_True()
    {
        Assert.True(RuleBook.Empty.IsEmpty);
        Assert.Equal(0, RuleBook.Empty.RuleCount);
        Assert.Equal(new RuleDecision(Decision.Review, null), RuleBook.Empty.Decide(Payment(), Decision.Review));
    }

    [Fact]
    public void IsEmpty_OnlyReferenceLists_True()
    {
        Assert.True(new RuleBook([], [List(1, "watched_cards", RuleListPurpose.Reference, RuleListKind.Card, Card)]).IsEmpty);
    }

    [Theory]
    [InlineData(RuleListPurpose.Allow)]
    [InlineData(RuleListPurpose.Block)]
    public void IsEmpty_AllowOrBlockList_False(RuleListPurpose purpose)
    {
        Assert.False(new RuleBook([], [List(1, "some_cards", purpose, RuleListKind.Card)]).IsEmpty);
    }

    [Fact]
    public void IsEmpty_OneRule_FalseAndCounted()
    {
        var book = new RuleBook([Rule(1, RuleAction.Review, "amount > 1"), Rule(2, RuleAction.Allow, "amount < 1")], []);

        Assert.False(book.IsEmpty);
        Assert.Equal(2, book.RuleCount);
    }
}
