namespace FraudWeb.Domain.Entities;

/// <summary>What a version of a rule would have done to past payments, kept so the rule's page shows it and enabling can require it.</summary>
public class RuleBacktest
{
    public const int SampleSize = 20;

    private RuleBacktest()
    {
        RanBy = SampleIds = "";
    }

    public long Id { get; private set; }
    public long RuleId { get; private set; }
    public int Version { get; private set; }
    public int Days { get; private set; }
    public DateTime FromUtc { get; private set; }
    public DateTime ToUtc { get; private set; }
    public string RanBy { get; private set; }
    public DateTime RanUtc { get; private set; }
    /// <summary>Payments in the period.</summary>
    public int Evaluated { get; private set; }
    public int Matched { get; private set; }
    public int MatchedFraud { get; private set; }
    public int MatchedLegitimate { get; private set; }
    public decimal MatchedAmount { get; private set; }
    public decimal MatchedFraudAmount { get; private set; }
    public decimal MatchedLegitimateAmount { get; private set; }
    /// <summary>Frauds in the whole period: the share the rule would catch is MatchedFraud / this.</summary>
    public int FraudInPeriod { get; private set; }
    /// <summary>Ids of the most recent matched payments, comma-separated (at most <see cref="SampleSize"/>).</summary>
    public string SampleIds { get; private set; }

    public int MatchedUnlabelled => Matched - MatchedFraud - MatchedLegitimate;

    public IReadOnlyList<long> Sample => SampleIds.Length == 0 ? []
        : SampleIds.Split(',').Select(s => long.Parse(s, System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    public static RuleBacktest Record(FraudRule rule, int days, DateTime fromUtc, DateTime toUtc, BacktestFigures figures, string actorId, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(figures);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        rule.RecordBacktest(rule.Version);
        return new RuleBacktest
        {
            RuleId = rule.Id,
            Version = rule.Version,
            Days = days,
            FromUtc = fromUtc,
            ToUtc = toUtc,
            RanBy = actorId,
            RanUtc = nowUtc,
            Evaluated = figures.Evaluated,
            Matched = figures.Matched,
            MatchedFraud = figures.MatchedFraud,
            MatchedLegitimate = figures.MatchedLegitimate,
            MatchedAmount = figures.MatchedAmount,
            MatchedFraudAmount = figures.MatchedFraudAmount,
            MatchedLegitimateAmount = figures.MatchedLegitimateAmount,
            FraudInPeriod = figures.FraudInPeriod,
            SampleIds = string.Join(',', figures.Sample.Take(SampleSize).Select(id => id.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        };
    }
}

/// <summary>The counts a backtest produces (computed by the backtester).</summary>
public sealed record BacktestFigures(int Evaluated, int Matched, int MatchedFraud, int MatchedLegitimate, decimal MatchedAmount,
    decimal MatchedFraudAmount, decimal MatchedLegitimateAmount, int FraudInPeriod, IReadOnlyList<long> Sample);
