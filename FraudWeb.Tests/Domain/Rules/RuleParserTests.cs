using FraudWeb.Domain.Features;
using FraudWeb.Domain.Rules;

namespace FraudWeb.Tests.Domain.Rules;

/// <summary>
/// The rule language's grammar and type checks: what parses (and means what it says), and what is refused with the
/// 1-based position of the culprit and a message that names it.
/// </summary>
public sealed class RuleParserTests
{
    private static bool Matches(string text, RuleInput input) => RuleSamples.Parse(text).Matches(input);

    // ---- Valid rules ----

    [Theory]
    [InlineData("<", 99, true)]
    [InlineData("<", 100, false)]
    [InlineData("<=", 100, true)]
    [InlineData("<=", 101, false)]
    [InlineData(">", 101, true)]
    [InlineData(">", 100, false)]
    [InlineData(">=", 100, true)]
    [InlineData(">=", 99, false)]
    [InlineData("=", 100, true)]
    [InlineData("=", 101, false)]
    [InlineData("==", 100, true)]
    [InlineData("==", 99, false)]
    [InlineData("!=", 101, true)]
    [InlineData("!=", 100, false)]
    [InlineData("<>", 99, true)]
    [InlineData("<>", 100, false)]
    public void Parse_ComparisonOperator_ComparesAmount(string op, double amount, bool expected)
    {
        var rule = RuleSamples.Parse($"amount {op} 100");

        Assert.Equal(expected, rule.Matches(new RuleInput { Amount = amount }));
    }

    [Theory]
    [InlineData("amount>100", 101, true)]
    [InlineData("amount<=100", 101, false)]
    [InlineData("amount<>100", 100, false)]
    public void Parse_OperatorWithoutSpaces_SameMeaning(string text, double amount, bool expected)
    {
        Assert.Equal(expected, Matches(text, new RuleInput { Amount = amount }));
    }

    [Theory]
    [InlineData(50, true)]
    [InlineData(49, false)]
    public void Parse_Arithmetic_ComputesEveryOperator(double amount, bool expected)
    {
        // 2a + 10/5 - 1 > 100: true from a = 50 (101), false at 49 (99).
        Assert.Equal(expected, Matches("amount * 2 + 10 / 5 - 1 > 100", new RuleInput { Amount = amount }));
    }

    [Fact]
    public void Parse_UnaryMinus_NegatesNamesLiteralsAndSetItems()
    {
        var input = new RuleInput { Amount = 20 };

        Assert.True(Matches("-amount < -10", input));
        Assert.False(Matches("-amount > -10", input));
        Assert.True(Matches("- -amount = amount", input));
        Assert.True(Matches("amount - -5 = 25", input));
        Assert.True(Matches("-amount in (-20, 20)", input));
        Assert.False(Matches("-amount in (20)", input));
    }

    [Theory]
    [InlineData("amount = 0.25", 0.25)]
    [InlineData("amount = .25", 0.25)]
    [InlineData("amount = 1_000", 1000)]
    [InlineData("amount = 1_000.5", 1000.5)]
    [InlineData("amount = 007", 7)]
    public void Parse_NumberLiteral_ReadsItsValue(string text, double amount)
    {
        var rule = RuleSamples.Parse(text);

        Assert.True(rule.Matches(new RuleInput { Amount = amount }));
        Assert.False(rule.Matches(new RuleInput { Amount = amount + 0.01 }));
    }

    [Theory]
    [InlineData("merchant = 'Acme Shop'")]
    [InlineData("merchant = \"Acme Shop\"")]
    [InlineData("merchant = \"Joe's Diner\" or merchant = 'Acme Shop'")]
    public void Parse_QuotedText_SingleOrDoubleQuotes(string text)
    {
        Assert.True(Matches(text, new RuleInput { MerchantName = "Acme Shop" }));
        Assert.False(Matches(text, new RuleInput { MerchantName = "Acme" }));
    }

    [Fact]
    public void Parse_TextWithOtherQuoteInside_KeepsIt()
    {
        Assert.True(Matches("merchant = \"Joe's Diner\"", new RuleInput { MerchantName = "Joe's Diner" }));
    }

