using System.Data.Common;
using System.Globalization;
using System.Text;
using Microsoft.EntityFrameworkCore;

namespace FraudWeb.Tests.Web.Infrastructure;

/// <summary>What the app's database holds, read on either provider (SQLite file or PostgreSQL database).</summary>
public static class StoredData
{
    /// <summary>"Table.Column" for every column of every application table.</summary>
    public static Task<List<string>> ColumnsAsync(FraudWebFactory factory) =>
        factory.QueryAsync(db => ReadAsync(db, db.Database.IsNpgsql()
            ? "SELECT table_name || '.' || column_name FROM information_schema.columns WHERE table_schema = 'public'"
            : "SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"));

    /// <summary>Every value of every row of every table as text, one row per line.</summary>
    public static Task<string> DumpAsync(FraudWebFactory factory) =>
        factory.QueryAsync(async db =>
        {
            var tables = await ReadAsync(db, db.Database.IsNpgsql()
                ? "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'");
            var dump = new StringBuilder();
            var connection = db.Database.GetDbConnection();
            foreach (var table in tables)
            {
                await using var select = connection.CreateCommand();
                select.CommandText = $"SELECT * FROM \"{table}\"";
                await using var reader = await select.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    for (var i = 0; i < reader.FieldCount; i++) dump.Append(reader.IsDBNull(i) ? "" : Text(reader.GetValue(i))).Append('|');
                    dump.AppendLine();
                }
            }
            return dump.ToString();
        });

    /// <summary>
    /// Everything stored, as raw as the provider allows: SQLite's files byte for byte (free pages and the WAL
    /// included, so a value deleted or overwritten still shows); on PostgreSQL every row's values.
    /// </summary>
    public static async Task<string> RawAsync(FraudWebFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        if (factory.PostgresDatabase is not null) return await DumpAsync(factory);
        var text = new StringBuilder();
        foreach (var file in Directory.GetFiles(factory.DataDirectory, "fraudweb.db*"))
        {
            await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var memory = new MemoryStream();
            await stream.CopyToAsync(memory);
            text.Append(Encoding.Latin1.GetString(memory.ToArray()));
        }
        return text.ToString();
    }

    /// <summary>One column's raw stored values (as the provider returns them), e.g. to check money is integer cents.</summary>
    public static Task<List<object>> RawValuesAsync(FraudWebFactory factory, string table, string column) =>
        factory.QueryAsync(async db =>
        {
            await db.Database.OpenConnectionAsync();
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = $"SELECT \"{column}\" FROM \"{table}\"";
            var values = new List<object>();
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync()) values.Add(reader.GetValue(0));
            return values;
        });

    private static string Text(object value) => value switch
    {
        byte[] bytes => Encoding.Latin1.GetString(bytes),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
    };

    private static async Task<List<string>> ReadAsync(DbContext db, string sql)
    {
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }
}
