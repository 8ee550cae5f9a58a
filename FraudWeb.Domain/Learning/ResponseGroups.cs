namespace FraudWeb.Domain.Learning;

/// <summary>
/// Groups of training rows that share a label and a leaf in every tree so far: their scores are the same
/// sums in the same order, so bit-identical. Each group keeps that score once, and FastTree's response
/// (one Math.Exp) is computed once per group instead of once per row. Boosting leaves far fewer groups than
/// rows (about 30k groups for 1.5M rows after 100 trees of 20 leaves); when the groups grow too many, the
/// per-row scores are written out and callers go back to per-row work (bagging never uses groups).
/// </summary>
internal sealed class ResponseGroups
{
    private const int Block = 16_384;

    private readonly int[] _group;
    private readonly int _maxKeys;
    private int[] _newId = [];
    private int _count = 2;
    private double[] _score = new double[2];
    private bool[] _positive = [false, true];
    private double[] _nextScore = [];
    private bool[] _nextPositive = [];
    private double[] _response = [];

    /// <param name="maxKeys">Largest (leaf, group) table kept; by default the row count (at least 65,536).</param>
    public ResponseGroups(bool[] positive, int maxKeys = 0)
    {
        _group = new int[positive.Length];
        for (int r = 0; r < positive.Length; r++) _group[r] = positive[r] ? 1 : 0;
        // (leaf, group) keys are counted in a flat array; past this size per-row exp is cheaper anyway.
        _maxKeys = maxKeys > 0 ? maxKeys : Math.Max(1 << 16, positive.Length);
    }

    /// <summary>False once the groups outgrew the key table; the caller then computes every row itself.</summary>
    public bool Active { get; private set; } = true;

    /// <summary>The row's score: every score starts at 0, as the trainer's do.</summary>
    public double ScoreOf(int row) => _score[_group[row]];

    /// <summary>
    /// Adds the tree's leaf values to the group scores (leaf l holds rows[starts[l] .. starts[l] + counts[l]),
    /// every training row exactly once) and moves each row to the group of its (leaf, old group) pair.
    /// When that needs too many groups, writes every row's score to <paramref name="scores"/> (without the
    /// tree) and turns off instead.
    /// </summary>
    public void UpdateScores(int[] rows, int[] starts, int[] counts, double[] leafValues, double[] scores, ParallelOptions parallel)
    {
        int leaves = leafValues.Length;
        long keys = (long)_count * leaves;
        if (keys > _maxKeys)
        {
            for (int r = 0; r < scores.Length; r++) scores[r] = _score[_group[r]];
            Active = false;
            return;
        }
        if (_newId.Length < keys)
        {
            int size = (int)Math.Min(_maxKeys, Math.Max(keys, 2L * _newId.Length));
            _newId = new int[size];
            _nextScore = new double[size];
            _nextPositive = new bool[size];
        }
        var newId = _newId;
        Array.Clear(newId, 0, (int)keys);
        var group = _group;
        var oldScore = _score;
        var oldPositive = _positive;
        var newScore = _nextScore;
        var newPositive = _nextPositive;
        int groups = _count;
        int total = 0;
        for (int l = 0; l < leaves; l++) total = Math.Max(total, starts[l] + counts[l]);

        // Leaves hold contiguous ranges of positions, so blocks of positions touch disjoint rows. Keys are
        // leaf-major (a leaf's rows look up one cached slice of the table). The first row of a new (leaf, group)
        // pair claims the next id and sets its score: the old group's score plus the leaf value, the very
        // addition the per-row update makes. Ids depend on thread timing but only name groups, so results do not.
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
                    int old = group[row];
                    ref int key = ref newId[keyBase + old];
                    int id = Volatile.Read(ref key);
                    if (id <= 0) id = Claim(ref key, next, newScore, newPositive, oldScore[old] + value, oldPositive[old]);
                    group[row] = id - 1;
                }
            }
        });

        _count = next[0];
        (_score, _nextScore) = (newScore, oldScore.Length >= newScore.Length ? oldScore : new double[newScore.Length]);
        (_positive, _nextPositive) = (newPositive, oldPositive.Length >= newPositive.Length ? oldPositive : new bool[newPositive.Length]);
    }

    /// <summary>
    /// The id of a (leaf, group) key seen unset: the first thread marks it -1, takes the next id (so ids
    /// stay below the key count), writes the group, then publishes the id; others wait for it.
    /// </summary>
    private static int Claim(ref int key, int[] next, double[] newScore, bool[] newPositive, double score, bool positive)
    {
        if (Interlocked.CompareExchange(ref key, -1, 0) == 0)
        {
            int mine = Interlocked.Increment(ref next[0]);
            newScore[mine - 1] = score;
            newPositive[mine - 1] = positive;
            Volatile.Write(ref key, mine);
            return mine;
        }
        var wait = new SpinWait();
        int id;
        while ((id = Volatile.Read(ref key)) <= 0) wait.SpinOnce();
        return id;
    }

    /// <summary>FastTree's responses and hessians, with the per-row path's arithmetic on each group's response.</summary>
    public void ComputeGradients(double[] weights, bool unitWeights, GradPair[] gradients, double sigma, ParallelOptions parallel)
    {
        if (_response.Length < _count) _response = new double[Math.Max(_count, 2 * _response.Length)];
        var response = _response;
        for (int g = 0; g < _count; g++)
        {
            double twoYSigma = _positive[g] ? 2 * sigma : -2 * sigma;
            response[g] = twoYSigma / (1 + Math.Exp(twoYSigma * _score[g]));
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
