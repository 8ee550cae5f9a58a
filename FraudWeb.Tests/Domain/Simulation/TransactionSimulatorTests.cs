using FraudWeb.Domain.Simulation;

namespace FraudWeb.Tests.Domain.Simulation;

public class TransactionSimulatorTests
{
    private static readonly SimulatorOptions Small = new() { Customers = 200, Terminals = 400, Days = 60, Seed = 3 };

    [Fact]
    public void Generate_SameSeed_GivesIdenticalData()
    {
        var first = TransactionSimulator.Generate(Small);
        var second = TransactionSimulator.Generate(Small);

        Assert.Equal(first.Transactions, second.Transactions);
        Assert.Equal(first.Customers, second.Customers);
        Assert.Equal(first.Terminals, second.Terminals);
    }

    [Fact]
    public void Generate_OtherSeed_GivesOtherData()
    {
        var first = TransactionSimulator.Generate(Small);
        var other = TransactionSimulator.Generate(Small with { Seed = 4 });

        Assert.NotEqual(first.Transactions.Take(100), other.Transactions.Take(100));
    }

    [Fact]
    public void Generate_Transactions_SortedByTimeWithSequentialIdsInsideTheDay()
    {
        var result = TransactionSimulator.Generate(Small);
        var txs = result.Transactions;

        Assert.NotEmpty(txs);
        for (var i = 0; i < txs.Count; i++)
        {
            Assert.Equal(i, txs[i].TransactionId);
            if (i > 0) Assert.True(txs[i - 1].Timestamp <= txs[i].Timestamp);
            var seconds = (txs[i].Timestamp - Small.Start).TotalSeconds % 86400;
            Assert.InRange(seconds, 1, 86399);
        }

        Assert.True(txs[^1].Timestamp < Small.Start.AddDays(Small.Days));
    }

    [Fact]
    public void Generate_Profiles_FollowHandbookRanges()
    {
        var result = TransactionSimulator.Generate(Small);

        Assert.All(result.Customers, c =>
        {
            Assert.InRange(c.X, 0, 100);
            Assert.InRange(c.MeanAmount, 5, 100);
            Assert.Equal(c.MeanAmount / 2, c.StdAmount);
            Assert.InRange(c.MeanTransactionsPerDay, 0, 4);
        });
        Assert.All(result.Terminals, t => Assert.InRange(t.Y, 0, 100));
    }

    [Fact]
    public void Generate_EveryTransaction_UsesTerminalWithinRadius()
    {
        var result = TransactionSimulator.Generate(Small);

        Assert.All(result.Transactions, tx =>
        {
            var c = result.Customers[(int)tx.CustomerId];
            var t = result.Terminals[(int)tx.TerminalId];
            Assert.True(Math.Sqrt(Math.Pow(c.X - t.X, 2) + Math.Pow(c.Y - t.Y, 2)) < Small.TerminalRadius);
        });
    }

    [Fact]
    public void Generate_AllScenarios_LabelsConsistentWithScenario()
    {
        var result = TransactionSimulator.Generate(Small);
        var txs = result.Transactions;

        Assert.All(txs, tx => Assert.Equal(tx.FraudScenario != 0, tx.IsFraud));
        Assert.All(txs.Where(t => t.FraudScenario == 0), tx => Assert.True(tx.Amount <= 220));
        Assert.All(txs.Where(t => t.FraudScenario == 1), tx => Assert.True(tx.Amount > 220));
        Assert.Contains(txs, t => t.FraudScenario == 2);
        Assert.Contains(txs, t => t.FraudScenario == 3);
    }

    [Fact]
    public void Generate_OnlyAmountScenario_FraudIsExactlyAmountAboveThreshold()
    {
        var options = Small with { CompromisedTerminalsPerDay = 0, CompromisedCustomersPerDay = 0, FraudAmountThreshold = 150 };

        var txs = TransactionSimulator.Generate(options).Transactions;

        Assert.All(txs, tx => Assert.Equal(tx.Amount > 150, tx.IsFraud));
        Assert.Contains(txs, t => t.IsFraud);
    }

