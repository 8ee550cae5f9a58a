namespace FraudWeb.Domain.Simulation;

/// <summary>
/// xoshiro256** seeded through SplitMix64 from (seed, stream): our own generator so that a seed gives
/// the same data on every .NET version, and independent streams per customer.
/// </summary>
internal struct SimulationRandom
{
    private ulong _s0, _s1, _s2, _s3;
    private double _spareNormal;
    private bool _hasSpare;

    public SimulationRandom(int seed, long stream)
    {
        var x = unchecked(((ulong)(uint)seed << 32) ^ (ulong)stream * 0x9E3779B97F4A7C15UL ^ 0xD1B54A32D192ED03UL);
        _s0 = SplitMix(ref x);
        _s1 = SplitMix(ref x);
        _s2 = SplitMix(ref x);
        _s3 = SplitMix(ref x);
        _spareNormal = 0;
        _hasSpare = false;
    }

    private static ulong SplitMix(ref ulong x)
    {
        unchecked
        {
            var z = x += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }

    public ulong NextULong()
    {
        unchecked
        {
            var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
            var t = _s1 << 17;
            _s2 ^= _s0;
            _s3 ^= _s1;
            _s1 ^= _s2;
            _s0 ^= _s3;
            _s2 ^= t;
            _s3 = ulong.RotateLeft(_s3, 45);
            return result;
        }
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextULong() >> 11) * (1.0 / (1UL << 53));

    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>Uniform in [0, n), without modulo bias (Lemire's method).</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var bound = (ulong)n;
        var product = Math.BigMul(NextULong(), bound, out var low);
        if (low < bound)
        {
            var threshold = unchecked(0UL - bound) % bound;
            while (low < threshold) product = Math.BigMul(NextULong(), bound, out low);
        }

        return (int)product;
    }

    /// <summary>Marsaglia's polar method.</summary>
    public double Normal(double mean, double std)
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return mean + (std * _spareNormal);
        }

        double u, v, s;
        do
        {
            u = (2 * NextDouble()) - 1;
            v = (2 * NextDouble()) - 1;
            s = (u * u) + (v * v);
        }
        while (s >= 1 || s == 0);
        var f = Math.Sqrt(-2 * Math.Log(s) / s);
        _spareNormal = v * f;
        _hasSpare = true;
        return mean + (std * u * f);
    }

    /// <summary>Knuth's multiplication method; larger means are split into sums of Poisson(&lt;= 30) draws.</summary>
    public int Poisson(double lambda)
    {
        var total = 0;
        while (lambda > 30)
        {
            total += PoissonSmall(30);
            lambda -= 30;
        }

        return total + PoissonSmall(lambda);
    }

    private int PoissonSmall(double lambda)
    {
        if (lambda <= 0) return 0;
        var limit = Math.Exp(-lambda);
        var k = 0;
        var p = NextDouble();
        while (p > limit)
        {
            k++;
            p *= NextDouble();
        }

        return k;
    }

    /// <summary>Fills output with distinct values drawn uniformly from [0, n) (Floyd's algorithm), in draw order.</summary>
    public void SampleDistinct(int n, int[] output)
    {
        var chosen = new HashSet<int>(output.Length);
        var m = output.Length;
        var k = 0;
        for (var j = n - m; j < n; j++)
        {
            var t = NextInt(j + 1);
            var pick = chosen.Add(t) ? t : j;
            if (pick == j) chosen.Add(j);
            output[k++] = pick;
        }
    }
}
