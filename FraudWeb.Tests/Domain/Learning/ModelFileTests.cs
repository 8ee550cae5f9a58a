using FraudWeb.Domain.Learning;

namespace FraudWeb.Tests.Domain.Learning;

public class ModelFileTests
{
    private static readonly Lazy<(FastTreeModel Model, Dataset Data)> Trained = new(() =>
    {
        var data = LearningData.Noisy(2000, 3, 41);
        return (FastTreeTrainer.Train(data, new BoostedTreesOptions { NumberOfTrees = 15, Threads = 2 }), data);
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
        var (again, _) = ModelFile.Load(new MemoryStream(LearningData.Save(loaded, metadata)), data.FeatureNames);
        Assert.Equal(LearningData.Probabilities(model, data), LearningData.Probabilities(again, data));
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

    [Theory]
    [InlineData(10, 0x01)] // 5 -> 65541
    [InlineData(11, 0x80)] // 5 -> negative
    [InlineData(8, 0x01)] // 5 -> 4, an older format this one reads
    public void Load_FlippedBitInTheVersionField_ReportedCorruptNotNewer(int offset, byte bit)
    {
        // Arrange (review finding: "format version 65540 is newer than this application supports (4)")
        var bytes = LearningData.Save(Trained.Value.Model, Metadata);
        bytes[offset] ^= bit;

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes)));

