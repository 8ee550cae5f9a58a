namespace FraudWeb.Domain.Simulation;

/// <summary>
/// The Fraud Detection Handbook's simulated-data design (chapter "Transaction data simulator"), every
/// constant exposed. A count of 0 (or an infinite threshold) switches a fraud scenario off.
/// </summary>
public sealed record SimulatorOptions
{
    // Null until set: the default then follows the population (a record's `with` copies the null, so it still does).
    private readonly int? _compromisedTerminalsPerDay;
    private readonly int? _compromisedCustomersPerDay;

    public int Customers { get; init; } = 5000;
    public int Terminals { get; init; } = 10000;
    public int Days { get; init; } = 183;
    public DateTime Start { get; init; } = new(2018, 4, 1, 0, 0, 0, DateTimeKind.Utc);
    public int Seed { get; init; } = 1;

    /// <summary>Customers and terminals are placed uniformly on a GridSize x GridSize square.</summary>
    public double GridSize { get; init; } = 100;

    /// <summary>A customer uses the terminals strictly closer than this.</summary>
    public double TerminalRadius { get; init; } = 5;

    public double MinMeanAmount { get; init; } = 5;
    public double MaxMeanAmount { get; init; } = 100;

    /// <summary>Standard deviation of a customer's amounts as a fraction of its mean.</summary>
    public double AmountStdFraction { get; init; } = 0.5;

    /// <summary>Mean transactions per day is U(0, this); each day's count is Poisson.</summary>
    public double MaxMeanTransactionsPerDay { get; init; } = 4;

    public double TimeOfDayMeanSeconds { get; init; } = 43200;
    public double TimeOfDayStdSeconds { get; init; } = 20000;

    /// <summary>Scenario 1: an amount above this is fraud.</summary>
    public double FraudAmountThreshold { get; init; } = 220;

    /// <summary>
    /// Scenario 2: terminals compromised each day, and for how many days (the day itself included). Unset, 2, or
    /// every terminal when there are fewer (the default must not fail a tiny population); a value set is checked.
    /// </summary>
    public int CompromisedTerminalsPerDay
    {
        get => _compromisedTerminalsPerDay ?? Math.Min(2, Terminals);
        init => _compromisedTerminalsPerDay = value;
    }

    public int TerminalCompromiseDays { get; init; } = 28;

    /// <summary>Scenario 3: customers compromised each day, for how many days, which share of their transactions
    /// become fraud, and by how much those amounts are multiplied. Unset, 3, or every customer when there are fewer.</summary>
    public int CompromisedCustomersPerDay
    {
        get => _compromisedCustomersPerDay ?? Math.Min(3, Customers);
        init => _compromisedCustomersPerDay = value;
    }

    public int CustomerCompromiseDays { get; init; } = 14;
    public double CompromisedCustomerFraudShare { get; init; } = 1.0 / 3;
    public double CompromisedAmountFactor { get; init; } = 5;

    internal void Validate()
    {
        if (Customers < 1) throw new ArgumentOutOfRangeException(nameof(Customers), Customers, "At least one customer is needed.");
        if (Terminals < 1) throw new ArgumentOutOfRangeException(nameof(Terminals), Terminals, "At least one terminal is needed.");
        if (Days < 1) throw new ArgumentOutOfRangeException(nameof(Days), Days, "At least one day is needed.");
        if (!(GridSize > 0)) throw new ArgumentOutOfRangeException(nameof(GridSize), GridSize, "Must be positive.");
        if (!(TerminalRadius > 0)) throw new ArgumentOutOfRangeException(nameof(TerminalRadius), TerminalRadius, "Must be positive.");
        if (!(MinMeanAmount >= 0) || !(MaxMeanAmount >= MinMeanAmount)) throw new ArgumentOutOfRangeException(nameof(MaxMeanAmount), "Need 0 <= MinMeanAmount <= MaxMeanAmount.");
        if (!(MaxMeanTransactionsPerDay >= 0) || MaxMeanTransactionsPerDay > 1000) throw new ArgumentOutOfRangeException(nameof(MaxMeanTransactionsPerDay), MaxMeanTransactionsPerDay, "Must be in [0, 1000].");
        if (CompromisedTerminalsPerDay < 0 || CompromisedTerminalsPerDay > Terminals) throw new ArgumentOutOfRangeException(nameof(CompromisedTerminalsPerDay), CompromisedTerminalsPerDay, "Must be in [0, Terminals].");
        if (CompromisedCustomersPerDay < 0 || CompromisedCustomersPerDay > Customers) throw new ArgumentOutOfRangeException(nameof(CompromisedCustomersPerDay), CompromisedCustomersPerDay, "Must be in [0, Customers].");
        if (!(CompromisedCustomerFraudShare >= 0 && CompromisedCustomerFraudShare <= 1)) throw new ArgumentOutOfRangeException(nameof(CompromisedCustomerFraudShare));
    }
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
    private const int SecondsPerDay = 86400;

