// Contract stub: the features/simulator work replaces the bodies; signatures stay (more members welcome).
namespace FraudWeb.Domain.Simulation;

public sealed record SimulatorOptions
{
    public int Customers { get; init; } = 5000;
    public int Terminals { get; init; } = 10000;
    public int Days { get; init; } = 183;
    public DateTime Start { get; init; } = new(2018, 4, 1, 0, 0, 0, DateTimeKind.Utc);
    public int Seed { get; init; } = 1;
}

public sealed record SimulatedCustomer(long CustomerId, double X, double Y, double MeanAmount, double StdAmount, double MeanTransactionsPerDay);

public sealed record SimulatedTerminal(long TerminalId, double X, double Y);

public readonly record struct SimulatedTransaction(
    long TransactionId, DateTime Timestamp, long CustomerId, long TerminalId, double Amount, bool IsFraud, int FraudScenario);

public sealed record SimulationResult(
    IReadOnlyList<SimulatedCustomer> Customers,
    IReadOnlyList<SimulatedTerminal> Terminals,
    IReadOnlyList<SimulatedTransaction> Transactions);

public static class TransactionSimulator
{
    /// <summary>Deterministic for a seed; transactions sorted by Timestamp, ids 0..n-1 in that order.</summary>
    public static SimulationResult Generate(SimulatorOptions options) => throw new NotImplementedException();
}
