using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.ML;

namespace FraudWeb.Domain.Learning;

/// <summary>
/// Versioned model file (little-endian): magic "FWGBT\r\n\x1A", int32 format version, feature names, SHA-256 of the
/// names (schema hash), metadata, TreeSHAP's node covers per tree, ML.NET's own model zip (Model.Save) as a
/// length-prefixed blob, a SHA-256 over every byte before it (corruption) and an HMAC-SHA256 with the installation's
/// key over every byte before that (a file swapped or edited on disk is refused). Format 1 was the retired
/// hand-written learner's, format 2 had no HMAC; both are refused with a message saying so. Format 4 added the time
/// zone of the features' clock after the metrics; format 3, without it, still loads as UTC.
/// </summary>
public static class ModelFile
{
    public const int FormatVersion = 5;

    /// <summary>The last format without the features' label delay (read as not recorded); same layout otherwise.</summary>
    public const int DelaylessFormatVersion = 4;

    /// <summary>The last format without the features' time zone (read as UTC) nor their label delay; same layout otherwise.</summary>
    public const int ZonelessFormatVersion = 3;

    /// <summary>The last format without a signature.</summary>
    public const int UnsignedFormatVersion = 2;

    /// <summary>The hand-written learner's format (before ML.NET); such a model can no longer be loaded.</summary>
    public const int RetiredFormatVersion = 1;

    /// <summary>Whether files of this format version can no longer serve (retired by an upgrade; <see cref="Load"/> refuses them).</summary>
    public static bool IsRetiredFormat(int version) => version is RetiredFormatVersion or UnsignedFormatVersion;

    /// <summary>The retired format of a model file from its first twelve bytes (magic, format version); null for any other.</summary>
    public static int? RetiredFormatOf(ReadOnlySpan<byte> head)
    {
        if (head.Length < Magic.Length + sizeof(int) || !head[..Magic.Length].SequenceEqual(Magic)) return null;
        var version = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(head[Magic.Length..]);
        return IsRetiredFormat(version) ? version : null;
    }

    /// <summary>Above this, a version is taken for corruption (one format a release would take centuries to reach it).</summary>
    public const int MaxPlausibleFormatVersion = 255;

    /// <summary>Written for a model whose features are not ours (a feature table's).</summary>
    private const int NoLabelDelay = -1;

    // Upper bound on a file we are willing to read, so a bogus stream cannot exhaust memory.
    private const long MaxFileBytes = 512L * 1024 * 1024;
    private const int HashBytes = 32;
    private const int TrailerBytes = HashBytes * 2;
    private static readonly byte[] Magic = "FWGBT\r\n\u001A"u8.ToArray();

    /// <summary>Writes an unsigned file, for the command line's bench use only (the web app refuses it).</summary>
    public static void Save(Stream stream, FastTreeModel model, ModelMetadata metadata) => Save(stream, model, metadata, ModelSigningKey.NoKey);

    public static void Save(Stream stream, FastTreeModel model, ModelMetadata metadata, ModelSigningKey signingKey)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(metadata);
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(model.FeatureNames.Count);
            foreach (string name in model.FeatureNames) writer.Write(name);
            writer.Write(SchemaHash(model.FeatureNames));

            writer.Write(metadata.Version ?? "");
            writer.Write(metadata.CreatedUtc.ToBinary());
            WriteOptionalDate(writer, metadata.TrainingWindowStart);
            WriteOptionalDate(writer, metadata.TrainingWindowEnd);
            writer.Write(metadata.TrainingRows);
            writer.Write(metadata.TrainingFrauds);
            var metrics = (metadata.Metrics ?? new Dictionary<string, double>()).OrderBy(m => m.Key, StringComparer.Ordinal).ToArray();
            writer.Write(metrics.Length);
            foreach (var (key, value) in metrics)
            {
                writer.Write(key);
                writer.Write(value);
            }
            writer.Write(metadata.TimeZone);
            writer.Write(metadata.LabelDelayDays ?? NoLabelDelay);

            writer.Write(model.Trees.Count);
            foreach (var tree in model.Trees)
            {
                WriteDoubles(writer, tree.NodeCover);
                WriteDoubles(writer, tree.LeafCover);
            }

