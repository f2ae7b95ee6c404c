using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Enrollment.Testing;

/// <summary>Reads a SQLite file as SQLite itself reports it, without EF: schema and rows.</summary>
public static class SqliteFile
{
    private const string OwnTables = "name NOT IN ('__EFMigrationsHistory', '__EFMigrationsLock', 'sqlite_sequence')";

    /// <summary>Every table's columns, keys, foreign keys and indexes.</summary>
    public static List<string> Schema(string path)
    {
        using var connection = Open(path);
        var lines = new List<string>();
        foreach (var table in Query(connection, $"SELECT name FROM sqlite_master WHERE type = 'table' AND {OwnTables} ORDER BY name"))
        {
            lines.AddRange(Query(connection, $"SELECT '{table}.' || name || ' ' || type || ' notnull=' || \"notnull\" || ' pk=' || pk || ' default=' || ifnull(dflt_value, '') FROM pragma_table_info('{table}') ORDER BY name"));
            lines.AddRange(Query(connection, $"SELECT '{table} fk ' || \"from\" || '->' || \"table\" || '.' || \"to\" || ' ' || on_delete FROM pragma_foreign_key_list('{table}') ORDER BY \"from\""));
            lines.AddRange(Query(connection, $"SELECT '{table} index ' || il.name || ' unique=' || il.\"unique\" || ' (' || (SELECT group_concat(name, ',') FROM pragma_index_info(il.name)) || ')' FROM pragma_index_list('{table}') il ORDER BY il.name"));
        }
        return lines;
    }

    /// <summary>Every row of every table, each as "column=value|..." text, by table.</summary>
    public static Dictionary<string, List<string>> Rows(string path)
    {
        using var connection = Open(path);
        var rows = new Dictionary<string, List<string>>();
        foreach (var table in Query(connection, $"SELECT name FROM sqlite_master WHERE type = 'table' AND {OwnTables} ORDER BY name"))
        {
            using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            using var reader = command.ExecuteReader();
            var lines = new List<string>();
            while (reader.Read())
            {
                lines.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => $"{reader.GetName(i)}={Text(reader.GetValue(i))}")));
            }
            rows[table] = lines;
        }
        return rows;
    }

    private static string Text(object value) => value switch
    {
        DBNull => "null",
        byte[] bytes => Convert.ToHexString(bytes),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static SqliteConnection Open(string path)
    {
        var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        return connection;
    }

    private static List<string> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }
        return rows;
    }
}
