using Bunit;
using FraudWeb.Components;
using FraudWeb.Domain.Entities;
using FraudWeb.ViewModels.Reports;

namespace FraudWeb.Tests.Components;

/// <summary>A review queue item: what the holder claims or why it was held, the two decisions saying what they do, the assignment, forms that post with a token.</summary>
public sealed class ReviewQueueItemTests : ComponentTestContext
{
    private const string Decide = "/Review/Decide?Kind=held&Page=2";
    private const string Assign = "/Review/Assign?Kind=held&Page=2";

    private static ReviewItemViewModel Item(long? reportId = null, string? kind = null, PaymentStatus status = PaymentStatus.Approved, string? decidedBy = null,
        IReadOnlyList<HolderPaymentRow>? history = null) =>
        new(42, reportId, kind, reportId is null ? null : "I was at home all day.", reportId is null ? null : Guid.NewGuid(), Guid.NewGuid(),
            new DateTime(2026, 11, 30, 14, 5, 0, DateTimeKind.Utc), "Visa •••• 4242", "Meadow Cinema, Northam", 120m, status, 71, "gbt-1",
            [new ReviewReason("tx_amount", 120, 0.8, "This amount is 6x the card's usual spend.")],
            [new KeyValuePair<string, float>("tx_amount", 120f)],
            history ?? [], decidedBy);

    private IRenderedComponent<ReviewQueueItem> RenderItem(ReviewItemViewModel item) =>
        Render<ReviewQueueItem>(p => p.Add(c => c.Item, item).Add(c => c.DecideAction, Decide).Add(c => c.AssignAction, Assign)
            .Add(c => c.AntiforgeryField, "__RequestVerificationToken").Add(c => c.AntiforgeryToken, "token-1"));

    [Fact]
    public void Render_NotMeReportOnChargedPayment_ButtonsSayRefundAndConfirmTheClaim()
    {
        // Act
        var cut = RenderItem(Item(reportId: 9, kind: nameof(ReportKind.NotMe)));

        // Assert: "not me" confirmed is fraud
        Assert.Equal("Card holder says: not me", cut.Find("p strong").TextContent);
        var fraud = cut.Find("[data-testid=decide-fraud]");
        Assert.Equal("Mark as fraud and refund €120.00", fraud.TextContent);
        Assert.Equal("true", fraud.GetAttribute("value"));
        Assert.Equal("false", cut.Find("[data-testid=decide-legitimate]").GetAttribute("value"));
        Assert.Equal("9", cut.Find("input[name=ReportId]").GetAttribute("value"));
        Assert.Equal("9", cut.Find("section").GetAttribute("data-report-id"));
    }

    [Fact]
    public void Render_PaidWithTheAnalystsOwnCard_NoteInsteadOfDecisionAndAssignmentForms()
    {
        // Act
        var cut = RenderItem(Item(status: PaymentStatus.Review) with { IsOwnCard = true });

        // Assert
        Assert.Equal("Paid with your own card: another analyst decides it.", cut.Find("[data-testid=own-card]").TextContent);
        Assert.Empty(cut.FindAll("form"));
        Assert.Empty(cut.FindAll("button"));
    }

