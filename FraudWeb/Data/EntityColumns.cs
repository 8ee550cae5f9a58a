using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace FraudWeb.Data;

/// <summary>The columns of an entity in a context's model, built once per model, entity and alias.</summary>
public static class EntityColumns
{
    private static readonly ConcurrentDictionary<(IModel, Type, string), object> ByModel = new();

    public static EntityColumns<T> Of<T>(DbContext db, string alias) where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        return (EntityColumns<T>)ByModel.GetOrAdd((db.Model, typeof(T), alias), key => EntityColumns<T>.Build(key.Item1, key.Item3, db.GetService<ISqlGenerationHelper>()));
    }
}

/// <summary>
/// An entity's own columns for a hand-written read (SqlitePreparedReads.ReadAsync): the SELECT list and the entity
/// built back from a row, both from EF Core's model (column names, converters, the members EF Core sets), so a column
/// added to the entity is read with no change here. For the hottest reads, where EF Core's work per query cost more than
/// the query (perf); EntityColumnsTests hold the result equal to EF Core's.
/// </summary>
public sealed class EntityColumns<T> where T : class
{
    private readonly Column[] _columns;

    private EntityColumns(string select, Column[] columns) => (Select, _columns) = (select, columns);

    /// <summary>The columns, qualified by the alias given to <see cref="EntityColumns.Of{T}"/>, in the order <see cref="Read"/> expects.</summary>
    public string Select { get; }

    public int Count => _columns.Length;

    private sealed record Column(Func<DbDataReader, int, object> Get, Func<object?, object?> FromProvider, Action<object, object?> Set, bool Nullable);

    internal static EntityColumns<T> Build(IModel model, string alias, ISqlGenerationHelper sql)
    {
        var entity = model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        if (entity.GetNavigations().Any(n => n.TargetEntityType.IsOwned()))
            throw new NotSupportedException($"{typeof(T).Name} owns another type; its columns would be read as well.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        // A shadow property is not the entity's state (Card's payment count, kept by triggers): nothing to read it into.
        var properties = entity.GetProperties().Where(p => !p.IsShadowProperty()).ToList();
        var columns = properties.Select(Of).ToArray();
        var select = string.Join(", ", properties.Select(p => $"{sql.DelimitIdentifier(alias)}.{sql.DelimitIdentifier(p.GetColumnName(table)!)}"));
        return new EntityColumns<T>(select, columns);
    }

    private static Column Of(IProperty property)
    {
        var converter = property.GetTypeMapping().Converter;
        var stored = Nullable.GetUnderlyingType(converter?.ProviderClrType ?? property.ClrType) ?? converter?.ProviderClrType ?? property.ClrType;
        Func<object?, object?> fromProvider = converter is null ? v => v : converter.ConvertFromProvider;
        return new Column(Getter(stored), fromProvider, Setter(property), property.IsNullable);
    }

    /// <summary>The reader's typed getter for the stored type: SQLite's text dates and integer flags read as the model stores them.</summary>
    private static Func<DbDataReader, int, object> Getter(Type stored) => stored switch
    {
        _ when stored == typeof(long) => (r, i) => r.GetInt64(i),
        _ when stored == typeof(int) => (r, i) => r.GetInt32(i),
        _ when stored == typeof(string) => (r, i) => r.GetString(i),
        _ when stored == typeof(DateTime) => (r, i) => r.GetDateTime(i),
        _ when stored == typeof(bool) => (r, i) => r.GetBoolean(i),
        _ when stored == typeof(double) => (r, i) => r.GetDouble(i),
        _ when stored == typeof(decimal) => (r, i) => r.GetDecimal(i),
        _ when stored == typeof(Guid) => (r, i) => r.GetGuid(i),
        _ when stored == typeof(byte[]) => (r, i) => r.GetFieldValue<byte[]>(i),
        _ => throw new NotSupportedException($"No reader for a column stored as {stored.Name}."),
    };

    /// <summary>EF Core sets a property through its setter, private or not, or else its backing field.</summary>
    private static Action<object, object?> Setter(IProperty property)
    {
        if (property.PropertyInfo?.GetSetMethod(nonPublic: true) is { } setter) return (entity, value) => setter.Invoke(entity, [value]);
        if (property.FieldInfo is FieldInfo field) return field.SetValue;
        throw new NotSupportedException($"{typeof(T).Name}.{property.Name} has no setter or backing field.");
    }

    /// <summary>The entity from the row's columns starting at <paramref name="offset"/> (untracked, as AsNoTracking reads it).</summary>
    public T Read(DbDataReader reader, int offset)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var entity = (T)Activator.CreateInstance(typeof(T), nonPublic: true)!;
        for (var i = 0; i < _columns.Length; i++)
        {
            var column = _columns[i];
            var value = reader.IsDBNull(offset + i) ? null : column.FromProvider(column.Get(reader, offset + i));
            if (value is null && !column.Nullable) throw new InvalidOperationException($"{typeof(T).Name}'s column {i} is null.");
            column.Set(entity, value);
        }
        return entity;
    }
}
