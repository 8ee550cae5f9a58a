using Microsoft.Extensions.Logging;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>The factories' log sink: the app's messages at every level, the frameworks' details only on request.</summary>
[Trait("Category", TestPostgres.ProviderIndependent)]
public sealed class TestLogSinkTests
{
    [Theory]
    [InlineData("FraudWeb.Services.Payments.PaymentService", LogLevel.Debug, false, true)]
    [InlineData("Microsoft.AspNetCore.Routing.EndpointMiddleware", LogLevel.Debug, false, false)]
    [InlineData("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information, false, false)]
    [InlineData("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Warning, false, true)]
    [InlineData("Npgsql.Connection", LogLevel.Error, false, true)]
    [InlineData("Npgsql.Command", LogLevel.Debug, false, false)]
    [InlineData("Microsoft.AspNetCore.Routing.EndpointMiddleware", LogLevel.Debug, true, true)]
    [InlineData("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.Information, true, true)]
    public void Log_CategoryLevelAndRequest_KeptOnlyWhenWanted(string category, LogLevel level, bool everything, bool kept)
    {
        // Arrange
        var sink = new TestLogSink(LogLevel.Warning);
        using var provider = new TestLoggerProvider(sink);
        var logger = provider.CreateLogger(category);
        var scope = everything ? sink.KeepEverything() : null;

        // Act: as LoggerMessage's callers do, asking first; then as a plain call does, without asking
        var enabled = logger.IsEnabled(level);
        logger.Log(level, default, "a message", null, (message, _) => message);
        scope?.Dispose();

        // Assert
        Assert.Equal(kept, enabled);
        Assert.Equal(kept ? 1 : 0, sink.Entries.Count);
    }

    [Fact]
    public void KeepEverything_DisposedTwiceBesideAnotherScope_OtherScopeStillKeeps()
    {
        // Arrange
        var sink = new TestLogSink(LogLevel.Warning);
        using var provider = new TestLoggerProvider(sink);
        var logger = provider.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics");
        using var outer = sink.KeepEverything();
        var inner = sink.KeepEverything();

        // Act
        inner.Dispose();
        inner.Dispose();
        logger.Log(LogLevel.Debug, default, "kept while the outer scope lasts", null, (message, _) => message);

        // Assert
        Assert.Single(sink.Entries);
    }
}
