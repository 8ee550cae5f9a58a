namespace FraudWeb.Domain.Learning;

/// <summary>
/// Groups of training rows that share a label and a leaf in every tree so far: their scores are the same
/// sums in the same order, so bit-identical, and FastTree's response (one Math.Exp) is computed once per
/// group instead of once per row. Boosting leaves far fewer groups than rows (about 30k groups for 1.5M rows
/// after 100 trees of 20 leaves); when the groups grow too many, or with bagging, callers go back to per-row.
/// </summary>
internal sealed class ResponseGroups
{
    private const int Block = 16_384;

    private readonly int[] _group;
    private readonly int _maxKeys;
    private int[] _newId = [];
    private int _count = 2;
    private int[] _representative;
    private double[] _response = [];

    /// <param name="maxKeys">Largest (leaf, group) table kept; by default the row count (at least 65,536).</param>
    public ResponseGroups(bool[] positive, int maxKeys = 0)
    {
        _group = new int[positive.Length];
        for (int r = 0; r < positive.Length; r++) _group[r] = positive[r] ? 1 : 0;
        _representative = [Array.IndexOf(positive, false), Array.IndexOf(positive, true)];
        // (leaf, group) keys are counted in a flat array; past this size per-row exp is cheaper anyway.
        _maxKeys = maxKeys > 0 ? maxKeys : Math.Max(1 << 16, positive.Length);
    }

    /// <summary>False once the groups outgrew the key table; the caller then computes every row itself.</summary>
    public bool Active { get; private set; } = true;

    /// <summary>
    /// Adds the tree's leaf values to the scores (leaf l holds rows[starts[l] .. starts[l] + counts[l]),
    /// every training row exactly once), and moves each row to the group of its (leaf, old group) pair.
    /// </summary>
    public void UpdateScores(int[] rows, int[] starts, int[] counts, double[] leafValues, double[] scores, ParallelOptions parallel)
    {
        int leaves = leafValues.Length;
        long keys = (long)_count * leaves;
        if (keys > _maxKeys)
        {
            Active = false;
            return;
        }
        if (_newId.Length < keys) _newId = new int[Math.Min(_maxKeys, Math.Max(keys, 2L * _newId.Length))];
        var newId = _newId;
        Array.Clear(newId, 0, (int)keys);
        var group = _group;
        if (_representative.Length < keys) _representative = new int[_newId.Length];
        var representative = _representative;
        Array.Fill(representative, -1, 0, (int)keys);
        int groups = _count;
        int total = 0;
        for (int l = 0; l < leaves; l++) total = Math.Max(total, starts[l] + counts[l]);

        // Leaves hold contiguous ranges of positions, so blocks of positions touch disjoint rows. Keys are
        // leaf-major (a leaf's rows look up one cached slice of the table). The first row of a new (leaf, group)
        // pair claims the next id; ids depend on thread timing, but only name groups, so results do not.
        var next = new int[1];
        Parallel.For(0, (total + Block - 1) / Block, parallel, block =>
        {
            for (int l = 0; l < leaves; l++)
            {
                int lo = Math.Max(block * Block, starts[l]), hi = Math.Min((block + 1) * Block, starts[l] + counts[l]);
                double value = leafValues[l];
                int keyBase = l * groups;
                for (int i = lo; i < hi; i++)
                {
                    int row = rows[i];
                    scores[row] += value;
                    ref int key = ref newId[keyBase + group[row]];
                    int id = Volatile.Read(ref key);
                    if (id == 0)
                    {
                        int mine = Interlocked.Increment(ref next[0]);
                        id = Interlocked.CompareExchange(ref key, mine, 0);
                        if (id == 0)
                        {
                            id = mine;
                            representative[mine - 1] = row;
                        }
                    }
                    group[row] = id - 1;
                }
            }
        });

        // A lost race leaves an unused id without a representative row: harmless.
        _count = next[0];
    }

    /// <summary>FastTree's responses and hessians, with the per-row path's arithmetic on each group's response.</summary>
    public void ComputeGradients(bool[] positive, double[] weights, bool unitWeights, double[] scores, GradPair[] gradients, double sigma, ParallelOptions parallel)
    {
        if (_response.Length < _count) _response = new double[Math.Max(_count, 2 * _response.Length)];
        var response = _response;
        for (int g = 0; g < _count; g++)
        {
            int r = _representative[g];
            if (r < 0) continue;
            double twoYSigma = positive[r] ? 2 * sigma : -2 * sigma;
            response[g] = twoYSigma / (1 + Math.Exp(twoYSigma * scores[r]));
        }

        int rows = gradients.Length;
        var group = _group;
        Parallel.For(0, (rows + Block - 1) / Block, parallel, block =>
        {
            int end = Math.Min(rows, (block + 1) * Block);
            for (int r = block * Block; r < end; r++)
            {
                double value = response[group[r]];
                double abs = Math.Abs(value);
                // x * 1.0 is x exactly, so unit weights skip reading them.
                gradients[r] = unitWeights
                    ? new GradPair((float)value, (float)(abs * (2 * sigma - abs)))
                    : new GradPair((float)(value * weights[r]), (float)(abs * (2 * sigma - abs) * weights[r]));
            }
        });
    }
}
