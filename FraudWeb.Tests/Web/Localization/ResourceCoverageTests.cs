using System.Text.RegularExpressions;
using System.Xml.Linq;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Services.Scoring;
using FraudWeb.ViewModels.Common;

namespace FraudWeb.Tests.Web.Localization;

/// <summary>
/// Every phrase the sources hand to a localizer has its Simplified Chinese (English is the key itself), with the same
/// placeholders; no translation is left without a use; the staff wording exists in both languages.
/// </summary>
public sealed partial class ResourceCoverageTests
{
    private static readonly string Root = FindRoot();
    private static readonly string[] Projects = ["FraudWeb", "FraudWeb.Domain"];

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "FraudDetection.sln"))) directory = directory.Parent;
        return directory?.FullName ?? throw new DirectoryNotFoundException("FraudDetection.sln not found above the test output.");
    }

    private static Dictionary<string, string> Resx(string relativePath) =>
        XDocument.Load(Path.Combine(Root, relativePath)).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string)d.Element("value")!, StringComparer.Ordinal);

    private static IEnumerable<(string File, string Text)> Sources() =>
        Projects.SelectMany(project => Directory.EnumerateFiles(Path.Combine(Root, project), "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".cshtml", StringComparison.Ordinal) || f.EndsWith(".razor", StringComparison.Ordinal))
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.EndsWith(".Designer.cs", StringComparison.Ordinal) && !f.EndsWith("ModelSnapshot.cs", StringComparison.Ordinal))
            .Select(f => (Path.GetRelativePath(Root, f), File.ReadAllText(f)));

    // A C# string literal's body: escaped quotes and backslashes allowed.
    private const string Literal = "\"((?:[^\"\\\\]|\\\\.)*)\"";

    [GeneratedRegex(@"(?<![\w.])L\[\s*" + Literal)]
    private static partial Regex LocalizerIndex();

    [GeneratedRegex(@"\bText\.(?:Get|Format)\(\s*" + Literal)]
    private static partial Regex TextCall();

    [GeneratedRegex(@"\bText\.InContext\(\s*" + Literal + @"\s*,\s*" + Literal)]
    private static partial Regex ContextCall();

    // [Display(Name = ...)] with its other arguments in any order, [DisplayName("...")], messages and prompts.
    [GeneratedRegex(@"\b(?:ErrorMessage\s*=|Display\([^)]*?\bName\s*=|DisplayName\(|Prompt\s*=)\s*" + Literal)]
    private static partial Regex AnnotationText();

    // Either text of a choice handed to the localizer: Text.Get(staff ? "..." : "...").
    [GeneratedRegex(@"(?:\bText\.(?:Get|Format)\(|(?<![\w.])L\[)[^;""\])]*?\?\s*" + Literal + @"\s*:\s*" + Literal)]
    private static partial Regex ConditionalKeys();

    [GeneratedRegex(@"\bDomainException(?:\.Format)?\(\s*(?:DomainErrorCode\.\w+\s*,\s*)?" + Literal)]
    private static partial Regex DomainMessage();

    [GeneratedRegex(@"(?<![\w.])(?:L\[|Text\.(?:Get|Format)\()\s*\$")]
    private static partial Regex InterpolatedKey();

    [GeneratedRegex(@"\{\d+(?::[^}]*)?\}")]
    private static partial Regex Placeholder();

    // A constant handed to the localizer by name: Text.Get(OwnPayment), L[SomeConstant].
    [GeneratedRegex(@"(?:\bText\.(?:Get|Format)\(|(?<![\w.])L\[)\s*([A-Z]\w*)\s*[,)\]]")]
    private static partial Regex ConstantKey();

    private static Regex ConstantDefinition(string name) => new(@"\bconst\s+string\s+" + Regex.Escape(name) + @"\s*=\s*" + Literal);

    private static string Unescape(string literal) => Regex.Unescape(literal);

    /// <summary>
    /// Keys that reach the localizer through a variable, not a literal: each class's list of the texts it stores or
    /// passes on (reasons, error pages, categories, scopes, rule names), so a missing translation fails here too.
    /// </summary>
    private static IEnumerable<(string Key, string Source)> KeysPassedThroughVariables() =>
        ReasonPhrases.Templates.Select(t => (t, nameof(ReasonPhrases)))
            .Concat(RecordedField.Names.Select(n => (n, nameof(RecordedField))))
            .Concat(RecordedField.KnownValues.Values.Select(v => (v, nameof(RecordedField.KnownValues))))
            .Concat(ErrorViewModel.Texts.Select(t => (t, nameof(ErrorViewModel))))
            .Concat(FraudWeb.Domain.Entities.DeclineReasons.All.Select(r => (r, "DeclineReasons")))
            .Concat(FraudWeb.Domain.Entities.RefundReasons.All.Select(r => (r, "RefundReasons")))
            .Concat(FraudWeb.Services.Seeding.MerchantNames.CategoryNames.Select(c => (c, "MerchantNames")))
            .Concat(FraudWeb.Services.ApiKeys.ApiScopes.All.Select(s => (FraudWeb.Services.ApiKeys.ApiScopes.Describe(s), "ApiScopes")))
            .Concat(FraudWeb.Domain.Rules.RuleVocabulary.All.Where(n => n.Name != "card_brand").Select(n => (n.Description, "RuleVocabulary")))
            .Concat(FraudWeb.Authorization.Permissions.Descriptions.Values.Select(d => (d, "Permissions")))
            .Concat(FraudWeb.Services.Reports.ReviewService.Refusals.Select(r => (r, "ReviewService")))
            .Concat(new[] { ImplicitRequiredMessage.Message, ImplicitRequiredMessage.ChoiceMessage, ImplicitRequiredMessage.CheckboxMessage }.Select(m => (m, nameof(ImplicitRequiredMessage))))
            .Concat(RecordedField.FieldValues.Values.SelectMany(v => v.Values).Select(v => (v, nameof(RecordedField.FieldValues))));

    /// <summary>The keys the sources use, with where each was first seen.</summary>
    private static Dictionary<string, string> UsedKeys()
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (file, text) in Sources())
        {
            var patterns = new List<Regex> { LocalizerIndex(), TextCall(), DomainMessage() };
            if (file.Contains("ViewModels", StringComparison.Ordinal)) patterns.Add(AnnotationText());
            foreach (var match in patterns.SelectMany(p => p.Matches(text)))
            {
                keys.TryAdd(Unescape(match.Groups[1].Value), file);
            }
            foreach (Match match in ConditionalKeys().Matches(text))
            {
                keys.TryAdd(Unescape(match.Groups[1].Value), file);
                keys.TryAdd(Unescape(match.Groups[2].Value), file);
            }
        }
        // A word in context has its own key, or else the plain word's translation serves.
        var chinese = Resx("FraudWeb/Resources/SharedResource.zh-CN.resx");
        foreach (var (file, text) in Sources())
        {
            foreach (Match match in ContextCall().Matches(text))
            {
                var inContext = $"{Unescape(match.Groups[1].Value)}|{Unescape(match.Groups[2].Value)}";
                keys.TryAdd(chinese.ContainsKey(inContext) ? inContext : Unescape(match.Groups[2].Value), file);
            }
        }
        // A constant passed by name is looked up in its own file.
        foreach (var (file, text) in Sources())
        {
            foreach (Match match in ConstantKey().Matches(text))
            {
                if (ConstantDefinition(match.Groups[1].Value).Match(text) is { Success: true } definition) keys.TryAdd(Unescape(definition.Groups[1].Value), file);
            }
        }
        // A word in context ("rule|review") passed on as such: its own key, or else the plain word's.
        foreach (var (key, source) in KeysPassedThroughVariables())
        {
            keys.TryAdd(key.Contains('|', StringComparison.Ordinal) && !chinese.ContainsKey(key) ? key[(key.IndexOf('|', StringComparison.Ordinal) + 1)..] : key, source);
        }
        return keys;
    }

    [Fact]
    public void AuditActions_EveryAction_HasWordsWithChinese()
    {
        // Arrange (Chinese UI test: the audit page named actions only by their codes, "user.create")
        var chinese = Resx("FraudWeb/Resources/SharedResource.zh-CN.resx");

        // Act
        var missing = FraudWeb.Services.Admin.AuditActions.All
            .Where(a => !FraudWeb.Services.Admin.AuditActions.Words.TryGetValue(a, out var words) || !chinese.ContainsKey(words)).ToList();

        // Assert
        Assert.Empty(missing);
    }

    [Fact]
    public void SharedResource_EveryKeyTheSourcesUse_HasChinese()
    {
        // Arrange
        var chinese = Resx("FraudWeb/Resources/SharedResource.zh-CN.resx");

        // Act
        var missing = UsedKeys().Where(k => !chinese.ContainsKey(k.Key)).Select(k => $"{k.Value}: \"{k.Key}\"").ToList();

        // Assert
        Assert.True(missing.Count == 0, $"{missing.Count} phrases have no Chinese:{Environment.NewLine}{string.Join(Environment.NewLine, missing)}");
    }

    [Fact]
    public void ViewModels_EveryValidationAttribute_HasItsOwnMessageToTranslate()
    {
        // Arrange: a DataAnnotations attribute without ErrorMessage shows the framework's English on a Chinese page
        // ([DataType] only tells the tag helpers the input's type: it never fails)
        var viewModels = typeof(Text).Assembly.GetTypes().Where(t => t.Namespace?.StartsWith("FraudWeb.ViewModels", StringComparison.Ordinal) == true);

        // Act
        var bare = viewModels.SelectMany(t => t.GetProperties().SelectMany(p => p.GetCustomAttributes(typeof(System.ComponentModel.DataAnnotations.ValidationAttribute), true)
                .Cast<System.ComponentModel.DataAnnotations.ValidationAttribute>()
                .Where(a => a.GetType().Namespace == "System.ComponentModel.DataAnnotations" && a is not System.ComponentModel.DataAnnotations.DataTypeAttribute
                    && a.ErrorMessage is null && a.ErrorMessageResourceType is null)
                .Select(a => $"{t.Name}.{p.Name}: [{a.GetType().Name}]")))
            .ToList();

        // Assert
        Assert.True(bare.Count == 0, "Validation attributes without a message: " + string.Join(", ", bare));
    }

    [Fact]
    public void UsedKeys_EitherTextOfAChoice_IsChecked()
    {
        // Act + Assert (Chinese review: keys inside a conditional were not collected)
        var keys = UsedKeys().Keys;
        Assert.Contains("Please check the date of birth.", keys);
        Assert.Contains(ImplicitRequiredMessage.CheckboxMessage, keys);
    }

    [Theory]
    [InlineData("You cannot decide a payment made with your own card; another analyst must do it.")]
    [InlineData("This payment looked too risky to approve.")]
    [InlineData("Page not found")]
    public void UsedKeys_PassedThroughConstantsOrLists_AreChecked(string key)
    {
        // Act + Assert: keys that never appear as a literal beside the localizer are still among those checked
        Assert.Contains(key, UsedKeys().Keys);
    }

    [Fact]
    public void SharedResource_EveryTranslation_IsChineseWithTheSamePlaceholders()
    {
        // Arrange
        var chinese = Resx("FraudWeb/Resources/SharedResource.zh-CN.resx");
        static string Holes(string s) => string.Join(" ", Placeholder().Matches(s).Select(m => m.Value).Order(StringComparer.Ordinal));

        // Act
        var wrong = chinese.Where(e => string.IsNullOrWhiteSpace(e.Value) || Holes(e.Key) != Holes(e.Value)
                || (Regex.IsMatch(e.Key[(e.Key.IndexOf('|', StringComparison.Ordinal) + 1)..], "[a-z]{2,}") && !e.Value.Any(c => c is >= '\u4e00' and <= '\u9fff')))
            .Select(e => $"\"{e.Key}\" -> \"{e.Value}\"").ToList();

        // Assert: a key with words (not only acronyms; a context before "|" is not shown) has Chinese words, and every {n}
        // of the English is in the Chinese
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Theory]
    [InlineData("analyst", "Analyst")]
    public void SharedResource_EveryPhraseNamingAStaffRole_CallsItByTheRolesChineseName(string word, string role)
    {
        // Arrange: staff read the role's name on their account and in the roles list; a message naming it otherwise
        // ("分析员" beside "分析师") reads as another kind of person
        var chinese = Resx("FraudWeb/Resources/SharedResource.zh-CN.resx");
        var name = chinese[role];

        // Act
        var other = chinese.Where(e => e.Key.Contains(word, StringComparison.OrdinalIgnoreCase) && !e.Value.Contains(name, StringComparison.Ordinal))
            .Select(e => $"\"{e.Key}\" -> \"{e.Value}\"").ToList();

        // Assert
        Assert.True(other.Count == 0, $"Not called {name}:{Environment.NewLine}{string.Join(Environment.NewLine, other)}");
    }

    [Fact]
    public void SharedResource_APaymentAsAThing_IsCalledZhifu()
    {
        // Arrange (exploratory testing: about ten messages called the thing paid 付款 where some 150 say 支付; 付款 stays
        // the verb, "to pay", as in 您要付款的商户)
        var chinese = Resx("FraudWeb/Resources/SharedResource.zh-CN.resx");
        var noun = new System.Text.RegularExpressions.Regex("(笔|此|该|类|这|没有|本人的|规则的|核对)付款");

        // Act
        var other = chinese.Where(e => noun.IsMatch(e.Value)).Select(e => $"\"{e.Key}\" -> \"{e.Value}\"").ToList();

        // Assert
        Assert.True(other.Count == 0, $"A payment called 付款:{Environment.NewLine}{string.Join(Environment.NewLine, other)}");
    }

    [Fact]
    public void SharedResource_EveryTranslation_IsUsedSomewhere()
    {
        // Arrange: every key appears as a string literal in the sources (constants included, attributes' values too)
        var chinese = Resx("FraudWeb/Resources/SharedResource.zh-CN.resx");
        var sources = string.Join("\n", Sources().Select(s => s.Text));
        static string Quoted(string key) => "\"" + key.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

        // Act
        // A word in context ("rule|review") is used where its word is.
        static string Word(string key) => key.Contains('|', StringComparison.Ordinal) ? key[(key.IndexOf('|', StringComparison.Ordinal) + 1)..] : key;
        var unused = chinese.Keys.Where(k => !ReasonPhrases.Templates.Contains(k) && !sources.Contains(Quoted(Word(k)), StringComparison.Ordinal)).ToList();

        // Assert
        Assert.True(unused.Count == 0, "Translations nothing uses: " + string.Join(" | ", unused));
    }

    [Fact]
    public void SharedResource_BuiltApp_AnswersEveryKeyWithItsOwnTranslation()
    {
        // Arrange: the resource compiler drops a key that differs from another only in case ("Review", "review")
        var chinese = Resx("FraudWeb/Resources/SharedResource.zh-CN.resx");
        var manager = new System.Resources.ResourceManager("FraudWeb.Resources.SharedResource", typeof(FraudWeb.Resources.SharedResource).Assembly);
        using var built = manager.GetResourceSet(Chinese.Culture, createIfNotExists: true, tryParents: false)!;

        // Act
        var wrong = chinese.Where(e => built.GetString(e.Key) != e.Value)
            .Select(e => $"\"{e.Key}\" -> \"{built.GetString(e.Key)}\", not \"{e.Value}\"").ToList();

        // Assert
        Assert.True(wrong.Count == 0, string.Join(Environment.NewLine, wrong));
    }

    [Theory]
    [InlineData("zh-CN", "rule", "review", "审核", "待审核")]
    [InlineData("zh-CN", "report", "not me", "非本人交易", "非本人交易")]
    [InlineData("en", "rule", "review", "review", "Review")]
    public void InContext_WordBesideItsCapitalisedTwin_EachHasItsOwnText(string culture, string context, string word, string expected, string twin)
    {
        // Arrange
        using var scope = CultureScope.Use(System.Globalization.CultureInfo.GetCultureInfo(culture));

        // Act
        var inContext = FraudWeb.Infrastructure.Localization.Text.InContext(context, word);
        var capitalised = FraudWeb.Infrastructure.Localization.Text.Get(System.Globalization.CultureInfo.InvariantCulture.TextInfo.ToTitleCase(word[..1]) + word[1..]);

        // Assert
        Assert.Equal(expected, inContext);
        Assert.Equal(twin, capitalised);
    }

    [Fact]
    public void Sources_LocalizedText_IsNeverAnInterpolatedString()
    {
        // Act: an interpolated key would never match a translation
        var interpolated = Sources().Where(s => InterpolatedKey().IsMatch(s.Text)).Select(s => s.File).ToList();

        // Assert
        Assert.Empty(interpolated);
    }

    [Fact]
    public void StaffForms_BothLanguages_HaveTheSameKeys()
    {
        // Arrange
        var english = Resx("FraudWeb/ViewModels/Common/StaffForms.resx");
        var chinese = Resx("FraudWeb/ViewModels/Common/StaffForms.zh-CN.resx");

        // Assert
        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), chinese.Keys.Order(StringComparer.Ordinal));
        Assert.All(chinese.Values, v => Assert.Contains(v, c => c is >= '\u4e00' and <= '\u9fff'));
    }
}
