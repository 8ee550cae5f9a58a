using System.CommandLine;
using FraudWeb.Domain.IO;
using FraudWeb.Services.Seeding;

namespace FraudWeb.Cli;

/// <summary>
/// `import-merchants --file merchants.csv`: an installation's own merchants, for one started with Seed:Enabled=false
/// (which seeds none). Rows already there are skipped, so a grown file can be imported again.
/// </summary>
public static class MerchantCli
{
    public const string Verb = "import-merchants";

    internal static Command Command(FraudWebHost host, CliConsole console, Argument<string[]> configurationBeforeVerb)
    {
        var file = CliOptions.Text("--file", "CSV with a header 'name,category' and one merchant a line.", "FILE", required: true);
        var configuration = FraudWebCommandLine.ConfigurationArgument(anyKey: false);
        var command = new Command(Verb, "Import merchants (name, category) from a CSV file; ones already there are skipped.")
        {
            file, configuration,
        };
        command.SetAction(parse => FraudWebCommandLine.GuardAsync(console.Error, async () =>
        {
            var path = parse.GetRequiredValue(file);
            // Read and checked before the database is touched: a bad file changes nothing.
            IReadOnlyList<MerchantRow> rows;
            using (var reader = new StreamReader(path))
            {
                rows = MerchantCsv.Read(reader, path);
            }
            return await FraudWebCommandLine.OnHostAsync(host, parse, configurationBeforeVerb, configuration, new Dictionary<string, string?>(), async services =>
            {
                await using var scope = services.CreateAsyncScope();
                await StartupInitializer.MigrateAsync(scope.ServiceProvider, CancellationToken.None);
                var summary = await scope.ServiceProvider.GetRequiredService<MerchantImport>().ImportAsync(rows, Path.GetFileName(path), Verb, CancellationToken.None);
                await console.Out.WriteLineAsync($"Imported {summary.Added} merchants from {path}; {summary.AlreadyThere} already there.");
                return 0;
            });
        }));
        return command;
    }
}