    [Theory]
    [InlineData("amount > 1 AND hour = 3")]
    [InlineData("amount > 1 And hour = 3 Or FALSE")]
    [InlineData("NOT amount < 1 and hour In (3)")]
    [InlineData("AMOUNT > 1 and Hour = 3 and TRUE")]
    [InlineData("amount > 1 and hour NOT IN (1, 2)")]
    public void Parse_KeywordsAndNamesInAnyCase_Accepted(string text)
    {
        Assert.True(Matches(text, new RuleInput { Amount = 5, Hour = 3 }));
        Assert.False(Matches(text, new RuleInput { Amount = 0, Hour = 3 }));
    }

    [Theory]
    [InlineData(3, true)]
    [InlineData(4, false)]
    [InlineData(22, true)]
    public void Parse_NumberSet_MembershipOfValue(int hour, bool expected)
    {
        Assert.Equal(expected, Matches("hour in (22, 23, 0, 1, 2, 3)", new RuleInput { Hour = hour }));
        Assert.Equal(!expected, Matches("hour not in (22, 23, 0, 1, 2, 3)", new RuleInput { Hour = hour }));
    }

    [Theory]
    [InlineData("gambling", true)]
    [InlineData("GAMBLING", true)]
    [InlineData("grocery", false)]
    public void Parse_TextSet_MembershipIgnoresCase(string category, bool expected)
    {
        Assert.Equal(expected, Matches("merchant_category in ('gambling', \"crypto\")", new RuleInput { MerchantCategory = category }));
        Assert.Equal(!expected, Matches("merchant_category not in ('gambling', \"crypto\")", new RuleInput { MerchantCategory = category }));
    }

    [Theory]
    [InlineData("card in @stolen_cards", "stolen_cards")]
    [InlineData("card not in @stolen_cards", "stolen_cards")]
    [InlineData("merchant in @risky_merchants", "risky_merchants")]
    [InlineData("merchant_category in @risky_categories", "risky_categories")]
    [InlineData("card in @Stolen_Cards", "stolen_cards")]
    public void Parse_ListOfMatchingKind_NamesTheListLowerCase(string text, string list)
    {
        var rule = RuleSamples.Parse(text);

        Assert.Equal([list], rule.Lists);
    }

    [Fact]
    public void Parse_SameListTwice_ListedOnce()
    {
        var rule = RuleSamples.Parse("card in @stolen_cards or (amount > 5 and card in @stolen_cards) or merchant in @risky_merchants");

        Assert.Equal(["stolen_cards", "risky_merchants"], rule.Lists);
    }

    [Fact]
    public void Parse_NoList_ListsEmpty()
    {
        Assert.Empty(RuleSamples.Parse("amount > 5").Lists);
    }

    public static TheoryData<string> FeatureNames() => [.. TransactionFeatures.Names];

    [Theory]
    [MemberData(nameof(FeatureNames))]
    public void Parse_FeatureName_UsableAsNumber(string name)
    {
        var rule = RuleSamples.Parse($"{name} >= 0 and {name} * 2 - 1 < 1000 and {name} in (1)");

        Assert.Equal(RuleValueType.Boolean, rule.Root.Type);
    }

