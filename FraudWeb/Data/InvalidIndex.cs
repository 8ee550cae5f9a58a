namespace FraudWeb.Data;

/// <summary>
/// PostgreSQL: a CREATE INDEX CONCURRENTLY that failed part-way leaves the index behind, marked invalid (never used by
/// queries, still updated by every write). The migrations that build an index concurrently with IF NOT EXISTS drop such a
/// leftover first, so running the migration again builds it (docs/decisions/0029).
/// </summary>
public static class InvalidIndex
{
    /// <summary>Drops the index <paramref name="name"/> in the public schema if it exists and is invalid; nothing otherwise.</summary>
    public static string DropSql(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Contains('\'', StringComparison.Ordinal) || name.Contains('"', StringComparison.Ordinal)) throw new ArgumentException("An index name without quotes.", nameof(name));
        return $"""
            DO $invalid$
            BEGIN
                IF EXISTS (SELECT 1 FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
                           WHERE n.nspname = 'public' AND c.relname = '{name}' AND NOT i.indisvalid) THEN
                    DROP INDEX "public"."{name}";
                END IF;
            END
            $invalid$;
            """;
    }
}
