using FraudWeb.Cli;
using Microsoft.Extensions.Hosting;

namespace FraudWeb.Tests.Cli;

/// <summary>FraudWeb's command line in-process: its console captured, and what it asks of Program recorded.</summary>
internal sealed class CommandLineRun
{
    /// <summary>The arguments of each web app start.</summary>
    public List<string[]> WebAppRuns { get; } = [];

    /// <summary>The configuration switches and settings of each host built for a verb.</summary>
    public List<(string[] Configuration, IReadOnlyDictionary<string, string?> Settings)> HostBuilds { get; } = [];

    /// <summary>The host handed to a verb; null stands for a failed start-up check.</summary>
    public IHost? Host { get; init; }

    /// <summary>Runs when a host is built, before it is handed over (a start-up that writes files, say).</summary>
    public Action<IReadOnlyDictionary<string, string?>>? OnBuild { get; init; }

    public string Stdin { get; init; } = "";

    public bool StdinIsPiped { get; init; }

    public async Task<(int Code, string Out, string Err)> InvokeAsync(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var program = new FraudWebHost(
            arguments =>
            {
                WebAppRuns.Add(arguments);
                return Task.FromResult(0);
            },
            (configuration, settings) =>
            {
                HostBuilds.Add((configuration, settings));
                OnBuild?.Invoke(settings);
                return Host;
            });
        var code = await FraudWebCommandLine.InvokeAsync(args, program, new CliConsole(new StringReader(Stdin), StdinIsPiped, stdout, stderr));
        return (code, stdout.ToString(), stderr.ToString());
    }

    /// <summary>A model verb: it must neither start the web app nor build the host.</summary>
    public static async Task<(int Code, string Out, string Err)> DomainOnlyAsync(string[] args)
    {
        var run = new CommandLineRun();
        var result = await run.InvokeAsync(args);
        Assert.Empty(run.WebAppRuns);
        Assert.Empty(run.HostBuilds);
        return result;
    }
}

/// <summary>A host over the test app's services, which a verb must not dispose.</summary>
internal sealed class ServicesHost(IServiceProvider services) : IHost
{
    public IServiceProvider Services { get; } = services;

    public Task StartAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public void Dispose()
    {
    }
}
