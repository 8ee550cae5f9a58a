using FraudWeb.Infrastructure;
using FraudWeb.Tests.Web.Infrastructure;

namespace FraudWeb.Tests.Web;

/// <summary>Where a published app finds its settings and static files when started from another folder.</summary>
[Trait("Category", TestPostgres.ProviderIndependent)]
public sealed class ContentRootTests : IDisposable
{
    private readonly string _published = Directory.CreateTempSubdirectory("fraudweb-published-").FullName;
    private readonly string _elsewhere = Directory.CreateTempSubdirectory("fraudweb-elsewhere-").FullName;

    public ContentRootTests()
    {
        File.WriteAllText(Path.Combine(_published, "appsettings.json"), "{}");
        Directory.CreateDirectory(Path.Combine(_published, "wwwroot"));
    }

    public void Dispose()
    {
        Directory.Delete(_published, recursive: true);
        Directory.Delete(_elsewhere, recursive: true);
    }

    [Fact]
    public void ForPublishedApp_StartedFromAnotherFolder_ItsOwnFolder()
    {
        // Act (operations review: a service unit without a working directory ran with no settings and no styles)
        var root = ContentRoot.ForPublishedApp([], _elsewhere, _published);

        // Assert
        Assert.Equal(_published, root);
    }

    [Theory]
    [InlineData(new[] { "--contentRoot", "FraudWeb", "--urls", "http://127.0.0.1:0" }, new[] { "--contentRoot", "/repo/FraudWeb", "--urls", "http://127.0.0.1:0" })]
    [InlineData(new[] { "--contentroot=../site" }, new[] { "--contentroot=/site" })]
    [InlineData(new[] { "--contentRoot", "/srv/fraudweb" }, new[] { "--contentRoot", "/srv/fraudweb" })]
    [InlineData(new[] { "--urls", "FraudWeb", "--contentRoot" }, new[] { "--urls", "FraudWeb", "--contentRoot" })]
    public void FromCurrentDirectory_RelativeContentRoot_TakenFromTheCurrentFolderAndNothingElseChanged(string[] args, string[] expected)
    {
        // Act (QA: "--contentRoot FraudWeb" typed at the repository's root named a folder inside bin)
        var resolved = ContentRoot.FromCurrentDirectory(args, "/repo");

        // Assert
        Assert.Equal(expected, resolved);
    }

    [Fact]
    public void ForPublishedApp_ContentRootGiven_LeftToIt()
    {
        // Act + Assert
        Assert.Null(ContentRoot.ForPublishedApp(["--contentRoot", "/srv/fraudweb"], _elsewhere, _published));
    }

    [Fact]
    public void ForPublishedApp_CurrentFolderHasTheSettings_LeftToIt()
    {
        // Act + Assert: started in an app folder (dotnet run, the container's /app)
        Assert.Null(ContentRoot.ForPublishedApp([], _published, _elsewhere));
    }

    [Fact]
    public void ForPublishedApp_BuildOutputWithoutWwwroot_LeftToTheDefault()
    {
        // Arrange: a build's bin folder has the settings but not the static files
        Directory.Delete(Path.Combine(_published, "wwwroot"));

        // Act + Assert
        Assert.Null(ContentRoot.ForPublishedApp([], _elsewhere, _published));
    }

    [Fact]
    public void ForPublishedApp_BuildOutputWithItsStaticAssetsManifest_ItsOwnFolderServingThroughTheManifest()
    {
        // Arrange (operator test: the built app started from the repository's root ran without its settings, logging
        // at Information, request lines with their query strings among it, and without styles)
        Directory.Delete(Path.Combine(_published, "wwwroot"));
        File.WriteAllText(Path.Combine(_published, ContentRoot.StaticAssetsManifest), Manifest(_elsewhere));

        // Act
        var root = ContentRoot.ForPublishedApp([], _elsewhere, _published);

        // Assert
        Assert.Equal(_published, root);
        Assert.True(ContentRoot.ServesBuildStaticAssets(_published));
    }

    [Fact]
    public void ServesBuildStaticAssets_StartedInTheBuildOutputItself_ServedThroughTheManifest()
    {
        // Arrange (two exploratory tests: `cd bin/Release/net10.0 && dotnet FraudWeb.dll` served no CSS or JS)
        Directory.Delete(Path.Combine(_published, "wwwroot"));
        File.WriteAllText(Path.Combine(_published, ContentRoot.StaticAssetsManifest), Manifest(_elsewhere));
        var chosen = ContentRoot.ForPublishedApp([], _published, _published);

        // Act + Assert: the current folder is the content root (it has the settings), and its manifest serves the files
        Assert.Null(chosen);
        Assert.True(ContentRoot.ServesBuildStaticAssets([], _published, chosen));
        Assert.False(ContentRoot.ServesBuildStaticAssets(["--contentRoot", _elsewhere], _published, chosen));
    }

    [Fact]
    public void ServesBuildStaticAssets_PublishedFolderWithWwwroot_False()
    {
        // Arrange: a published app has both; its own wwwroot serves
        File.WriteAllText(Path.Combine(_published, ContentRoot.StaticAssetsManifest), Manifest(_elsewhere));

        // Act + Assert
        Assert.False(ContentRoot.ServesBuildStaticAssets(_published));
    }

    [Fact]
    public void ServesBuildStaticAssets_ManifestNamingAFolderThatIsGone_FalseSoTheHostStillStarts()
    {
        // Arrange (review: a bin folder copied elsewhere, its project's wwwroot not there, stopped the start)
        Directory.Delete(Path.Combine(_published, "wwwroot"));
        File.WriteAllText(Path.Combine(_published, ContentRoot.StaticAssetsManifest), Manifest(_elsewhere, Path.Combine(_elsewhere, "gone")));

        // Act + Assert
        Assert.False(ContentRoot.ServesBuildStaticAssets(_published));
        Assert.Null(ContentRoot.ForPublishedApp([], _elsewhere, _published));
    }

    /// <summary>A static web assets manifest naming <paramref name="roots"/> as its content roots.</summary>
    private static string Manifest(params string[] roots) =>
        System.Text.Json.JsonSerializer.Serialize(new { ContentRoots = roots, Root = new { Children = (object?)null } });

    [Fact]
    public void ForPublishedApp_CommandFromABuildOutputWithoutWwwroot_ItsOwnFolder()
    {
        // Arrange (exploratory test: create-admin run from the repository's root logged every SQL statement to stdout)
        Directory.Delete(Path.Combine(_published, "wwwroot"));

        // Act + Assert: a command needs the settings only
        Assert.Equal(_published, ContentRoot.ForPublishedApp([], _elsewhere, _published, needsStaticFiles: false));
    }
}
