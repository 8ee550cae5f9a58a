using FraudWeb.Domain.Learning;

namespace FraudWeb.Tests.Domain.Learning;

/// <summary>Small synthetic datasets for the learner tests.</summary>
internal static class LearningData
{
    public static string[] Names(int columns) => Enumerable.Range(0, columns).Select(i => $"f{i}").ToArray();

    /// <summary>Rows of uniform [0, 10) features; the label is computed from each row.</summary>
    public static Dataset Generate(int rows, int columns, int seed, Func<float[], Random, bool> label, float[]? weights = null)
    {
        var random = new Random(seed);
        var features = new float[rows * columns];
        var labels = new float[rows];
        var row = new float[columns];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++) row[c] = (float)(random.NextDouble() * 10);
            row.CopyTo(features, r * columns);
            labels[r] = label(row, random) ? 1 : 0;
        }
        return new Dataset(features, rows, columns, labels, Names(columns), weights);
    }

    /// <summary>Fraud-like data: a rare label driven by f0 and f1 with noise; f2.. are noise.</summary>
    public static Dataset Noisy(int rows, int columns, int seed) =>
        Generate(rows, columns, seed, (x, random) => random.NextDouble() < 1 / (1 + Math.Exp(-(x[0] - 7.5) * 1.5 - (x[1] > 8 ? 1.5 : 0))));

    /// <summary>AUC as the share of (positive, negative) pairs ranked correctly, ties counting half.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<float> labels)
    {
        double correct = 0;
        long pairs = 0;
        for (int i = 0; i < scores.Count; i++)
        {
            if (labels[i] != 1) continue;
            for (int j = 0; j < scores.Count; j++)
            {
                if (labels[j] != 0) continue;
                pairs++;
                if (scores[i] > scores[j]) correct += 1;
                else if (scores[i] == scores[j]) correct += 0.5;
            }
        }
        return correct / pairs;
    }

    public static double[] Probabilities(FastTreeModel model, Dataset data)
    {
        var p = new double[data.Rows];
        for (int r = 0; r < data.Rows; r++) p[r] = model.PredictProbability(data.Row(r));
        return p;
    }

    public static byte[] Save(FastTreeModel model, ModelMetadata? metadata = null)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(stream, model, metadata ?? new ModelMetadata { Version = "test" });
        return stream.ToArray();
    }
}
