using System.Data;
using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Rules.Host.Audit;

/// <summary>
/// The hash chain that makes the audit trail tamper-evident: each entry stores the hash of the entry before it
/// (<c>prev_hash</c>) and its own <c>hash</c> = SHA-256 over that previous hash and the entry's stored columns. There is
/// one chain per store; its head (the last hash and the number of entries) is the single row of <c>audit_chain</c>.
/// An append locks that row first (PostgreSQL: the UPDATE's row lock, held to the commit; SQLite: its only writer), so
/// appends from every instance are serialised in one order, and entries are numbered (<c>seq</c>) in that same order.
/// </summary>
public static class AuditChain
{
    /// <summary>The "previous hash" of the first entry.</summary>
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    /// <summary>The stored columns, in the order they are hashed.</summary>
    public const string HashedColumns = "log_id, date, type, description, client_id, client_name, user_id, user_name, impersonator_id, impersonator_email, ip, user_agent, details";

    /// <summary>
    /// SHA-256 (lower-case hex) over the UTF-8 of <c>prev_hash</c> followed, for each hashed column in order, by
    /// <c>"\n"</c> and either <c>"-"</c> (null) or the value's UTF-8 byte length, <c>":"</c> and the value as stored. Length
    /// prefixes make it unambiguous and easy to recompute in any language (docs/operations.md), e.g. by a SIEM from an export.
    /// </summary>
    public static string Hash(string previousHash, StoredEntry entry)
    {
        string?[] columns =
        [
            entry.LogId, entry.Date, entry.Type, entry.Description, entry.ClientId, entry.ClientName, entry.UserId, entry.UserName,
            entry.ImpersonatorId, entry.ImpersonatorEmail, entry.Ip, entry.UserAgent, entry.Details,
        ];
        var text = new StringBuilder(previousHash, 512);
        foreach (var column in columns)
        {
            text.Append('\n');
            if (column is null)
            {
                text.Append('-');
            }
            else
            {
                text.Append(Encoding.UTF8.GetByteCount(column).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(':').Append(column);
            }
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    /// <summary>
    /// Takes the chain's head for this transaction (locking it until the commit) and counts the entry about to be
    /// appended: returns the hash to chain from.
    /// </summary>
    public static string TakeHead(IDbConnection connection, IDbTransaction transaction) =>
        connection.QuerySingle<string>("UPDATE audit_chain SET entries = entries + 1 WHERE id = 1 RETURNING head", transaction: transaction);

    /// <summary>
    /// Chains the entries a store held before it had a chain, in the order they were written: run once, by the
    /// migration that adds the chain, in that migration's transaction.
    /// </summary>
    public static void ChainExisting(IDbConnection connection, IDbTransaction transaction)
    {
        var previous = Genesis;
        var entries = 0L;
        var rows = connection.Query<StoredEntry>($"SELECT seq AS Seq, {StoredEntry.Select} FROM audit_log ORDER BY seq", transaction: transaction).ToList();
        foreach (var row in rows)
        {
            var hash = Hash(previous, row);
            connection.Execute("UPDATE audit_log SET prev_hash = @previous, hash = @hash WHERE seq = @Seq", new { previous, hash, row.Seq }, transaction);
            previous = hash;
            entries++;
        }
        connection.Execute("INSERT INTO audit_chain(id, entries, head) VALUES (1, @entries, @previous)", new { entries, previous }, transaction);
    }
}

/// <summary>An audit_log row as stored: the text that is hashed, exactly as in the columns.</summary>
public sealed record StoredEntry
{
    /// <summary>The select list that maps onto this record (Dapper), in hashing order.</summary>
    public const string Select = "log_id AS LogId, date AS Date, type AS Type, description AS Description, client_id AS ClientId, client_name AS ClientName, "
        + "user_id AS UserId, user_name AS UserName, impersonator_id AS ImpersonatorId, impersonator_email AS ImpersonatorEmail, ip AS Ip, "
        + "user_agent AS UserAgent, details AS Details, prev_hash AS PrevHash, hash AS Hash";

    public long Seq { get; init; }
    public string LogId { get; init; } = "";
    public string Date { get; init; } = "";
    public string Type { get; init; } = "";
    public string? Description { get; init; }
    public string? ClientId { get; init; }
    public string? ClientName { get; init; }
    public string? UserId { get; init; }
    public string? UserName { get; init; }
    public string? ImpersonatorId { get; init; }
    public string? ImpersonatorEmail { get; init; }
    public string? Ip { get; init; }
    public string? UserAgent { get; init; }
    public string Details { get; init; } = "{}";
    public string? PrevHash { get; init; }
    public string? Hash { get; init; }
}
