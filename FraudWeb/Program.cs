using FraudWeb.Cli;

if (ModelCli.Handles(args))
{
    return ModelCli.Run(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
var app = builder.Build();
await app.RunAsync();
return 0;

public partial class Program;
