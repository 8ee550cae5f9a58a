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

    private async Task<byte[]?> ImportLegacyFileAsync(string name, CancellationToken cancellationToken)
    {
        // Only a plain file name: the name never reaches outside the models folder.
        if (Path.GetFileName(name) != name) return null;
        var path = Path.Combine(paths.ModelsDirectory, name);
        if (!File.Exists(path)) return null;
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