    /// <summary>Deterministic for a seed; transactions sorted by Timestamp (then customer), ids 0..n-1 in that order.</summary>
    public static SimulationResult Generate(SimulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var profileRng = new SimulationRandom(options.Seed, 0);
        var customers = new SimulatedCustomer[options.Customers];
        for (var i = 0; i < customers.Length; i++)
        {
            var x = profileRng.Uniform(0, options.GridSize);
            var y = profileRng.Uniform(0, options.GridSize);
            var mean = profileRng.Uniform(options.MinMeanAmount, options.MaxMeanAmount);
            var perDay = profileRng.Uniform(0, options.MaxMeanTransactionsPerDay);
            customers[i] = new SimulatedCustomer(i, x, y, mean, mean * options.AmountStdFraction, perDay);
        }

        var terminals = new SimulatedTerminal[options.Terminals];
        for (var i = 0; i < terminals.Length; i++)
        {
            terminals[i] = new SimulatedTerminal(i, profileRng.Uniform(0, options.GridSize), profileRng.Uniform(0, options.GridSize));
        }

        var grid = new TerminalGrid(terminals, options.TerminalRadius, options.GridSize);
        var raw = new List<RawTransaction>(checked((int)Math.Min(int.MaxValue / 2, options.Customers * (double)options.Days * options.MaxMeanTransactionsPerDay / 2 * 1.05 + 16)));
        var nearby = new List<int>();
        foreach (var customer in customers)
        {
            grid.Within(customer.X, customer.Y, nearby);
            // One stream per customer, as the handbook seeds per customer: a customer's history does not depend on the others.
            var rng = new SimulationRandom(options.Seed, customer.CustomerId + 1);
            for (var day = 0; day < options.Days; day++)
            {
                var count = rng.Poisson(customer.MeanTransactionsPerDay);
                for (var k = 0; k < count; k++)
                {
                    // The handbook discards (does not redraw) a time falling outside the day.
                    var seconds = (int)rng.Normal(options.TimeOfDayMeanSeconds, options.TimeOfDayStdSeconds);
                    if (seconds <= 0 || seconds >= SecondsPerDay) continue;
                    var amount = rng.Normal(customer.MeanAmount, customer.StdAmount);
                    if (amount < 0) amount = rng.Uniform(0, customer.MeanAmount * 2);
                    amount = Math.Round(amount, 2);
                    if (nearby.Count == 0) continue;
                    var terminal = nearby[rng.NextInt(nearby.Count)];
                    raw.Add(new RawTransaction((long)day * SecondsPerDay + seconds, (int)customer.CustomerId, terminal, amount, raw.Count));
                }
            }
        }

        raw.Sort(static (a, b) =>
        {
            var c = a.Seconds.CompareTo(b.Seconds);
            if (c != 0) return c;
            c = a.Customer.CompareTo(b.Customer);
            return c != 0 ? c : a.Order.CompareTo(b.Order);
        });
        AddFrauds(raw, options);

        var result = new SimulatedTransaction[raw.Count];
        for (var i = 0; i < raw.Count; i++)
        {
            var r = raw[i];
            result[i] = new SimulatedTransaction(i, options.Start.AddSeconds(r.Seconds), r.Customer, r.Terminal, r.Amount, r.Scenario != 0, r.Scenario);
        }

        return new SimulationResult(customers, terminals, result);
    }

