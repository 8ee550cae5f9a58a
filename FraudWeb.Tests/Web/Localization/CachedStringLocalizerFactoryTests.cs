using System.Globalization;
using FraudWeb.Infrastructure.Localization;
using FraudWeb.Resources;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FraudWeb.Tests.Web.Localization;

/// <summary>The shared words looked up once per culture and kept: each culture still gets its own text.</summary>
public sealed class CachedStringLocalizerFactoryTests
{
    private static CachedStringLocalizerFactory NewFactory() =>
        new(new ResourceManagerStringLocalizerFactory(Options.Create(new LocalizationOptions()), NullLoggerFactory.Instance));

    private static IStringLocalizer NewLocalizer() => NewFactory().Create(typeof(SharedResource));

    [Fact]
    public void Indexer_SamePhraseInTurnInTwoCultures_EachCulturesOwnText()
    {
        // Arrange
        var localizer = NewLocalizer();
        string English() { using (CultureScope.Use(CultureInfo.GetCultureInfo("en"))) return localizer["Sign out"].Value; }
        string InChinese() { using (CultureScope.Use(Chinese.Culture)) return localizer["Sign out"].Value; }

        // Act
        var first = English();
        var chinese = InChinese();
        var again = English();
        var chineseAgain = InChinese();

        // Assert
        Assert.Equal("Sign out", first);
        Assert.Equal(Chinese.Of("Sign out"), chinese);
        Assert.NotEqual(first, chinese);
        Assert.Equal("Sign out", again);
        Assert.Equal(chinese, chineseAgain);
    }

    [Fact]
    public void Indexer_UnknownPhrase_TheKeyItselfMarkedNotFound()
    {
        // Arrange
        var localizer = NewLocalizer();
        using var chinese = CultureScope.Use(Chinese.Culture);

        // Act
        var first = localizer["A phrase nobody translated"];
        var second = localizer["A phrase nobody translated"];

        // Assert
        Assert.True(first.ResourceNotFound);
        Assert.Equal("A phrase nobody translated", first.Value);
        Assert.Equal(first.Value, second.Value);
        Assert.True(second.ResourceNotFound);
    }

    [Fact]
    public void Indexer_MorePhrasesThanKept_LaterOnesStillTranslated()
    {
        // Arrange: the cache filled with words that are not phrases (a view looking up stored values)
        var localizer = NewLocalizer();
        using var chinese = CultureScope.Use(Chinese.Culture);
        for (var i = 0; i < CachedStringLocalizerFactory.MaxPhrasesPerCulture + 10; i++) _ = localizer[$"stored value {i}"];

        // Act
        var translated = localizer["Sign out"];
        var again = localizer["Sign out"];

        // Assert
        Assert.Equal(Chinese.Of("Sign out"), translated.Value);
        Assert.Equal(Chinese.Of("Sign out"), again.Value);
        Assert.False(again.ResourceNotFound);
    }

    [Fact]
    public void IndexerWithArguments_KnownFormat_FilledInTheCultureOfItsNumbers()
    {
        // Arrange
        var localizer = NewLocalizer();
        using var chinese = CultureScope.Use(Chinese.Culture);

        // Act
        var first = localizer["\"{0}\" is not a valid value for {1}.", 2, 5];
        var second = localizer["\"{0}\" is not a valid value for {1}.", 3, 5];

        // Assert
        Assert.Equal(Chinese.Of("\"{0}\" is not a valid value for {1}.", 2, 5), first.Value);
        Assert.Equal(Chinese.Of("\"{0}\" is not a valid value for {1}.", 3, 5), second.Value);
        Assert.False(first.ResourceNotFound);
    }

    [Fact]
    public void Create_SameResourceTwice_OneLocalizer()
    {
        // Arrange
        var factory = NewFactory();

        // Act / Assert: kept per resource set, so its phrases are looked up once for the app
        Assert.Same(factory.Create(typeof(SharedResource)), factory.Create(typeof(SharedResource)));
    }
}
