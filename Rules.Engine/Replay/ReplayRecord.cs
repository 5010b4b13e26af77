using System.Text.Json;
using System.Text.Json.Nodes;
using Rules.Engine.Pipeline;
using Rules.Engine.Runtime;

namespace Rules.Engine.Replay;

/// <summary>
/// One login to replay: a decision-log record (<c>{ id, date, kind, ruleSetVersion, transaction, outcome }</c>)
/// or a plain transaction (<c>{ user, context, now }</c>, optionally with <c>id</c> and <c>outcome</c>).
/// See docs/replay.md and docs/decision-log.schema.json.
/// </summary>
public sealed record ReplayRecord(string Source, long Line, string? Id, LoginTransaction Transaction, JsonObject? RecordedOutcome)
{
    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = 64 };

    /// <summary>
    /// Writes a decision-log record, the shape <see cref="Parse"/> reads: the transaction as the rules saw it
    /// (configuration is not part of it, so no secrets), its clock, the rule-set version and the outcome.
    /// The host's decision log and the sample-log generator both write through here.
    /// </summary>
    public static JsonObject CreateDecisionRecord(string decisionId, string kind, DateTimeOffset date, LoginTransaction transaction, Outcome outcome) => new()
    {
        ["id"] = decisionId,
        ["date"] = date.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture),
        ["kind"] = kind,
        ["ruleSetVersion"] = outcome.RuleSetVersion,
        ["transaction"] = TransactionJson.ToJson(transaction),
        ["outcome"] = OutcomeJson.ToJsonObject(outcome),
    };

    /// <summary>The Math.random seed: derived from the record's id (or its place in the log), never from the run.</summary>
    public ulong Seed => SeededRandom.Hash(Id ?? $"line:{Line}");

    /// <exception cref="ReplayFormatException">The text is not a record; the message names what is wrong.</exception>
    public static ReplayRecord Parse(ReplayInput input)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(input.Text, documentOptions: DocumentOptions);
        }
        catch (JsonException e)
        {
            throw new ReplayFormatException($"not valid JSON ({e.Message.Split(". ")[0]})");
        }

        if (root is not JsonObject obj)
        {
            throw new ReplayFormatException("expected a JSON object (a decision-log record or a transaction)");
        }

        var id = obj["id"] is JsonValue idValue && idValue.TryGetValue<string>(out var text) ? text : null;
        var transactionNode = obj["transaction"] ?? (obj.ContainsKey("user") ? obj : null);
        if (transactionNode is null)
        {
            throw new ReplayFormatException("has neither \"transaction\" (a decision-log record) nor \"user\" (a transaction)");
        }

        LoginTransaction transaction;
        try
        {
            transaction = TransactionJson.FromNode(transactionNode, "transaction");
        }
        catch (TransactionFormatException e)
        {
            throw new ReplayFormatException(e.Message);
        }

        JsonObject? outcome = null;
        switch (obj["outcome"])
        {
            case null:
                break;
            case JsonObject o when o["decision"] is JsonValue d && d.TryGetValue<string>(out var decision) && decision is "allow" or "deny" or "redirect":
                outcome = o;
                break;
            default:
                throw new ReplayFormatException("\"outcome\" must be an outcome object with \"decision\": \"allow\", \"deny\" or \"redirect\"");
        }

        return new ReplayRecord(input.Source, input.Line, id, transaction, outcome);
    }
}

/// <summary>A record that is not a decision-log record or a transaction; the message names what is wrong with it.</summary>
/// <param name="message">What is wrong, in one line.</param>
public sealed class ReplayFormatException(string message) : Exception(message);
