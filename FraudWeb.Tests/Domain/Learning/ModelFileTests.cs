using FraudWeb.Domain.Learning;

namespace FraudWeb.Tests.Domain.Learning;

public class ModelFileTests
{
    private static readonly Lazy<(BoostedTreesModel Model, Dataset Data)> Trained = new(() =>
    {
        var data = LearningData.Noisy(2000, 3, 41);
        return (BoostedTreesTrainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 15, Threads = 2 }), data);
    });

    private static readonly ModelMetadata Metadata = new()
    {
        Version = "2026-11-21.1",
        CreatedUtc = new DateTime(2026, 11, 21, 12, 30, 0, DateTimeKind.Utc),
        TrainingWindowStart = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc),
        TrainingWindowEnd = null,
        TrainingRows = 2000,
        TrainingFrauds = 123,
        Metrics = new Dictionary<string, double> { ["auc"] = 0.91, ["ap"] = 0.5 },
    };

    [Fact]
    public void Load_SavedModel_GivesIdenticalPredictionsAndMetadata()
    {
        // Arrange
        var (model, data) = Trained.Value;
        var bytes = LearningData.Save(model, Metadata);

        // Act
        var (loaded, metadata) = ModelFile.Load(new MemoryStream(bytes), data.FeatureNames);

        // Assert
        Assert.Equal(LearningData.Probabilities(model, data), LearningData.Probabilities(loaded, data));
        Assert.Equal(model.FeatureNames, loaded.FeatureNames);
        Assert.Equal(model.FeatureImportance(), loaded.FeatureImportance());
        var contributions = new double[3];
        var loadedContributions = new double[3];
        Assert.Equal(model.Explain(data.Row(1), contributions), loaded.Explain(data.Row(1), loadedContributions));
        Assert.Equal(contributions, loadedContributions);
        Assert.Equal(Metadata.Version, metadata.Version);
        Assert.Equal(Metadata.CreatedUtc, metadata.CreatedUtc);
        Assert.Equal(DateTimeKind.Utc, metadata.CreatedUtc.Kind);
        Assert.Equal(Metadata.TrainingWindowStart, metadata.TrainingWindowStart);
        Assert.Null(metadata.TrainingWindowEnd);
        Assert.Equal(2000, metadata.TrainingRows);
        Assert.Equal(123, metadata.TrainingFrauds);
        Assert.Equal(Metadata.Metrics.OrderBy(m => m.Key), metadata.Metrics.OrderBy(m => m.Key));
        Assert.Equal(bytes, LearningData.Save(loaded, metadata));
    }

    [Fact]
    public void Load_AnyCorruptByte_ThrowsModelFormatException()
    {
        // Arrange
        var bytes = LearningData.Save(Trained.Value.Model, Metadata);

        // Act / Assert: flip one bit at many positions, including the checksum itself.
        for (int position = 0; position < bytes.Length; position += Math.Max(1, bytes.Length / 97))
        {
            var corrupt = (byte[])bytes.Clone();
            corrupt[position] ^= 0x10;
            Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(corrupt)));
        }
    }

    [Fact]
    public void Load_TruncatedFile_ThrowsModelFormatException()
    {
        // Arrange
        var bytes = LearningData.Save(Trained.Value.Model, Metadata);

        // Act / Assert
        foreach (int length in new[] { 0, 3, 8, 12, 40, bytes.Length / 2, bytes.Length - 1 })
        {
            var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes[..length])));
            Assert.False(string.IsNullOrWhiteSpace(error.Message));
        }
    }

    [Fact]
    public void Load_WrongMagic_ThrowsModelFormatException()
    {
        // Arrange
        var bytes = LearningData.Save(Trained.Value.Model, Metadata);
        bytes[0] = (byte)'X';

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes)));

        // Assert
        Assert.Contains("magic", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FutureFormatVersion_ThrowsModelFormatExceptionNamingTheVersion()
    {
        // Arrange
        var bytes = LearningData.Save(Trained.Value.Model, Metadata);
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 4), ModelFile.FormatVersion + 1);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes)));

        // Assert
        Assert.Contains($"version {ModelFile.FormatVersion + 1}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_MismatchedFeatureNames_ThrowsModelFormatException()
    {
        // Arrange
        var bytes = LearningData.Save(Trained.Value.Model, Metadata);

        // Act
        var renamed = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes), ["f0", "f1", "other"]));
        var reordered = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes), ["f1", "f0", "f2"]));
        var fewer = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes), ["f0", "f1"]));

        // Assert
        Assert.Contains("do not match", renamed.Message, StringComparison.Ordinal);
        Assert.Contains("do not match", reordered.Message, StringComparison.Ordinal);
        Assert.Contains("do not match", fewer.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ValidChecksumButBrokenTree_ThrowsModelFormatException()
    {
        // Arrange: a tree whose child points back at its parent, saved with a correct checksum.
        var cyclic = new RegressionTree([0, 0], [1f, 2f], [1, ~0], [~1, 0], [true, true], [1, 1], [10, 5], [0.1, 0.2, 0.3], [5, 5, 5]);
        var model = new BoostedTreesModel(["f0"], 0.4, 0, []);
        var bytes = LearningData.Save(model);
        var patched = PatchTrees(bytes, cyclic);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(patched)));

        // Assert
        Assert.Contains("tree 0", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Save_ModelWithoutSplits_RoundTrips()
    {
        // Arrange
        var stump = new RegressionTree([], [], [], [], [], [], [], [0.25], [10]);
        var model = new BoostedTreesModel(["a", "b"], 0.4, -1, [stump]);

        // Act
        var (loaded, _) = ModelFile.Load(new MemoryStream(LearningData.Save(model)));

        // Assert
        Assert.Equal(-0.75, loaded.PredictMargin([1, 2]), 1e-15);
    }

    /// <summary>Rewrites a zero-tree model file with one raw tree and a fresh checksum, bypassing model validation.</summary>
    private static byte[] PatchTrees(byte[] emptyModelFile, RegressionTree tree)
    {
        var body = emptyModelFile.AsSpan(0, emptyModelFile.Length - 32 - sizeof(int)).ToArray();
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(body);
            writer.Write(1);
            ModelFile.WriteTree(writer, tree);
        }
        stream.Write(System.Security.Cryptography.SHA256.HashData(stream.ToArray()));
        return stream.ToArray();
    }
}