    [Fact]
    public void Render_CardReportedLostOrStolen_SaysSoWithTheTime()
    {
        // Act
        var cut = RenderItem(Item(reportId: 9, kind: nameof(ReportKind.NotMe)) with
        {
            CardStoppedAs = CardStop.LostOrStolen,
            CardStoppedUtc = new DateTime(2026, 12, 1, 8, 30, 0, DateTimeKind.Utc),
        });

        // Assert
        var note = cut.Find("[data-testid=card-stopped]");
        Assert.Equal("LostOrStolen", note.GetAttribute("data-stopped-as"));
        Assert.StartsWith("The card holder reported this card lost or stolen on ", note.TextContent.Trim(), StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ViewerMayBlockActiveCard_BlockFormWithTokenCardReasonsAndReturnAddress()
    {
        // Act
        var cut = Render<ReviewQueueItem>(p => p.Add(c => c.Item, Item(status: PaymentStatus.Review) with { CardId = 7 }).Add(c => c.DecideAction, Decide)
            .Add(c => c.AssignAction, Assign).Add(c => c.AntiforgeryField, "__RequestVerificationToken").Add(c => c.AntiforgeryToken, "token-1")
            .Add(c => c.BlockAction, "/CardBlocks/Block").Add(c => c.UnblockAction, "/CardBlocks/Unblock").Add(c => c.ReturnUrl, "/Review?Kind=held&Page=2"));

        // Assert
        var form = cut.Find("[data-testid=block-card] form");
        Assert.Equal("/CardBlocks/Block", form.GetAttribute("action"));
        Assert.Equal("token-1", form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value"));
        Assert.Equal("7", form.QuerySelector("input[name=id]")!.GetAttribute("value"));
        Assert.Equal("/Review?Kind=held&Page=2", form.QuerySelector("input[name=returnUrl]")!.GetAttribute("value"));
        Assert.Equal(["SuspectedFraud", "HolderRequest", "Other"], form.QuerySelectorAll("select[name=Reason] option").Select(o => o.GetAttribute("value")));
        Assert.Equal("200", form.QuerySelector("input[name=Note]")!.GetAttribute("maxlength"));
        Assert.Empty(cut.FindAll("[data-testid=unblock-card]"));
    }

    [Fact]
    public void Render_CardBlockedByTheBank_SaysSoWithReasonAndOffersToLiftIt()
    {
        // Act
        var cut = Render<ReviewQueueItem>(p => p.Add(c => c.Item, Item(status: PaymentStatus.Review) with
            {
                CardId = 7, CardStoppedAs = CardStop.Blocked, CardStoppedUtc = new DateTime(2026, 12, 1, 8, 30, 0, DateTimeKind.Utc),
                CardBlockReason = CardBlockReason.HolderRequest, CardBlockNote = "Called from abroad",
            }).Add(c => c.DecideAction, Decide).Add(c => c.AssignAction, Assign).Add(c => c.AntiforgeryField, "__RequestVerificationToken")
            .Add(c => c.AntiforgeryToken, "token-1").Add(c => c.BlockAction, "/CardBlocks/Block").Add(c => c.UnblockAction, "/CardBlocks/Unblock"));

        // Assert
        var note = cut.Find("[data-testid=card-stopped]");
        Assert.Equal("Blocked", note.GetAttribute("data-stopped-as"));
        Assert.StartsWith("The bank blocked this card on ", note.TextContent.Trim(), StringComparison.Ordinal);
        Assert.Equal("Reason: Holder's request by phone — Called from abroad", cut.Find("[data-testid=card-block-reason]").TextContent.Trim());
        Assert.Equal("/CardBlocks/Unblock", cut.Find("[data-testid=unblock-card]").Closest("form")!.GetAttribute("action"));
        Assert.Empty(cut.FindAll("[data-testid=block-card]"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(CardStop.Blocked)]
    public void Render_HolderAccountClosed_SaysSoWithNoBlockOrUnblockFormAndClearingDoesNotSayCharge(CardStop? stop)
    {
        // Act: a closed account's card takes no payments, so CardBlockService refuses both forms.
        var cut = Render<ReviewQueueItem>(p => p.Add(c => c.Item, Item(status: PaymentStatus.Review) with
            {
                CardId = 7, HolderAccountClosed = true, CardStoppedAs = stop, CardStoppedUtc = stop is null ? null : new DateTime(2026, 12, 1, 8, 30, 0, DateTimeKind.Utc),
            }).Add(c => c.DecideAction, Decide).Add(c => c.AssignAction, Assign).Add(c => c.AntiforgeryField, "__RequestVerificationToken")
            .Add(c => c.AntiforgeryToken, "token-1").Add(c => c.BlockAction, "/CardBlocks/Block").Add(c => c.UnblockAction, "/CardBlocks/Unblock"));

        // Assert
        Assert.StartsWith("The card holder's account is closed (by them or by an administrator)", cut.Find("[data-testid=holder-closed]").TextContent.Trim(), StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("[data-testid=block-card]"));
        Assert.Empty(cut.FindAll("[data-testid=unblock-card]"));
        Assert.Equal("Mark as legitimate", cut.Find("[data-testid=decide-legitimate]").TextContent.Trim());
    }

    [Theory]
    [InlineData(CardStop.Blocked)]
    [InlineData(CardStop.LostOrStolen)]
    [InlineData(CardStop.Removed)]
    public void Render_HeldPaymentOfAStoppedCard_ClearingDoesNotSayCharge(CardStop stop)
    {
        // Act (exploratory testing: "Mark as legitimate and charge it" on a blocked card, then "it could not be charged")
        var cut = RenderItem(Item(status: PaymentStatus.Review) with { CardId = 7, CardStoppedAs = stop, CardStoppedUtc = new DateTime(2026, 12, 1, 8, 30, 0, DateTimeKind.Utc) });

        // Assert
        Assert.Equal("Mark as legitimate", cut.Find("[data-testid=decide-legitimate]").TextContent.Trim());
        Assert.Equal("Mark as fraud and decline it", cut.Find("[data-testid=decide-fraud]").TextContent.Trim());
    }

    [Fact]
    public void Render_ViewerWithoutTheBlockPermission_NoBlockOrUnblockForm()
    {
        // Act: the page passes no block addresses to someone without cards.block.
        var cut = RenderItem(Item(status: PaymentStatus.Review) with { CardId = 7, CardStoppedAs = CardStop.Blocked, CardStoppedUtc = DateTime.UtcNow });

        // Assert
        Assert.Empty(cut.FindAll("[data-testid=block-card]"));
        Assert.Empty(cut.FindAll("[data-testid=unblock-card]"));
    }

    [Fact]
    public void Render_CardActive_NoStopNote()
    {
        // Act
        var cut = RenderItem(Item(reportId: 9, kind: nameof(ReportKind.NotMe)));

        // Assert
        Assert.Empty(cut.FindAll("[data-testid=card-stopped]"));
    }

    [Fact]
    public void Render_ThisWasMeReport_ConfirmingTheClaimIsLegitimate()
    {
        // Act
        var cut = RenderItem(Item(reportId: 9, kind: nameof(ReportKind.ThisWasMe), status: PaymentStatus.Declined));

        // Assert
        Assert.Equal("Card holder says: this was me", cut.Find("p strong").TextContent);
        Assert.Equal("false", cut.Find("[data-testid=decide-fraud]").GetAttribute("value"));
        Assert.Equal("true", cut.Find("[data-testid=decide-legitimate]").GetAttribute("value"));
    }

    [Theory]
    [InlineData(null, "The model held this payment; the card holder has not reported it.")]
    [InlineData("Rule \"Night electronics\" (v2)", "Rule \"Night electronics\" (v2) held this payment (the model's risk is shown); the card holder has not reported it.")]
    public void Render_HeldUnreported_SaysWhoHeldIt(string? rule, string said)
    {
        // Act
        var cut = RenderItem(Item(status: PaymentStatus.Review, decidedBy: rule));

        // Assert
        Assert.StartsWith(said, cut.Find(".card-body > p").TextContent, StringComparison.Ordinal);
        Assert.Empty(cut.FindAll("input[name=ReportId]"));
        Assert.Equal("Mark as fraud and decline it", cut.Find("[data-testid=decide-fraud]").TextContent);
    }

    [Theory]
    [InlineData(null, false, "assign", "Assign to me", "true")]
    [InlineData("ada@example.test", false, "assign", "Take over", "true")]
    [InlineData("me@example.test", true, "release", "Give back", "false")]
    public void Render_Assignment_OfferedActionFollowsWhoHasIt(string? assignee, bool mine, string testId, string label, string value)
    {
        // Act
        var cut = RenderItem(Item(status: PaymentStatus.Review) with { AssignedTo = assignee, IsMine = mine });

        // Assert
        var button = cut.Find($"[data-testid={testId}]");
        Assert.Equal(label, button.TextContent);
        Assert.Equal(value, button.GetAttribute("value"));
        Assert.Equal(assignee is null ? null : mine ? "Assigned to you" : $"Assigned to {assignee}", cut.FindAll("[data-testid=assignee]").SingleOrDefault()?.TextContent);
    }

    [Fact]
    public void Render_Buttons_NameBeginsWithTheirWordsAndSaysWhichItem()
    {
        // Act: a page lists many items, each with the same buttons
        var cut = RenderItem(Item(status: PaymentStatus.Review));

        // Assert
        const string item = " (€120.00 at Meadow Cinema, Northam, Visa •••• 4242)";
        Assert.Equal("Mark as fraud and decline it" + item, cut.Find("[data-testid=decide-fraud]").GetAttribute("aria-label"));
        Assert.Equal("Mark as legitimate and charge it" + item, cut.Find("[data-testid=decide-legitimate]").GetAttribute("aria-label"));
        Assert.Equal("Assign to me" + item, cut.Find("[data-testid=assign]").GetAttribute("aria-label"));
    }

    [Theory]
    [InlineData("ada@example.test", false, true)]
    [InlineData("me@example.test", true, false)]
    [InlineData(null, false, false)]
    public void Render_ItemAnotherAnalystTook_BothDecisionsAskFirst(string? assignee, bool mine, bool asks)
    {
        // Act (fraud-operations test: a colleague's assigned item was decided without a word)
        var cut = RenderItem(Item(status: PaymentStatus.Review) with { AssignedTo = assignee, IsMine = mine });

        // Assert
        var legitimate = cut.Find("[data-testid=decide-legitimate]").GetAttribute("data-confirm");
        var fraud = cut.Find("[data-testid=decide-fraud]").GetAttribute("data-confirm");
        if (asks)
        {
            Assert.Equal("ada@example.test is working on this item. Decide it anyway?", legitimate);
            Assert.StartsWith("ada@example.test is working on this item. Decide it anyway?", fraud, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(legitimate);
            Assert.DoesNotContain("working on this item", fraud ?? "", StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Render_Forms_PostToTheGivenAddressesWithTheToken()
    {
        // Act
        var cut = RenderItem(Item(status: PaymentStatus.Review));

        // Assert
        var forms = cut.FindAll("form");
        Assert.Equal([Decide, Assign], forms.Select(f => f.GetAttribute("action")));
        Assert.All(forms, f => Assert.Equal("post", f.GetAttribute("method")));
        Assert.All(forms, f => Assert.Equal("token-1", f.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")));
        Assert.Equal("42", forms[1].QuerySelector("input[name=transactionId]")!.GetAttribute("value"));
    }

    [Fact]
    public void Render_HolderHistory_RowsOnEveryCardOrSaysThereAreNone()
    {
        // Act
        var none = RenderItem(Item());
        var some = RenderItem(Item(history:
        [
            new HolderPaymentRow(new DateTime(2026, 11, 29, 9, 0, 0, DateTimeKind.Utc), "Visa •••• 4242", "Corner Bakery, Northam", 4.5m, PaymentStatus.Approved, null),
            new HolderPaymentRow(new DateTime(2026, 11, 28, 9, 0, 0, DateTimeKind.Utc), "Mastercard •••• 5100", "Harbour Books, Eastwick", 30m, PaymentStatus.Declined, "Fraud"),
        ]));

        // Assert: the heading names the holder, each row names its card
        Assert.Contains("No other payments by this card holder yet.", none.Markup, StringComparison.Ordinal);
        Assert.Contains(some.FindAll("h3"), h => h.TextContent == "Card holder's recent payments");
        var table = some.FindAll("table").Single(t => t.QuerySelector("caption")?.TextContent == "Recent payments on all of the card holder's cards");
        var rows = table.QuerySelectorAll("tbody tr");
        Assert.Equal(["Visa •••• 4242", "Mastercard •••• 5100"], rows.Select(r => r.QuerySelector("[data-testid=holder-payment-card]")!.TextContent));
        Assert.Contains("Corner Bakery, Northam", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Contains("€4.50", rows[0].TextContent, StringComparison.Ordinal);
        Assert.Equal("Approved", rows[0].QuerySelector("[data-decision]")!.GetAttribute("data-decision"));
        Assert.Contains("Fraud", rows[1].TextContent, StringComparison.Ordinal);
    }
}