    [Fact]
    public void Vocabulary_Names_FeaturesPlusPaymentAttributes()
    {
        string[] attributes = ["amount", "merchant", "merchant_id", "merchant_category", "card", "card_brand", "card_age_days", "hour", "risk_score"];

        Assert.Equal(18, TransactionFeatures.Names.Count);
        Assert.Equal(attributes.Concat(TransactionFeatures.Names).Order(StringComparer.Ordinal),
            RuleVocabulary.All.Select(n => n.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("amount > 0")]
    [InlineData("merchant = 'x'")]
    [InlineData("merchant_id = 12")]
    [InlineData("merchant_category = 'grocery'")]
    [InlineData("card in @stolen_cards")]
    [InlineData("card_brand = 'Visa'")]
    [InlineData("card_brand = 'americanexpress'")]
    [InlineData("card_age_days < 7")]
    [InlineData("hour >= 22")]
    [InlineData("risk_score > 80")]
    [InlineData("true")]
    [InlineData("(amount > 0) = (hour > 3)")]
    public void Parse_EveryAttribute_Accepted(string text)
    {
        Assert.True(RuleExpression.TryParse(text, RuleSamples.Lists, out var rule, out var error), error?.ToString());
        Assert.Equal(text, rule!.Text);
    }

    [Fact]
    public void TryParse_ValidRule_ExpressionAndNoError()
    {
        var ok = RuleExpression.TryParse("amount > 5", RuleSamples.Lists, out var rule, out var error);

        Assert.True(ok);
        Assert.NotNull(rule);
        Assert.Null(error);
    }

    [Fact]
    public void TryParse_InvalidRule_ErrorAndNoExpression()
    {
        var ok = RuleExpression.TryParse("amount >", RuleSamples.Lists, out var rule, out var error);

        Assert.False(ok);
        Assert.Null(rule);
        Assert.Equal(9, error!.Position);
    }

    // ---- Precedence: each case evaluates differently under the wrong grouping ----

    [Theory]
    [InlineData(10, 50)]
    [InlineData(1, 50)]
    public void Parse_NotBeforeAnd_NotBindsTighter(int hour, double amount)
    {
        // (not hour > 5) and amount > 100 is false for both inputs (amount is small); not (hour > 5 and amount > 100) is true.
        Assert.False(Matches("not hour > 5 and amount > 100", new RuleInput { Hour = hour, Amount = amount }));
    }

    [Fact]
    public void Parse_NotBeforeComparison_ComparisonBindsTighter()
    {
        // not (amount > 5); "(not amount) > 5" would not even type-check.
        Assert.True(Matches("not amount > 5", new RuleInput { Amount = 3 }));
        Assert.False(Matches("not amount > 5", new RuleInput { Amount = 6 }));
    }

    [Fact]
    public void Parse_AndWithOr_AndBindsTighter()
    {
        // hour = 1 or (hour = 2 and amount > 100): true; (hour = 1 or hour = 2) and amount > 100 would be false.
        var input = new RuleInput { Hour = 1, Amount = 50 };

        Assert.True(Matches("hour = 1 or hour = 2 and amount > 100", input));
        Assert.False(Matches("(hour = 1 or hour = 2) and amount > 100", input));
        // And from the other side: (amount > 100 and hour = 2) or hour = 1.
        Assert.True(Matches("amount > 100 and hour = 2 or hour = 1", input));
    }

    [Fact]
    public void Parse_MultiplyWithAdd_MultiplyBindsTighter()
    {
        // 5 + 2 * 3 = 11; (5 + 2) * 3 = 21.
        var input = new RuleInput { Amount = 5 };

        Assert.True(Matches("amount + 2 * 3 = 11", input));
        Assert.True(Matches("2 * 3 + amount = 11", input));
        Assert.True(Matches("(amount + 2) * 3 = 21", input));
        Assert.True(Matches("amount - 4 / 2 = 3", input));
    }

    [Fact]
    public void Parse_SubtractionAndDivision_LeftAssociative()
    {
        // (10 - 4) - 1 = 5, not 10 - (4 - 1) = 7; (10 / 5) / 2 = 1, not 10 / (5 / 2) = 4.
        var input = new RuleInput { Amount = 10 };

        Assert.True(Matches("amount - 4 - 1 = 5", input));
        Assert.True(Matches("amount / 5 / 2 = 1", input));
    }

    [Theory]
    [InlineData(5, false)]
    [InlineData(8, true)]
    public void Parse_ComparisonOfArithmetic_ArithmeticFirst(double amount, bool expected)
    {
        // amount > (3 + 4): 5 is not above 7.
        Assert.Equal(expected, Matches("amount > 3 + 4", new RuleInput { Amount = amount }));
        Assert.Equal(expected, Matches("3 + 4 < amount", new RuleInput { Amount = amount }));
    }

    [Fact]
    public void Parse_UnaryMinusWithMultiply_MinusBindsTighter()
    {
        // (-2) * 3 and -(2 * 3) agree, but -2 + 3 = 1 only when minus takes just the 2.
        Assert.True(Matches("-2 + amount = 1", new RuleInput { Amount = 3 }));
    }

    // ---- Invalid rules: position and message ----

    [Fact]
    public void Parse_UnknownNameWithPrefixMatch_PositionOfNameAndSuggestion()
    {
        var error = RuleSamples.Error("hour > 1 and customer_nb < 7");

        Assert.Equal(14, error.Position);
        Assert.StartsWith("'customer_nb' is not a name rules know; did you mean customer_nb_tx_1day?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownNameStartingLikeTwoNames_SuggestsTheNameItBegins()
    {
        Assert.Contains("did you mean card_age_days?", RuleSamples.Error("card_age < 7").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownNameLongerThanKnownName_SuggestsThatName()
    {
        var error = RuleSamples.Error("amounts > 5");

        Assert.Equal(1, error.Position);
        Assert.Contains("did you mean amount?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownNameWithoutPrefixMatch_PointsToNameListWithoutSuggestion()
    {
        var error = RuleSamples.Error("amount > 5 or colour = 'red'");

        Assert.Equal(15, error.Position);
        Assert.Contains("'colour'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("did you mean", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amount >")]
    [InlineData("amount > 5 and ")]
    [InlineData("amount > 5 and not")]
    [InlineData("amount in (1,")]
    [InlineData("-")]
    public void Parse_MissingOperandAtEnd_PositionAfterText(string text)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(text.Length + 1, error.Position);
        Assert.Contains("Unexpected end of input, expected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnclosedParenthesis_AtEndNamingTheOpening()
    {
        const string Text = "amount > 1 and (hour < 3 or risk_score > 50";

        var error = RuleSamples.Error(Text);

        Assert.Equal(Text.Length + 1, error.Position);
        Assert.Equal("Unexpected end of input, expected `)`.", error.Message);
    }

    [Fact]
    public void Parse_ExtraClosingParenthesis_PositionOfIt()
    {
        var error = RuleSamples.Error("(amount > 1))");

        Assert.Equal(13, error.Position);
        Assert.Equal("Unexpected `)`, expected `and`, `or` or the end of the rule.", error.Message);
    }

    [Theory]
    [InlineData("merchant = 'Acme", 12, "'")]
    [InlineData("merchant = \"Acme", 12, "\"")]
    [InlineData("merchant = 'Acme\" or amount > 5", 12, "'")]
    public void Parse_UnclosedQuote_PositionOfOpeningQuote(string text, int position, string quote)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Contains($"no closing {quote}", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amount > 5; hour < 3", 11, ';')]
    [InlineData("amount > $5", 10, '$')]
    [InlineData("amount > 5 && hour < 3", 12, '&')]
    [InlineData("!amount", 1, '!')]
    [InlineData("amount > 5 ! 3", 12, '!')]
    [InlineData("merchant = `x`", 12, '`')]
    public void Parse_IllegalCharacter_PositionAndCharacter(string text, int position, char c)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.StartsWith($"'{c}' is not allowed", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.2.3 > amount", 1, "'1.2.3' is not a number")]
    [InlineData("amount > 1e5", 10, "'1e5' is not a number")]
    [InlineData("card in @", 9, "Expected a list name after '@'")]
    [InlineData("amount > 5 hour < 3", 12, "Unexpected name `hour`, expected `and`, `or` or the end of the rule.")]
    [InlineData("amount > 1 < 2", 12, "Unexpected `<`, expected `and`")]
    [InlineData("amount in ()", 12, "Unexpected `)`, expected number or quoted text.")]
    [InlineData("amount in (1 2)", 14, "Unexpected number `2`, expected `)`.")]
    [InlineData("amount in 1", 11, "Unexpected number `1`, expected @list or a set of values in parentheses.")]
    [InlineData("amount in ('a')", 12, "The set's values must be numbers, like amount.")]
    [InlineData("merchant in (1)", 14, "The set's values must be texts, like merchant.")]
    [InlineData("amount in (hour)", 12, "Unexpected name `hour`, expected number or quoted text.")]
    [InlineData("(amount > 1) in (1)", 9, "Only a number or a text can be tested against a set of values.")]
    [InlineData("amount > @stolen_cards", 10, "Unexpected list `@stolen_c...`, expected value.")]
    public void Parse_MalformedRule_PositionAndWhatWasExpected(string text, int position, string message)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("merchant = 5", 10, "Cannot compare merchant (text) with 5 (number).")]
    [InlineData("amount = 'big'", 8, "Cannot compare amount (number) with 'big' (text).")]
    [InlineData("(amount > 1) = 5", 14, "Cannot compare this part (condition) with 5 (number).")]
    public void Parse_TextComparedWithNumber_PositionOfOperator(string text, int position, string message)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("merchant < 'M'", 10, "'<' compares numbers; texts are compared with = or !=.")]
    [InlineData("merchant >= 'M'", 10, "'>=' compares numbers")]
    [InlineData("(amount > 1) < (hour > 1)", 14, "'<' compares numbers; conditions are compared with = or !=.")]
    public void Parse_OrderingOnText_Refused(string text, int position, string message)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amount and hour > 1", 1, "'and' joins conditions (true or false); amount is a number.")]
    [InlineData("hour > 1 or 5", 13, "'or' joins conditions (true or false); 5 is a number.")]
    [InlineData("not merchant", 5, "'not' joins conditions (true or false); merchant is a text.")]
    [InlineData("hour > 1 and amount + 1", 21, "'and' joins conditions (true or false); this part is a number.")]
    public void Parse_LogicOnNonCondition_PositionOfOperand(string text, int position, string message)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("merchant + 1 > 0", 1, "'+' needs numbers; merchant is a text.")]
    [InlineData("-merchant = 'x'", 2, "'-' needs numbers; merchant is a text.")]
    [InlineData("amount * (hour > 1) > 0", 16, "'*' needs numbers; this part is a condition.")]
    public void Parse_ArithmeticOnNonNumber_PositionOfOperand(string text, int position, string message)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("card = 'abc'", 6)]
    [InlineData("card", 1)]
    [InlineData("card and amount > 1", 1)]
    [InlineData("card in ('abc')", 1)]
    [InlineData("amount > 1 and card != 'x'", 21)]
    public void Parse_CardOutsideListTest_Refused(string text, int position)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Contains("card can only be tested against a card list: card in @list_name.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_UnknownList_PositionOfListName()
    {
        var error = RuleSamples.Error("amount > 5 and card in @nope");

        Assert.Equal(24, error.Position);
        Assert.Equal("There is no list named @nope.", error.Message);
    }

    [Fact]
    public void Parse_ListsGivenAreTheOnlyOnes_NoListWithoutThem()
    {
        var error = Assert.Throws<RuleSyntaxException>(() => RuleExpression.Parse("card in @stolen_cards", new Dictionary<string, RuleListKind>())).Error;

        Assert.Equal(9, error.Position);
    }

    [Theory]
    [InlineData("merchant in @stolen_cards", 13, "@stolen_cards is a card list; merchant can only be tested against a merchant list.")]
    [InlineData("card in @risky_merchants", 9, "@risky_merchants is a merchant list; card can only be tested against a card list.")]
    [InlineData("merchant_category not in @stolen_cards", 26, "@stolen_cards is a card list; merchant_category can only be tested against a merchant category list.")]
    [InlineData("merchant in @risky_categories", 13, "@risky_categories is a merchant category list; merchant can only be tested against a merchant list.")]
    public void Parse_ListOfWrongKind_PositionOfListName(string text, int position, string message)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("amount in @stolen_cards", 1)]
    [InlineData("card_brand in @stolen_cards", 1)]
    [InlineData("hour > 1 and 'x' in @risky_merchants", 14)]
    public void Parse_ListTestOnOtherName_PositionOfOperand(string text, int position)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Equal("Only card, merchant or merchant_category can be tested against a list.", error.Message);
    }

    [Theory]
    [InlineData("card_brand = 'Vsa'", 14)]
    [InlineData("'Vsa' = card_brand", 1)]
    [InlineData("card_brand != 'Vsa'", 15)]
    [InlineData("card_brand in ('Visa', 'Vsa')", 24)]
    public void Parse_CardBrandNotABrand_PositionOfTextAndTheBrands(string text, int position)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Contains("'Vsa' never matches", error.Message, StringComparison.Ordinal);
        Assert.Contains("Visa, Mastercard", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("amount + 1", 8)]
    [InlineData("amount", 1)]
    [InlineData("'visa'", 1)]
    [InlineData("(merchant)", 2)]
    public void Parse_NotACondition_Refused(string text, int position)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Equal("A rule must be a condition that is true or false, for example amount > 500.", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\t\n")]
    public void Parse_EmptyText_PositionOne(string text)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(1, error.Position);
        Assert.StartsWith("Write a condition", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NullText_RefusedLikeEmpty()
    {
        Assert.Equal(1, RuleSamples.Error(null!).Position);
    }

    [Fact]
    public void Parse_Over2000Characters_Position2001()
    {
        var text = "amount > 1" + new string(' ', 1991);

        var error = RuleSamples.Error(text);

        Assert.Equal(2001, text.Length);
        Assert.Equal(2001, error.Position);
        Assert.Equal("A rule has at most 2000 characters.", error.Message);
    }

    [Fact]
    public void Parse_Exactly2000Characters_Accepted()
    {
        var text = "amount > 1" + new string(' ', 1990);

        Assert.True(RuleSamples.Parse(text).Matches(new RuleInput { Amount = 2 }));
    }

    [Fact]
    public void Parse_NestedFortyLevels_Accepted()
    {
        var text = new string('(', 40) + "amount > 1" + new string(')', 40);

        Assert.True(RuleSamples.Parse(text).Matches(new RuleInput { Amount = 2 }));
    }

    [Theory]
    [InlineData("(", 41, 1)]
    [InlineData("not ", 41, 4)]
    [InlineData("-", 41, 1)]
    public void Parse_NestedFortyOneLevels_PositionOfTheLevelTooDeep(string level, int depth, int width)
    {
        var close = level == "(" ? new string(')', depth) : "";
        var text = string.Concat(Enumerable.Repeat(level, depth)) + "amount > 1" + close;

        var error = RuleSamples.Error(text);

        Assert.Equal((depth - 1) * width + 1, error.Position);
        Assert.Equal("The rule is nested more than 40 levels deep.", error.Message);
    }

    [Fact]
    public void Parse_TenThousandOpenParentheses_RefusedWithoutCrash()
    {
        var error = RuleSamples.Error(new string('(', 10_000));

        Assert.Equal(2001, error.Position);
    }

    [Fact]
    public void Parse_TwoThousandOpenParentheses_RefusedAtDepthLimit()
    {
        // Within the length limit, so the depth limit must stop the descent before the stack does.
        var error = RuleSamples.Error(new string('(', 2000));

        Assert.Equal(41, error.Position);
    }

    [Fact]
    public void Parse_LongFlatChainOfConditions_Accepted()
    {
        // Iterative and/or: hundreds of conditions are not nesting.
        var text = string.Join(" or ", Enumerable.Range(0, 150).Select(i => $"hour = {i % 24}"));

        Assert.True(text.Length <= 2000);
        Assert.True(RuleSamples.Parse(text).Matches(new RuleInput { Hour = 23 }));
    }

    [Fact]
    public void RuleError_ToString_PositionThenMessage()
    {
        Assert.Equal("Position 9: There is no list named @nope.", RuleSamples.Error("card in @nope").ToString());
    }

    [Fact]
    public void Parse_SubtractionWithoutSpaces_ParsesAsArithmetic()
    {
        Assert.True(Matches("amount-1 > 4", new RuleInput { Amount = 6 }));
    }

    // ---- Property: no input makes TryParse throw ----

    [Fact]
    public void TryParse_RandomPrintableText_NeverThrows()
    {
        // Seeded: a failure reproduces. FsCheck is not referenced by this project.
        var random = new Random(20261130);
        var chars = new char[200];
        var parsed = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(0, 201);
            for (var j = 0; j < length; j++) chars[j] = (char)random.Next(0x20, 0x7F);
            var text = new string(chars, 0, length);

            var ok = TryParseOrFail(text, out var error);

            if (ok) parsed++;
            else Assert.InRange(error!.Position, 1, text.Length + 1);
        }
        Assert.True(parsed < 20_000);
    }

    [Fact]
    public void TryParse_RandomRulesWithMutations_NeverThrowAndParsedRulesEvaluate()
    {
        // Random printable text rarely gets past the first token; rules from the grammar, then mutated (a token
        // dropped, doubled, swapped or replaced), reach the type checks, sets, lists and nesting.
        var random = new Random(7);
        var input = new RuleInput { Features = new float[TransactionFeatures.Names.Count], Amount = 10, Hour = 3, MerchantName = "x" };
        int parsed = 0, refused = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var tokens = RandomRule(random);
            Mutate(random, tokens);
            var text = string.Join(random.Next(4) == 0 ? "" : " ", tokens);

            if (TryParseOrFail(text, out var error))
            {
                parsed++;
                _ = RuleSamples.Parse(text).Matches(input);
            }
            else
            {
                refused++;
                Assert.InRange(error!.Position, 1, text.Length + 1);
            }
        }
        // Both outcomes must be common, or the generator tests one path only.
        Assert.True(parsed > 1000 && refused > 1000, $"{parsed} parsed, {refused} refused");
    }

    private static readonly string[] NumberNames = ["amount", "hour", "risk_score", "card_age_days", "merchant_id", "tx_amount", "terminal_risk_7day"];
    private static readonly string[] TextNames = ["merchant", "merchant_category", "card_brand"];
    private static readonly string[] Comparisons = ["<", "<=", ">", ">=", "=", "==", "!=", "<>"];
    private static readonly string[] Numbers = ["0", "1", "0.5", "1_000", ".25", "7"];
    private static readonly string[] Texts = ["'Visa'", "\"Mastercard\"", "'x'", "'Vsa'"];
    private static readonly string[] Noise =
    [
        "and", "or", "not", "in", "(", ")", ",", "+", "-", "*", "/", "=", "<", "@stolen_cards", "@nope", "card", "nope",
        "'open", ";", "true", "1e5", "1.2.3", "@",
    ];

    private static List<string> RandomRule(Random random)
    {
        var tokens = new List<string>();
        var clauses = random.Next(1, 4);
        for (var c = 0; c < clauses; c++)
        {
            if (c > 0) tokens.Add(random.Next(2) == 0 ? "and" : "or");
            Clause(random, tokens, depth: 0);
        }
        return tokens;
    }

    private static void Clause(Random random, List<string> tokens, int depth)
    {
        static string Pick(Random r, string[] from) => from[r.Next(from.Length)];
        switch (random.Next(depth < 3 ? 7 : 6))
        {
            case 0:
                tokens.AddRange([Pick(random, NumberNames), Pick(random, Comparisons), Pick(random, Numbers)]);
                break;
            case 1:
                tokens.AddRange([Pick(random, NumberNames), "*", Pick(random, Numbers), "-", Pick(random, NumberNames), Pick(random, Comparisons), "-", Pick(random, Numbers)]);
                break;
            case 2:
                tokens.AddRange([Pick(random, TextNames), random.Next(2) == 0 ? "=" : "!=", Pick(random, Texts)]);
                break;
            case 3:
                if (random.Next(2) == 0) tokens.Add("not");
                tokens.AddRange([Pick(random, NumberNames), "in", "(", Pick(random, Numbers), ",", Pick(random, Numbers), ")"]);
                break;
            case 4:
                tokens.AddRange(random.Next(3) switch
                {
                    0 => ["card", "in", "@stolen_cards"],
                    1 => ["merchant", "not", "in", "@risky_merchants"],
                    _ => ["merchant_category", "in", "@risky_categories"],
                });
                break;
            case 5:
                tokens.Add(random.Next(2) == 0 ? "true" : "false");
                break;
            default:
                tokens.AddRange(["not", "("]);
                Clause(random, tokens, depth + 1);
                tokens.Add(random.Next(2) == 0 ? "or" : "and");
                Clause(random, tokens, depth + 1);
                tokens.Add(")");
                break;
        }
    }

    private static void Mutate(Random random, List<string> tokens)
    {
        var mutations = random.Next(3) == 0 ? 0 : random.Next(1, 3);
        for (var m = 0; m < mutations && tokens.Count > 0; m++)
        {
            var at = random.Next(tokens.Count);
            switch (random.Next(4))
            {
                case 0:
                    tokens.RemoveAt(at);
                    break;
                case 1:
                    tokens.Insert(at, tokens[at]);
                    break;
                case 2:
                    tokens[at] = Noise[random.Next(Noise.Length)];
                    break;
                default:
                    var other = random.Next(tokens.Count);
                    (tokens[at], tokens[other]) = (tokens[other], tokens[at]);
                    break;
            }
        }
    }

    private static bool TryParseOrFail(string text, out RuleError? error)
    {
        try
        {
            return RuleExpression.TryParse(text, RuleSamples.Lists, out _, out error);
        }
#pragma warning disable CA1031 // The property: any exception escaping TryParse is the failure reported.
        catch (Exception e)
#pragma warning restore CA1031
        {
            Assert.Fail($"TryParse threw {e.GetType().Name} for \"{text}\": {e.Message}");
            throw;
        }
    }

    [Theory]
    [InlineData("hour = 24", 8, "hour is a whole number from 0 to 23; 24 never matches.")]
    [InlineData("hour in (3, 25, 99)", 13, "hour is a whole number from 0 to 23; 25 never matches.")]
    [InlineData("hour < -3", 8, "hour is a whole number from 0 to 23; hour < -3 never matches.")]
    [InlineData("hour = 3.5", 8, "hour is a whole number from 0 to 23; 3.5 never matches.")]
    [InlineData("risk_score > 500", 14, "risk_score is a whole number from 0 to 99; risk_score > 500 never matches.")]
    [InlineData("100 <= risk_score", 1, "risk_score is a whole number from 0 to 99; 100 <= risk_score never matches.")]
    [InlineData("amount <= 0", 11, "amount is more than 0; amount <= 0 never matches.")]
    [InlineData("card_age_days < 0", 17, "card_age_days is at least 0; card_age_days < 0 never matches.")]
    [InlineData("merchant_id = 0", 15, "merchant_id is a whole number of at least 1; 0 never matches.")]
    [InlineData("terminal_risk_7day > 1", 22, "terminal_risk_7day is from 0 to 1; terminal_risk_7day > 1 never matches.")]
    [InlineData("amount > 5 and tx_during_night = 2", 34, "tx_during_night is a whole number from 0 to 1; 2 never matches.")]
    public void Parse_NumberOutsideItsRange_RefusedAtTheNumber(string text, int position, string message)
    {
        var error = RuleSamples.Error(text);

        Assert.Equal(position, error.Position);
        Assert.Equal(message, error.Message);
    }

    [Theory]
    [InlineData("hour = 23")]
    [InlineData("hour >= 0")]
    [InlineData("hour not in (24, 25)")]
    [InlineData("hour != 24")]
    [InlineData("risk_score >= 99")]
    [InlineData("amount > 0.01")]
    [InlineData("amount * 2 > -1")]
    [InlineData("card_age_days < 0.5")]
    [InlineData("terminal_risk_1day >= 1")]
    [InlineData("customer_nb_tx_1day <= 0")]
    public void Parse_NumberSomeValueMeets_Accepted(string text)
    {
        var parsed = RuleSamples.Parse(text);

        Assert.Equal(text, parsed.Text);
    }
}

/// <summary>The lists the rules in these tests may name, and shorthands over them.</summary>
internal static class RuleSamples
{
    public static readonly IReadOnlyDictionary<string, RuleListKind> Lists = new Dictionary<string, RuleListKind>(StringComparer.Ordinal)
    {
        ["stolen_cards"] = RuleListKind.Card,
        ["risky_merchants"] = RuleListKind.Merchant,
        ["risky_categories"] = RuleListKind.MerchantCategory,
    };

    public static RuleExpression Parse(string text) => RuleExpression.Parse(text, Lists);

    public static RuleError Error(string text) => Assert.Throws<RuleSyntaxException>(() => Parse(text)).Error;
}
