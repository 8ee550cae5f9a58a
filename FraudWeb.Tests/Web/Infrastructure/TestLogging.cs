using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>
/// Every formatted log message (and exception text) the app wrote; the frameworks' (categories outside FraudWeb) below
/// <paramref name="frameworkMinimum"/> only while a test asks for everything (<see cref="KeepEverything"/>).
/// </summary>
/// <param name="frameworkMinimum">
/// Warning in the factories: formatting and keeping ASP.NET Core's debug messages and EF Core's every command cost
/// 10-25% of the web tests' CPU (bench/README.md, "The test run's own time"), for the few tests that read them.
/// </param>
public sealed class TestLogSink(LogLevel frameworkMinimum = LogLevel.Trace)
{
    private readonly ConcurrentQueue<string> _entries = new();
    private int _everything;

    public IReadOnlyCollection<string> Entries => _entries;

    public void Add(string entry) => _entries.Enqueue(entry);

    /// <summary>
    /// Until disposed, keeps every level of every category the app's logging lets through (ASP.NET Core's debug
    /// messages, EF Core's commands with their SQL), from every thread (scopes are counted): for a test that looks for
    /// what must never be logged, or for a query.
    /// </summary>
    public IDisposable KeepEverything()
    {
        Interlocked.Increment(ref _everything);
        return new Scope(this);
    }

    internal bool Keeps(string category, LogLevel level) =>
        level >= frameworkMinimum || Volatile.Read(ref _everything) > 0 || category.StartsWith("FraudWeb", StringComparison.Ordinal);

    private sealed class Scope(TestLogSink sink) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) Interlocked.Decrement(ref sink._everything);
        }
    }

    public string AllText() => string.Join('\n', _entries);

    /// <summary>The warnings and errors logged after the first <paramref name="skip"/> entries (the last few), for a failing assertion's message.</summary>
    public string WarningsSince(int skip) =>
        string.Join("\n---\n", _entries.Skip(skip).Where(e => e.StartsWith("Warning", StringComparison.Ordinal) || e.StartsWith("Error", StringComparison.Ordinal)
            || e.StartsWith("Critical", StringComparison.Ordinal)).TakeLast(5));

    /// <summary>The errors logged after the first <paramref name="skip"/> entries, for a failing assertion's message.</summary>
    public string ErrorsSince(int skip) =>
        string.Join("\n---\n", _entries.Skip(skip).Where(e => e.StartsWith("Error", StringComparison.Ordinal) || e.StartsWith("Critical", StringComparison.Ordinal)));
}

public sealed class TestLoggerProvider(TestLogSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new TestLogger(categoryName, sink);

    public void Dispose()
    {
    }

    private sealed class TestLogger(string category, TestLogSink sink) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => sink.Keeps(category, logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            if (!sink.Keeps(category, logLevel)) return;
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            sink.Add($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}
