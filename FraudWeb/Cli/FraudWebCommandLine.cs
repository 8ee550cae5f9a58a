using System.CommandLine;
using System.CommandLine.Parsing;
using FraudWeb.Domain.IO;
using FraudWeb.Domain.Learning;

namespace FraudWeb.Cli;

/// <summary>The console the verbs write to; tests pass their own.</summary>
public sealed record CliConsole(TextReader In, bool InputIsRedirected, TextWriter Out, TextWriter Error)
{
    public static CliConsole System => new(Console.In, Console.IsInputRedirected, Console.Out, Console.Error);
}

/// <summary>
/// What the command line needs from Program: the web app (no verb) and the host's composition, which the verbs that
/// use the app's services build with the configuration switches (plus a verb's own settings); null after a start-up
/// check failed (already reported on stderr).
/// </summary>
public sealed record FraudWebHost(
    Func<string[], Task<int>> RunWebAppAsync,
    Func<string[], IReadOnlyDictionary<string, string?>, IHost?> Build);

/// <summary>
/// FraudWeb's one command line: without a verb it runs the web app; a verb (listed by --help) must be the first token
/// after any configuration switches. Usage errors are one line each on stderr with exit 2, failures exit 1.
/// </summary>
public static class FraudWebCommandLine
{
    public const int UsageError = 2;
    public const int Failure = 1;

    /// <summary>
    /// A verb that ran out of memory: its one-line message may not fit in what is left (a training child once wrote
    /// "err" and died), so the exit code says it (<see cref="Services.Models.ChildProcessTrainer"/> reads it).
    /// </summary>
    public const int OutOfMemory = 3;

    public static async Task<int> InvokeAsync(string[] args, FraudWebHost host, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(console);
        var root = Create(host, console);
        // ASP.NET reads its arguments literally: no response files (@file).
        var parsed = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parsed.Action is System.CommandLine.Invocation.ParseErrorAction)
        {
            foreach (var error in parsed.Errors) await console.Error.WriteLineAsync($"error: {OneLine(error.Message)}");
            var verb = parsed.CommandResult.Command == root ? "" : parsed.CommandResult.Command.Name + " ";
            await console.Error.WriteLineAsync($"(usage: FraudWeb {verb}--help)");
            return UsageError;
        }

