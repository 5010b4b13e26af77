using Dapper;
using Rules.Host.Storage;

namespace Rules.Host.Audit;

/// <summary>
/// The durable audit trail. <see cref="Write"/> returns only once the record is committed, so callers
/// write before they respond: a response that carried a code or token always has its record.
/// </summary>
public sealed class AuditLog(Database database)
{
    public void Write(AuditEntry entry) => database.Write(writes => Write(writes, entry));

    /// <summary>Writes the entry inside a transaction that other records of the same event share.</summary>
    public void Write(Writes writes, AuditEntry entry)
    {
        writes.Connection.Execute("""
            INSERT INTO audit_log(log_id, date, type, description, client_id, client_name, user_id, user_name,
                                  impersonator_id, impersonator_email, ip, user_agent, details)
            VALUES (@LogId, @Date, @Type, @Description, @ClientId, @ClientName, @UserId, @UserName,
                    @ImpersonatorId, @ImpersonatorEmail, @Ip, @UserAgent, @Details)
            """, new
        {
            entry.LogId,
            Date = JsonColumns.Timestamp(entry.Date),
            entry.Type,
            entry.Description,
            entry.ClientId,
            entry.ClientName,
            entry.UserId,
            entry.UserName,
            entry.ImpersonatorId,
            entry.ImpersonatorEmail,
            entry.Ip,
            entry.UserAgent,
            Details = JsonColumns.Write(entry.Details),
        }, writes.Transaction);
    }
}
