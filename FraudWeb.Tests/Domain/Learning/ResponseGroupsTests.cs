using FraudWeb.Domain.Learning;

namespace FraudWeb.Tests.Domain.Learning;

public class ResponseGroupsTests
{
    private const double Sigma = 0.4;
    private static readonly ParallelOptions TwoThreads = new() { MaxDegreeOfParallelism = 2 };

    // Rows 0..7: labels alternate; leaf 0 holds rows 0, 1, 2, 5 and leaf 1 rows 3, 4, 6, 7 (as a grower lists them).
    private static readonly bool[] Positive = [true, false, true, false, true, false, true, false];
    private static readonly int[] RowsByLeaf = [0, 1, 2, 5, 3, 4, 6, 7];
    private static readonly int[] Starts = [0, 4];
    private static readonly int[] Counts = [4, 4];

    [Fact]
    public void ComputeGradients_AfterTwoTrees_MatchesThePerRowComputationBitForBit()
    {
        // Arrange
        var weights = new double[] { 1, 2, 0.5, 1, 3, 1, 1, 0.25 };
        var scores = new double[8];
        var groups = new ResponseGroups(Positive);
        var fromGroups = new GradPair[8];
        var perRow = new GradPair[8];

        // Act: two trees, the second splitting the first's leaves differently.
        groups.ComputeGradients(Positive, weights, false, scores, fromGroups, Sigma, TwoThreads);
        groups.UpdateScores(RowsByLeaf, Starts, Counts, [0.3, -0.7], scores, TwoThreads);
        groups.UpdateScores([0, 3, 1, 2, 4, 5, 6, 7], [0, 2], [2, 6], [0.1, 0.2], scores, TwoThreads);
        groups.ComputeGradients(Positive, weights, false, scores, fromGroups, Sigma, TwoThreads);
        BoostedTreesTrainer.ComputeGradients(Positive, weights, scores, perRow, Sigma, TwoThreads);

        // Assert
        Assert.True(groups.Active);
        Assert.Equal(0.3 + 0.1, scores[0]);
        Assert.Equal(-0.7 + 0.1, scores[3]);
        Assert.Equal(-0.7 + 0.2, scores[7]);
        for (int r = 0; r < 8; r++)
        {
            Assert.Equal(perRow[r].G, fromGroups[r].G);
            Assert.Equal(perRow[r].H, fromGroups[r].H);
            Assert.Equal(1f, fromGroups[r].C);
        }
    }

    [Fact]
    public void UpdateScores_MoreGroupsThanTheTableHolds_TurnsOffAndLeavesScoresToTheCaller()
    {
        // Arrange: 2 label groups x 2 leaves = 4 keys, above a table of 3.
        var scores = new double[8];
        var groups = new ResponseGroups(Positive, maxKeys: 3);

        // Act
        groups.UpdateScores(RowsByLeaf, Starts, Counts, [0.3, -0.7], scores, TwoThreads);

        // Assert
        Assert.False(groups.Active);
        Assert.All(scores, s => Assert.Equal(0, s));
    }

    [Fact]
    public void Train_ResponseGroupsOutgrowTheirTable_GivesTheSameModelAsWithGroups()
    {
        // Arrange: a table of 50 (leaf, group) keys turns the groups off after a few trees.
        var data = LearningData.Noisy(3000, 4, 5);
        var options = new BoostedTreesOptions { NumberOfTrees = 15, Threads = 2 };

        // Act
        var withGroups = LearningData.Save(BoostedTreesTrainer.Train(data, options));
        var withoutGroups = LearningData.Save(BoostedTreesTrainer.Train(data, options, null, null, responseGroupKeys: 50));

        // Assert
        Assert.Equal(withGroups, withoutGroups);
    }
}
