using FraudWeb.Cli;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Cli;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FraudWeb.Tests.Web.Seeding;

/// <summary>An installation started without demo data (Seed:Enabled=false): its own merchants, and a model from day one.</summary>
public sealed class NoDemoDataFactory : FraudWebFactory
{
    public NoDemoDataFactory()
    {
        Settings["Seed:Enabled"] = "false";
        // Its tests read the first start's log (the starter model's warning), which a copied start does not write.
        StartFromTemplate = false;
    }
}

public sealed class NoDemoDataTests(NoDemoDataFactory factory) : IClassFixture<NoDemoDataFactory>, IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"merchants-{Guid.NewGuid():N}.csv");

    public void Dispose() => File.Delete(_file);

    [Fact]
    public async Task Start_NoDemoDataAndNoPayments_StarterModelFromASimulationServesAndNothingSimulatedIsStored()
    {
        // Arrange (a left item of the README review: without demo data there was no model, so every payment answered 503)
        _ = factory.Services;

        // Act
        var serving = await factory.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));

        // Assert
        Assert.Equal(ModelRegistry.StarterTrigger, serving.Trigger);
        Assert.True(serving.TrainingRows > 0);
        Assert.Equal(serving.Version, factory.Services.GetRequiredService<IServingModel>().Current?.Version);
        Assert.Equal(0, await factory.QueryAsync(db => db.CardHolders.CountAsync(h => h.IsSimulated)));
        Assert.Contains("a starter model learnt from simulated payments serves", string.Join('\n', factory.Logs.Entries), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportMerchants_ThenAgainWithOneMore_AddsEachOnceAndTheHolderPaysThere()
    {
        // Arrange
        _ = factory.Services;
        var run = new CommandLineRun { Host = new ServicesHost(factory.Services) };
        // Eight hex digits at most: a whole GUID's can hold a Luhn-valid run, which a name may not (about one in 750).
        var name = $"Harbour Market {Guid.NewGuid().ToString("N")[..8]}";
        await File.WriteAllTextAsync(_file, $"name,category\n\"{name}, Leeds\",Groceries\nKingsway Petrol {name},Fuel\n");

        // Act
        var first = await run.InvokeAsync(MerchantCli.Verb, "--file", _file);
        await File.AppendAllTextAsync(_file, $"Oak Bistro {name},Restaurants\n");
        var second = await run.InvokeAsync(MerchantCli.Verb, "--file", _file);

        // Assert
        Assert.Equal((0, $"Imported 2 merchants from {_file}; 0 already there."), (first.Code, first.Out.Trim()));
        Assert.Equal((0, $"Imported 1 merchants from {_file}; 2 already there."), (second.Code, second.Out.Trim()));
        Assert.Equal(3, await factory.QueryAsync(db => db.Terminals.CountAsync(t => t.Name.Contains(name))));
        Assert.Equal(2, await factory.QueryAsync(db => db.Set<AuditEntry>().CountAsync(a => a.Action == "merchants.import" && a.ActorId == MerchantCli.Verb)));
        var merchant = await factory.QueryAsync(db => db.Terminals.Where(t => t.Name == name + ", Leeds").Select(t => t.Id).SingleAsync());
        using var holder = await CardHolderSession.RegisteredAsync(factory);
        var card = await holder.AddCardAsync(1000m);
        var paid = await holder.PayAndGetIdAsync(card, merchant, 12.50m);
        Assert.NotNull((await factory.TransactionAsync(paid)).Verdict);
    }

    [Fact]
    public async Task Start_DemoConfiguredTooSmallToHoldTenFrauds_StarterModelAtTheDefaultSizesServes()
    {
        // Arrange (found starting a small demo: 10 holders over 5 days simulate no fraud, so neither the history nor a
        // starter of the same sizes could train, and the start stopped with an unhandled exception)
        using var small = new FraudWebFactory();
        small.Settings["Seed:CardHolders"] = "10";
        small.Settings["Seed:Terminals"] = "20";
        small.Settings["Seed:Days"] = "5";

        // Act
        _ = small.Services;
        var serving = await small.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));

        // Assert
        Assert.Equal(ModelRegistry.StarterTrigger, serving.Trigger);
        Assert.True(serving.TrainingFrauds >= 10);
        Assert.Equal(serving.Version, small.Services.GetRequiredService<IServingModel>().Current?.Version);
    }

    [Fact]
    public async Task Start_MerchantsImportedBeforeAFirstStartWithDemoDataOn_StarterModelServes()
    {
        // Arrange (review finding: the seeder left a database with merchants alone, then training on its empty history
        // stopped every start with "There is no history to train a model on.")
        using var first = new FraudWebFactory();
        first.Settings["Seed:Enabled"] = "false";
        first.Settings["Seed:TrainModel"] = "false";
        _ = first.Services;
        await using (var scope = first.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<FraudWeb.Services.Seeding.MerchantImport>()
                .ImportAsync([new FraudWeb.Domain.IO.MerchantRow(2, "Oak Bistro", "Restaurants")], "merchants.csv", MerchantCli.Verb, CancellationToken.None);
        }

        // Act: started as the defaults have it (demo data on)
        using var app = first.Restart(settings =>
        {
            settings["Seed:Enabled"] = "true";
            settings["Seed:TrainModel"] = "true";
        });
        _ = app.Services;

        // Assert: a starter model serves; no demo history was added to the installation's merchants
        var serving = await app.QueryAsync(db => db.ModelVersions.AsNoTracking().SingleAsync(m => m.Status == ModelStatus.Serving));
        Assert.Equal(ModelRegistry.StarterTrigger, serving.Trigger);
        Assert.Equal(1, await app.QueryAsync(db => db.Terminals.CountAsync()));
        Assert.Equal(0, await app.QueryAsync(db => db.Transactions.CountAsync()));
    }

    [Fact]
    public async Task ImportMerchants_BadLine_ErrorNamesLineAndColumnAndNothingImported()
    {
        // Arrange
        _ = factory.Services;
        var run = new CommandLineRun { Host = new ServicesHost(factory.Services) };
        var name = $"Cedar Grocers {Guid.NewGuid().ToString("N")[..8]}";
        await File.WriteAllTextAsync(_file, $"name,category\n{name},Groceries\n,Fuel\n");

        // Act
        var (code, _, stderr) = await run.InvokeAsync(MerchantCli.Verb, "--file", _file);

        // Assert
        Assert.Equal(1, code);
        Assert.Equal($"error: {_file}:3:1: the name is empty.", stderr.Trim());
        Assert.Equal(0, await factory.QueryAsync(db => db.Terminals.CountAsync(t => t.Name == name)));
        Assert.Empty(run.HostBuilds);
    }
}
