using FraudWeb.Cli;
using FraudWeb.Infrastructure;
using FraudWeb.Services.Admin;

if (ModelCli.Handles(args))
{
    return ModelCli.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
var benchDirectory = "";
if (RetrainBench.Handles(args))
{
    var settings = RetrainBench.Settings(args, Console.Error, out benchDirectory);
    if (settings is null) return 2;
    builder.Configuration.AddInMemoryCollection(settings);
}
builder.Services.AddFraudData(builder.Configuration);
builder.Services.AddFraudIdentity();
builder.Services.AddFraudScoring(builder.Configuration);
builder.Services.AddFraudRetraining();
builder.Services.AddFraudWeb();
builder.Services.AddFraudAdministration();
builder.Services.AddFraudHealthChecks();
var app = builder.Build();
if (StartupChecks.FirstConfigurationError(app.Services) is { } configurationError)
{
    await Console.Error.WriteLineAsync($"error: {configurationError}");
    return 1;
}

if (AdminCli.Handles(args))
{
    return await AdminCli.RunAsync(app.Services, args, Console.In, Console.IsInputRedirected, Console.Out, Console.Error);
}

if (RetrainBench.Handles(args))
{
    return await RetrainBench.RunAsync(app.Services, benchDirectory, args, Console.Out);
}

app.UseFraudWeb();
await app.RunAsync();
return 0;

public partial class Program;
