using System.Buffers;
using System.Text;
using System.Text.Json;
using FraudWeb.Domain.Cards;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace FraudWeb.Infrastructure.Telemetry;

/// <summary>
/// The JSON console lines of the built-in formatter (same properties: Timestamp, EventId, LogLevel, Category, Message,
/// Exception, State, Scopes), with every card number in them masked (brand and last four). The host's request scope
/// holds the request's path as it came, before any of the app's code runs, so a number written into an address
/// (<c>/api/v1/cards/4111…</c>, by anyone, without an account) reached the log whole (privacy test; PCI DSS 3.4.1).
/// The built-in formatter is internal to its package, so this one writes the same shape itself.
/// </summary>
public sealed class RedactingJsonConsoleFormatter : ConsoleFormatter, IDisposable
{
    public const string FormatterName = "fraudweb-json";

    private readonly IDisposable? _reload;
    private JsonConsoleFormatterOptions _options;

    public RedactingJsonConsoleFormatter(IOptionsMonitor<JsonConsoleFormatterOptions> options) : base(FormatterName)
    {
        ArgumentNullException.ThrowIfNull(options);
        // AddConsoleFormatter configures the unnamed options, as the built-in formatters read them.
        _options = options.CurrentValue;
        _reload = options.OnChange(changed => _options = changed);
    }

    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        ArgumentNullException.ThrowIfNull(textWriter);
        var message = logEntry.Formatter?.Invoke(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;
        var options = _options;
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var json = new Utf8JsonWriter(buffer, options.JsonWriterOptions))
        {
            json.WriteStartObject();
            if (options.TimestampFormat is { } format)
            {
                var now = options.UseUtcTimestamp ? DateTimeOffset.UtcNow : DateTimeOffset.Now;
                json.WriteString("Timestamp", now.ToString(format, System.Globalization.CultureInfo.InvariantCulture));
            }
            json.WriteNumber("EventId", logEntry.EventId.Id);
            json.WriteString("LogLevel", logEntry.LogLevel.ToString());
            json.WriteString("Category", logEntry.Category);
            if (message is null) json.WriteNull("Message");
            else json.WriteString("Message", Masked(message));
            if (logEntry.Exception is { } exception) json.WriteString("Exception", Masked(exception.ToString()));
            if (logEntry.State is { } state)
            {
                json.WriteStartObject("State");
                var pairs = state as IReadOnlyCollection<KeyValuePair<string, object?>>;
                WriteMessage(json, state.ToString(), pairs);
                if (pairs is not null)
                {
                    foreach (var (key, value) in pairs) WriteItem(json, key, value);
                }
                json.WriteEndObject();
            }
            if (options.IncludeScopes && scopeProvider is not null)
            {
                json.WriteStartArray("Scopes");
                scopeProvider.ForEachScope(static (scope, writer) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        writer.WriteStartObject();
                        WriteMessage(writer, scope.ToString(), pairs);
                        foreach (var (key, value) in pairs) WriteItem(writer, key, value);
                        writer.WriteEndObject();
                    }
                    else
                    {
                        writer.WriteStringValue(Masked(scope?.ToString() ?? ""));
                    }
                }, json);
                json.WriteEndArray();
            }
            json.WriteEndObject();
        }
        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write(Environment.NewLine);
    }

    /// <summary>
    /// The ids that tie a line to its request and trace: never masked, or a line would not match the problem's
    /// traceId and requestId (about one 32-digit hex id in a thousand holds a Luhn-valid run of digits: review).
    /// </summary>
    private static bool IsId(string key) => key is "TraceId" or "SpanId" or "ParentId" or "RequestId" or "ConnectionId" or "{OriginalFormat}";

    /// <summary>A state's or scope's text: masked only when one of its other values holds a number, so its ids stay as they are.</summary>
    private static void WriteMessage(Utf8JsonWriter json, string? text, IEnumerable<KeyValuePair<string, object?>>? pairs)
    {
        if (text is null)
        {
            json.WriteNull("Message");
            return;
        }
        var holdsNumber = pairs is null
            || pairs.Any(p => !IsId(p.Key) && HoldsNumber(Convert.ToString(p.Value, System.Globalization.CultureInfo.InvariantCulture)));
        json.WriteString("Message", holdsNumber ? Masked(text) : text);
    }

    private static bool HoldsNumber(string? text) => text is not null && !string.Equals(Masked(text), text, StringComparison.Ordinal);

    private static void WriteItem(Utf8JsonWriter json, string key, object? value)
    {
        if (IsId(key))
        {
            json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        switch (value)
        {
            case null:
                json.WriteNull(key);
                break;
            case bool flag:
                json.WriteBoolean(key, flag);
                break;
            case int or long or short or byte or sbyte or uint or ushort:
                json.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                break;
            case ulong large:
                json.WriteNumber(key, large);
                break;
            case decimal amount:
                json.WriteNumber(key, amount);
                break;
            case double or float when Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) is var real && double.IsFinite(real):
                json.WriteNumber(key, real);
                break;
            default:
                json.WriteString(key, Masked(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? ""));
                break;
        }
    }

    /// <summary>Fewer than 12 digits hold no card number: most lines are written without a search.</summary>
    internal static string Masked(string text)
    {
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsDigit(c) && ++digits >= 12) return CardNumber.Redact(text);
        }
        return text;
    }

    public void Dispose() => _reload?.Dispose();
}
