using FraudWeb.Domain.Learning;

namespace FraudWeb.Tests.Domain.Learning;

public class TreeShapTests
{
    private static readonly BoostedTreesOptions Options = new() { NumberOfTrees = 30, Threads = 2 };

    [Fact]
    public void Explain_ManyRandomRowsSomeMissing_BiasPlusContributionsEqualsMlNetsScore()
    {
        // Arrange
        var data = LearningData.Noisy(3000, 5, 21);
        var model = FastTreeTrainer.Train(data, Options);
        var random = new Random(22);
        var row = new float[5];
        var contributions = new double[5];

        for (int i = 0; i < 500; i++)
        {
            for (int c = 0; c < row.Length; c++) row[c] = random.NextDouble() < 0.05 ? float.NaN : (float)(random.NextDouble() * 12 - 1);

            // Act
            double bias = model.Explain(row, contributions);

            // Assert
            Assert.Equal(model.PredictMargin(row), bias + contributions.Sum(), 1e-4);
        }
    }

    [Fact]
    public void Explain_FeatureNeverUsed_GetsZero()
    {
        // Arrange: feature 2 is constant, so no tree can split on it.
        var data = LearningData.Noisy(2000, 3, 23);
        var features = (float[])data.Features.Clone();
        for (int r = 0; r < data.Rows; r++) features[r * 3 + 2] = 1;
        data = new Dataset(features, data.Rows, 3, data.Labels, data.FeatureNames);
        var model = FastTreeTrainer.Train(data, Options);
        var contributions = new double[3];

        // Act
        model.Explain([9, 9, 5], contributions);

        // Assert
        Assert.Equal(0.0, contributions[2]);
        Assert.True(contributions[0] > 0);
    }

    [Fact]
    public void Explain_SmallModel_MatchesBruteForceShapleyValues()
    {
        // Arrange
        var data = LearningData.Noisy(2000, 4, 24);
        var model = FastTreeTrainer.Train(data, Options with { NumberOfTrees = 5, NumberOfLeaves = 8, MinimumExampleCountPerLeaf = 5 });
        var random = new Random(25);
        var contributions = new double[4];

        for (int i = 0; i < 20; i++)
        {
            var row = Enumerable.Range(0, 4).Select(_ => (float)(random.NextDouble() * 10)).ToArray();

            // Act
            double bias = model.Explain(row, contributions);

            // Assert
            var expected = BruteForceShapley(model, row);
            Assert.Equal(model.Bias + model.Trees.Sum(t => ConditionalExpectation(t, t.Root, row, 0)), bias, 1e-9);
            for (int f = 0; f < 4; f++) Assert.Equal(expected[f], contributions[f], 1e-9);
        }
    }

    [Fact]
    public void AddContributions_DeepTreeOnAHeapBuffer_AddsUpToTheTreesOutput()
    {
        // Arrange: a chain of 40 splits (deeper than FastTreeModel's stackalloc path buffer allows).
        const int depth = 40;
        var feature = new int[depth];
        var threshold = new float[depth];
        var left = new int[depth];
        var right = new int[depth];
        var cover = new double[depth];
        for (int i = 0; i < depth; i++)
        {
            feature[i] = i % 3;
            threshold[i] = i;
            left[i] = ~i;
            right[i] = i + 1 < depth ? i + 1 : ~depth;
            cover[i] = depth - i + 1;
        }
        var values = Enumerable.Range(0, depth + 1).Select(i => Math.Sin(i)).ToArray();
        var tree = new RegressionTree(feature, threshold, left, right, new bool[depth], new double[depth], cover, values, Enumerable.Repeat(1.0, depth + 1).ToArray());
        Assert.Null(tree.FindStructureError(3));
        var path = new PathElement[TreeShap.PathBufferLength(depth)];
        var contributions = new double[3];

        foreach (float[] row in new[] { new float[] { 50, 50, 50 }, [39.5f, 12, 7], [0, 0, 0], [float.NaN, 20, 30] })
        {
            // Act
            Array.Clear(contributions);
            TreeShap.AddContributions(tree, row, contributions, path);

            // Assert
            Assert.Equal(tree.LeafValue[tree.LeafOf(row)], tree.ExpectedValue() + contributions.Sum(), 1e-9);
        }
    }

