using System.Diagnostics;
using System.Diagnostics.Metrics;
using FraudWeb.Domain.Entities;
using FraudWeb.Services.Models;

namespace FraudWeb.Infrastructure.Telemetry;

/// <summary>
/// The product's own instruments, on the meter "FraudWeb" (one per host, from its <see cref="IMeterFactory"/>), named
/// after OpenTelemetry's conventions; Prometheus shows them with dots as underscores and a unit suffix
/// (fraudweb.payments.scored is fraudweb_payments_scored_total). Every instance reports its own; sum them across instances.
/// </summary>
public sealed class FraudMetrics
{
    public const string MeterName = "FraudWeb";

    /// <summary>Spans of the product's own work (scoring, retraining), under the request or run that caused them.</summary>
    public static ActivitySource ActivitySource { get; } = new(MeterName);

    public const string DecisionTag = "fraudweb.decision";
    public const string OutcomeTag = "fraudweb.retraining.outcome";
    public const string ModelVersionTag = "fraudweb.model.version";

    private readonly Counter<long> _paymentsScored;
    private readonly Histogram<double> _scoringDuration;
    private readonly Counter<long> _retrainingRuns;
    private readonly Histogram<double> _retrainingDuration;
    // -1 until the first sample, and again after a failed one: the gauge reports nothing rather than a stale depth.
    private long _reviewQueueDepth = -1;

    public FraudMetrics(IMeterFactory meterFactory, IServingModel serving)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        ArgumentNullException.ThrowIfNull(serving);
        var meter = meterFactory.Create(MeterName);
        _paymentsScored = meter.CreateCounter<long>("fraudweb.payments.scored", "{payment}",
            "Payments scored and recorded, by the decision recorded (after the available-credit check).");
        _scoringDuration = meter.CreateHistogram("fraudweb.scoring.duration", "s",
            "Time to score one payment: features, model and explanation.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] });
        _retrainingRuns = meter.CreateCounter<long>("fraudweb.retraining.runs", "{run}",
            "Retraining runs finished on this instance, by outcome: promoted, rejected (the serving model stays) or failed.");
        _retrainingDuration = meter.CreateHistogram("fraudweb.retraining.duration", "s",
            "Duration of a retraining run, from claiming it to recording its outcome.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 5, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600] });
        // An "info" gauge: 1 for the version serving (in its attribute), nothing while no model is loaded.
        meter.CreateObservableGauge("fraudweb.model.serving_version", () => ServingVersion(serving), "{model}",
            "The model version serving payments on this instance: value 1, the version in fraudweb.model.version.");
        meter.CreateObservableGauge("fraudweb.review.queue_depth", ReviewQueueDepth, "{item}",
            "Items waiting for an analyst: open reports and payments held for review (sampled every few seconds).");
    }

    /// <summary>One recorded payment with its final decision.</summary>
    public void PaymentScored(Decision decision) =>
        _paymentsScored.Add(1, new KeyValuePair<string, object?>(DecisionTag, DecisionName(decision)));

    public void ScoringTook(TimeSpan elapsed) => _scoringDuration.Record(elapsed.TotalSeconds);

    /// <summary>A finished retraining run, by its <see cref="RetrainingOutcomes"/> value.</summary>
    public void RetrainingFinished(string outcome, TimeSpan elapsed)
    {
        var tag = new KeyValuePair<string, object?>(OutcomeTag, outcome);
        _retrainingRuns.Add(1, tag);
        _retrainingDuration.Record(elapsed.TotalSeconds, tag);
    }

    /// <summary>The latest sample of the review queue's depth; null when it could not be counted.</summary>
    public void ReviewQueueSampled(long? depth) => Interlocked.Exchange(ref _reviewQueueDepth, depth ?? -1);

    /// <summary>The attribute value of a decision: approved, review or declined.</summary>
    public static string DecisionName(Decision decision) => decision switch
    {
        Decision.Approved => "approved",
        Decision.Review => "review",
        Decision.Declined => "declined",
        _ => "unknown",
    };

    private static IEnumerable<Measurement<int>> ServingVersion(IServingModel serving) =>
        serving.Current is { } current ? [new Measurement<int>(1, new KeyValuePair<string, object?>(ModelVersionTag, current.Version))] : [];

    private IEnumerable<Measurement<long>> ReviewQueueDepth() =>
        Interlocked.Read(ref _reviewQueueDepth) is var depth and >= 0 ? [new Measurement<long>(depth)] : [];
}

/// <summary>The values of <see cref="FraudMetrics.OutcomeTag"/>.</summary>
public static class RetrainingOutcomes
{
    /// <summary>The challenger won and serves now.</summary>
    public const string Promoted = "promoted";
    /// <summary>The challenger lost; the serving model stays.</summary>
    public const string Rejected = "rejected";
    /// <summary>No challenger: too little data, a training or storage error.</summary>
    public const string Failed = "failed";
}
