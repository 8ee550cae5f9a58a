using FraudWeb.Domain.Entities;
using Microsoft.EntityFrameworkCore;
using FraudWeb.Domain.Features;
using FraudWeb.Domain.Learning;
using FraudWeb.Services.Models;
using FraudWeb.Tests.Web.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FraudWeb.Tests.Web.Reports;

/// <summary>
/// Its own app whose serving model gives the risk the test chooses (held for review unless changed), so a payment
/// lands in the Review band on purpose rather than by the trained model's judgement. No background retraining.
/// </summary>
public sealed class HeldPaymentFactory : FraudWebFactory
{
    public HeldPaymentFactory()
    {
        Settings["Seed:Trees"] = "5";
        Settings["Retraining:LabelThreshold"] = "0";
        Settings["Retraining:Interval"] = "00:00:00";
        Settings["Retraining:PollInterval"] = "01:00:00";
    }

    public ControlledRiskModel Risk { get; } = new();

    /// <summary>Pays at an ordinary merchant with the risk set to <paramref name="probability"/> for this one payment; its id.</summary>
    public async Task<long> PayAtRiskAsync(CardHolderSession holder, long cardId, decimal amount, double probability)
    {
        ArgumentNullException.ThrowIfNull(holder);
        var merchant = await Merchants.OrdinaryAsync(this);
        Risk.Probability = probability;
        try
        {
            return await holder.PayAndGetIdAsync(cardId, merchant, amount);
        }
        finally
        {
            Risk.Probability = ControlledRiskModel.HeldProbability;
        }
    }

    /// <summary>A new card holder with one card and one payment on it, decided as <paramref name="expected"/> (checked).</summary>
    public async Task<(CardHolderSession Holder, long CardId, long TransactionId)> NewHolderPaidAsync(
        decimal amount, double probability, Decision expected, decimal creditLimit = 1000m)
    {
        var holder = await CardHolderSession.RegisteredAsync(this);
        var card = await holder.AddCardAsync(creditLimit);
        var id = await PayAtRiskAsync(holder, card, amount, probability);
        Assert.Equal(expected, (await TransactionAsync(id)).Verdict!.Decision);
        return (holder, card, id);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IServingModel>();
            services.AddSingleton<IServingModel>(Risk);
            services.AddSingleton<Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor>(DuringSave);
        });
    }

    /// <summary>Another request's change started at a save a test picks (<see cref="ChangeDuringSave"/>).</summary>
    public SaveInterceptorSlot DuringSave { get; } = new();
}

/// <summary>A serving model with a fixed fraud probability that a test may change (tests of one class run one at a time).</summary>
public sealed class ControlledRiskModel : IFraudModel, IServingModel
{
    /// <summary>Risk 70: between the default review (65) and block (75) thresholds.</summary>
    public const double HeldProbability = 0.705;
    public const double ApprovedProbability = 0.05;

    private double _probability = HeldProbability;

    public double Probability
    {
        get => Volatile.Read(ref _probability);
        set => Volatile.Write(ref _probability, value);
    }

    public IReadOnlyList<string> FeatureNames => TransactionFeatures.Names;

    /// <summary>No model serving while set: payments get the "fraud check unavailable" page (503).</summary>
    public bool Unavailable { get; set; }

    public ServingSnapshot? Current => Unavailable ? null : new(this, "gbt-controlled");

    public double PredictMargin(ReadOnlySpan<float> features) => Math.Log(Probability / (1 - Probability));

    public double PredictProbability(ReadOnlySpan<float> features) => Probability;

    public double Explain(ReadOnlySpan<float> features, Span<double> contributions)
    {
        contributions.Clear();
        return PredictMargin(features);
    }

    // Start-up and retraining promote trained models; these tests keep the controlled one.
    public void Promote(ServingSnapshot snapshot)
    {
    }
}