            using var zip = new MemoryStream();
            model.Context.Model.Save(model.Transformer, model.InputSchema, zip);
            writer.Write(zip.Length);
            writer.Write(zip.GetBuffer(), 0, (int)zip.Length);
        }
        buffer.Write(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        buffer.Write(signingKey.Sign(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        buffer.Position = 0;
        buffer.CopyTo(stream);
    }

    /// <summary>Loads an unsigned file (the command line's bench use); a signed one is refused.</summary>
    public static (FastTreeModel Model, ModelMetadata Metadata) Load(Stream stream, IReadOnlyList<string>? expectedFeatureNames = null) =>
        Load(stream, ModelSigningKey.NoKey, expectedFeatureNames);

    /// <summary>
    /// Loads and verifies a model signed with <paramref name="key"/>; expectedFeatureNames, when given, must match the
    /// file's schema, and <paramref name="expectedClock"/>, when given, the zone its calendar features were computed on
    /// (the same rules under another id will do).
    /// </summary>
    /// <param name="expectedLabelDelayDays">When given, the label delay the features must have been computed with (a file that did not record it passes).</param>
    public static (FastTreeModel Model, ModelMetadata Metadata) Load(Stream stream, ModelSigningKey key, IReadOnlyList<string>? expectedFeatureNames = null,
        TimeZoneInfo? expectedClock = null, int? expectedLabelDelayDays = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(key);
        byte[] bytes = ReadAll(stream);
        if (bytes.Length == 0) throw new ModelFormatException("Model file is empty.");
        if (bytes.Length < Magic.Length && Magic.AsSpan().StartsWith(bytes))
            throw new ModelFormatException($"Model file is truncated ({bytes.Length} bytes).");
        if (bytes.Length < Magic.Length || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
            throw new ModelFormatException("Not a FraudWeb model file (wrong magic bytes).");
        if (bytes.Length < Magic.Length + sizeof(int) + TrailerBytes)
            throw new ModelFormatException($"Model file is truncated ({bytes.Length} bytes).");
        int version = BitConverter.ToInt32(bytes, Magic.Length);
        if (version == RetiredFormatVersion)
            throw new ModelFormatException("Model file format version 1 was written by the retired hand-written learner; only ML.NET FastTree models (format 2) can serve. Train a new model.");
        if (version == UnsignedFormatVersion)
            throw new ModelFormatException("Model file format version 2 is not signed (Models:SigningKey); a swapped file could not be told apart. Train a new model.");
        int bodyLength = bytes.Length - TrailerBytes;
        int signedLength = bytes.Length - HashBytes;
        bool intact = SHA256.HashData(bytes.AsSpan(0, bodyLength)).AsSpan().SequenceEqual(bytes.AsSpan(bodyLength, HashBytes));
        // A newer format may have another trailer, so a checksum mismatch does not rule it out; but a version no release
        // will reach (65540: a flipped bit) is corruption, and so is any other version with a wrong checksum.
        if (version > FormatVersion && (intact || version <= MaxPlausibleFormatVersion))
            throw new ModelFormatException(intact
                ? $"Model file format version {version} is newer than this application supports ({FormatVersion})."
                : $"Model file format version {version} is newer than this application supports ({FormatVersion}), or the file is corrupt (checksum mismatch).");
        if (!intact)
            throw new ModelFormatException("Model file checksum mismatch: the file is corrupt or truncated.");
        if (version != FormatVersion && version != DelaylessFormatVersion && version != ZonelessFormatVersion)
            throw new ModelFormatException($"Model file format version {version} is not supported (expected {FormatVersion}).");
        // Fixed-time comparison: the signature is a secret-keyed value.
        if (!CryptographicOperations.FixedTimeEquals(key.Sign(bytes.AsSpan(0, signedLength)), bytes.AsSpan(signedLength)))
        {
            bool unsigned = CryptographicOperations.FixedTimeEquals(ModelSigningKey.NoKey.Sign(bytes.AsSpan(0, signedLength)), bytes.AsSpan(signedLength));
            throw new ModelFormatException(!key.HasKey
                ? "Model file is signed with a key: set FRAUDWEB_MODEL_SIGNING_KEY to the installation's Models:SigningKey to read it."
                : unsigned
                    ? "Model file is not signed: only files written with this installation's Models:SigningKey can serve."
                    : "Model file signature does not match Models:SigningKey: the file was replaced or written by another installation.");
        }

        try
        {
            return Parse(bytes, bodyLength, version, expectedFeatureNames, expectedClock, expectedLabelDelayDays);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or FormatException or OverflowException)
        {
            throw new ModelFormatException($"Model file is malformed: {e.Message}", e);
        }
    }

    private static (FastTreeModel, ModelMetadata) Parse(byte[] bytes, int bodyLength, int version, IReadOnlyList<string>? expectedFeatureNames,
        TimeZoneInfo? expectedClock, int? expectedLabelDelayDays)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, 0, bodyLength, writable: false), new UTF8Encoding(false, throwOnInvalidBytes: true));
        reader.ReadBytes(Magic.Length + sizeof(int));
        int featureCount = ReadCount(reader, "feature");
        var names = new string[featureCount];
        for (int i = 0; i < featureCount; i++) names[i] = reader.ReadString();
        if (!reader.ReadBytes(HashBytes).AsSpan().SequenceEqual(SchemaHash(names)))
            throw new ModelFormatException("Model file schema hash does not match its feature names.");
        if (expectedFeatureNames is not null && !expectedFeatureNames.SequenceEqual(names, StringComparer.Ordinal))
            throw new ModelFormatException(
                $"Model features [{string.Join(", ", names)}] do not match the expected features [{string.Join(", ", expectedFeatureNames)}].");

        var metadata = new ModelMetadata
        {
            Version = reader.ReadString(),
            CreatedUtc = DateTime.FromBinary(reader.ReadInt64()),
            TrainingWindowStart = ReadOptionalDate(reader),
            TrainingWindowEnd = ReadOptionalDate(reader),
            TrainingRows = reader.ReadInt32(),
            TrainingFrauds = reader.ReadInt32(),
            Metrics = ReadMetrics(reader),
            TimeZone = version == ZonelessFormatVersion ? "UTC" : reader.ReadString(),
            LabelDelayDays = version < FormatVersion ? null : ReadLabelDelay(reader),
        };
        if (expectedClock is not null && !SameClock(metadata.TimeZone, expectedClock))
            throw new ModelFormatException($"Model's night and weekend features were computed on the {metadata.TimeZone} clock, and Scoring:TimeZone is {expectedClock.Id}. Train a new model.");
        if (expectedLabelDelayDays is { } expectedDelay && metadata.LabelDelayDays is { } delay && delay != expectedDelay)
            throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture,
                $"Model's terminal features were computed with a label delay of {delay} days, and Scoring:LabelDelayDays is {expectedDelay}. Train a new model."));

        int treeCount = ReadCount(reader, "tree");
        var covers = new List<(double[], double[])>(treeCount);
        for (int t = 0; t < treeCount; t++) covers.Add((ReadDoubles(reader, "node cover"), ReadDoubles(reader, "leaf cover")));

        long zipLength = reader.ReadInt64();
        if (zipLength <= 0 || zipLength != bodyLength - reader.BaseStream.Position)
            throw new ModelFormatException("Model file's ML.NET model has an invalid length.");
        var ml = new MLContext();
        ITransformer transformer;
        DataViewSchema inputSchema;
        try
        {
            transformer = ml.Model.Load(new MemoryStream(bytes, (int)reader.BaseStream.Position, (int)zipLength, writable: false), out inputSchema);
        }
