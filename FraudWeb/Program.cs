using FraudWeb.Cli;
using FraudWeb.Infrastructure;

if (ModelCli.Handles(args))
{
    return ModelCli.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddFraudData(builder.Configuration);
builder.Services.AddFraudIdentity();
builder.Services.AddFraudScoring(builder.Configuration);
builder.Services.AddFraudRetraining();
builder.Services.AddFraudWeb();
var app = builder.Build();

if (AdminCli.Handles(args))
{
    return await AdminCli.RunAsync(app.Services, args, Console.In, Console.IsInputRedirected, Console.Out, Console.Error);
}

app.UseFraudWeb();
await app.RunAsync();
return 0;

public partial class Program;
