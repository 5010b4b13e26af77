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
/// Reads the audit trail (audit_log) as Auth0 log events, newest first. <c>q</c> is Auth0's log search as far as it
/// maps to our data (<see cref="SearchQuery"/>): <c>field:value</c> on the <see cref="Fields"/> (ids and type exact,
/// names and emails ignoring case, description containing the words; a trailing * makes any of them a prefix),
/// <c>date:[2026-01-01 TO 2026-01-31]</c> or <c>date:&gt;=2026-01-01</c>, and bare terms matched anywhere in the
/// description, user, client, impersonator and ip. Every value travels as a parameter.
/// </summary>
public sealed class AuditLogSearch(Database database)
{
    private enum Match
    {
        Exact,
        IgnoringCase,
        Contains,
    }

    // Field name in q → column, and how a value matches it. impersonator.user_id and impersonator.email are the paths of
    // the log event's impersonator object; impersonator_id is kept for the searches written before them.
    private static readonly Dictionary<string, (string Column, Match Match)> SearchableFields = new(StringComparer.Ordinal)
    {
        ["type"] = ("type", Match.Exact),
        ["user_id"] = ("user_id", Match.Exact),
        ["user_name"] = ("user_name", Match.IgnoringCase),
        ["client_id"] = ("client_id", Match.Exact),
        ["client_name"] = ("client_name", Match.IgnoringCase),
        ["impersonator.user_id"] = ("impersonator_id", Match.Exact),
        ["impersonator.email"] = ("impersonator_email", Match.IgnoringCase),
        ["impersonator_id"] = ("impersonator_id", Match.Exact),
        ["ip"] = ("ip", Match.Exact),
        ["log_id"] = ("log_id", Match.Exact),
        ["description"] = ("description", Match.Contains),
    };

    /// <summary>The field names <c>q</c> accepts, as the 400 lists them.</summary>
    public static readonly IReadOnlyCollection<string> Fields = [.. SearchableFields.Keys, "date"];

    private static readonly IReadOnlyCollection<string> DateFields = ["date"];

    /// <summary>Parses a <c>q</c>: the query, or what was not understood in it.</summary>
    public static (SearchQuery? Query, string? Error) ParseQuery(string? q) => SearchQuery.Parse(q, Fields, DateFields);

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
            clauses.Add(QueryClause(filter.Query, parameters, sql));
        }
        return (string.Join(" AND ", clauses), parameters);
    }

    private static string QueryClause(string query, DynamicParameters parameters, SqlDialect sql)
    {
        var (parsed, error) = ParseQuery(query);
        if (parsed is null)
        {
            // The endpoints answer 400 before searching; a caller that skipped ParseQuery gets no silently empty result.
            throw new ArgumentException($"q could not be read: {error}", nameof(query));
        }
        var clauses = new List<string>();
        foreach (var (term, index) in parsed.Terms.Select((t, i) => (t, i)))
        {
            var name = $"q{index}";
            if (term.IsRange)
            {
                if (term.From is { } from)
                {
                    clauses.Add($"date >= @{name}from");
                    parameters.Add(name + "from", JsonColumns.Timestamp(from));
                }
                if (term.To is { } to)
                {
                    clauses.Add($"date <= @{name}to");
                    parameters.Add(name + "to", JsonColumns.Timestamp(to));
                }
                continue;
            }
            if (term.Field is null)
            {
                parameters.Add(name, "%" + SqlDialect.EscapeLike(term.Value) + "%");
                parameters.Add(name + "type", term.Value);
                var matches = new[] { "description", "user_id", "user_name", "client_id", "client_name", "impersonator_id", "impersonator_email", "ip" }
                    .Select(column => sql.LikeIgnoringCase(column, "@" + name));
                clauses.Add($"({string.Join(" OR ", matches)} OR type = @{name}type)");
                continue;
            }
            var (column, match) = SearchableFields[term.Field];
            if (term.Prefix)
            {
                parameters.Add(name, (match == Match.Contains ? "%" : "") + SqlDialect.EscapeLike(term.Value) + "%");
                clauses.Add(sql.LikeIgnoringCase(column, "@" + name));
                continue;
            }
            switch (match)
            {
                case Match.Exact:
                    parameters.Add(name, term.Value);
                    clauses.Add($"{column} = @{name}");
                    break;
                case Match.IgnoringCase:
                    parameters.Add(name, SqlDialect.EscapeLike(term.Value));
                    clauses.Add(sql.LikeIgnoringCase(column, "@" + name));
                    break;
                case Match.Contains:
                    parameters.Add(name, "%" + SqlDialect.EscapeLike(term.Value) + "%");
                    clauses.Add(sql.LikeIgnoringCase(column, "@" + name));
                    break;
            }
        }
        return clauses.Count == 0 ? "1 = 1" : $"({string.Join(" AND ", clauses)})";
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
