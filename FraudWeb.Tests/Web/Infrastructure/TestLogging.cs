using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>Every formatted log message (and exception text) the app wrote.</summary>
public sealed class TestLogSink
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public void Add(string entry) => _entries.Enqueue(entry);

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

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            var structured = state is IEnumerable<KeyValuePair<string, object?>> pairs
                ? string.Join(" ", pairs.Select(p => $"{p.Key}={p.Value}"))
                : "";
            sink.Add($"{logLevel} {category}: {formatter(state, exception)} {structured} {exception}");
        }
    }
}
