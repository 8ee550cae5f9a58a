using FraudWeb.Data;
using FraudWeb.Infrastructure.Options;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Services.Models;

/// <summary>
/// Model files and chart data, stored in the database so every instance serves the same bytes. Installations from
/// before kept them in the data directory's models folder: such a file is read once and moved into the database.
/// </summary>
public sealed partial class ModelArtifactStore(FraudDbContext db, FraudWebPaths paths, TimeProvider clock, ILogger<ModelArtifactStore> logger)
{
    /// <summary>Stores (or replaces) the named artifact; saved with the context's other pending changes.</summary>
    public async Task SaveAsync(string name, byte[] content, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(content);
        var existing = await db.ModelArtifacts.FindAsync([name], cancellationToken);
        if (existing is null) db.ModelArtifacts.Add(new ModelArtifact { Name = name, Content = content, CreatedUtc = clock.GetUtcNow().UtcDateTime });
        else existing.Content = content;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The artifact's bytes, or null when there is none.</summary>
    public async Task<byte[]?> ReadAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var content = await db.ModelArtifacts.AsNoTracking().Where(a => a.Name == name).Select(a => a.Content).FirstOrDefaultAsync(cancellationToken);
        return content ?? await ImportLegacyFileAsync(name, cancellationToken);
    }

    /// <summary>
    /// The first <paramref name="length"/> bytes of each named artifact there is, without reading the rest: from the
    /// database, or from the models folder for a file of an older installation not yet moved (read, not moved, here).
    /// </summary>
    public async Task<Dictionary<string, byte[]>> HeadsAsync(IReadOnlyCollection<string> names, int length, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        if (names.Count == 0) return [];
        var wanted = names.Distinct().ToList();
        var heads = await db.Database.SqlQuery<ArtifactHead>($"""SELECT "Name", substr("Content", 1, {length}) AS "Head" FROM "ModelArtifacts" """)
            .Where(h => wanted.Contains(h.Name))
            .ToDictionaryAsync(h => h.Name, h => h.Head, StringComparer.Ordinal, cancellationToken);
        foreach (var name in wanted)
        {
            if (heads.ContainsKey(name) || LegacyPath(name) is not { } path) continue;
            try
            {
                var head = new byte[length];
                await using var file = File.OpenRead(path);
                heads[name] = head[..await file.ReadAtLeastAsync(head, length, throwOnEndOfStream: false, cancellationToken)];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone or unreadable since: as if there were none (the page offers nothing for it; promoting it says why).
            }
        }
        return heads;
    }

    /// <summary>An artifact's name and first bytes (<see cref="HeadsAsync"/>).</summary>
    internal sealed class ArtifactHead
    {
        public string Name { get; set; } = "";
        public byte[] Head { get; set; } = [];
    }

    /// <summary>The file of an older installation's models folder with this name, if there is one.</summary>
    private string? LegacyPath(string name)
    {
        // Only a plain file name: the name never reaches outside the models folder.
        if (Path.GetFileName(name) != name) return null;
        // Not paths.ModelsDirectory, which creates the folder: a read never does.
        var path = Path.Combine(paths.DataDirectory, "models", name);
        return File.Exists(path) ? path : null;
    }

    private async Task<byte[]?> ImportLegacyFileAsync(string name, CancellationToken cancellationToken)
    {
        if (LegacyPath(name) is not { } path) return null;
        var content = await File.ReadAllBytesAsync(path, cancellationToken);
        try
        {
            await SaveAsync(name, content, cancellationToken);
            LogImported(logger, name);
        }
        catch (DbUpdateException)
        {
            // Another instance imported it at the same moment: the bytes are the same file's.
            db.ChangeTracker.Clear();
        }
        return content;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model artifact {Name} moved from the models folder into the database")]
    private static partial void LogImported(ILogger logger, string name);
}