    [Fact]
    public void Generate_CompromisedTerminal_AllItsTransactionsFraudDuringCompromise()
    {
        var options = Small with { FraudAmountThreshold = double.PositiveInfinity, CompromisedCustomersPerDay = 0, CompromisedTerminalsPerDay = 1, TerminalCompromiseDays = 28 };

        var txs = TransactionSimulator.Generate(options).Transactions;

        var frauds = txs.Where(t => t.IsFraud).ToList();
        Assert.NotEmpty(frauds);
        Assert.All(frauds, f => Assert.Equal(2, f.FraudScenario));
        // A terminal-day with a fraud has every transaction of that day fraudulent.
        var fraudTerminalDays = frauds.Select(f => (f.TerminalId, f.Timestamp.Date)).ToHashSet();
        Assert.All(txs.Where(t => fraudTerminalDays.Contains((t.TerminalId, t.Timestamp.Date))), t => Assert.True(t.IsFraud));
    }

    [Fact]
    public void Generate_CompromisedCustomers_AboutAThirdFraudWithAmountTimesFive()
    {
        var options = Small with { FraudAmountThreshold = double.PositiveInfinity, CompromisedTerminalsPerDay = 0 };

        var txs = TransactionSimulator.Generate(options).Transactions;
        var reference = TransactionSimulator.Generate(options with { CompromisedCustomersPerDay = 0 }).Transactions;

        var frauds = txs.Where(t => t.IsFraud).ToList();
        Assert.NotEmpty(frauds);
        Assert.All(frauds, f => Assert.Equal(3, f.FraudScenario));
        Assert.All(frauds, f => Assert.True(f.Amount >= reference[(int)f.TransactionId].Amount * 5 - 0.011));
        Assert.All(txs.Where(t => !t.IsFraud), t => Assert.Equal(reference[(int)t.TransactionId].Amount, t.Amount));
    }

    [Fact]
    public void Generate_InvalidOptions_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TransactionSimulator.Generate(Small with { Customers = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => TransactionSimulator.Generate(Small with { CompromisedTerminalsPerDay = 401 }));
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(1, 400)]
    [InlineData(400, 1)]
    public void Generate_PopulationBelowTheDefaultCompromisedCounts_DefaultsCappedToThePopulation(int customers, int terminals)
    {
        // Arrange (review finding: the defaults, 2 terminals and 3 customers a day, failed a smaller population)
        var options = new SimulatorOptions { Customers = customers, Terminals = terminals, Days = 30, Seed = 2 };

        // Act
        var result = TransactionSimulator.Generate(options);

        // Assert
        Assert.Equal(Math.Min(2, terminals), options.CompromisedTerminalsPerDay);
        Assert.Equal(Math.Min(3, customers), options.CompromisedCustomersPerDay);
        Assert.Equal(customers, result.Customers.Count);
        Assert.Equal(terminals, result.Terminals.Count);
    }

    [Fact]
    public void Generate_SeedLikeOptionsWithOneTerminal_Simulates()
    {
        // Arrange: as HistorySeeder builds them from Seed:CardHolders and Seed:Terminals (Seed__Terminals=1 failed the web start)
        var options = new SimulatorOptions { Customers = 2, Terminals = 1, Days = 10, Start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), Seed = 42 };

        // Act
        var result = TransactionSimulator.Generate(options);

        // Assert
        Assert.Single(result.Terminals);
        Assert.All(result.Transactions, t => Assert.Equal(0, t.TerminalId));
    }

    [Fact]
    public void Generate_ExplicitCountAbovePopulation_StillThrows()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TransactionSimulator.Generate(new SimulatorOptions { Customers = 2, Terminals = 5, Days = 3, CompromisedCustomersPerDay = 3 }));
    }

    [Fact]
    public void With_PopulationChangedAfterwards_DefaultFollowsIt()
    {
        var options = new SimulatorOptions() with { Terminals = 1, Customers = 1 };

        Assert.Equal(1, options.CompromisedTerminalsPerDay);
        Assert.Equal(1, options.CompromisedCustomersPerDay);
        Assert.Equal(2, (options with { Terminals = 100 }).CompromisedTerminalsPerDay);
    }
}
