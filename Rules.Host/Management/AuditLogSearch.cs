using System.Text.Json.Nodes;
using Dapper;
using Rules.Host.Storage;

namespace Rules.Host.Management;

/// <summary>
/// The filters of GET /api/v2/logs. Dates are inclusive; a null filter does not restrict. <see cref="Outcome"/>
/// ("allow" or "deny", used by the Dashboard) keeps the entries whose rules decided that way (details.decision).
/// </summary>
public sealed record LogFilter(
    string? UserId = null,
    string? ImpersonatorId = null,
    string? ClientId = null,
    string? Type = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    string? Query = null,
    string? Outcome = null);

/// <summary>
/// Reads the audit trail (audit_log) as Auth0 log events, newest first. <c>q</c> is a reduced form of Auth0's log
/// search: <c>field:value</c> on type, user_id, user_name, client_id, client_name, impersonator_id, ip or log_id
/// (exact; a trailing * makes it a prefix), or a bare term matched anywhere in the description, user, client,
/// impersonator and ip. Every value travels as a parameter.
/// </summary>
public sealed class AuditLogSearch(Database database)
{
    private static readonly Dictionary<string, string> SearchableFields = new(StringComparer.Ordinal)
    {
        ["type"] = "type",
        ["user_id"] = "user_id",
        ["user_name"] = "user_name",
        ["client_id"] = "client_id",
        ["client_name"] = "client_name",
        ["impersonator_id"] = "impersonator_id",
        ["ip"] = "ip",
        ["log_id"] = "log_id",
    };

    public (IReadOnlyList<JsonObject> Logs, int Total) Find(LogFilter filter, int page, int perPage)
    {
        var (where, parameters) = ToSql(filter, database.Sql);
        parameters.Add("limit", perPage);
        parameters.Add("offset", page * perPage);
        using var connection = database.Open();
        var total = connection.ExecuteScalar<int>($"SELECT COUNT(*) FROM audit_log WHERE {where}", parameters);
        var logs = connection.Query<AuditRow>($"SELECT * FROM audit_log WHERE {where} ORDER BY date DESC, seq DESC LIMIT @limit OFFSET @offset", parameters)
            .Select(r => r.ToLogEvent()).ToArray();
        return (logs, total);
    }

    public JsonObject? Get(string logId)
    {
        using var connection = database.Open();
        return connection.QuerySingleOrDefault<AuditRow>("SELECT * FROM audit_log WHERE log_id = @logId", new { logId })?.ToLogEvent();
    }

    public static (string Where, DynamicParameters Parameters) ToSql(LogFilter filter, SqlDialect sql)
    {
        var clauses = new List<string> { "1 = 1" };
        var parameters = new DynamicParameters();
        void Equal(string column, string? value)
        {
            if (value is not null)
            {
                clauses.Add($"{column} = @{column}");
                parameters.Add(column, value);
            }
        }

        Equal("user_id", filter.UserId);
        Equal("impersonator_id", filter.ImpersonatorId);
        Equal("client_id", filter.ClientId);
        Equal("type", filter.Type);
        if (filter.From is { } from)
        {
            clauses.Add("date >= @from");
            parameters.Add("from", JsonColumns.Timestamp(from));
        }
        if (filter.To is { } to)
        {
            clauses.Add("date <= @to");
            parameters.Add("to", JsonColumns.Timestamp(to));
        }
        if (filter.Outcome is { } outcome)
        {
            clauses.Add($"{sql.JsonText("details", "decision")} = @outcome");
            parameters.Add("outcome", outcome);
        }
        if (!string.IsNullOrWhiteSpace(filter.Query))
        {
            clauses.Add(QueryClause(filter.Query.Trim(), parameters, sql));
        }
        return (string.Join(" AND ", clauses), parameters);
    }

    private static string QueryClause(string query, DynamicParameters parameters, SqlDialect sql)
    {
        var colon = query.IndexOf(':');
        if (colon > 0 && SearchableFields.TryGetValue(query[..colon], out var column))
        {
            var value = query[(colon + 1)..].Trim().Trim('"');
            if (value.EndsWith('*'))
            {
                parameters.Add("q", SqlDialect.EscapeLike(value[..^1]) + "%");
                return sql.LikeIgnoringCase(column, "@q");
            }
            parameters.Add("q", value);
            return $"{column} = @q";
        }

        parameters.Add("q", "%" + SqlDialect.EscapeLike(query.Trim('"').TrimEnd('*')) + "%");
        parameters.Add("qType", query.Trim('"'));
        var matches = new[] { "description", "user_id", "user_name", "client_id", "client_name", "impersonator_id", "impersonator_email", "ip" }
            .Select(column => sql.LikeIgnoringCase(column, "@q"));
        return $"({string.Join(" OR ", matches)} OR type = @qType)";
    }

    // Dapper maps by column name; the storage shape only.
    private sealed record AuditRow(long seq, string log_id, string date, string type, string? description, string? client_id, string? client_name,
        string? user_id, string? user_name, string? impersonator_id, string? impersonator_email, string? ip, string? user_agent, string details,
        string? prev_hash, string? hash)
    {
        /// <summary>Auth0's log event shape; absent values are left out, as Auth0 does.</summary>
        public JsonObject ToLogEvent()
        {
            var entry = new JsonObject
            {
                ["log_id"] = log_id,
                ["date"] = JsonColumns.ReadTimestamp(date).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'"),
                ["type"] = type,
            };
            void Add(string name, string? value)
            {
                if (value is not null) entry[name] = value;
            }
            Add("description", description);
            Add("client_id", client_id);
            Add("client_name", client_name);
            Add("user_id", user_id);
            Add("user_name", user_name);
            Add("ip", ip);
            Add("user_agent", user_agent);
            entry["details"] = JsonColumns.ReadObject(details);
            // The audit chain (docs/operations.md): a SIEM can check each event against the one before it.
            Add("prev_hash", prev_hash);
            Add("hash", hash);
            if (impersonator_id is not null)
            {
                entry["impersonator"] = new JsonObject { ["user_id"] = impersonator_id, ["email"] = impersonator_email };
            }
            return entry;
        }
    }
}