        // Assert
        Assert.Equal("Model file checksum mismatch: the file is corrupt or truncated.", error.Message);
    }

    [Fact]
    public void Load_FutureFormatVersionWithItsChecksum_NewerNotCorrupt()
    {
        // Arrange
        var body = LearningData.Save(Trained.Value.Model, Metadata)[..^64];
        BitConverter.TryWriteBytes(body.AsSpan(8, 4), ModelFile.FormatVersion + 1);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(WithChecksum(body))));

        // Assert
        Assert.Equal($"Model file format version {ModelFile.FormatVersion + 1} is newer than this application supports ({ModelFile.FormatVersion}).", error.Message);
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
    public void Load_RetiredHandWrittenLearnersFile_ThrowsSayingSo()
    {
        // Arrange: a model file written by the hand-written learner before ML.NET (format 1, the current 18 features).
        var bytes = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "legacy-format1.model"));

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes)));

        // Assert
        Assert.Contains("format version 1 was written by the retired hand-written learner", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ValidChecksumButCorruptMlNetModel_ThrowsModelFormatException()
    {
        // Arrange: one byte inside ML.NET's zip changed, and the file's checksum made to match again.
        var bytes = LearningData.Save(Trained.Value.Model, Metadata);
        var (zipStart, zipLength) = FindZip(bytes);
        var body = bytes[..^64];
        for (int i = zipStart + 30; i < zipStart + zipLength; i += 7) body[i] ^= 0x5A;

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(WithChecksum(body))));

        // Assert
        Assert.Contains("ML.NET model cannot be loaded", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_CoversForAnotherModel_ThrowsModelFormatException()
    {
        // Arrange: this file's covers (15 trees) with another training's ML.NET model (4 trees), checksum made valid.
        var bytes = LearningData.Save(Trained.Value.Model, Metadata);
        var other = LearningData.Save(FastTreeTrainer.Train(Trained.Value.Data, new BoostedTreesOptions { NumberOfTrees = 4, Threads = 2 }));
        var (zipStart, _) = FindZip(bytes);
        var (otherStart, otherLength) = FindZip(other);
        using var spliced = new MemoryStream();
        spliced.Write(bytes, 0, zipStart - sizeof(long));
        spliced.Write(BitConverter.GetBytes((long)otherLength));
        spliced.Write(other, otherStart, otherLength);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(WithChecksum(spliced.ToArray()))));

        // Assert
        Assert.Contains("has 4 trees but covers are stored for 15", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Where ML.NET's zip sits: the blob just before the checksum, after its int64 length.</summary>
    private static (int Start, int Length) FindZip(byte[] file)
    {
        int body = file.Length - 64;
        for (int p = body - sizeof(long) - 1; p >= 0; p--)
        {
            long length = BitConverter.ToInt64(file, p);
            if (length > 0 && p + sizeof(long) + length == body) return (p + sizeof(long), (int)length);
        }
        throw new InvalidOperationException("No ML.NET model found in the file.");
    }

    /// <summary>The body with a valid checksum and an unsigned file's HMAC (empty key), as an attacker without the key could write.</summary>
    private static byte[] WithChecksum(byte[] body)
    {
        byte[] summed = [.. body, .. System.Security.Cryptography.SHA256.HashData(body)];
        return [.. summed, .. System.Security.Cryptography.HMACSHA256.HashData(Array.Empty<byte>(), summed)];
    }

    private static readonly ModelSigningKey Key = ModelSigningKey.Create(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray());

    private static byte[] SaveSigned(ModelSigningKey key)
    {
        using var stream = new MemoryStream();
        ModelFile.Save(stream, Trained.Value.Model, Metadata, key);
        return stream.ToArray();
    }

    [Fact]
    public void Load_SignedWithTheSameKey_RoundTrips()
    {
        // Arrange
        var bytes = SaveSigned(Key);

        // Act
        var (loaded, metadata) = ModelFile.Load(new MemoryStream(bytes), Key, Trained.Value.Data.FeatureNames);

        // Assert
        Assert.Equal(Metadata.Version, metadata.Version);
        Assert.Equal(Trained.Value.Model.Trees.Count, loaded.Trees.Count);
    }

    [Fact]
    public void Load_SignedWithAnotherKey_ThrowsSignatureMismatch()
    {
        // Arrange: a valid model file from another installation (or an attacker's key), checksum intact.
        var bytes = SaveSigned(ModelSigningKey.Create(Enumerable.Repeat((byte)7, 32).ToArray()));

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes), Key));

        // Assert
        Assert.Contains("signature does not match", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnsignedFileWhereAKeyIsRequired_ThrowsNotSigned()
    {
        // Arrange: a swapped file with a correct checksum but written without the key.
        var bytes = LearningData.Save(Trained.Value.Model, Metadata);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes), Key));

        // Assert
        Assert.Contains("not signed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SignedFileWithoutKey_ThrowsNamingTheEnvironmentVariable()
    {
        // Arrange
        var bytes = SaveSigned(Key);

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes)));

        // Assert
        Assert.Contains("FRAUDWEB_MODEL_SIGNING_KEY", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FormatVersion2WithoutSignature_ThrowsSayingItIsNotSigned()
    {
        // Arrange: the previous format: body and SHA-256 only.
        var bytes = LearningData.Save(Trained.Value.Model, Metadata)[..^32];
        BitConverter.TryWriteBytes(bytes.AsSpan(8, 4), ModelFile.UnsignedFormatVersion);
        var body = bytes[..^32];

        // Act
        var error = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream([.. body, .. System.Security.Cryptography.SHA256.HashData(body)]), Key));

        // Assert
        Assert.Contains("format version 2 is not signed", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_TrainedOnAnotherIssuersClock_ThrowsNamingBothZones()
    {
        // Arrange (edge-case review: nothing warned when Scoring:TimeZone changed after training)
        var bytes = LearningData.Save(Trained.Value.Model, Metadata with { TimeZone = "Asia/Shanghai" });

        // Act
        var error = Assert.Throws<ModelFormatException>(() =>
            ModelFile.Load(new MemoryStream(bytes), ModelSigningKey.NoKey, Trained.Value.Data.FeatureNames, TimeZoneInfo.Utc));

        // Assert
        Assert.Equal("Model's night and weekend features were computed on the Asia/Shanghai clock, and Scoring:TimeZone is UTC. Train a new model.",
            error.Message);
    }

    [Theory]
    [InlineData("Asia/Shanghai", "Asia/Shanghai")]
    [InlineData("Asia/Shanghai", "Asia/Chongqing")] // another id, the same rules
    [InlineData("UTC", "Etc/UTC")]
    public void Load_SameClock_LoadsAndKeepsTheZone(string trainedOn, string servedOn)
    {
        // Arrange
        var bytes = LearningData.Save(Trained.Value.Model, Metadata with { TimeZone = trainedOn });

        // Act
        var (_, metadata) = ModelFile.Load(new MemoryStream(bytes), ModelSigningKey.NoKey, Trained.Value.Data.FeatureNames,
            TimeZoneInfo.FindSystemTimeZoneById(servedOn));

        // Assert
        Assert.Equal(trainedOn, metadata.TimeZone);
    }

    [Fact]
    public void Load_Format3WithoutZone_LoadsAsUtcOnly()
    {
        // Arrange: the previous format: the same file without the zone after the metrics
        var current = LearningData.Save(Trained.Value.Model, Metadata with { TimeZone = "Asia/Shanghai" });
        byte[] zone = [13, .. "Asia/Shanghai"u8];
        var at = current.AsSpan().IndexOf(zone);
        Assert.True(at > 0);
        // The zone and the label delay after it (format 5's, -1: none recorded) go.
        Assert.Equal(-1, BitConverter.ToInt32(current, at + zone.Length));
        byte[] body = [.. current[..at], .. current[(at + zone.Length + sizeof(int))..^64]];
        BitConverter.TryWriteBytes(body.AsSpan(8, 4), ModelFile.ZonelessFormatVersion);
        byte[] hashed = [.. body, .. System.Security.Cryptography.SHA256.HashData(body)];
        byte[] format3 = [.. hashed, .. ModelSigningKey.NoKey.Sign(hashed)];

        // Act
        var (_, metadata) = ModelFile.Load(new MemoryStream(format3), ModelSigningKey.NoKey, Trained.Value.Data.FeatureNames, TimeZoneInfo.Utc);
        var elsewhere = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(format3), ModelSigningKey.NoKey,
            Trained.Value.Data.FeatureNames, TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai")));

        // Assert
        Assert.Equal("UTC", metadata.TimeZone);
        Assert.Contains("computed on the UTC clock", elsewhere.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_LabelDelayNotTheExpected_RefusedNamingBoth()
    {
        // Arrange (review: a model whose terminal features counted 7 days back served where they count 14)
        var bytes = LearningData.Save(Trained.Value.Model, Metadata with { LabelDelayDays = 7 });

        // Act
        var (_, same) = ModelFile.Load(new MemoryStream(bytes), ModelSigningKey.NoKey, Trained.Value.Data.FeatureNames, null, 7);
        var other = Assert.Throws<ModelFormatException>(() => ModelFile.Load(new MemoryStream(bytes), ModelSigningKey.NoKey, Trained.Value.Data.FeatureNames, null, 14));

        // Assert
        Assert.Equal(7, same.LabelDelayDays);
        Assert.Equal("Model's terminal features were computed with a label delay of 7 days, and Scoring:LabelDelayDays is 14. Train a new model.", other.Message);
    }

    [Fact]
    public void Load_Format4WithoutLabelDelay_LoadsAsNotRecordedWhateverTheDelay()
    {
        // Arrange: the previous format: the same file without the delay after the zone
        var current = LearningData.Save(Trained.Value.Model, Metadata with { TimeZone = "Asia/Shanghai", LabelDelayDays = 9 });
        byte[] zoneAndDelay = [13, .. "Asia/Shanghai"u8, 9, 0, 0, 0];
        var at = current.AsSpan().IndexOf(zoneAndDelay);
        Assert.True(at > 0);
        byte[] body = [.. current[..(at + zoneAndDelay.Length - sizeof(int))], .. current[(at + zoneAndDelay.Length)..^64]];
        BitConverter.TryWriteBytes(body.AsSpan(8, 4), ModelFile.DelaylessFormatVersion);
        byte[] hashed = [.. body, .. System.Security.Cryptography.SHA256.HashData(body)];
        byte[] format4 = [.. hashed, .. ModelSigningKey.NoKey.Sign(hashed)];

        // Act
        var (_, metadata) = ModelFile.Load(new MemoryStream(format4), ModelSigningKey.NoKey, Trained.Value.Data.FeatureNames,
            TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai"), 14);

        // Assert
        Assert.Null(metadata.LabelDelayDays);
        Assert.Equal("Asia/Shanghai", metadata.TimeZone);
    }
}
