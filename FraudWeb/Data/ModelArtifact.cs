namespace FraudWeb.Data;

/// <summary>
/// A stored model file or its chart data, by name (<c>ModelVersion.FileName</c>, or that plus ".charts.json"). In the
/// database so every instance reads the same bytes (ADR 0011): no shared disk to mount, one backup, and written in the
/// registry's own transaction.
/// </summary>
public sealed class ModelArtifact
{
    public const int NameMaxLength = 260;

    public string Name { get; set; } = "";
    public byte[] Content { get; set; } = [];
    public DateTime CreatedUtc { get; set; }
}
