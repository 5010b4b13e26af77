using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Rules.Soak;

/// <summary>What the audit trail holds for the soak's logins and code exchanges, matched against what the load was handed.</summary>
public sealed record AuditReconciliation(int LoginEntries, int ExchangeEntries, int RedemptionsWithoutEntry)
{
    /// <summary>
    /// Reads the server's database read-only (WAL lets it do so while the server runs). The data directory is the soak's
    /// own, so every successful login ('s') and code exchange ('seacft') in it came from the load.
    /// </summary>
    public static AuditReconciliation Read(string dataDirectory, IReadOnlyCollection<string> redeemedLinkIds)
    {
        var connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(dataDirectory, "rules.db"),
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
        }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        return Count(connection, "json_extract(details, '$.link_id')", redeemedLinkIds);
    }

    /// <summary>The same counts from a shared PostgreSQL (details is JSON text there too). The database must be the run's own.</summary>
    public static AuditReconciliation ReadPostgres(string connectionString, IReadOnlyCollection<string> redeemedLinkIds)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        return Count(connection, "details::jsonb ->> 'link_id'", redeemedLinkIds);
    }

    private static AuditReconciliation Count(DbConnection connection, string linkIdExpression, IReadOnlyCollection<string> redeemedLinkIds)
    {
        var loggedLinks = new HashSet<string>(StringComparer.Ordinal);
        var loginEntries = 0;
        using (var logins = connection.CreateCommand())
        {
            logins.CommandText = $"SELECT {linkIdExpression} FROM audit_log WHERE type = 's'";
            using var reader = logins.ExecuteReader();
            while (reader.Read())
            {
                loginEntries++;
                loggedLinks.Add(reader.IsDBNull(0) ? "" : reader.GetString(0));
            }
        }
        using var exchanges = connection.CreateCommand();
        exchanges.CommandText = "SELECT COUNT(*) FROM audit_log WHERE type = 'seacft'";
        var exchangeEntries = Convert.ToInt32(exchanges.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);

        return new AuditReconciliation(loginEntries, exchangeEntries, redeemedLinkIds.Count(id => !loggedLinks.Contains(id)));
    }
}