        // The web host handles Ctrl+C and its own exceptions (the test host stops it by one); the verbs catch theirs.
        return await parsed.InvokeAsync(new InvocationConfiguration
        {
            Output = console.Out,
            Error = console.Error,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        });
    }

    public static RootCommand Create(FraudWebHost host, CliConsole console)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(console);
        var configuration = ConfigurationArgument(anyKey: true);
        var root = new RootCommand(
            "FraudWeb: without a command, the fraud detection web app, configured by ASP.NET Core's switches (--urls URL, " +
            "--Section:Key=value or --Section:Key value); with one, a model or administration command. Commands that use the " +
            "app's services (create-admin, import-merchants, bench-retrain) take configuration switches before or after them.")
        {
            HelpName = "FraudWeb",
        };
        root.Directives.Clear();
        root.Arguments.Add(configuration);
        root.SetAction((parse, _) => host.RunWebAppAsync(parse.Tokens.Select(t => t.Value).ToArray()));
        foreach (var verb in ModelCli.Commands(console)) root.Subcommands.Add(verb);
        root.Subcommands.Add(AdminCli.Command(host, console, configuration));
        root.Subcommands.Add(MerchantCli.Command(host, console, configuration));
        root.Subcommands.Add(RetrainBench.Command(host, console, configuration));
        // Validation runs for the command invoked, so each verb checks what came before it: configuration switches only.
        foreach (var verb in root.Subcommands)
        {
            verb.Validators.Add(result =>
            {
                if (result.GetResult(configuration) is { } before) CheckSwitches(before, anyKey: true);
            });
        }
        var topic = new Argument<string?>("command") { Description = "A command to show the help of (help train).", Arity = ArgumentArity.ZeroOrOne };
        var help = new Command("help", "Show this help (same as --help), or a command's (help train).") { topic };
        help.SetAction(parse =>
        {
            var verb = parse.GetValue(topic);
            // Parsed under the root, an unknown word would be a configuration switch and the root's help shown, exit 0.
            if (verb is { Length: > 0 } && !root.Subcommands.Any(c => c.Name == verb || c.Aliases.Contains(verb)))
            {
                console.Error.WriteLine($"error: Unknown command '{OneLine(verb)}'.");
                console.Error.WriteLine("(usage: FraudWeb --help)");
                return UsageError;
            }

            return root.Parse(verb is { Length: > 0 } ? [verb, "--help"] : ["--help"])
                .Invoke(new InvocationConfiguration { Output = console.Out, Error = console.Error });
        });
        root.Subcommands.Add(help);
        return root;
    }

    /// <summary>
    /// The configuration switches ASP.NET reads (--Key=value or --Key value), which System.CommandLine hands over as
    /// arguments. Before a verb any key goes (--urls, --environment); after one only --Section:Key, so a mistyped option
    /// of the verb is still an error. A bare word is not configuration: it would be a verb in the wrong place.
    /// </summary>
    internal static Argument<string[]> ConfigurationArgument(bool anyKey)
    {
        // Explained in the root's description: listed here, it would show as an argument of every command.
        var argument = new Argument<string[]>("configuration") { Arity = ArgumentArity.ZeroOrMore, Hidden = true };
        argument.Validators.Add(result => CheckSwitches(result, anyKey));
        return argument;
    }

    private static void CheckSwitches(ArgumentResult result, bool anyKey)
    {
        var tokens = result.Tokens;
        for (var i = 0; i < tokens.Count; i++)
        {
            var token = tokens[i].Value;
            var key = token.Split('=', 2)[0];
            if (!token.StartsWith("--", StringComparison.Ordinal) || key.Length == 2)
            {
                result.AddError($"Unrecognized command or argument '{token}'.");
                return;
            }

            if (!anyKey && !key.Contains(':', StringComparison.Ordinal))
            {
                result.AddError($"Unrecognized option '{token}' (a configuration switch after a command looks like --Section:Key=value).");
                return;
            }

            if (key.Length == token.Length && ++i == tokens.Count)
            {
                result.AddError($"Configuration switch '{token}' has no value.");
                return;
            }
        }
    }

    /// <summary>The configuration switches given before the verb and after it, in that order.</summary>
    internal static string[] ConfigurationOf(ParseResult parse, Argument<string[]> beforeVerb, Argument<string[]> afterVerb) =>
        [.. parse.GetValue(beforeVerb) ?? [], .. parse.GetValue(afterVerb) ?? []];

    /// <summary>
    /// .NET says "Access to the path '/tmp' is denied." when a file option names a folder (Linux opens it, then refuses
    /// to read it as a file): the operator is told it is a folder (operator test).
    /// </summary>
    internal static string FolderOrDenied(string message)
    {
        const string Start = "Access to the path '";
        const string End = "' is denied.";
        if (message.StartsWith(Start, StringComparison.Ordinal) && message.EndsWith(End, StringComparison.Ordinal))
        {
            var path = message[Start.Length..^End.Length];
            if (Directory.Exists(path)) return $"{path} is a folder; give a file.";
        }
        return message;
    }

    /// <summary>A verb's outcome as an exit code: a domain or input error is one line on stderr, never a stack trace.</summary>
    internal static async Task<int> GuardAsync(TextWriter stderr, Func<Task<int>> verb)
    {
        try
        {
            return await verb();
        }
        catch (CliUsageException e)
        {
            await stderr.WriteLineAsync($"error: {OneLine(e.Message)}");
            return UsageError;
        }
        catch (Exception e) when (e is CliInputException or CsvFormatException or ModelFormatException or Infrastructure.Options.ConfigurationException
                                      or IOException or UnauthorizedAccessException or InvalidDataException)
        {
            await stderr.WriteLineAsync($"error: {OneLine(e is UnauthorizedAccessException ? FolderOrDenied(e.Message) : e.Message)}");
            return Failure;
        }
        catch (Exception e) when (IsOutOfMemory(e))
        {
            try
            {
                await stderr.WriteLineAsync("error: out of memory");
            }
            catch (OutOfMemoryException)
            {
                // The exit code says it.
            }
            return OutOfMemory;
        }
#pragma warning disable CA1031 // The verbs' last line of defence: one line on stderr, never a stack trace.
        catch (Exception e)
        {
            await stderr.WriteLineAsync($"error: {e.GetType().Name}: {OneLine(e.Message)}");
            return Failure;
        }
#pragma warning restore CA1031
    }

    /// <summary>
    /// Runs a verb on the app's host built with the command line's configuration (and <paramref name="settings"/>);
    /// a failed start-up check is <see cref="Failure"/>. The host is disposed after.
    /// </summary>
    internal static async Task<int> OnHostAsync(FraudWebHost host, ParseResult parse, Argument<string[]> beforeVerb, Argument<string[]> afterVerb,
        IReadOnlyDictionary<string, string?> settings, Func<IServiceProvider, Task<int>> run)
    {
        var app = host.Build(ConfigurationOf(parse, beforeVerb, afterVerb), settings);
        if (app is null) return Failure;
        try
        {
            return await run(app.Services);
        }
        finally
        {
            await DisposeAsync(app);
        }
    }

    /// <summary>Disposes a host built for a verb (asynchronously where it can, as some of its services need).</summary>
    internal static async Task DisposeAsync(IHost host)
    {
        if (host is IAsyncDisposable asynchronous) await asynchronous.DisposeAsync();
        else host.Dispose();
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");

    /// <summary>Out of memory, also as the cause of another exception (ML.NET's parallel training wraps what its workers throw).</summary>
    private static bool IsOutOfMemory(Exception e) => e switch
    {
        OutOfMemoryException => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsOutOfMemory),
        { InnerException: { } inner } => IsOutOfMemory(inner),
        _ => false,
    };
}

/// <summary>Bad command-line usage found by a verb (e.g. a column not in the file): one line, exit code 2.</summary>
internal sealed class CliUsageException(string message) : Exception(message);

/// <summary>A failure caused by input data or files: one line, exit code 1.</summary>
internal sealed class CliInputException(string message) : Exception(message);
