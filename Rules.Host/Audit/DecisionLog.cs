using System.Text.Json.Nodes;
using Dapper;
using Rules.Engine.Pipeline;
using Rules.Engine.Replay;
using Rules.Host.Storage;

namespace Rules.Host.Audit;

/// <summary>
/// Every pipeline decision the host makes, as the record <c>rules replay</c> reads: the transaction exactly
/// as the rules saw it (configuration is never part of it, so no secrets), its clock, the rule-set version
/// and the outcome. One JSON object per record; exported as JSONL, oldest first.
/// </summary>
public sealed class DecisionLog(Database database)
{
    public static JsonObject CreateRecord(string decisionId, string kind, DateTimeOffset date, LoginTransaction transaction, Outcome outcome) =>
        ReplayRecord.CreateDecisionRecord(decisionId, kind, date, transaction, outcome);

    public void Write(JsonObject record, string? logId) => database.Write(writes => Write(writes, record, logId));

    /// <summary>Writes the record inside the transaction that also writes its login's audit entry.</summary>
    public void Write(Writes writes, JsonObject record, string? logId)
    {
        writes.Connection.Execute("INSERT INTO decision_log(decision_id, log_id, date, record) VALUES (@id, @logId, @date, @record)", new
        {
            id = record["id"]!.GetValue<string>(),
            logId,
            date = record["date"]!.GetValue<string>(),
            record = JsonColumns.Write(record),
        }, writes.Transaction);
    }

    public JsonObject? Get(string decisionId)
    {
        using var connection = database.Open();
        var record = connection.QuerySingleOrDefault<string>("SELECT record FROM decision_log WHERE decision_id = @decisionId", new { decisionId });
        return record is null ? null : JsonColumns.ReadObject(record);
    }

    /// <summary>Streams records in insertion order without loading them all: one row at a time from SQLite.</summary>
    public IEnumerable<string> ExportJsonLines(DateTimeOffset? from = null, DateTimeOffset? to = null)
    {
        using var connection = database.Open();
        var rows = connection.Query<string>(
            "SELECT record FROM decision_log WHERE (@from IS NULL OR date >= @from) AND (@to IS NULL OR date <= @to) ORDER BY seq",
            new { from = from is { } f ? JsonColumns.Timestamp(f) : null, to = to is { } t ? JsonColumns.Timestamp(t) : null },
            buffered: false);
        foreach (var row in rows)
        {
            yield return row;
        }
    }
}
