using System.Security.Cryptography;
using System.Text;
using Dapper;
using Rules.Host.Storage;
using Rules.Host.Tests.Http;

namespace Rules.Host.Tests.Hostile;

/// <summary>
/// What a refused request must not change: the row counts of the tables a login or the Management API writes, and the
/// full contents of the tenant's users, rules and configuration (a count would miss an update in place).
/// The audit log is left out on purpose: recording a refused attempt is what it is for.
/// </summary>
internal sealed record DatabaseSnapshot(IReadOnlyDictionary<string, string> Tables)
{
    private static readonly string[] Counted = ["impersonation_links", "authorization_codes", "sessions"];
    private static readonly string[] Digested = ["users", "rules", "rules_configs"];

    public static DatabaseSnapshot Take(HostHarness harness)
    {
        using var connection = harness.Service<Database>().Open();
        var tables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var table in Counted)
        {
            tables[table] = connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table}") + " rows";
        }
        foreach (var table in Digested)
        {
            var rows = connection.Query($"SELECT * FROM {table} ORDER BY 1") // each table's primary key, on either store
                .Select(row => string.Join("\u001f", ((IDictionary<string, object?>)row).Select(c => $"{c.Key}={c.Value}")));
            var all = string.Join("\u001e", rows);
            tables[table] = $"{connection.ExecuteScalar<long>($"SELECT COUNT(*) FROM {table}")} rows, sha256 {Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(all)))[..16]}";
        }
        return new DatabaseSnapshot(tables);
    }
}
