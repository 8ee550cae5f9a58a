using FraudWeb.Domain.Features;

namespace FraudWeb.Tests.Builders;

/// <summary>Builds TransactionRecords with readable defaults: card 1, terminal 1, amount 10, 2018-04-02 12:00 UTC (a Monday).</summary>
public sealed class TransactionRecordBuilder
{
    public static readonly DateTime Monday = new(2018, 4, 2, 12, 0, 0, DateTimeKind.Utc);

    private long _id;
    private DateTime _time = Monday;
    private long _card = 1;
    private long _terminal = 1;
    private double _amount = 10;
    private bool _fraud;

    public static TransactionRecordBuilder Transaction(long id) => new() { _id = id };

    public TransactionRecordBuilder At(DateTime time)
    {
        _time = time;
        return this;
    }

    public TransactionRecordBuilder At(TimeSpan offsetFromMonday) => At(Monday + offsetFromMonday);

    public TransactionRecordBuilder Card(long card)
    {
        _card = card;
        return this;
    }

    public TransactionRecordBuilder Terminal(long terminal)
    {
        _terminal = terminal;
        return this;
    }

    public TransactionRecordBuilder Amount(double amount)
    {
        _amount = amount;
        return this;
    }

    public TransactionRecordBuilder Fraud(bool fraud = true)
    {
        _fraud = fraud;
        return this;
    }

    public TransactionRecord Build() => new(_id, _time, _card, _terminal, _amount, _fraud);

    public static implicit operator TransactionRecord(TransactionRecordBuilder builder) => builder.Build();
}