    private static void AddFrauds(List<RawTransaction> raw, SimulatorOptions options)
    {
        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(raw);
        for (var i = 0; i < span.Length; i++)
        {
            if (span[i].Amount > options.FraudAmountThreshold) span[i].Scenario = 1;
        }

        var rng = new SimulationRandom(options.Seed, -1);
        // The handbook compromises on every day but the last.
        var compromiseDays = options.Days - 1;
        if (options.CompromisedTerminalsPerDay > 0 && options.TerminalCompromiseDays > 0)
        {
            var compromised = new bool[(long)options.Days * options.Terminals];
            var picks = new int[options.CompromisedTerminalsPerDay];
            for (var day = 0; day < compromiseDays; day++)
            {
                rng.SampleDistinct(options.Terminals, picks);
                foreach (var t in picks)
                {
                    for (var d = day; d < Math.Min(options.Days, day + options.TerminalCompromiseDays); d++)
                    {
                        compromised[(long)d * options.Terminals + t] = true;
                    }
                }
            }

            for (var i = 0; i < span.Length; i++)
            {
                var day = span[i].Seconds / SecondsPerDay;
                if (compromised[day * options.Terminals + span[i].Terminal]) span[i].Scenario = 2;
            }
        }

        if (options.CompromisedCustomersPerDay > 0 && options.CustomerCompromiseDays > 0)
        {
            // Each customer's transaction indexes, chronological.
            var byCustomer = new List<int>[options.Customers];
            for (var i = 0; i < span.Length; i++)
            {
                (byCustomer[span[i].Customer] ??= []).Add(i);
            }

            var picks = new int[options.CompromisedCustomersPerDay];
            var pool = new List<int>();
            for (var day = 0; day < compromiseDays; day++)
            {
                rng.SampleDistinct(options.Customers, picks);
                pool.Clear();
                var from = (long)day * SecondsPerDay;
                var to = (long)(day + options.CustomerCompromiseDays) * SecondsPerDay;
                foreach (var c in picks)
                {
                    if (byCustomer[c] is not { } list) continue;
                    foreach (var i in list)
                    {
                        if (span[i].Seconds >= from && span[i].Seconds < to) pool.Add(i);
                    }
                }

                var take = (int)(pool.Count * options.CompromisedCustomerFraudShare);
                for (var k = 0; k < take; k++)
                {
                    var j = k + rng.NextInt(pool.Count - k);
                    (pool[k], pool[j]) = (pool[j], pool[k]);
                    ref var tx = ref span[pool[k]];
                    tx.Amount = Math.Round(tx.Amount * options.CompromisedAmountFactor, 2);
                    tx.Scenario = 3;
                }
            }
        }
    }

    private struct RawTransaction(long seconds, int customer, int terminal, double amount, int order)
    {
        public readonly int Order = order;
        public readonly long Seconds = seconds;
        public readonly int Customer = customer;
        public readonly int Terminal = terminal;
        public double Amount = amount;
        public int Scenario;
    }

    /// <summary>Buckets terminals into square cells of the radius' size, so a neighbourhood scan reads 3 x 3 cells.</summary>
    private sealed class TerminalGrid
    {
        private readonly SimulatedTerminal[] _terminals;
        private readonly double _radius;
        private readonly double _cell;
        private readonly int _cells;
        private readonly List<int>[] _buckets;

        public TerminalGrid(SimulatedTerminal[] terminals, double radius, double gridSize)
        {
            _terminals = terminals;
            _radius = radius;
            _cells = Math.Max(1, (int)Math.Min(1024, Math.Ceiling(gridSize / radius)));
            _cell = gridSize / _cells;
            _buckets = new List<int>[_cells * _cells];
            for (var i = 0; i < _buckets.Length; i++) _buckets[i] = [];
            for (var i = 0; i < terminals.Length; i++)
            {
                _buckets[(Cell(terminals[i].Y) * _cells) + Cell(terminals[i].X)].Add(i);
            }
        }

        private int Cell(double v) => Math.Clamp((int)(v / _cell), 0, _cells - 1);

        /// <summary>Terminals strictly within the radius, in id order.</summary>
        public void Within(double x, double y, List<int> output)
        {
            output.Clear();
            var reach = (int)Math.Ceiling(_radius / _cell);
            int cx = Cell(x), cy = Cell(y);
            var r2 = _radius * _radius;
            for (var gy = Math.Max(0, cy - reach); gy <= Math.Min(_cells - 1, cy + reach); gy++)
            {
                for (var gx = Math.Max(0, cx - reach); gx <= Math.Min(_cells - 1, cx + reach); gx++)
                {
                    foreach (var t in _buckets[(gy * _cells) + gx])
                    {
                        var dx = _terminals[t].X - x;
                        var dy = _terminals[t].Y - y;
                        if ((dx * dx) + (dy * dy) < r2) output.Add(t);
                    }
                }
            }

            output.Sort();
        }
    }
}