    [Fact]
    public void ShapTable_EveryTreeOfAnEightLeafModel_GivesTheRecursionsContributions()
    {
        // Arrange
        var data = LearningData.Noisy(3000, 6, 27);
        var model = FastTreeTrainer.Train(data, Options with { NumberOfTrees = 40, NumberOfLeaves = 8 });
        var random = new Random(28);
        var fromTable = new double[6];
        var fromRecursion = new double[6];
        var path = new PathElement[TreeShap.PathBufferLength(ShapTable.MaxNodes)];

        foreach (var tree in model.Trees)
        {
            var table = ShapTable.TryBuild(tree, 6);
            Assert.NotNull(table);
            for (int i = 0; i < 50; i++)
            {
                var row = Enumerable.Range(0, 6).Select(_ => (float)(random.NextDouble() * 12 - 1)).ToArray();
                Array.Clear(fromTable);
                Array.Clear(fromRecursion);

                // Act
                table.AddContributions(row, fromTable);
                TreeShap.AddContributions(tree, row, fromRecursion, path);

                // Assert
                Assert.Equal(fromRecursion, fromTable);
            }
        }
    }

    [Fact]
    public void ShapTable_TreeWithMoreNodesThanTheLimit_IsNotBuilt()
    {
        // Arrange
        var data = LearningData.Noisy(3000, 4, 29);
        var model = FastTreeTrainer.Train(data, Options with { NumberOfTrees = 2, NumberOfLeaves = 32, MinimumExampleCountPerLeaf = 2 });

        // Act / Assert
        Assert.All(model.Trees.Where(t => t.NodeCount > ShapTable.MaxNodes), t => Assert.Null(ShapTable.TryBuild(t, 4)));
        Assert.Contains(model.Trees, t => t.NodeCount > ShapTable.MaxNodes);
    }

    [Fact]
    public void Explain_WrongContributionLength_ThrowsArgumentException()
    {
        // Arrange
        var model = FastTreeTrainer.Train(LearningData.Noisy(300, 3, 26), Options with { NumberOfTrees = 2 });

        // Act / Assert
        Assert.Throws<ArgumentException>(() => model.Explain([1, 2, 3], new double[2]));
    }

    /// <summary>Shapley values by enumerating every coalition, with E[f | x_S] from node covers (paper, Algorithm 1).</summary>
    private static double[] BruteForceShapley(FastTreeModel model, float[] row)
    {
        int m = row.Length;
        var phi = new double[m];
        for (int f = 0; f < m; f++)
        {
            for (int subset = 0; subset < 1 << m; subset++)
            {
                if ((subset & (1 << f)) != 0) continue;
                int size = System.Numerics.BitOperations.PopCount((uint)subset);
                double weight = Factorial(size) * Factorial(m - size - 1) / Factorial(m);
                double with = model.Trees.Sum(t => ConditionalExpectation(t, t.Root, row, subset | (1 << f)));
                double without = model.Trees.Sum(t => ConditionalExpectation(t, t.Root, row, subset));
                phi[f] += weight * (with - without);
            }
        }
        return phi;
    }

    private static double ConditionalExpectation(RegressionTree tree, int node, float[] row, int known)
    {
        if (node < 0) return tree.LeafValue[~node];
        int feature = tree.SplitFeature[node];
        if ((known & (1 << feature)) != 0)
            return ConditionalExpectation(tree, row[feature] <= tree.Threshold[node] ? tree.Left[node] : tree.Right[node], row, known);
        double cover = tree.NodeCover[node];
        return (tree.CoverOf(tree.Left[node]) * ConditionalExpectation(tree, tree.Left[node], row, known)
            + tree.CoverOf(tree.Right[node]) * ConditionalExpectation(tree, tree.Right[node], row, known)) / cover;
    }

    private static double Factorial(int n) => n <= 1 ? 1 : n * Factorial(n - 1);
}
