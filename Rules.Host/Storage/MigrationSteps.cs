using System.Data;

namespace Rules.Host.Storage;

/// <summary>
/// Work a schema version does in code rather than SQL (hashing, say), run by both stores' <c>Migrate</c> right after
/// that version's SQL and in the same transaction, so the version is applied whole or not at all.
/// </summary>
internal static class MigrationSteps
{
    /// <summary>The version that adds the audit chain; its step chains the entries already stored.</summary>
    public const long AuditChain = 5;

    public static void After(long version, IDbConnection connection, IDbTransaction transaction)
    {
        if (version == AuditChain)
        {
            Audit.AuditChain.ChainExisting(connection, transaction);
        }
    }
}
