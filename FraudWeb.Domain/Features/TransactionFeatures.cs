// Contract stub: the features work replaces the bodies; signatures stay.
namespace FraudWeb.Domain.Features;

public sealed record FeatureOptions
{
    /// <summary>Days before a transaction's label is known (the handbook's delay period).</summary>
    public int LabelDelayDays { get; init; } = 7;
}

public static class TransactionFeatures
{
    /// <summary>Feature names, in vector order.</summary>
    public static IReadOnlyList<string> Names => throw new NotImplementedException();

    /// <summary>How far back the online computation needs the card's history.</summary>
    public static TimeSpan CustomerLookback(FeatureOptions options) => throw new NotImplementedException();

    /// <summary>How far back the online computation needs the terminal's history.</summary>
    public static TimeSpan TerminalLookback(FeatureOptions options) => throw new NotImplementedException();

    /// <summary>Batch, O(n): transactions sorted by Timestamp; returns rows * Names.Count values, row-major.</summary>
    public static float[] ComputeBatch(IReadOnlyList<TransactionRecord> sortedByTime, FeatureOptions options) => throw new NotImplementedException();

    /// <summary>
    /// Online, for one transaction from stored history: the card's earlier transactions within CustomerLookback
    /// and the terminal's earlier transactions within TerminalLookback (any order, tx itself excluded).
    /// Gives exactly the vector ComputeBatch gives for the same transaction.
    /// </summary>
    public static void ComputeOnline(in TransactionRecord tx, IReadOnlyList<TransactionRecord> customerHistory,
        IReadOnlyList<TransactionRecord> terminalHistory, FeatureOptions options, Span<float> output) => throw new NotImplementedException();
}
