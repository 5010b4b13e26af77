using Dapper;
using Rules.Host.Storage;

namespace Rules.Host.Audit;

/// <summary>
/// The durable audit trail. <see cref="Write"/> returns only once the record is committed, so callers
/// write before they respond: a response that carried a code or token always has its record. Every entry is appended
/// to the store's hash chain (<see cref="AuditChain"/>) in the transaction that writes it.
/// </summary>
public sealed class AuditLog(Database database)
{
    public void Write(AuditEntry entry) => database.Write(writes => Write(writes, entry));

    /// <summary>
    /// Writes the entry inside a transaction that other records of the same event share. It takes the chain's head
    /// until that transaction commits, so callers write it last: other instances' appends wait for the commit.
    /// </summary>
    public void Write(Writes writes, AuditEntry entry)
    {
        var stored = new StoredEntry
        {
            LogId = entry.LogId,
            Date = JsonColumns.Timestamp(entry.Date),
            Type = entry.Type,
            Description = entry.Description,
            ClientId = entry.ClientId,
            ClientName = entry.ClientName,
            UserId = entry.UserId,
            UserName = entry.UserName,
            ImpersonatorId = entry.ImpersonatorId,
            ImpersonatorEmail = entry.ImpersonatorEmail,
            Ip = entry.Ip,
            UserAgent = entry.UserAgent,
            Details = JsonColumns.Write(entry.Details),
        };
        var previous = AuditChain.TakeHead(writes.Connection, writes.Transaction);
        var hash = AuditChain.Hash(previous, stored);
        // One round trip for the row and the new head.
        writes.Connection.Execute("""
            INSERT INTO audit_log(log_id, date, type, description, client_id, client_name, user_id, user_name,
                                  impersonator_id, impersonator_email, ip, user_agent, details, prev_hash, hash)
            VALUES (@LogId, @Date, @Type, @Description, @ClientId, @ClientName, @UserId, @UserName,
                    @ImpersonatorId, @ImpersonatorEmail, @Ip, @UserAgent, @Details, @PrevHash, @Hash);
            UPDATE audit_chain SET head = @Hash WHERE id = 1;
            """, stored with { PrevHash = previous, Hash = hash }, writes.Transaction);
    }
}