#pragma warning disable CA1031 // ML.NET reports a bad zip with several exception types; each is a bad file here.
        catch (Exception e) when (e is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            throw new ModelFormatException($"Model file's ML.NET model cannot be loaded: {e.Message}", e);
        }
        return (FastTreeModel.Create(ml, transformer, inputSchema, names, covers), metadata);
    }

    private static int? ReadLabelDelay(BinaryReader reader)
    {
        var delay = reader.ReadInt32();
        if (delay == NoLabelDelay) return null;
        if (delay is < 0 or > 3650) throw new ModelFormatException($"Model file's label delay ({delay.ToString(CultureInfo.InvariantCulture)} days) is not valid.");
        return delay;
    }

    private static bool SameClock(string recorded, TimeZoneInfo expected) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(recorded, out var zone) && (zone.Id == expected.Id || zone.HasSameRules(expected));

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (copy.Length + read > MaxFileBytes) throw new ModelFormatException($"Model file is larger than {MaxFileBytes} bytes.");
            copy.Write(chunk, 0, read);
        }
        return copy.ToArray();
    }

    /// <summary>SHA-256 over the names, each length-prefixed so ["ab","c"] and ["a","bc"] differ.</summary>
    internal static byte[] SchemaHash(IReadOnlyList<string> names)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            foreach (string name in names) writer.Write(name);
        }
        return SHA256.HashData(buffer.ToArray());
    }

    private static void WriteDoubles(BinaryWriter writer, double[] values)
    {
        writer.Write(values.Length);
        foreach (double v in values) writer.Write(v);
    }

    private static double[] ReadDoubles(BinaryReader reader, string what)
    {
        int count = ReadCount(reader, what);
        var values = new double[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.ReadDouble();
            if (!double.IsFinite(values[i]) || values[i] <= 0)
                throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture, $"Model file has an invalid {what} ({values[i]})."));
        }
        return values;
    }

    /// <summary>A count that cannot exceed the bytes left, so corrupt counts never allocate huge arrays.</summary>
    private static int ReadCount(BinaryReader reader, string what)
    {
        int count = reader.ReadInt32();
        long remaining = reader.BaseStream.Length - reader.BaseStream.Position;
        if (count < 0 || count > remaining)
            throw new ModelFormatException(string.Create(CultureInfo.InvariantCulture, $"Model file has an invalid {what} count ({count})."));
        return count;
    }

    private static Dictionary<string, double> ReadMetrics(BinaryReader reader)
    {
        int count = ReadCount(reader, "metric");
        var metrics = new Dictionary<string, double>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            string key = reader.ReadString();
            if (!metrics.TryAdd(key, reader.ReadDouble())) throw new ModelFormatException($"Model file repeats the metric '{key}'.");
        }
        return metrics;
    }

    private static void WriteOptionalDate(BinaryWriter writer, DateTime? value)
    {
        writer.Write(value.HasValue);
        if (value.HasValue) writer.Write(value.Value.ToBinary());
    }

    private static DateTime? ReadOptionalDate(BinaryReader reader) => reader.ReadBoolean() ? DateTime.FromBinary(reader.ReadInt64()) : null;
}
